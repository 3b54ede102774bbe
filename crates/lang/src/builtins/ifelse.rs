//! `ifelse`: ifelse(test, yes, no): numbers, or two strings (a categorical)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::eval::call::need;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `ifelse`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "ifelse",
    params: &[
        Param::required("test"),
        Param::required("yes"),
        Param::required("no"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "ifelse(test, yes, no): numbers, or two strings (a categorical)",
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
    let t = ev.eval_in(need(a, e, "test")?, scope)?;
    let y = ev.eval_in(need(a, e, "yes")?, scope)?;
    let n = ev.eval_in(need(a, e, "no")?, scope)?;
    let parts = [
        (need(a, e, "test")?, &t),
        (need(a, e, "yes")?, &y),
        (need(a, e, "no")?, &n),
    ];
    crate::eval::ops::same_lengths(e, &parts)?;
    ev.ifelse(e, t, y, n)
}
