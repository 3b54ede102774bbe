//! `coxph(Surv(time, event) ~ x1 + x2, data, ties = "efron")`: Cox regression (issue 6).
//!
//! Rows used (selected, every variable present) are shuffled together with their covariate
//! shares; only `(time, event)` is opened, as for `survfit` (the study must allow event times,
//! or the times are rounded up to its `event_time_grid` first),
//! so the covariates are never linked to a time. Sorted by time, the rows go to
//! `sharestat_stats::cox`, which runs Newton-Raphson on securely computed scores.
//!
//! Covariates: numeric (centred at their mean and scaled by a power of two near their standard
//! deviation), logical (`xTRUE`), and categorical (one indicator per level after the first,
//! named like R: `ecog_group` level `ecog2` is `ecog_groupecog2`; each level must pass
//! `min_cell`). **Reveals**, beyond the event times: `n`, the events, each numeric covariate's
//! mean and standard deviation, whether all of its values lie within 4, 8, 16 or 32 standard
//! deviations of the mean (a pass/fail bit per width tried), and per Newton-Raphson iteration
//! the score, information and log-likelihood: the coefficients, their covariance and `ℓ`.
//! Before the shuffle, the covariates' cross-products `XᵀX` over the rows used are opened
//! for the leverage rule (`max_leverage`, [`super::leverage`]), which opens one more bit.
use super::call::Args;
use super::htest::formula;
use super::strata::TIME_BITS;
use super::value::{Kind, PrivTable, PrivVec, Public, Value};
use super::zph::{ZphArgs, ZphData};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use sharestat_mpc::AShares;
use sharestat_stats::cox::{
    Covariate, CoxError, F, Ties, TimeGroup, coxph_fixed, dummy_covariate, numeric_covariate,
};
use sharestat_stats::linalg::invert;
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

/// A fitted Cox model (R's `coxph`).
#[derive(Clone, Debug, PartialEq)]
pub struct CoxModel {
    /// The call.
    pub call: String,
    /// Coefficient names.
    pub names: Vec<String>,
    /// Coefficients (log hazard ratios).
    pub coef: Vec<f64>,
    /// Their standard errors.
    pub se: Vec<f64>,
    /// Log partial likelihood at 0 and at the fit.
    pub loglik: [f64; 2],
    /// Score (log-rank) test statistic.
    pub score: f64,
    /// Wald test statistic.
    pub wald: f64,
    /// Rows used.
    pub n: u64,
    /// Rows left out for missing values, when every row of the data was a candidate (R's
    /// `na.action` line); `None` under a selection, whose size stays private.
    pub deleted: Option<u64>,
    /// Events.
    pub events: u64,
    /// Printed as R's `summary(fit)` (with hazard ratios, their limits and the three tests)
    /// rather than `print(fit)`.
    pub summary: bool,
    /// The `coxph(...)` call that made the fit, with the matched arguments of its calls,
    /// which `cox.zph` runs again.
    pub(crate) source: Option<Box<(Expr, crate::builtins::args::Calls)>>,
    /// `"efron"` or `"breslow"`.
    pub ties: String,
    /// Newton-Raphson iterations.
    pub iter: usize,
}

impl CoxModel {
    /// Two-sided normal p-value of each coefficient.
    pub fn p_values(&self) -> Vec<f64> {
        let normal = Normal::new(0.0, 1.0).expect("standard normal");
        self.coef
            .iter()
            .zip(&self.se)
            .map(|(b, s)| 2.0 * normal.cdf(-(b / s).abs()))
            .collect()
    }

    /// Likelihood ratio statistic, its degrees of freedom and p-value.
    pub fn lr_test(&self) -> (f64, usize, f64) {
        let df = self.coef.len();
        let chisq = 2.0 * (self.loglik[1] - self.loglik[0]);
        (chisq, df, chi2_p(chisq, df))
    }
}

/// Upper tail of the chi-square distribution.
pub(crate) fn chi2_p(x: f64, df: usize) -> f64 {
    ChiSquared::new(df as f64).map_or(f64::NAN, |c| c.sf(x.max(0.0)))
}

/// One covariate column to carry through the shuffle.
enum Col {
    /// Encoded numbers with `10^scale`.
    Num { name: String, scale: u32 },
    /// A 0/1 indicator, with the index of its term: the indicators of one term (the levels
    /// of a factor, or of an interaction of factors: `formula.rs` makes each as one level per
    /// factor) are never 1 on the same row.
    Dummy { name: String, term: usize },
}

impl Evaluator<'_> {
    pub(crate) fn coxph(
        &mut self,
        e: &Expr,
        a: &Args<'_>,
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        self.coxph_run(e, a, scope, None)
    }

    /// The fit, or with `zph` the rerun of a fit for `cox.zph` ([`super::zph`]): the same
    /// rows, times and covariates, then the test's sums at the fit's coefficients.
    pub(crate) fn coxph_run(
        &mut self,
        e: &Expr,
        a: &Args<'_>,
        scope: Option<&PrivTable>,
        zph: Option<&ZphArgs>,
    ) -> Result<Value> {
        let f = a
            .get("formula")
            .ok_or_else(|| EvalError::at(e, "coxph(formula, data)"))?;
        let (lhs, rhs) =
            formula(f).ok_or_else(|| EvalError::at(f, "expected Surv(time, event) ~ x1 + x2"))?;
        let (te, ee) = self.surv_terms(lhs)?;
        let ties = match a.get("ties").map(|t| self.eval_in(t, scope)).transpose()? {
            None => Ties::Efron,
            Some(Value::Pub(Public::Str(s))) if s.first() == Some(&Some("efron".into())) => {
                Ties::Efron
            }
            Some(Value::Pub(Public::Str(s))) if s.first() == Some(&Some("breslow".into())) => {
                Ties::Breslow
            }
            _ => {
                return Err(EvalError::at(
                    a.get("ties").unwrap_or(e),
                    "ties is \"efron\" or \"breslow\"",
                ));
            }
        };
        let grid = self.time_grid(e)?;
        let (t, data) = self.model_data(e, a, scope)?;
        let time = self.in_table(te, &t)?;
        super::checks::check_key(te, time.range, super::agg::scale(&time))?;
        let event = self.event_of(ee, &t)?;
        let (times, _) = self.opened_times(te, &time, grid)?;
        let form = super::formula::expand(rhs)?;
        if let Some(s) = form.strata.get(1) {
            return Err(EvalError::at(
                s,
                "more than one strata() term in coxph() is not available yet; combine them \
                 into one (strata(interaction(a, b)) in R)",
            ));
        }
        if let (Some(o), Some(_)) = (form.offsets.first(), zph) {
            return Err(EvalError::at(
                o,
                "cox.zph() of a fit with offset() is not available",
            ));
        }
        let mut xs: Vec<(String, PrivVec)> = Vec::new();
        let mut term_cols: Vec<(String, Vec<usize>)> = Vec::new();
        for term in &form.terms {
            let cols = self.term_columns(term, &t, false, &mut Default::default())?;
            let label: Vec<String> = term.iter().map(|f| f.to_string()).collect();
            term_cols.push((label.join(":"), (xs.len()..xs.len() + cols.len()).collect()));
            xs.extend(cols);
        }
        if xs.is_empty() && !form.offsets.is_empty() {
            return Err(EvalError::at(
                rhs,
                "coxph needs at least one covariate besides offset()",
            ));
        }
        // `offset(o)`: one more numeric covariate, last, whose coefficient is fixed at 1
        // (several offsets add). It is a column of the leverage design like the others.
        let terms = xs.len();
        if let (Some(first), Some(sum)) = (form.offsets.first(), form.offset()) {
            let o = self.in_table(&sum, &t)?;
            if !matches!(o.kind, Kind::Num { .. }) {
                return Err(EvalError::at(first, "offset() takes numbers"));
            }
            let label: Vec<String> = form
                .offsets
                .iter()
                .map(|o| format!("offset({o})"))
                .collect();
            xs.push((label.join(" + "), o));
        }
        let strata = match form.strata.first() {
            Some(s) => Some((*s, self.stratum_var(s, &t)?)),
            None => None,
        };
        let mut sel = self.and_mask(time.sel.clone(), event.sel.clone())?;
        let mut present = self.and_mask(time.present.clone(), event.present.clone())?;
        for v in xs
            .iter()
            .map(|(_, v)| v)
            .chain(strata.as_ref().map(|s| &s.1))
        {
            sel = self.and_mask(sel, v.sel.clone())?;
            present = self.and_mask(present, v.present.clone())?;
        }
        self.check_selection(e, &sel, &time.layout)?;
        // Without a selection every row of the data is a candidate, a public number: R's
        // "(k observations deleted due to missingness)" is then that minus `n`.
        let candidates = sel
            .is_none()
            .then(|| super::value::layout_rows(&time.layout) as u64);
        let used = self.and_mask(sel, present)?;
        let derived_event = !t.stored_column(ee);
        for v in xs
            .iter()
            .map(|(_, v)| v)
            .chain([&time])
            .chain(derived_event.then_some(&event))
        {
            self.check_support(e, v, &used)?;
        }
        let rows = time.len();
        let m = self.mask_or_ones(&used, rows);
        // Covariate columns (`formula.rs`): numbers, and 0/1 indicators of factor levels,
        // logicals and their products, whose rows on both sides pass the cell rule.
        let mut cols: Vec<(Col, AShares)> = Vec::new();
        for (i, (name, v)) in xs.iter().enumerate() {
            let term = term_cols
                .iter()
                .position(|t| t.1.contains(&i))
                .unwrap_or(usize::MAX);
            match &v.kind {
                Kind::Num { scale } => cols.push((
                    Col::Num {
                        name: name.clone(),
                        scale: *scale,
                    },
                    v.data.clone(),
                )),
                _ => {
                    let one = self.ones(rows).sub(&v.data);
                    let sizes = self.p.dot_many(&[(&one, &m), (&v.data, &m)])?;
                    let labels = [format!("not {name}"), name.clone()];
                    self.check_cells(e, &sizes, &labels)?;
                    let name = name.clone();
                    cols.push((Col::Dummy { name, term }, v.data.clone()));
                }
            }
        }
        if cols.is_empty() {
            return Err(EvalError::at(rhs, "coxph needs at least one covariate"));
        }
        // The leverage rule on the covariates' design (intercept and columns).
        let shares: Vec<&AShares> = cols.iter().map(|c| &c.1).collect();
        let scales: Vec<u32> = cols
            .iter()
            .map(|c| match c.0 {
                Col::Num { scale, .. } => scale,
                Col::Dummy { .. } => 0,
            })
            .collect();
        let mask = used.as_ref().map(|u| &u.shares);
        let vars: Vec<super::wide_gram::Var> = xs
            .iter()
            .zip(&scales)
            .map(|((name, v), &s)| (name.clone(), *v.range, s))
            .collect();
        let g = self.gram_checked(e, &vars, &shares, mask)?;
        if invert(&g.design(&scales)).is_none() {
            return Err(EvalError::at(rhs, "coxph: the covariates are collinear"));
        }
        self.check_leverage(e, &shares, &scales, mask, (&g, false))?;
        // key = 2·time + event for used rows, BIG for the others; shuffled with the covariates.
        const BIG: u64 = (1 << 62) - 1;
        let me = self.p.id();
        // Stratified: the stratum's code above the time's bits (`strata.rs`).
        let code = match &strata {
            Some((s, g)) => self.stratum_codes(e, s, g, &m)?,
            None => AShares::from_parts(vec![0; rows], vec![0; rows]),
        };
        let key = times
            .scale(2)
            .add(&event.data)
            .add(&code.scale(1 << TIME_BITS))
            .add_const(me, BIG.wrapping_neg());
        let key = self.p.mul(&m, &key)?.add_const(me, BIG);
        let mut all: Vec<&AShares> = vec![&key];
        all.extend(cols.iter().map(|c| &c.1));
        let shuffled = self.p.shuffle(&all)?;
        let keys = self.p.reveal(&shuffled[0])?;
        let mut order: Vec<usize> = (0..keys.len()).filter(|&i| keys[i] != BIG).collect();
        // Stratum, then time ascending, deaths first within a time.
        order.sort_by_key(|&i| (keys[i] >> 1, 1 - (keys[i] & 1)));
        let n = order.len();
        // One past the last row of each row's stratum.
        let mut ends = vec![n; n];
        for r in (0..n.saturating_sub(1)).rev() {
            let (a, b) = (keys[order[r]] >> TIME_BITS, keys[order[r + 1]] >> TIME_BITS);
            ends[r] = if a == b { ends[r + 1] } else { r + 1 };
        }
        let mut groups: Vec<TimeGroup> = Vec::new();
        for (r, &i) in order.iter().enumerate() {
            if r == 0 || keys[order[r - 1]] >> 1 != keys[i] >> 1 {
                groups.push(TimeGroup {
                    start: r,
                    deaths: 0,
                    end: ends[r],
                });
            }
            if keys[i] & 1 == 1 {
                groups.last_mut().expect("a group").deaths += 1;
            }
        }
        let events: usize = groups.iter().map(|g| g.deaths).sum();
        if events == 0 {
            return Err(EvalError::at(e, "coxph: no events among the rows used"));
        }
        // Covariates in internal units, and the factor back to the natural ones.
        let mut covs: Vec<Covariate> = Vec::new();
        let mut unit: Vec<f64> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        for (j, ((col, _), sh)) in cols.iter().zip(&shuffled[1..]).enumerate() {
            let x = sh.gather(&order);
            match col {
                Col::Dummy { name, term } => {
                    covs.push(Covariate {
                        family: Some(*term),
                        ..dummy_covariate(x)
                    });
                    unit.push(1.0);
                    names.push(name.clone());
                }
                Col::Num { name, scale } => {
                    let moments = (g.n, g.sums[j], g.cross[j][j]);
                    let (c, e2) = self.cox_numeric(e, name, &x, moments)?;
                    covs.push(c);
                    unit.push(10f64.powi(*scale as i32) / 2f64.powi(e2 as i32));
                    names.push(name.clone());
                }
            }
        }
        if let Some(z) = zph {
            let times: Vec<(u64, bool)> = order
                .iter()
                .map(|&i| ((keys[i] >> 1) & ((1 << TIME_BITS) - 1), keys[i] & 1 == 1))
                .collect();
            let data = ZphData {
                groups: &groups,
                n,
                covs: &covs,
                ties,
                unit: &unit,
                times: &times,
                term_cols: &term_cols,
                names: &names,
            };
            return self.zph_table(e, z, &data);
        }
        // The offset's coefficient, 1, in its internal units (`coef = b · unit`).
        let fixed: Vec<Option<f64>> = (0..covs.len())
            .map(|j| (j >= terms).then(|| 1.0 / unit[j]))
            .collect();
        let fit =
            coxph_fixed(self.p, &groups, n, &covs, ties, &fixed).map_err(|err| match err {
                CoxError::Engine(m) => EvalError::Engine(m),
                CoxError::Range { covariate, .. } => EvalError::at(
                    e,
                    format!(
                        "coxph: the coefficient of `{}` is too large for the fixed-point weights; \
                     rescale that covariate",
                        names[covariate]
                    ),
                ),
                other => EvalError::at(e, format!("coxph: {other}")),
            })?;
        names.truncate(terms);
        unit.truncate(terms);
        let coef: Vec<f64> = fit.coef.iter().zip(&unit).map(|(b, u)| b * u).collect();
        let se: Vec<f64> = (0..coef.len())
            .map(|j| fit.var[j][j].sqrt() * unit[j])
            .collect();
        Ok(Value::Pub(Public::Cox(Box::new(CoxModel {
            call: format!("coxph(formula = {f}{data})"),
            names,
            coef,
            se,
            loglik: fit.loglik,
            score: fit.score,
            wald: fit.wald,
            n: n as u64,
            deleted: candidates.map(|c| c.saturating_sub(n as u64)),
            events: events as u64,
            ties: match ties {
                Ties::Breslow => "breslow",
                _ => "efron",
            }
            .into(),
            iter: fit.iter,
            summary: false,
            source: Some(Box::new((e.clone(), self.calls.within(e)))),
        }))))
    }

    /// A numeric covariate: centred at its mean, scaled by `2^e` (`e` from its standard
    /// deviation) and bit-decomposed on the narrowest width of 4, 8, 16 or 32 SDs that holds
    /// every row. `moments` are its `n`, `Σx`, `Σx²` over the rows used, exact (the leverage
    /// rule's cross-products, `wide_gram.rs`: a 64-bit `Σx²` of `I(age^2)` would wrap).
    fn cox_numeric(
        &mut self,
        e: &Expr,
        name: &str,
        x: &AShares,
        (n, sx, sxx): (u64, i128, i128),
    ) -> Result<(Covariate, u32)> {
        let nn = i128::from(n);
        let mean = sx as f64 / n as f64;
        let spread = match nn.checked_mul(sxx) {
            Some(v) => (v - sx * sx) as f64,
            None => n as f64 * (sxx as f64 - (sx as f64) * mean),
        };
        let sd = (spread / (n as f64 * (n as f64 - 1.0))).max(0.0).sqrt();
        if sd.is_nan() || sd <= 0.0 {
            return Err(EvalError::at(e, format!("coxph: `{name}` is constant")));
        }
        let e2 = (sd.log2().round().max(0.0) as u32).min(F + 20);
        for k in [4.0, 8.0, 16.0, 32.0] {
            let width = ((k * sd).log2().ceil().max(1.0) as u32 + 1).max(2);
            if width > 40 {
                break;
            }
            if let Some(c) =
                numeric_covariate(self.p, x, mean.round() as i64, e2, width).map_err(|err| {
                    match err {
                        CoxError::Engine(m) => EvalError::Engine(m),
                        other => EvalError::at(e, format!("coxph: {other}")),
                    }
                })?
            {
                return Ok((c, e2));
            }
        }
        Err(EvalError::at(
            e,
            format!("coxph: `{name}` has values beyond 32 standard deviations; transform it"),
        ))
    }
}
