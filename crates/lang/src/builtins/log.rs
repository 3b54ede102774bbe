//! `log`: log(x, base = exp(1)): the logarithm; private x must be > 0 by its proven range (a dictionary `min` above 0, or x + c), where R gives -Inf/NaN it is refused. Private: absolute error below 5e-7 / ln(base), 7 decimal places
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

/// The entry of `log`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "log",
    params: &[Param::required("x"), Param::optional("base", "exp(1)")],
    min_dots: 0,
    refused: &[],
    usage: "log(x, base = exp(1)): the logarithm; private x must be > 0 by its proven range (a dictionary `min` above 0, or x + c), where R gives -Inf/NaN it is refused. Private: absolute error below 5e-7 / ln(base), 7 decimal places",
    reveals: "nothing",
    check: Some(check),
    eval: Some(eval),
};

/// The evaluation of `log`, `log2`, `log10`, `log1p`, `exp`, `sqrt` (the entries share it; `a.function()` tells
/// which was called).
pub(super) fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let name = a.function();
    let base = if name == "log" { a.get("base") } else { None };
    ev.math_args(e, name, need(a, e, "x")?, base, scope)
}

/// The type rule of `log`, `log2`, `log10`, `log1p`, `exp`, `sqrt`, `scale` (the entries share it).
pub(super) fn check(
    c: &Checker,
    e: &Expr,
    a: &Args<'_>,
    scope: Scope<'_>,
) -> Result<Ty, TypeError> {
    let name = a.function();
    let (x, xt) = first(c, e, a, scope)?;
    numeric(x, &xt)?;
    if name == "log" && a.nth(1).is_some() {
        c.public_arg(ty_of(c, a.nth(1), scope)?, "a public base")?;
    }
    Ok(match xt {
        Ty::Private(_) => Ty::Private(PrivTy::Num { decimals: 7 }),
        Ty::Public(PubTy::Num | PubTy::Int) => Ty::Public(PubTy::Num),
        _ => Ty::Public(PubTy::NumVec),
    })
}
