//! `cor`: cor(x, y, method = "pearson"): Pearson, Spearman (midranks) or Kendall (tau-b)
//!
//! The whole function in one module (issue 15): its registry entry (parameters with R's
//! defaults, help, what it reveals), its type rule and its evaluation, which dispatches on
//! `method` (R's `match.arg`) to Pearson's (`eval/pearson.rs`) or a rank correlation
//! (`eval/rankcor.rs`). `use = "complete.obs"` (or `"pairwise.complete.obs"`) drops the rows
//! where either value is missing; R's default `"everything"` answers `NA` when one is.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::{Expr, ExprKind};
use crate::check::rules::{Scope, numeric};
use crate::check::{Checker, PubTy, Ty, TypeError};
use crate::eval::rankcor::CorMethod;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{EvalError, Evaluator, Result};

/// The entry of `cor`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "cor",
    params: &[
        Param::required("x"),
        Param::optional("y", "NULL"),
        Param::optional("use", "\"everything\""),
        Param::optional("method", "\"pearson\""),
    ],
    min_dots: 0,
    refused: &[],
    usage: "cor(x, y, method = \"pearson\"): Pearson, Spearman (midranks) or Kendall (tau-b, up to 2000 rows)",
    reveals: "n, Σx, Σy, Σx², Σy², Σxy (of the ranks, for Spearman); Kendall: n, S = C - D and the tie-run sums",
    check: Some(check),
    eval: Some(eval),
};

/// `cor(x, y)` of two numeric vectors is a public number (`cor(x)` of a table, R's
/// correlation matrix, is not computed: the evaluator refuses it).
fn check(
    c: &Checker,
    e: &Expr,
    a: &Args<'_>,
    scope: Scope<'_>,
) -> std::result::Result<Ty, TypeError> {
    for p in ["use", "method"] {
        if let Some(v) = a.get(p) {
            c.expr(v, scope)?;
        }
    }
    let x = a.get("x").unwrap_or(e);
    let xt = c.expr(x, scope)?;
    match a.get("y") {
        Some(y) => {
            let yt = c.expr(y, scope)?;
            numeric(x, &xt)?;
            numeric(y, &yt)?;
            Ok(Ty::Public(PubTy::Num))
        }
        None => Ok(Ty::Public(PubTy::Table)),
    }
}

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let x = a.get("x").ok_or_else(|| EvalError::at(e, "cor(x, y)"))?;
    let y = a
        .get("y")
        .ok_or_else(|| EvalError::at(e, "cor(x, y): give y"))?;
    let (x, y) = (ev.eval_in(x, scope)?, ev.eval_in(y, scope)?);
    let complete = match a.get("use") {
        None => false,
        Some(v) => matches!(&v.kind, ExprKind::Str(s) if s.contains("complete")),
    };
    match ev.cor_method(a, scope)? {
        CorMethod::Pearson => ev.cor(e, x, y, complete),
        method => ev.rank_cor(e, method, (x, y), complete),
    }
}
