//! `oneway.test(y ~ g, data, var.equal = FALSE)`: R's one-way analysis of means (issue 16):
//! Welch's F test not assuming equal variances, or with `var.equal = TRUE` the classical
//! one-way ANOVA F test (`aov`'s), from each group's `n`, `Σy`, `Σy²` (`group_moments`, as
//! `t.test`'s: the group sizes pass `min_cell`, the response's support rules apply).
//!
//! One module: its registry entry and its evaluation. **Reveals** per group `n`, `Σy`,
//! `Σy²`. In the clear, as R: with `w_i = n_i / s_i²`, `F = Σ w_i (m_i − m̄_w)² / ((k − 1)
//! (1 + 2 (k − 2) τ))` on `k − 1` and `1 / (3τ)` df, `τ = Σ (1 − w_i/Σw)² / (n_i − 1) / (k² −
//! 1)`; equal variances: `F = (Σ n_i (m_i − ȳ)² / (k − 1)) / (Σ (n_i − 1) s_i² / (n − k))`.

use super::args::Args;
use super::{Builtin, GROUP_TEST_REFUSED, Param};
use crate::ast::Expr;
use crate::eval::call::need;
use crate::eval::htest::formula;
use crate::eval::value::{HTest, PrivTable, Public, Value};
use crate::eval::{EvalError, Evaluator, Result};
use statrs::distribution::{ContinuousCDF, FisherSnedecor};

/// The entry of `oneway.test`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "oneway.test",
    params: &[
        Param::required("formula"),
        Param::optional("data", "NULL"),
        Param::named("var.equal", "FALSE"),
    ],
    min_dots: 0,
    refused: GROUP_TEST_REFUSED,
    usage: "oneway.test(y ~ g, data, var.equal = FALSE): R's one-way analysis of means of k groups: Welch's F (not assuming equal variances) or, with var.equal = TRUE, the one-way ANOVA F test",
    reveals: "per group n, Σy, Σy² (group sizes >= min_cell)",
    check: None,
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let f = need(a, e, "formula")?;
    let (lhs, rhs) = formula(f).ok_or_else(|| EvalError::at(f, "oneway.test(y ~ g, data)"))?;
    let var_equal = ev.flag(a.get("var.equal"), scope, 0.0)? != 0.0;
    let t = ev.data_arg(e, a.get("data"), scope)?;
    let (y, g) = (ev.in_table(lhs, &t)?, ev.in_table(rhs, &t)?);
    let unit = 10f64.powi(crate::eval::agg::scale(&y) as i32);
    let groups = crate::eval::moments::group_stats(&ev.group_moments(e, y, g)?, unit);
    let test = oneway(&groups, var_equal).map_err(|m| EvalError::at(e, m))?;
    Ok(Value::Pub(Public::Test(Box::new(HTest {
        data_name: format!("{lhs} and {rhs}"),
        ..test
    }))))
}

/// R's `oneway.test` of groups `(n, mean, variance)`.
pub(super) fn oneway(
    groups: &[(f64, f64, f64)],
    var_equal: bool,
) -> std::result::Result<HTest, String> {
    let k = groups.len() as f64;
    if groups.len() < 2 {
        return Err("not enough groups".into());
    }
    if groups.iter().any(|g| g.0 < 2.0) {
        return Err("not enough observations".into());
    }
    let (stat, df2, method) = if var_equal {
        let n: f64 = groups.iter().map(|g| g.0).sum();
        let grand = groups.iter().map(|g| g.0 * g.1).sum::<f64>() / n;
        let between = groups
            .iter()
            .map(|g| g.0 * (g.1 - grand).powi(2))
            .sum::<f64>()
            / (k - 1.0);
        let within = groups.iter().map(|g| (g.0 - 1.0) * g.2).sum::<f64>() / (n - k);
        (between / within, n - k, "One-way analysis of means")
    } else {
        let w: Vec<f64> = groups.iter().map(|g| g.0 / g.2).collect();
        let sw: f64 = w.iter().sum();
        let tmp = groups
            .iter()
            .zip(&w)
            .map(|(g, w)| (1.0 - w / sw).powi(2) / (g.0 - 1.0))
            .sum::<f64>()
            / (k * k - 1.0);
        let m = groups.iter().zip(&w).map(|(g, w)| w * g.1).sum::<f64>() / sw;
        let stat = groups
            .iter()
            .zip(&w)
            .map(|(g, w)| w * (g.1 - m).powi(2))
            .sum::<f64>()
            / ((k - 1.0) * (1.0 + 2.0 * (k - 2.0) * tmp));
        (
            stat,
            1.0 / (3.0 * tmp),
            "One-way analysis of means (not assuming equal variances)",
        )
    };
    let p = FisherSnedecor::new(k - 1.0, df2).map_or(f64::NAN, |d| d.sf(stat));
    Ok(HTest {
        method: method.into(),
        data_name: String::new(),
        statistic: Some(("F".into(), stat)),
        parameter: vec![("num df".into(), k - 1.0), ("denom df".into(), df2)],
        p_value: p,
        alternative: String::new(),
        conf_int: None,
        estimate: Vec::new(),
    })
}
