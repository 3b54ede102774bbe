//! `relevel`: relevel(f, ref = "level"): the factor with that level first (the reference level of models)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::eval::call::need;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `relevel`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "relevel",
    params: &[Param::required("x"), Param::required("ref")],
    min_dots: 0,
    refused: &[],
    usage: "relevel(f, ref = \"level\"): the factor with that level first (the reference level of models)",
    reveals: "nothing",
    check: None,
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    ev.relevel_args(e, need(a, e, "x")?, need(a, e, "ref")?, scope)
}
