//! `quantile`: quantile(x, probs = c(0, .25, .5, .75, 1), type = 7)
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

/// The entry of `quantile`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "quantile",
    params: &[
        Param::required("x"),
        Param::optional("probs", "seq(0, 1, 0.25)"),
        Param::optional("na.rm", "FALSE"),
        Param::optional("type", "7"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "quantile(x, probs = c(0, .25, .5, .75, 1), type = 7)",
    reveals: "n and each interpolated quantile; 0 and 1 only with allow_extremes",
    check: Some(check),
    eval: Some(crate::eval::agg::aggregate_entry),
};

/// The type rule of `quantile`.
fn check(c: &Checker, e: &Expr, a: &Args<'_>, scope: Scope<'_>) -> Result<Ty, TypeError> {
    let (x, xt) = first(c, e, a, scope)?;
    numeric(x, &xt)?;
    c.public_arg(ty_of(c, a.nth(1), scope)?, "public probabilities")?;
    public(PubTy::NumVec)
}
