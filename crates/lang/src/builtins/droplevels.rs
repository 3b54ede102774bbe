//! `droplevels`: droplevels(f): the factor without its empty levels (of the selected rows)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::eval::call::need;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `droplevels`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "droplevels",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "droplevels(f): the factor without its empty levels (of the selected rows)",
    reveals: "one bit per level (empty or not), after the small-cell rule on the levels' counts",
    check: Some(super::factor::check),
    eval: Some(eval),
};

/// The evaluation of `droplevels`, `as.numeric`, `as.integer`, `as.character` (the entries share it; `a.function()` tells
/// which was called).
pub(super) fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let name = a.function();
    let x = ev.eval_in(need(a, e, "x")?, scope)?;
    ev.factor_fn(e, name, x)
}
