//! `relevel`: relevel(f, ref = "level"): the factor with that level first (the reference level of models)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::check::Checker;
use crate::check::PrivTy;
use crate::check::Ty;
use crate::check::TypeError;
use crate::check::rules::*;
use crate::eval::call::need;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `relevel`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "relevel",
    params: &[Param::required("x"), Param::required("ref")],
    min_dots: 0,
    refused: &[],
    usage: "relevel(f, ref = \"level\"): the factor with that level first (the reference level of models)",
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
    ev.relevel_args(e, need(a, e, "x")?, need(a, e, "ref")?, scope)
}

/// The type rule of `relevel`.
fn check(c: &Checker, e: &Expr, a: &Args<'_>, scope: Scope<'_>) -> Result<Ty, TypeError> {
    let _name = a.function();
    let (x, xt) = first(c, e, a, scope)?;
    let Ty::Private(PrivTy::Cat { levels }) = xt else {
        return Err(mismatch(x, &xt, "a private factor"));
    };
    let r = a.nth(1).ok_or_else(|| missing(e))?;
    let crate::ast::ExprKind::Str(name) = &r.kind else {
        return Err(unsupported(r, "relevel() takes ref as a string"));
    };
    let Some(i) = levels.iter().position(|l| l == name) else {
        return Err(unsupported(
            r,
            format!(
                "'ref' must be an existing level: one of {}",
                levels.join(", ")
            ),
        ));
    };
    let mut levels = levels.clone();
    let l = levels.remove(i);
    levels.insert(0, l);
    Ok(Ty::Private(PrivTy::Cat { levels }))
}
