//! `hist`: hist(x, breaks = c(0, 20, 40), file = "hist.svg"): histogram, drawn by your client
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `hist`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "hist",
    params: &[
        Param::required("x"),
        Param::optional("breaks", "\"Sturges\""),
        Param::optional("file", "NULL"),
        Param::optional("main", "NULL"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "hist(x, breaks = c(0, 20, 40), file = \"hist.svg\"): histogram, drawn by your client",
    reveals: "the table of cut(x, breaks) (cells pass min_cell); breaks must be given",
    check: None,
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    ev.hist(e, a, scope)
}
