//! `cox.zph(fit, transform = "km", terms = TRUE, singledf = FALSE, global = TRUE)`: R's test
//! of proportional hazards for a `coxph` fit (`sharestat_stats::cox::zph`).
//!
//! The fit remembers its call; the test runs it again on the data up to the risk sets (the
//! same rows, times and covariates, under the same disclosure rules), then evaluates the
//! test's sums once at the fitted coefficients. The time transform `g` is public: it is
//! computed from the opened event times, as R does, by `"km"` (one minus the
//! left-continuous Kaplan-Meier curve of all rows, R's default), `"rank"`, `"identity"` or
//! `"log"`; it is centred over the deaths and scaled to `[-1, 1]` (the statistic does not
//! change under a scaling of `g`). One test per term (`terms = TRUE`: a factor's indicators
//! together) or per coefficient, and the global test.
//!
//! **Reveals**, beyond the fit: the test's `k + k(k+1)` aggregate sums at the fitted
//! coefficients (hence the statistics); `singledf = TRUE` is refused by name. Each transform
//! weighs the deaths' Schoenfeld residuals differently, so with very few death times the
//! tests of several transforms (and the fit's zero score) could be solved for single deaths'
//! residuals: fewer than 20 distinct death times are refused.
use super::call::Args;
use super::cox::{CoxModel, chi2_p};
use super::value::{PrivTable, Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::{Expr, ExprKind};
use sharestat_stats::cox::{Covariate, CoxError, Ties, TimeGroup, cox_zph};

/// The fewest distinct death times `cox.zph` runs on (see [`Evaluator::zph_table`]).
const MIN_DEATH_TIMES: usize = 20;

/// What `cox.zph` asks of a rerun of the fit.
pub(crate) struct ZphArgs {
    /// The fit (its coefficients, names and call).
    pub fit: CoxModel,
    /// `"km"`, `"rank"`, `"identity"` or `"log"`.
    pub transform: String,
    /// One test per term (else per coefficient).
    pub terms: bool,
    /// Whether to add the global test.
    pub global: bool,
}

/// The rows of a fit rerun, sorted as the Cox pass wants them.
pub(crate) struct ZphData<'a> {
    pub groups: &'a [TimeGroup],
    pub n: usize,
    pub covs: &'a [Covariate],
    pub ties: Ties,
    /// Internal units per natural unit of each coefficient.
    pub unit: &'a [f64],
    /// Each sorted row's opened time code and event.
    pub times: &'a [(u64, bool)],
    /// Each term's label and its columns.
    pub term_cols: &'a [(String, Vec<usize>)],
    /// The covariates' names.
    pub names: &'a [String],
}

/// R's `rank()` of `x` (ties get the mean of their ranks).
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        for &k in &idx[i..=j] {
            r[k] = (i + j) as f64 / 2.0 + 1.0;
        }
        i = j + 1;
    }
    r
}

/// `1 − S(t−)` at each row's time: the left-continuous Kaplan-Meier curve of all rows (one
/// sort, then a sweep over the distinct times).
fn km_transform(times: &[(u64, bool)]) -> Vec<f64> {
    let mut sorted: Vec<(u64, bool)> = times.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    let mut distinct: Vec<u64> = Vec::new();
    let mut before = Vec::new();
    let mut s = 1.0;
    let mut i = 0;
    while i < n {
        let t = sorted[i].0;
        let at_risk = (n - i) as f64;
        let mut deaths = 0.0;
        while i < n && sorted[i].0 == t {
            deaths += f64::from(u8::from(sorted[i].1));
            i += 1;
        }
        distinct.push(t);
        before.push(s);
        s *= 1.0 - deaths / at_risk;
    }
    times
        .iter()
        .map(|r| 1.0 - before[distinct.binary_search(&r.0).unwrap_or(0)])
        .collect()
}

impl Evaluator<'_> {
    /// `cox.zph(...)`: reruns the fit's call with the test asked (see the module doc).
    pub(crate) fn cox_zph_call(
        &mut self,
        e: &Expr,
        a: &Args<'_>,
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        let x = a
            .get("fit")
            .ok_or_else(|| EvalError::at(e, "cox.zph(fit)"))?;
        let Value::Pub(Public::Cox(fit)) = self.eval_in(x, scope)? else {
            return Err(EvalError::at(x, "cox.zph() takes a coxph() fit"));
        };
        let transform = match a.get("transform").map(|t| (t, self.eval_in(t, scope))) {
            None => "km".to_owned(),
            Some((_, Ok(Value::Pub(Public::Str(s))))) if s.len() == 1 => {
                s[0].clone().unwrap_or_default()
            }
            Some((t, _)) => {
                return Err(EvalError::at(
                    t,
                    "transform is \"km\", \"rank\", \"identity\" or \"log\"",
                ));
            }
        };
        if !matches!(transform.as_str(), "km" | "rank" | "identity" | "log") {
            return Err(EvalError::at(
                a.get("transform").unwrap_or(e),
                format!(
                    "transform = {transform:?} is not available: use \"km\", \"rank\", \"identity\" or \"log\""
                ),
            ));
        }
        let terms = self.flag(a.get("terms"), scope, 1.0)? != 0.0;
        if self.flag(a.get("singledf"), scope, 0.0)? != 0.0 {
            return Err(EvalError::at(
                a.get("singledf").unwrap_or(e),
                "singledf = TRUE is not available (one test per term's coefficients is)",
            ));
        }
        let global = self.flag(a.get("global"), scope, 1.0)? != 0.0;
        let no_call = || EvalError::at(x, "cox.zph() needs the fit's coxph() call");
        let (src, calls) = *fit.source.clone().ok_or_else(no_call)?;
        let ExprKind::Call { args, .. } = &src.kind else {
            return Err(no_call());
        };
        let (coxph, matched) = calls.get(&src).cloned().ok_or_else(no_call)?;
        let ca = Args::new(coxph, args, &matched);
        let z = ZphArgs {
            fit: (*fit).clone(),
            transform,
            terms,
            global,
        };
        // The fit's own calls while it runs again (this program's spans are other calls').
        let outer = std::mem::replace(&mut self.calls, calls);
        let r = self.coxph_run(&src, &ca, None, Some(&z));
        self.calls = outer;
        r
    }

    /// The test's table from the rerun's rows (called by `coxph_run`).
    pub(crate) fn zph_table(&mut self, e: &Expr, z: &ZphArgs, d: &ZphData<'_>) -> Result<Value> {
        if d.names != z.fit.names.as_slice() {
            return Err(EvalError::at(
                e,
                "cox.zph: the data no longer give the fit's coefficients; fit the model again",
            ));
        }
        let codes: Vec<f64> = d.times.iter().map(|t| t.0 as f64).collect();
        let tt: Vec<f64> = match z.transform.as_str() {
            "km" => km_transform(d.times),
            "rank" => ranks(&codes),
            "log" => {
                if codes.iter().any(|c| *c <= 0.0) {
                    return Err(EvalError::at(
                        e,
                        "cox.zph: transform = \"log\" needs times above 0",
                    ));
                }
                codes.iter().map(|c| c.ln()).collect()
            }
            _ => codes,
        };
        // Centred over the deaths, scaled to [-1, 1]; one value per death time.
        let deaths: Vec<f64> = d
            .times
            .iter()
            .zip(&tt)
            .filter(|r| r.0.1)
            .map(|r| *r.1)
            .collect();
        let mean = deaths.iter().sum::<f64>() / deaths.len().max(1) as f64;
        let per_time: Vec<f64> = d
            .groups
            .iter()
            .filter(|g| g.deaths > 0)
            .map(|g| tt[g.start] - mean)
            .collect();
        // Each transform opens other weighted sums of the deaths' residuals; with few death
        // times a handful of transforms could be solved for single patients'.
        if per_time.len() < MIN_DEATH_TIMES {
            return Err(EvalError::at(
                e,
                format!(
                    "cox.zph needs at least {MIN_DEATH_TIMES} distinct death times ({} here): with \
                     fewer, the tests of several transforms could be solved for single patients' \
                     residuals",
                    per_time.len()
                ),
            ));
        }
        let top = per_time.iter().fold(0f64, |m, v| m.max(v.abs()));
        if top == 0.0 {
            return Err(EvalError::at(e, "cox.zph: every death is at the same time"));
        }
        let g: Vec<f64> = per_time.iter().map(|v| v / top).collect();
        let beta: Vec<f64> = z.fit.coef.iter().zip(d.unit).map(|(b, u)| b / u).collect();
        let sums =
            cox_zph(self.p, d.groups, d.n, d.covs, d.ties, &beta, &g).map_err(|err| match err {
                CoxError::Engine(m) => EvalError::Engine(m),
                other => EvalError::at(e, format!("cox.zph: {other}")),
            })?;
        let k = d.names.len();
        let mut rows: Vec<(String, Vec<usize>)> = if z.terms {
            d.term_cols.to_vec()
        } else {
            d.names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.clone(), vec![i]))
                .collect()
        };
        if z.global {
            rows.push(("GLOBAL".into(), (0..k).collect()));
        }
        let mut chisq = Vec::new();
        let mut df = Vec::new();
        let mut p = Vec::new();
        for (_, cols) in &rows {
            let t = sums
                .test(cols)
                .ok_or_else(|| EvalError::at(e, "cox.zph: the test's information is singular"))?;
            chisq.push(Some(t));
            df.push(Some(cols.len() as f64));
            p.push(Some(chi2_p(t, cols.len())));
        }
        Ok(Value::Pub(Public::Frame {
            labels: Some((String::new(), rows.into_iter().map(|r| r.0).collect())),
            columns: vec![("chisq".into(), chisq), ("df".into(), df), ("p".into(), p)],
            table: None,
        }))
    }
}
