//! `floor`: floor(x): rounded down, exactly
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

/// The entry of `floor`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "floor",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "floor(x): rounded down, exactly",
    reveals: "nothing",
    check: Some(check),
    eval: Some(eval),
};

/// The evaluation of `floor`, `ceiling` (the entries share it; `a.function()` tells
/// which was called).
pub(super) fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let name = a.function();
    ev.floor_call(e, name, need(a, e, "x")?, scope)
}

/// The type rule of `floor`, `ceiling` (the entries share it).
pub(super) fn check(
    c: &Checker,
    e: &Expr,
    a: &Args<'_>,
    scope: Scope<'_>,
) -> Result<Ty, TypeError> {
    let (x, xt) = first(c, e, a, scope)?;
    numeric(x, &xt)?;
    Ok(match xt {
        Ty::Private(_) => Ty::Private(PrivTy::Num { decimals: 0 }),
        Ty::Public(PubTy::Num | PubTy::Int) => Ty::Public(PubTy::Num),
        _ => Ty::Public(PubTy::NumVec),
    })
}
