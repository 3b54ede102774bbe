//! `cut`: cut(x, breaks, labels, right = TRUE, include.lowest = FALSE): bins as a categorical
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::eval::call::need;
use crate::eval::value::{PrivTable, Public, Value};
use crate::eval::{EvalError, Evaluator, Result};

/// The entry of `cut`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "cut",
    params: &[
        Param::required("x"),
        Param::required("breaks"),
        Param::optional("labels", "NULL"),
        Param::optional("right", "TRUE"),
        Param::optional("include.lowest", "FALSE"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "cut(x, breaks, labels, right = TRUE, include.lowest = FALSE): bins as a categorical",
    reveals: "nothing",
    check: None,
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let x = ev.eval_in(need(a, e, "x")?, scope)?;
    let b = ev.eval_in(need(a, e, "breaks")?, scope)?;
    let flag = |s: &mut Evaluator<'_>, p: &str, default: bool| -> Result<bool> {
        match a.get(p) {
            None => Ok(default),
            Some(v) => match s.eval_in(v, scope)? {
                Value::Pub(Public::Bool(b)) if b.len() == 1 => Ok(b[0] == Some(true)),
                _ => Err(EvalError::at(v, "expected TRUE or FALSE")),
            },
        }
    };
    let right = flag(ev, "right", true)?;
    let lowest = flag(ev, "include.lowest", false)?;
    let labels = match a.get("labels") {
        Some(l) => match ev.eval_in(l, scope)? {
            Value::Pub(Public::Str(s)) => Some(s.into_iter().flatten().collect()),
            _ => return Err(EvalError::at(l, "labels must be strings")),
        },
        None => None,
    };
    ev.cut(e, x, b, labels, right, lowest)
}
