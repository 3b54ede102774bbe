//! `coef`: coef(fit): the named coefficients of an lm(), glm() or coxph() fit (exp(coef(fit)): odds, rate or hazard ratios)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::eval::call::need;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `coef`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "coef",
    params: &[Param::required("object")],
    min_dots: 0,
    refused: &[("complete", "aliased coefficients are refused at the fit")],
    usage: "coef(fit): the named coefficients of an lm(), glm() or coxph() fit (exp(coef(fit)): odds, rate or hazard ratios)",
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
    let object = ev.eval_in(need(a, e, "object")?, scope)?;
    crate::eval::confint::coef(e, &object)
}
