//! `confint`: confint(fit, level = 0.95): Wald confidence limits of a coxph() fit (normal quantile, as R's confint.default) or an lm() fit (Student's t, as confint.lm); parm is refused
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::eval::call::need;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `confint`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "confint",
    params: PARAMS,
    min_dots: 0,
    refused: &[],
    usage: "confint(fit, level = 0.95): Wald confidence limits of a coxph() fit (normal quantile, as R's confint.default) or an lm() fit (Student's t, as confint.lm); parm is refused",
    reveals: "nothing beyond the fit",
    check: None,
    eval: Some(eval),
};

/// The parameters of `confint` and `confint.default`.
pub(super) const PARAMS: &[Param] = &[
    Param::required("object"),
    Param::optional("parm", "NULL"),
    Param::optional("level", "0.95"),
];

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    limits(ev, e, a, scope, false)
}

/// `confint` (`default`: `confint.default`) of the fit in `a`.
pub(super) fn limits(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
    default: bool,
) -> Result<Value> {
    let object = ev.eval_in(need(a, e, "object")?, scope)?;
    let level = ev.flag(a.get("level"), scope, 0.95)?;
    ev.confint(e, object, a.get("parm"), level, default)
}
