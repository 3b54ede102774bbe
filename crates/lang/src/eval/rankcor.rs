//! Rank correlations as R's: `cor(x, y, method = "spearman" | "kendall")` and
//! `cor.test(x, y, method = "spearman" | "kendall")` with `alternative`, `exact` and
//! `continuity`, without opening any value.
//!
//! - **Spearman**: Pearson's correlation of midranks (ties share the mean of their ranks, as
//!   R's `rank`), from two oblivious sorts with equality batches and affine scans
//!   (`sharestat_stats::rank::spearman_sums`). **Reveals** `n`, `Σr`, `Σs`, `Σr²`, `Σs²`,
//!   `Σrs` of (twice) the ranks; whether either variable has ties follows from `Σr²` (ties
//!   lower it below `Σi²` by `Σ(t³ − t)/12`), which R's test needs. The test: `S = (n³ −
//!   n)(1 − rho)/6` with R's p-value (AS 89, `sharestat_rstats::spearman`) without ties up to
//!   1290 values, else the t approximation.
//! - **Kendall**: tau-b from `S = C − D` and the tie sums (`sharestat_stats::kendall`,
//!   quadratic in the rows: at most 2000). **Reveals** `n`, `S` and per variable `Σk`, `Σk²`
//!   (the tie-run sums of R's `T1`, `T2` and variance). The test: R's exact `T` (concordant
//!   pairs) without ties below 50 values, else `z` with the tie-corrected variance.
use super::call::Args;
use super::pearson::cor_from_sums;
use super::ttest::Alt;
use super::value::{HTest, PrivTable, Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use sharestat_rstats::{kendall, spearman};
use sharestat_stats::kendall::{KendallSums, MAX_ROWS, kendall_sums};
use sharestat_stats::rank::spearman_sums;

/// R's `method` of `cor` and `cor.test`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CorMethod {
    Pearson,
    Kendall,
    Spearman,
}

/// Beyond this many values `exact = TRUE` for Kendall's test is refused (the exact
/// distribution has `n²/2` points).
const MAX_EXACT_KENDALL: u64 = 400;

impl Evaluator<'_> {
    /// `method =` (R's `match.arg` of `"pearson"`, `"kendall"`, `"spearman"`).
    pub(crate) fn cor_method(
        &mut self,
        a: &Args<'_>,
        scope: Option<&PrivTable>,
    ) -> Result<CorMethod> {
        let Some(v) = a.get("method") else {
            return Ok(CorMethod::Pearson);
        };
        let s = match self.eval_in(v, scope)? {
            Value::Pub(Public::Str(s)) if s.len() == 1 => s[0].clone().unwrap_or_default(),
            _ => String::new(),
        };
        [
            ("pearson", CorMethod::Pearson),
            ("kendall", CorMethod::Kendall),
            ("spearman", CorMethod::Spearman),
        ]
        .into_iter()
        .find(|(name, _)| !s.is_empty() && name.starts_with(s.as_str()))
        .map(|(_, m)| m)
        .ok_or_else(|| {
            EvalError::at(
                v,
                "'method' should be one of \"pearson\", \"kendall\", \"spearman\"",
            )
        })
    }

    /// Spearman's sums of two private vectors (`None`: `NA` from missing values without
    /// `complete`): `[n, Σr, Σs, Σr², Σs², Σrs]` of twice the midranks.
    fn spearman_sums(
        &mut self,
        e: &Expr,
        x: Value,
        y: Value,
        complete: bool,
    ) -> Result<Option<[u64; 6]>> {
        let Some((x, y, used)) = self.pair_input(e, x, y, complete)? else {
            return Ok(None);
        };
        for v in [&x, &y] {
            super::checks::check_key(e, v.range, super::agg::scale(v))?;
        }
        let m = used.unwrap_or_else(|| self.ones(x.len()));
        // Ranks compare a vector with itself only: its own encoding scale is fine.
        Ok(Some(spearman_sums(self.p, &x.data, &y.data, &m)?))
    }

    /// Kendall's sums of two private vectors (`None`: `NA`), at most [`MAX_ROWS`] rows.
    fn kendall_sums(
        &mut self,
        e: &Expr,
        x: Value,
        y: Value,
        complete: bool,
    ) -> Result<Option<KendallSums>> {
        let Some((x, y, used)) = self.pair_input(e, x, y, complete)? else {
            return Ok(None);
        };
        if x.len() > MAX_ROWS {
            return Err(EvalError::at(
                e,
                format!(
                    "Kendall's tau compares every pair of rows: {} rows are beyond {MAX_ROWS} \
                     ({} pairs); use method = \"spearman\", or a subset of the rows",
                    x.len(),
                    x.len() * (x.len() - 1) / 2
                ),
            ));
        }
        for v in [&x, &y] {
            super::checks::check_key(e, v.range, super::agg::scale(v))?;
        }
        let m = used.unwrap_or_else(|| self.ones(x.len()));
        Ok(Some(kendall_sums(self.p, &x.data, &y.data, &m)?))
    }

    /// `cor(x, y, method = "spearman" | "kendall")`.
    pub(crate) fn rank_cor(
        &mut self,
        e: &Expr,
        method: CorMethod,
        (x, y): (Value, Value),
        complete: bool,
    ) -> Result<Value> {
        let r = if method == CorMethod::Kendall {
            self.kendall_sums(e, x, y, complete)?.and_then(tau_b)
        } else {
            self.spearman_sums(e, x, y, complete)?
                .and_then(|o| cor_from_sums(&o))
                .map(|(_, r)| r)
        };
        Ok(Value::Pub(Public::nums([r])))
    }

    /// `cor.test(x, y, method = "spearman" | "kendall")` as R's.
    pub(crate) fn rank_cor_test(
        &mut self,
        e: &Expr,
        a: &Args<'_>,
        scope: Option<&PrivTable>,
        method: CorMethod,
    ) -> Result<HTest> {
        let (x, y) = match (a.get("x"), a.get("y")) {
            (Some(x), Some(y)) => (x, y),
            _ => return Err(EvalError::at(e, "cor.test(x, y)")),
        };
        let alt = self.alternative(a, scope)?;
        let exact = self.exact_arg(a, scope)?;
        let continuity = self.flag(a.get("continuity"), scope, 0.0)? != 0.0;
        // R checks conf.level only for Pearson's interval; checked here as there.
        self.level(a, scope)?;
        let (xv, yv) = (self.eval_in(x, scope)?, self.eval_in(y, scope)?);
        let data_name = format!("{x} and {y}");
        let few = || EvalError::at(e, "not enough finite observations");
        let test = if method == CorMethod::Kendall {
            let k = self.kendall_sums(e, xv, yv, true)?.ok_or_else(few)?;
            kendall_test(e, &k, (alt, exact, continuity))?
        } else {
            let o = self.spearman_sums(e, xv, yv, true)?.ok_or_else(few)?;
            spearman_test(&o, (alt, exact, continuity))
        };
        Ok(HTest { data_name, ..test })
    }
}

/// Kendall's tau-b, `None` when either variable is constant.
fn tau_b(k: KendallSums) -> Option<f64> {
    let n = k.n as f64;
    let t0 = n * (n - 1.0) / 2.0;
    let den = ((t0 - k.x_ties.0 as f64) * (t0 - k.y_ties.0 as f64)).sqrt();
    (den > 0.0).then(|| k.s as f64 / den)
}

/// R's tie sums of one variable from the runs' `Σk`, `Σk²`.
fn ties((k1, k2): (u64, u64)) -> kendall::Ties {
    let (k1, k2) = (k1 as f64, k2 as f64);
    kendall::Ties {
        pairs: 2.0 * k1,
        triples: 3.0 * (k2 - k1),
        var: 6.0 * (k2 - k1) + 18.0 * k1,
    }
}

/// R's `cor.test(method = "kendall")`: exact `T` or the normal `z`.
fn kendall_test(
    e: &Expr,
    k: &KendallSums,
    (alt, exact, continuity): (Alt, Option<bool>, bool),
) -> Result<HTest> {
    if k.n < 2 {
        return Err(EvalError::at(e, "not enough finite observations"));
    }
    let tau = tau_b(*k)
        .ok_or_else(|| EvalError::at(e, "the standard deviation is zero: Kendall's tau is NA"))?;
    let n = k.n as f64;
    let has_ties = k.x_ties.0 > 0 || k.y_ties.0 > 0;
    let exact = exact.unwrap_or(k.n < 50) && !has_ties;
    if exact && k.n > MAX_EXACT_KENDALL {
        return Err(EvalError::at(
            e,
            format!(
                "exact = TRUE over {} pairs of values: the exact distribution is computed up \
                 to {MAX_EXACT_KENDALL}; the normal approximation (exact = FALSE) is R's \
                 default beyond 50",
                k.n
            ),
        ));
    }
    let (stat, p) = if exact {
        // Without ties T is the number of concordant pairs: (S + n(n−1)/2) / 2.
        let t = ((tau + 1.0) * n * (n - 1.0) / 4.0).round();
        (("T".to_owned(), t), kendall::p_value(t, k.n as usize, alt))
    } else {
        let z = kendall::z(k.s as f64, n, ties(k.x_ties), ties(k.y_ties), continuity);
        (("z".to_owned(), z), alt.normal_p(z))
    };
    Ok(HTest {
        method: "Kendall's rank correlation tau".into(),
        data_name: String::new(),
        statistic: Some(stat),
        parameter: Vec::new(),
        p_value: p,
        alternative: format!("true tau is {} 0", alt.words()),
        conf_int: None,
        estimate: vec![("tau".into(), tau)],
    })
}

/// R's `cor.test(method = "spearman")`: `S` with AS 89's p-value or the t approximation.
fn spearman_test(o: &[u64; 6], (alt, exact, continuity): (Alt, Option<bool>, bool)) -> HTest {
    let n = o[0];
    let nf = n as f64;
    let rho = cor_from_sums(o).map_or(f64::NAN, |(_, r)| r);
    // Σ(2r)² = 4 Σi² without ties; ties lower it.
    let full = 4 * (n as u128) * (n as u128 + 1) * (2 * n as u128 + 1) / 6;
    let has_ties = u128::from(o[3]) < full || u128::from(o[4]) < full;
    let s = (nf * nf * nf - nf) * (1.0 - rho) / 6.0;
    let exact = exact.unwrap_or(true) && !has_ties;
    let p = if exact && n <= 1290 {
        spearman::p_value(s, n as usize, alt)
    } else {
        spearman::t_approx(s, n as usize, continuity, alt)
    };
    HTest {
        method: "Spearman's rank correlation rho".into(),
        data_name: String::new(),
        statistic: Some(("S".into(), s)),
        parameter: Vec::new(),
        p_value: p,
        alternative: format!("true rho is {} 0", alt.words()),
        conf_int: None,
        estimate: vec![("rho".into(), rho)],
    }
}
