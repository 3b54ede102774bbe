//! `pmin`: pmin(x, y, ...): the parallel minimum of numbers (vectors, or a vector and constants), exactly; na.rm = TRUE is not available
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, DOTS_PARAM, Param};
use crate::ast::Expr;
use crate::check::Checker;
use crate::check::PrivTy;
use crate::check::PubTy;
use crate::check::Ty;
use crate::check::TypeError;
use crate::check::rules::*;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `pmin`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "pmin",
    params: &[DOTS_PARAM, Param::optional("na.rm", "FALSE")],
    min_dots: 2,
    refused: &[],
    usage: "pmin(x, y, ...): the parallel minimum of numbers (vectors, or a vector and constants), exactly; na.rm = TRUE is not available",
    reveals: "nothing",
    check: Some(check),
    eval: Some(eval),
};

/// The evaluation of `pmin`, `pmax` (the entries share it; `a.function()` tells
/// which was called).
pub(super) fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let name = a.function();
    ev.pminmax(e, name == "pmin", &a.dots(), a.get("na.rm"), scope)
}

/// The type rule of `pmin`, `pmax` (the entries share it).
pub(super) fn check(
    c: &Checker,
    _e: &Expr,
    a: &Args<'_>,
    scope: Scope<'_>,
) -> Result<Ty, TypeError> {
    let (mut private, mut decimals) = (false, 0);
    for v in &a.dots() {
        let t = c.expr(v, scope)?;
        decimals = decimals.max(numeric(v, &t)?);
        private |= matches!(t, Ty::Private(_));
    }
    Ok(if private {
        Ty::Private(PrivTy::Num { decimals })
    } else {
        Ty::Public(PubTy::NumVec)
    })
}
