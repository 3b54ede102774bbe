//! `summary`: summary(x): five numbers and the mean; summary(fit, times = ...) for survfit
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

/// The entry of `summary`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "summary",
    params: &[Param::required("object"), Param::optional("times", "NULL")],
    min_dots: 0,
    refused: &[],
    usage: "summary(x): five numbers and the mean; summary(fit, times = ...) for survfit",
    reveals: "as quantile and mean; Min./Max. only with allow_extremes",
    check: Some(check),
    eval: Some(crate::eval::agg::aggregate_entry),
};

/// The type rule of `summary`, `freq` (the entries share it).
pub(super) fn check(
    c: &Checker,
    e: &Expr,
    a: &Args<'_>,
    scope: Scope<'_>,
) -> Result<Ty, TypeError> {
    first(c, e, a, scope)?;
    public(PubTy::Table)
}
