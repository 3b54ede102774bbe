//! `plot`: plot(fit or table, file = "km.svg", conf.int = FALSE, main = ""): drawn by your client
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, PLOT_PARAMS};
use crate::ast::Expr;
use crate::check::Checker;
use crate::check::PubTy;
use crate::check::Ty;
use crate::check::TypeError;
use crate::check::rules::*;
use crate::eval::call::need;
use crate::eval::value::{PrivTable, Public, Value};
use crate::eval::{EvalError, Evaluator, Result};

/// The entry of `plot`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "plot",
    params: PLOT_PARAMS,
    min_dots: 0,
    refused: &[],
    usage: "plot(fit or table, file = \"km.svg\", conf.int = FALSE, main = \"\"): drawn by your client",
    reveals: "nothing beyond its argument",
    check: Some(check),
    eval: Some(eval),
};

/// The evaluation of `plot`, `barplot` (the entries share it; `a.function()` tells
/// which was called).
pub(super) fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let what = match ev.eval_in(need(a, e, "x")?, scope)? {
        Value::Pub(p @ (Public::Surv(_) | Public::Table(_))) => p,
        _ => {
            return Err(EvalError::at(
                e,
                "plot() draws a survfit() result or a table",
            ));
        }
    };
    ev.plot(
        e,
        what,
        [
            a.get("file"),
            a.get("conf.int"),
            a.get("main"),
            a.get("xlab"),
            a.get("ylab"),
        ],
        scope,
    )
}

/// The type rule of `plot`, `barplot` (the entries share it).
pub(super) fn check(
    c: &Checker,
    _e: &Expr,
    a: &Args<'_>,
    scope: Scope<'_>,
) -> Result<Ty, TypeError> {
    for (i, v) in a.slots().into_iter().enumerate() {
        if let Some(v) = v {
            let t = c.expr(v, scope)?;
            if matches!(t, Ty::Private(_)) {
                let want = if i == 0 {
                    "a public result (a survfit or a table)"
                } else {
                    "a public value"
                };
                return Err(mismatch(v, &t, want));
            }
        }
    }
    public(PubTy::Any)
}
