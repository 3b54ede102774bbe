//! `survfit`: survfit(Surv(time, event) ~ g, data): Kaplan-Meier curves
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, MODEL_REFUSED, Param};
use crate::ast::Expr;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `survfit`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "survfit",
    params: &[
        Param::required("formula"),
        Param::optional("data", "NULL"),
        Param::named("subset", "NULL"),
    ],
    min_dots: 0,
    refused: MODEL_REFUSED,
    usage: "survfit(Surv(time, event) ~ g, data): Kaplan-Meier curves",
    reveals: "group sizes and the distinct event and censoring times with their counts; needs allow_event_times",
    check: None,
    eval: Some(eval),
};

/// The evaluation of `survfit`, `survdiff` (the entries share it; `a.function()` tells
/// which was called).
pub(super) fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let name = a.function();
    ev.survival(e, name, a, scope)
}
