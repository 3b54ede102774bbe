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
use crate::eval::plot::PlotArgs;
use crate::eval::value::{PrivTable, Public, Value};
use crate::eval::{EvalError, Evaluator, Result};

/// The entry of `plot`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "plot",
    params: PLOT_PARAMS,
    min_dots: 0,
    refused: &[],
    usage: "plot(fit or table, file = \"km.svg\", conf.int, main, xlab, ylab, xlim = c(0, 60), ylim = c(0, 1), col = c(\"red\", \"blue\"), lty = 1:2): drawn by your client; R's graphical arguments (col: R's colour names, #RRGGBB or palette numbers; lty: 0-6 or their names; one per curve, recycled); conf.int defaults to R's plot.survfit: bands for a single curve; a table's bars take main, xlab, ylab, ylim and col",
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
    let bars = a.function() == "barplot";
    let what = match ev.eval_in(need(a, e, a.params()[0].name)?, scope)? {
        Value::Pub(p @ Public::Table(_)) => p,
        Value::Pub(p @ Public::Surv(_)) if !bars => p,
        _ if bars => return Err(EvalError::at(e, "barplot() draws a table")),
        _ => {
            return Err(EvalError::at(
                e,
                "plot() draws a survfit() result or a table",
            ));
        }
    };
    ev.plot(e, what, PlotArgs::of(a), scope)
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
