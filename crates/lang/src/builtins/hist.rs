//! `hist`: hist(x, breaks = c(0, 20, 40), file = "hist.svg"): histogram, drawn by your client
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::check::Checker;
use crate::check::PubTy;
use crate::check::Ty;
use crate::check::TypeError;
use crate::check::rules::*;
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
        Param::optional("xlab", "NULL"),
        Param::optional("ylab", "NULL"),
        Param::optional("ylim", "NULL"),
        Param::optional("col", "NULL"),
    ],
    min_dots: 0,
    refused: &[(
        "xlim",
        "the breaks set the x axis; ylim sets the counts' axis",
    )],
    usage: "hist(x, breaks = c(0, 20, 40), file = \"hist.svg\", main, xlab, ylab, ylim, col = \"grey\"): histogram, drawn by your client",
    reveals: "the table of cut(x, breaks) (cells pass min_cell); breaks must be given",
    check: Some(check),
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

/// The type rule of `hist`.
fn check(c: &Checker, e: &Expr, a: &Args<'_>, scope: Scope<'_>) -> Result<Ty, TypeError> {
    for v in a.slots().into_iter().skip(1).flatten() {
        let t = c.expr(v, scope)?;
        if matches!(t, Ty::Private(_)) {
            return Err(mismatch(v, &t, "a public value"));
        }
    }
    let x = a.nth(0).ok_or_else(|| missing(e))?;
    c.expr(x, scope)?;
    public(PubTy::Any)
}
