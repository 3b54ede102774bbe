//! `abs`: abs(x): the absolute value, exactly (one secure sign test and a product per row)
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

/// The entry of `abs`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "abs",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "abs(x): the absolute value, exactly (one secure sign test and a product per row)",
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
    ev.abs_call(e, x)
}

/// The type rule of `abs`.
fn check(c: &Checker, e: &Expr, a: &Args<'_>, scope: Scope<'_>) -> Result<Ty, TypeError> {
    let (x, xt) = first(c, e, a, scope)?;
    let decimals = numeric(x, &xt)?;
    Ok(match xt {
        Ty::Private(_) => Ty::Private(PrivTy::Num { decimals }),
        Ty::Public(PubTy::Num | PubTy::Int) => Ty::Public(PubTy::Num),
        _ => Ty::Public(PubTy::NumVec),
    })
}
