//! `Surv`: Surv(time, event): the response of survfit and survdiff
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::check::Checker;
use crate::check::Ty;
use crate::check::TypeError;
use crate::check::rules::*;

/// The entry of `Surv`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "Surv",
    params: &[Param::required("time"), Param::required("event")],
    min_dots: 0,
    refused: &[],
    usage: "Surv(time, event): the response of survfit and survdiff",
    reveals: "nothing by itself",
    check: Some(check),
    eval: None,
};

/// The type rule of `Surv`.
fn check(_c: &Checker, e: &Expr, _a: &Args<'_>, _scope: Scope<'_>) -> Result<Ty, TypeError> {
    Err(unsupported(e, "Surv() is used inside a formula"))
}
