//! `t.test`: t.test(y ~ g, data), t.test(x, y), t.test(x, mu = m); var.equal = TRUE for Student
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `t.test`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "t.test",
    params: &[
        Param::required("x"),
        Param::optional("y", "NULL"),
        Param::optional("data", "NULL"),
        Param::optional("alternative", "\"two.sided\""),
        Param::optional("mu", "0"),
        Param::optional("paired", "FALSE"),
        Param::optional("var.equal", "FALSE"),
        Param::optional("conf.level", "0.95"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "t.test(y ~ g, data), t.test(x, y), t.test(x, mu = m); var.equal = TRUE for Student",
    reveals: "per group n, Σy, Σy² (group sizes >= min_cell)",
    check: None,
    eval: Some(eval),
};

/// The evaluation of `t.test`, `chisq.test`, `fisher.test` (the entries share it; `a.function()` tells
/// which was called).
pub(super) fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let name = a.function();
    ev.htest(e, name, a, scope)
}
