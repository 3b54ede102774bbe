//! `ncol`: ncol(t): the number of columns
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::eval::call::need;
use crate::eval::value::{PrivTable, Public, Value};
use crate::eval::{EvalError, Evaluator, Result};

/// The entry of `ncol`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "ncol",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "ncol(t): the number of columns",
    reveals: "nothing private",
    check: Some(super::length::check),
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    match ev.eval_in(need(a, e, "x")?, scope)? {
        Value::Table(t) => Ok(Value::Pub(Public::num(t.columns.len() as f64))),
        _ => Err(EvalError::at(e, "ncol() takes a table")),
    }
}
