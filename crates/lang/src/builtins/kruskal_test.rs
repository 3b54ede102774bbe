//! `kruskal.test(x ~ g, data)` or `kruskal.test(x, g)`: R's Kruskal-Wallis rank sum test of
//! k groups (issue 16's list, one module: its entry and its evaluation; the statistical
//! functions' type rule applies).
//!
//! Securely (`sharestat_stats::rank::rank_sums`): one oblivious sort of the response carrying
//! the group indicators, midranks from the run flags and two affine scans, each group's rank
//! sum by a dot product, and the ties' `Σ(t³ − t)`. **Reveals** the group sizes (each passes
//! `min_cell` first), the groups' rank sums and `Σ(t³ − t)`. In the clear, as R:
//! `H = (12 / (N(N + 1)) Σ R_j² / n_j − 3(N + 1)) / (1 − Σ(t³ − t) / (N³ − N))` on `k − 1`
//! df (`k` the non-empty groups).

use super::args::Args;
use super::{Builtin, GROUP_TEST_REFUSED, Param};
use crate::ast::{Expr, ExprKind};
use crate::eval::call::need;
use crate::eval::htest::{formula, usable};
use crate::eval::value::{HTest, PrivTable, PrivVec, Public, Value};
use crate::eval::{EvalError, Evaluator, Result};
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// The entry of `kruskal.test`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "kruskal.test",
    params: &[
        Param::required("x"),
        Param::optional("g", "NULL"),
        Param::optional("data", "NULL"),
    ],
    min_dots: 0,
    refused: GROUP_TEST_REFUSED,
    usage: "kruskal.test(x ~ g, data) or kruskal.test(x, g): R's Kruskal-Wallis rank sum test of k groups (ties corrected)",
    reveals: "the group sizes (each >= min_cell), the groups' rank sums and Σ(t³ - t) of the ties",
    check: None,
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let x = need(a, e, "x")?;
    let (y, g, gexpr, data_name) = if let Some((lhs, rhs)) = formula(x) {
        let t = ev.data_arg(e, a.get("data"), scope)?;
        let (y, g) = (ev.in_table(lhs, &t)?, ev.in_table(rhs, &t)?);
        (y, g, rhs, format!("{lhs} by {rhs}"))
    } else {
        if let Some(d) = a.get("data").filter(|d| !matches!(d.kind, ExprKind::Null)) {
            return Err(EvalError::at(
                d,
                "data = applies to a formula, kruskal.test(x ~ g, data)",
            ));
        }
        let gx = a
            .get("g")
            .ok_or_else(|| EvalError::at(e, "kruskal.test(x, g) or kruskal.test(x ~ g, data)"))?;
        let (Value::Vec(y), Value::Vec(g)) = (ev.eval_in(x, scope)?, ev.eval_in(gx, scope)?) else {
            return Err(EvalError::at(e, "kruskal.test() of private vectors"));
        };
        if y.len() != g.len() {
            return Err(EvalError::at(e, "'x' and 'g' must have the same length"));
        }
        (y, g, gx, format!("{x} and {gx}"))
    };
    let test = kruskal(ev, e, (&y, &g, gexpr), data_name)?;
    Ok(Value::Pub(Public::Test(Box::new(usable(e, test)?))))
}

/// The test of the response `y` by the groups of `g`.
pub(super) fn kruskal(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    (y, g, gexpr): (&PrivVec, &PrivVec, &Expr),
    data_name: String,
) -> Result<HTest> {
    if !matches!(y.kind, crate::eval::value::Kind::Num { .. }) {
        return Err(EvalError::at(
            e,
            "the response of kruskal.test() must be numeric",
        ));
    }
    crate::eval::checks::check_key(e, y.range, crate::eval::agg::scale(y))?;
    let (_, masked, sizes) = ev.groups_of(e, (y, g), gexpr)?;
    let groups: Vec<_> = (0..sizes.len())
        .filter(|&i| sizes[i] > 0)
        .map(|i| (sizes[i] as f64, masked[i].clone()))
        .collect();
    if groups.len() < 2 {
        return Err(EvalError::at(
            gexpr,
            "all observations are in the same group",
        ));
    }
    let ind: Vec<_> = groups.iter().map(|(_, m)| m.clone()).collect();
    let o = sharestat_stats::rank::rank_sums(ev.p, &y.data, &ind)?;
    let n = o[0] as f64;
    let ties = o[ind.len() + 1] as f64;
    let sum: f64 = groups
        .iter()
        .zip(&o[1..=ind.len()])
        .map(|((nj, _), r2)| {
            let r = *r2 as f64 / 2.0;
            r * r / nj
        })
        .sum();
    let h = (12.0 / (n * (n + 1.0)) * sum - 3.0 * (n + 1.0)) / (1.0 - ties / (n * n * n - n));
    let df = (groups.len() - 1) as f64;
    let p = ChiSquared::new(df).map_or(f64::NAN, |d| d.sf(h));
    Ok(HTest {
        method: "Kruskal-Wallis rank sum test".into(),
        data_name,
        statistic: Some(("Kruskal-Wallis chi-squared".into(), h)),
        parameter: vec![("df".into(), df)],
        p_value: p,
        alternative: String::new(),
        conf_int: None,
        estimate: Vec::new(),
    })
}
