//! `round`: round(x, digits = 0): numbers rounded as R does (the closest number with that many places, ties to even); a private value's stored decimals are rounded exactly (R rounds the binary double, so for a tie that is not a binary fraction, such as 0.15, R may go the other way)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::eval::call::need;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `round`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "round",
    params: &[Param::required("x"), Param::optional("digits", "0")],
    min_dots: 0,
    refused: &[],
    usage: "round(x, digits = 0): numbers rounded as R does (the closest number with that many places, ties to even); a private value's stored decimals are rounded exactly (R rounds the binary double, so for a tie that is not a binary fraction, such as 0.15, R may go the other way)",
    reveals: "nothing",
    check: None,
    eval: Some(eval),
};

/// The evaluation of `round`, `signif` (the entries share it; `a.function()` tells
/// which was called).
pub(super) fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let name = a.function();
    let x = ev.eval_in(need(a, e, "x")?, scope)?;
    ev.round_call(e, name, x, a.get("digits"), scope)
}
