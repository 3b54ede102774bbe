//! `length`: length(x): the number of elements
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::check::Checker;
use crate::check::PrivTy;
use crate::check::PubTy;
use crate::check::Ty;
use crate::check::TypeError;
use crate::check::rules::*;
use crate::eval::call::need;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `length`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "length",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "length(x): the number of elements",
    reveals: "nothing if unfiltered; the subset size otherwise (subset rules, min_cell)",
    check: Some(check),
    eval: Some(eval),
};

/// The evaluation of `length`, `nrow` (the entries share it; `a.function()` tells
/// which was called).
pub(super) fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let v = ev.eval_in(need(a, e, "x")?, scope)?;
    ev.length(e, v)
}

/// The type rule of `length`, `nrow`, `ncol` (the entries share it).
pub(super) fn check(
    c: &Checker,
    e: &Expr,
    a: &Args<'_>,
    scope: Scope<'_>,
) -> Result<Ty, TypeError> {
    let name = a.function();
    let (x, xt) = first(c, e, a, scope)?;
    if name != "length" && matches!(xt, Ty::Private(ref p) if !matches!(p, PrivTy::Table { .. })) {
        return Err(mismatch(x, &xt, "a table"));
    }
    public(PubTy::Int)
}
