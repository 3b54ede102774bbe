//! `sum`: sum(x, na.rm = FALSE)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, DOTS_PARAM, Param};
use crate::ast::Expr;
use crate::check::Checker;
use crate::check::PubTy;
use crate::check::Ty;
use crate::check::TypeError;
use crate::check::rules::*;

/// The entry of `sum`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "sum",
    params: &[DOTS_PARAM, Param::optional("na.rm", "FALSE")],
    min_dots: 1,
    refused: &[],
    usage: "sum(x, na.rm = FALSE)",
    reveals: "the sum (and whether any value is missing, without na.rm)",
    check: Some(check),
    eval: Some(crate::eval::agg::aggregate_entry),
};

/// The type rule of `sum`, `min`, `max`, `range` (the entries share it).
pub(super) fn check(
    c: &Checker,
    _e: &Expr,
    a: &Args<'_>,
    scope: Scope<'_>,
) -> Result<Ty, TypeError> {
    let name = a.function();
    for v in &a.dots() {
        let t = c.expr(v, scope)?;
        if !(name != "sum" && elem(&t) == Elem::Date) {
            numeric(v, &t)?;
        }
    }
    public(if name == "range" {
        PubTy::NumVec
    } else {
        PubTy::Num
    })
}
