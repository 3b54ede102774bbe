//! `prop.table`: prop.table(x, margin = NULL): the proportions of a table (from table()): each count over the total, or over its row's (margin = 1) or column's (margin = 2) total; printed as R prints them. proportions() is the same
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::{Expr, ExprKind};
use crate::eval::call::need;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `prop.table`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "prop.table",
    params: &[Param::required("x"), Param::optional("margin", "NULL")],
    min_dots: 0,
    refused: &[],
    usage: "prop.table(x, margin = NULL): the proportions of a table (from table()): each count over the total, or over its row's (margin = 1) or column's (margin = 2) total; printed as R prints them. proportions() is the same",
    reveals: "nothing beyond the table",
    check: None,
    eval: Some(eval),
};

/// The evaluation of `prop.table`, `proportions` (the entries share it; `a.function()` tells
/// which was called).
pub(super) fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let x = ev.eval_in(need(a, e, "x")?, scope)?;
    let margin = a
        .get("margin")
        .filter(|m| !matches!(m.kind, ExprKind::Null))
        .map(|m| ev.flag(Some(m), scope, 0.0))
        .transpose()?;
    ev.prop_table(e, x, margin)
}
