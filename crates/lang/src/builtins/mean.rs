//! `mean`: mean(x, na.rm = FALSE)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::check::Checker;
use crate::check::PubTy;
use crate::check::Ty;
use crate::check::TypeError;
use crate::check::rules::*;

/// The entry of `mean`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "mean",
    params: &[Param::required("x"), Param::optional("na.rm", "FALSE")],
    min_dots: 0,
    refused: &[(
        "trim",
        "a trimmed mean needs the order statistics of every row",
    )],
    usage: "mean(x, na.rm = FALSE)",
    reveals: "n and the sum",
    check: Some(check),
    eval: Some(crate::eval::agg::aggregate_entry),
};

/// The type rule of `mean`, `var`, `sd`, `median` (the entries share it).
pub(super) fn check(
    c: &Checker,
    e: &Expr,
    a: &Args<'_>,
    scope: Scope<'_>,
) -> Result<Ty, TypeError> {
    let name = a.function();
    let (x, xt) = first(c, e, a, scope)?;
    if !(name == "median" && elem(&xt) == Elem::Date) {
        numeric(x, &xt)?;
    }
    public(PubTy::Num)
}
