//! `pairwise.t.test(x, g, p.adjust.method = "holm", pool.sd = TRUE, alternative =
//! "two.sided")`: R's pairwise comparisons of the groups' means (issue 16): t tests with the
//! pooled SD of all groups (R's default) or, with `pool.sd = FALSE`, Welch's test of each
//! pair, their p-values adjusted by `p.adjust.method` over the `k(k − 1)/2` comparisons.
//!
//! One module: its registry entry and its evaluation, from each group's `n`, `Σy`, `Σy²`
//! (`group_moments`: group sizes pass `min_cell`). **Reveals** those sums. `paired = TRUE`
//! is refused by name.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::eval::call::need;
use crate::eval::value::{Pairwise, PrivTable, Public, Value};
use crate::eval::{EvalError, Evaluator, Result};
use sharestat_rstats::Alt;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// The entry of `pairwise.t.test`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "pairwise.t.test",
    params: &[
        Param::required("x"),
        Param::required("g"),
        Param::optional("p.adjust.method", "\"holm\""),
        Param::optional("pool.sd", "TRUE"),
        Param::named("alternative", "\"two.sided\""),
    ],
    min_dots: 0,
    refused: &[(
        "paired",
        "paired comparisons are not available; t.test(x, y, paired = TRUE) of each pair is",
    )],
    usage: "pairwise.t.test(x, g, p.adjust.method = \"holm\", pool.sd = TRUE): R's pairwise t tests of the groups of g (pooled SD, or Welch's with pool.sd = FALSE), p-values adjusted as p.adjust (holm, hochberg, bonferroni, BH, BY, none); alternative as R",
    reveals: "per group n, Σx, Σx² (group sizes >= min_cell)",
    check: None,
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let (xe, ge) = (need(a, e, "x")?, need(a, e, "g")?);
    let method = super::p_adjust::method_arg(ev, e, a.get("p.adjust.method"), scope)?;
    let pool = ev.flag(a.get("pool.sd"), scope, 1.0)? != 0.0;
    let alt = ev.alternative(a, scope)?;
    let (Value::Vec(x), Value::Vec(g)) = (ev.eval_in(xe, scope)?, ev.eval_in(ge, scope)?) else {
        return Err(EvalError::at(
            e,
            "pairwise.t.test() of private vectors x and g",
        ));
    };
    if x.len() != g.len() {
        return Err(EvalError::at(e, "'x' and 'g' must have the same length"));
    }
    let unit = 10f64.powi(crate::eval::agg::scale(&x) as i32);
    let groups = ev.group_moments(e, x, g)?;
    let stats = crate::eval::moments::group_stats(&groups, unit);
    let levels: Vec<String> = groups.iter().map(|g| g.0.clone()).collect();
    let k = levels.len();
    if k < 2 {
        return Err(EvalError::at(
            ge,
            "pairwise.t.test() needs two groups or more",
        ));
    }
    let total_df: f64 = stats.iter().map(|s| s.0 - 1.0).sum();
    let pooled = (stats.iter().map(|s| s.2 * (s.0 - 1.0)).sum::<f64>() / total_df).sqrt();
    let p_of = |t: f64, df: f64| {
        let d = StudentsT::new(0.0, 1.0, df).ok();
        let cdf = |v: f64| d.as_ref().map_or(f64::NAN, |d| d.cdf(v));
        match alt {
            Alt::TwoSided => 2.0 * cdf(-t.abs()),
            Alt::Less => cdf(t),
            Alt::Greater => 1.0 - cdf(t),
        }
    };
    let mut raw = Vec::new();
    for i in 1..k {
        for j in 0..i {
            let (a, b) = (stats[i], stats[j]);
            let (t, df) = if pool {
                (
                    (a.1 - b.1) / (pooled * (1.0 / a.0 + 1.0 / b.0).sqrt()),
                    total_df,
                )
            } else {
                let (va, vb) = (a.2 / a.0, b.2 / b.0);
                (
                    (a.1 - b.1) / (va + vb).sqrt(),
                    (va + vb).powi(2) / (va * va / (a.0 - 1.0) + vb * vb / (b.0 - 1.0)),
                )
            };
            raw.push(p_of(t, df));
        }
    }
    let adjusted = super::p_adjust::adjust(&raw, method, raw.len() as f64);
    let mut p = vec![vec![None; k]; k];
    let mut it = adjusted.into_iter();
    for (i, row) in p.iter_mut().enumerate().skip(1) {
        for cell in row.iter_mut().take(i) {
            *cell = it.next();
        }
    }
    Ok(Value::Pub(Public::Pairwise(Box::new(Pairwise {
        method: if pool {
            "t tests with pooled SD"
        } else {
            "t tests with non-pooled SD"
        }
        .into(),
        data_name: format!("{xe} and {ge}"),
        levels,
        p,
        adjust: method.into(),
    }))))
}
