//! `confint.default`: confint.default(fit, level = 0.95): R's Wald confidence limits β ± z se (normal quantile) of a glm(), lm() or coxph() fit; exp() of them gives odds, rate or hazard ratios' limits; parm is refused
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::Builtin;
use super::args::Args;
use crate::ast::Expr;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `confint.default`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "confint.default",
    params: super::confint::PARAMS,
    min_dots: 0,
    refused: &[],
    usage: "confint.default(fit, level = 0.95): R's Wald confidence limits β ± z se (normal quantile) of a glm(), lm() or coxph() fit; exp() of them gives odds, rate or hazard ratios' limits; parm is refused",
    reveals: "nothing beyond the fit",
    check: None,
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    super::confint::limits(ev, e, a, scope, true)
}
