//! `round`: round(x, digits = 0): numbers rounded as R does (the closest number with that many places, ties to even); a private value's stored decimals are rounded exactly (R rounds the binary double, so for a tie that is not a binary fraction, such as 0.15, R may go the other way)
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

/// The entry of `round`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "round",
    params: &[Param::required("x"), Param::optional("digits", "0")],
    min_dots: 0,
    refused: &[],
    usage: "round(x, digits = 0): numbers rounded as R does (the closest number with that many places, ties to even); a private value's stored decimals are rounded exactly (R rounds the binary double, so for a tie that is not a binary fraction, such as 0.15, R may go the other way)",
    reveals: "nothing",
    check: Some(check),
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

/// The type rule of `round`, `signif` (the entries share it).
pub(super) fn check(
    c: &Checker,
    e: &Expr,
    a: &Args<'_>,
    scope: Scope<'_>,
) -> Result<Ty, TypeError> {
    let name = a.function();
    let (x, xt) = first(c, e, a, scope)?;
    if let Ty::Private(_) = xt {
        numeric(x, &xt)?;
        c.public_arg(ty_of(c, a.nth(1), scope)?, "a public number of digits")?;
        if name == "signif" {
            // Each value's decade stays secret: its decimals stay the stored ones.
            return Ok(xt);
        }
        // Decimals after rounding: fewer when `digits` is a literal.
        let digits = match a.nth(1).map(|d| &d.kind) {
            Some(crate::ast::ExprKind::Num(d)) => Some(d.max(0.0) as u32),
            None => Some(0),
            _ => None,
        };
        return Ok(match (xt, digits) {
            (Ty::Private(PrivTy::Num { decimals }), Some(d)) => Ty::Private(PrivTy::Num {
                decimals: decimals.min(d),
            }),
            (t, _) => t,
        });
    }
    numeric(x, &xt)?;
    c.public_arg(ty_of(c, a.nth(1), scope)?, "a public number of digits")?;
    Ok(match xt {
        Ty::Public(PubTy::Num | PubTy::Int) => Ty::Public(PubTy::Num),
        _ => Ty::Public(PubTy::NumVec),
    })
}
