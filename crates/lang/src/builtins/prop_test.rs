//! `prop.test(x, n, p = NULL, alternative = "two.sided", conf.level = 0.95, correct = TRUE)`:
//! R's test of one proportion, or of the equality of k proportions (issue 16), on public
//! counts (`prop.test(sum(d$event_death), nrow(d))`, `prop.test(c(12, 20), c(24, 24))`) or
//! a two-column table whose first column counts the successes (`prop.test(table(d$gender,
//! d$event_death == 1))`, R's matrix form: the table's cells pass disclosure control first).
//!
//! One module: its registry entry and its evaluation; R's computation is
//! `sharestat_rstats::prop`. Reveals nothing beyond its arguments.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::eval::call::need;
use crate::eval::value::{PrivTable, Public, Value};
use crate::eval::{EvalError, Evaluator, Result};

/// The entry of `prop.test`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "prop.test",
    params: &[
        Param::required("x"),
        Param::optional("n", "NULL"),
        Param::optional("p", "NULL"),
        Param::optional("alternative", "\"two.sided\""),
        Param::optional("conf.level", "0.95"),
        Param::optional("correct", "TRUE"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "prop.test(x, n, p = NULL, correct = TRUE): R's test of one proportion (p = 0.5 by default; Wilson's interval) or of the equality of k proportions (chi-square; for two, the difference's interval), with R's continuity correction; x and n public counts, or a two-column table (successes first); alternative, conf.level as R",
    reveals: "nothing beyond its arguments (public counts, or a table under disclosure control)",
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
    let xv = crate::eval::suppress::whole_table(x, ev.eval_in(x, scope)?, "prop.test")?;
    let (xs, ns, mut data) = match xv {
        Value::Pub(Public::Table(t)) if t.dims.len() == 2 && t.dims[1].1.len() == 2 => {
            if let Some(n) = a.get("n") {
                return Err(EvalError::at(
                    n,
                    "'n' is not taken with a table: its rows are the trials",
                ));
            }
            let rows = t.dims[0].1.len();
            let xs: Vec<f64> = (0..rows).map(|i| t.counts[2 * i] as f64).collect();
            let ns: Vec<f64> = (0..rows)
                .map(|i| (t.counts[2 * i] + t.counts[2 * i + 1]) as f64)
                .collect();
            (xs, ns, x.to_string())
        }
        Value::Pub(Public::Num { values, .. }) => {
            let xs = counts(x, values)?;
            let n = a
                .get("n")
                .ok_or_else(|| EvalError::at(e, "prop.test(x, n): give n, the trials"))?;
            let ns = match ev.eval_in(n, scope)? {
                Value::Pub(Public::Num { values, .. }) => counts(n, values)?,
                _ => return Err(EvalError::at(n, "'n' must be public counts")),
            };
            (xs, ns, format!("{x} out of {n}"))
        }
        Value::Pub(Public::Table(_)) => {
            return Err(EvalError::at(
                x,
                "'x' must be a table with 2 columns (successes, failures)",
            ));
        }
        _ => {
            return Err(EvalError::at(
                x,
                "prop.test() takes counts: count the patients first, e.g. \
                 prop.test(sum(d$event_death), nrow(d)), or a table",
            ));
        }
    };
    let p = match a.get("p") {
        None => None,
        Some(pe) => {
            let p = ev.flag(Some(pe), scope, 0.5)?;
            if !(p > 0.0 && p < 1.0) {
                return Err(EvalError::at(pe, "elements of 'p' must be in (0,1)"));
            }
            Some((p, pe))
        }
    };
    if xs.len() == 1 {
        let shown = match p {
            Some((_, pe)) => pe.to_string(),
            None => "0.5".to_owned(),
        };
        data.push_str(&format!(", null probability {shown}"));
    } else if let Some((_, pe)) = p {
        return Err(EvalError::at(
            pe,
            "p for several groups (given proportions) is not available; compare the groups \
             with prop.test(x, n), or test one proportion at a time",
        ));
    }
    let alt = ev.alternative(a, scope)?;
    let level = ev.level(a, scope)?;
    let correct = ev.flag(a.get("correct"), scope, 1.0)? != 0.0;
    let t = sharestat_rstats::prop::prop_test(&xs, &ns, p.map(|p| p.0), alt, level, correct, data)
        .map_err(|m| EvalError::at(e, m))?;
    Ok(Value::Pub(Public::Test(Box::new(t))))
}

/// Whole, non-missing counts.
fn counts(at: &Expr, values: Vec<Option<f64>>) -> Result<Vec<f64>> {
    values
        .into_iter()
        .map(|v| match v {
            Some(v) if v >= 0.0 && v.fract() == 0.0 => Ok(v),
            _ => Err(EvalError::at(
                at,
                "counts must be whole numbers >= 0, without NA",
            )),
        })
        .collect()
}
