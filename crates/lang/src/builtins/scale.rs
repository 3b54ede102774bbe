//! `scale`: scale(x, center = TRUE, scale = TRUE): (x - mean(x, na.rm = TRUE)) / sd(x, na.rm = TRUE) of a private numeric column, as R's scale() (a private vector); numbers as center or scale are used as R uses them; FALSE leaves that step out (scale = TRUE without centring, R's root mean square, is refused); the division by a public SD carries its documented error
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `scale`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "scale",
    params: &[
        Param::required("x"),
        Param::optional("center", "TRUE"),
        Param::optional("scale", "TRUE"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "scale(x, center = TRUE, scale = TRUE): (x - mean(x, na.rm = TRUE)) / sd(x, na.rm = TRUE) of a private numeric column, as R's scale() (a private vector); numbers as center or scale are used as R uses them; FALSE leaves that step out (scale = TRUE without centring, R's root mean square, is refused); the division by a public SD carries its documented error",
    reveals: "the mean and standard deviation (as mean() and sd(), under their rules)",
    check: Some(super::log::check),
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    ev.scale_call(e, a, scope)
}
