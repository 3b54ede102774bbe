//! `rbind`: rbind(...): tables with the same columns, one after the other
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, DOTS_PARAM};
use crate::ast::Expr;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{EvalError, Evaluator, Result};

/// The entry of `rbind`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "rbind",
    params: &[DOTS_PARAM],
    min_dots: 1,
    refused: &[],
    usage: "rbind(...): tables with the same columns, one after the other",
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
    let mut tables = Vec::new();
    for v in &a.dots() {
        match ev.eval_in(v, scope)? {
            Value::Table(t) => tables.push(t),
            _ => return Err(EvalError::at(v, "rbind() takes private tables")),
        }
    }
    ev.rbind(e, tables).map(Value::Table)
}
