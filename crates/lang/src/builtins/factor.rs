//! `factor`: factor(x, levels = c(...), labels = c(...)): a factor, as R's: of a factor (re-levelled; rows of levels left out become NA; without levels, the empty levels are dropped), of a logical (FALSE, TRUE) or of private numbers (levels written out: R's default, the distinct values, would come from the data); labels rename the levels one to one. as.factor(x) is factor(x)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::check::Checker;
use crate::check::Ty;
use crate::check::TypeError;
use crate::check::rules::*;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `factor`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "factor",
    params: &[
        Param::required("x"),
        Param::optional("levels", "NULL"),
        Param::optional("labels", "levels"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "factor(x, levels = c(...), labels = c(...)): a factor, as R's: of a factor (re-levelled; rows of levels left out become NA; without levels, the empty levels are dropped), of a logical (FALSE, TRUE) or of private numbers (levels written out: R's default, the distinct values, would come from the data); labels rename the levels one to one. as.factor(x) is factor(x)",
    reveals: "nothing, except without levels = on a factor: one bit per level (empty or not), after the small-cell rule on the levels' counts",
    check: Some(check),
    eval: Some(eval),
};

/// The evaluation of `factor`, `as.factor` (the entries share it; `a.function()` tells
/// which was called).
pub(super) fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    ev.factor_call(e, a, scope)
}

/// The type rule of `factor`, `as.factor`, `droplevels`, `as.numeric`, `as.integer`, `as.character` (the entries share it).
pub(super) fn check(
    c: &Checker,
    e: &Expr,
    a: &Args<'_>,
    scope: Scope<'_>,
) -> Result<Ty, TypeError> {
    let name = a.function();
    let (x, xt) = first(c, e, a, scope)?;
    let slot = |i: usize| a.nth(i);
    c.factor_ty(name, x, xt, slot(1), slot(2), scope)
}
