//! `aov(y ~ g, data)`: R's analysis of variance fit (issue 16): the linear model of `lm`
//! (its cross-products, opened under the same rules) with each term's sequential sum of
//! squares; printed as R's `print.aov` (the terms' sums of squares and degrees of freedom,
//! the residual standard error, whether the design is balanced), `summary(fit)` as R's
//! `summary.aov` table (`F` and `Pr(>F)` per term). One module: its registry entry and its
//! evaluation (`sharestat_rstats::aov` prints).

use super::args::Args;
use super::{Builtin, MODEL_REFUSED, Param};
use crate::ast::Expr;
use crate::eval::value::{PrivTable, Public, Value};
use crate::eval::{EvalError, Evaluator, Result};
use sharestat_rstats::aov::Aov;

/// The entry of `aov`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "aov",
    params: &[
        Param::required("formula"),
        Param::optional("data", "NULL"),
        Param::named("subset", "NULL"),
    ],
    min_dots: 0,
    refused: MODEL_REFUSED,
    usage: "aov(y ~ g, data): R's analysis of variance fit: print as R's print.aov (sums of squares, degrees of freedom, residual standard error), summary(fit) as summary.aov (F and Pr(>F) per term); formulas as lm, with an intercept",
    reveals: "as lm: n, XᵀX, Xᵀy, yᵀy; one bit for the leverage rule",
    check: None,
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let Value::Pub(Public::Model(m)) = ev.lm(e, a, scope)? else {
        return Err(EvalError::at(e, "aov(): no least-squares fit"));
    };
    let table = m.anova.clone().ok_or_else(|| {
        EvalError::at(
            e,
            "aov() needs an intercept and no offset() (R's sequential table)",
        )
    })?;
    let call = format!("aov{}", m.call.strip_prefix("lm").unwrap_or(&m.call));
    Ok(Value::Pub(Public::Aov(Box::new(Aov {
        call,
        table,
        deleted: m.deleted,
        summary: false,
    }))))
}
