//! `cor.test`: cor.test(x, y, method = "pearson" | "spearman" | "kendall")
//!
//! The whole function in one module (issue 15): its registry entry and its evaluation —
//! Pearson's test here (`n` and r from `eval/pearson.rs`, revealing what `cor` reveals; the
//! t statistic on `n − 2` df, the asked tail's p and the Fisher-z interval at `conf.level`,
//! one-sided bounded by −1 or 1, as R's), Spearman's and Kendall's in `eval/rankcor.rs`
//! (shared with `cor`). The checker's rule for statistical functions applies.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::eval::htest::{t_cdf, usable};
use crate::eval::rankcor::CorMethod;
use crate::eval::render_stats::t_p;
use crate::eval::ttest::Alt;
use crate::eval::value::{HTest, PrivTable, Public, Value};
use crate::eval::{EvalError, Evaluator, Result};
use statrs::distribution::{ContinuousCDF, Normal};

/// The entry of `cor.test`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "cor.test",
    params: &[
        Param::required("x"),
        Param::optional("y", "NULL"),
        Param::optional("alternative", "\"two.sided\""),
        Param::optional("method", "\"pearson\""),
        Param::optional("exact", "NULL"),
        Param::optional("conf.level", "0.95"),
        Param::optional("continuity", "FALSE"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "cor.test(x, y, method = \"pearson\"): Pearson's, Spearman's or Kendall's test",
    reveals: "as cor with the same method",
    check: None,
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let method = ev.cor_method(a, scope)?;
    let test = if method == CorMethod::Pearson {
        // `exact` and `continuity` apply to Kendall's and Spearman's tests only: R ignores
        // them for Pearson's, as here.
        a.get("exact");
        a.get("continuity");
        let level = ev.level(a, scope)?;
        let alt = ev.alternative(a, scope)?;
        let (x, y) = match (a.get("x"), a.get("y")) {
            (Some(x), Some(y)) => (x, y),
            _ => return Err(EvalError::at(e, "cor.test(x, y)")),
        };
        let (xv, yv) = (ev.eval_in(x, scope)?, ev.eval_in(y, scope)?);
        let (n, r) = ev
            .pearson(e, xv, yv, true)?
            .ok_or_else(|| EvalError::at(e, "not enough finite observations"))?;
        cor_test(n, r, (level, alt), format!("{x} and {y}"))
    } else {
        ev.rank_cor_test(e, a, scope, method)?
    };
    Ok(Value::Pub(Public::Test(Box::new(usable(e, test)?))))
}

/// Pearson's test as R's `cor.test`: the p-value of the asked tail and the Fisher-z
/// interval at `level` (one-sided: bounded by -1 or 1).
fn cor_test(n: u64, r: f64, (level, alt): (f64, Alt), data: String) -> HTest {
    let df = n as f64 - 2.0;
    let t = r * (df / (1.0 - r * r)).sqrt();
    let z = r.atanh();
    let qnorm = |p: f64| Normal::new(0.0, 1.0).map_or(f64::NAN, |d| d.inverse_cdf(p));
    let se = 1.0 / (n as f64 - 3.0).sqrt();
    let (p, lo, hi) = match alt {
        Alt::TwoSided => {
            let q = qnorm(1.0 - (1.0 - level) / 2.0);
            (t_p(t, df), (z - q * se).tanh(), (z + q * se).tanh())
        }
        Alt::Less => (t_cdf(t, df), -1.0, (z + qnorm(level) * se).tanh()),
        Alt::Greater => (1.0 - t_cdf(t, df), (z - qnorm(level) * se).tanh(), 1.0),
    };
    HTest {
        method: "Pearson's product-moment correlation".into(),
        data_name: data,
        statistic: Some(("t".into(), t)),
        parameter: vec![("df".into(), df)],
        p_value: p,
        alternative: format!("true correlation is {} 0", alt.words()),
        conf_int: (n > 3).then_some((lo, hi, level)),
        estimate: vec![("cor".into(), r)],
    }
}
