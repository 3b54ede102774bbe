//! `levels`: levels(f): the levels of a factor, in order (the dictionary's or the program's; public)
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

/// The entry of `levels`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "levels",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "levels(f): the levels of a factor, in order (the dictionary's or the program's; public)",
    reveals: "nothing",
    check: Some(check),
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let x = ev.eval_in(need(a, e, "x")?, scope)?;
    ev.levels_call(e, x)
}

/// The type rule of `levels`.
fn check(c: &Checker, e: &Expr, a: &Args<'_>, scope: Scope<'_>) -> Result<Ty, TypeError> {
    match first(c, e, a, scope)? {
        (_, Ty::Private(PrivTy::Cat { .. }) | Ty::Public(_)) => public(PubTy::StrVec),
        (x, t) => Err(mismatch(x, &t, "a factor")),
    }
}
