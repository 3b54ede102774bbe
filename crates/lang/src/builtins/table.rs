//! `table`: table(x), table(x, y), useNA = "no"/"ifany"/"always"
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, DOTS_PARAM, Param};
use crate::ast::Expr;
use crate::check::Checker;
use crate::check::PubTy;
use crate::check::Ty;
use crate::check::TypeError;
use crate::check::rules::*;

/// The entry of `table`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "table",
    params: &[DOTS_PARAM, Param::optional("useNA", "\"no\"")],
    min_dots: 1,
    refused: &[],
    usage: "table(x), table(x, y), useNA = \"no\"/\"ifany\"/\"always\"",
    reveals: "the counts, each 0 or >= min_cell",
    check: Some(check),
    eval: Some(crate::eval::agg::aggregate_entry),
};

/// The type rule of `table`.
fn check(c: &Checker, e: &Expr, a: &Args<'_>, scope: Scope<'_>) -> Result<Ty, TypeError> {
    let name = a.function();
    if a.dots().len() > 2 {
        return Err(arg_error(name, "takes one or two vectors".to_owned(), e));
    }
    for v in &a.dots() {
        let t = c.expr(v, scope)?;
        if matches!(elem(&t), Elem::Other) {
            return Err(mismatch(v, &t, "a vector"));
        }
    }
    public(PubTy::Table)
}
