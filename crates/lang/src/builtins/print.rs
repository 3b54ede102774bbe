//! `print`: print(x, digits = 7): a public value, or the type of a private one; digits for numbers, tests (as R's print.htest), lm() fits and their summaries (as print.lm and print.summary.lm, 1 to 7) and a coxph() fit or its summary (print.coxph's table as R formats it, 1 to 5 digits: more would print digits beyond the fit's guaranteed 1e-6)
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
use crate::eval::call::need;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `print`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "print",
    params: &[Param::required("x"), Param::optional("digits", "NULL")],
    min_dots: 0,
    refused: &[],
    usage: "print(x, digits = 7): a public value, or the type of a private one; digits for numbers, tests (as R's print.htest), lm() fits and their summaries (as print.lm and print.summary.lm, 1 to 7) and a coxph() fit or its summary (print.coxph's table as R formats it, 1 to 5 digits: more would print digits beyond the fit's guaranteed 1e-6)",
    reveals: "nothing private",
    check: Some(check),
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let x = ev.eval_in(need(a, e, "x")?, scope)?;
    ev.print_call(e, x, a.get("digits"), scope)
}

/// The type rule of `print`.
fn check(c: &Checker, e: &Expr, a: &Args<'_>, scope: Scope<'_>) -> Result<Ty, TypeError> {
    first(c, e, a, scope)?;
    public(PubTy::Str)
}
