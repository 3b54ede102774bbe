//! `lm`: lm(y ~ x1 + x2, data): least squares; formulas as R reads them: a:b, a * b, I(x^2), log(x), factors (R's names: sexf, age:sexf), - 1 for no intercept, offset(o) (coefficient 1; R² as R 4.2's, of the fitted values with the offset); cross-products exact, summed beyond 64 bits where needed; prints as R's print.lm (the call and the coefficients), summary(fit) as print.summary.lm (without the residual quantiles, which are per-row values)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, MODEL_REFUSED, Param};
use crate::ast::Expr;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `lm`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "lm",
    params: &[
        Param::required("formula"),
        Param::optional("data", "NULL"),
        Param::optional("subset", "NULL"),
    ],
    min_dots: 0,
    refused: MODEL_REFUSED,
    usage: "lm(y ~ x1 + x2, data): least squares; formulas as R reads them: a:b, a * b, I(x^2), log(x), factors (R's names: sexf, age:sexf), - 1 for no intercept, offset(o) (coefficient 1; R² as R 4.2's, of the fitted values with the offset); cross-products exact, summed beyond 64 bits where needed; prints as R's print.lm (the call and the coefficients), summary(fit) as print.summary.lm (without the residual quantiles, which are per-row values)",
    reveals: "n, XᵀX, Xᵀy, yᵀy (with an offset also Xᵀo, oᵀo, oᵀy); one bit: whether some row's hat value exceeds max_leverage (then refused)",
    check: None,
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    ev.lm(e, a, scope)
}
