//! `cut`: cut(x, breaks, labels, right = TRUE, include.lowest = FALSE): bins as a categorical
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::ast::ExprKind;
use crate::check::Checker;
use crate::check::PrivTy;
use crate::check::PubTy;
use crate::check::Ty;
use crate::check::TypeError;
use crate::check::rules::*;
use crate::eval::call::need;
use crate::eval::value::{PrivTable, Public, Value};
use crate::eval::{EvalError, Evaluator, Result};

/// The entry of `cut`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "cut",
    params: &[
        Param::required("x"),
        Param::required("breaks"),
        Param::optional("labels", "NULL"),
        Param::optional("right", "TRUE"),
        Param::optional("include.lowest", "FALSE"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "cut(x, breaks, labels, right = TRUE, include.lowest = FALSE): bins as a categorical",
    reveals: "nothing",
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
    let b = ev.eval_in(need(a, e, "breaks")?, scope)?;
    let flag = |s: &mut Evaluator<'_>, p: &str, default: bool| -> Result<bool> {
        match a.get(p) {
            None => Ok(default),
            Some(v) => match s.eval_in(v, scope)? {
                Value::Pub(Public::Bool(b)) if b.len() == 1 => Ok(b[0] == Some(true)),
                _ => Err(EvalError::at(v, "expected TRUE or FALSE")),
            },
        }
    };
    let right = flag(ev, "right", true)?;
    let lowest = flag(ev, "include.lowest", false)?;
    let labels = match a.get("labels") {
        Some(l) => match ev.eval_in(l, scope)? {
            Value::Pub(Public::Str(s)) => Some(s.into_iter().flatten().collect()),
            _ => return Err(EvalError::at(l, "labels must be strings")),
        },
        None => None,
    };
    ev.cut(e, x, b, labels, right, lowest)
}

/// The type rule of `cut`.
fn check(c: &Checker, e: &Expr, a: &Args<'_>, scope: Scope<'_>) -> Result<Ty, TypeError> {
    cut_ty(c, e, a, scope)
}

/// `cut(x, breaks = c(...), labels = ...)`: a private categorical whose levels
/// are the labels, or `(a,b]` from literal breaks.
fn cut_ty(c: &Checker, e: &Expr, a: &Args<'_>, scope: Scope<'_>) -> Result<Ty, TypeError> {
    let [x, breaks] = required(a, e, [0, 1])?;
    let xt = c.expr(x, scope)?;
    numeric(x, &xt)?;
    let bt = c.expr(breaks, scope)?;
    if matches!(bt, Ty::Private(_)) {
        return Err(mismatch(breaks, &bt, "public breaks"));
    }
    numeric(breaks, &bt)?;
    let literals = |e: &Expr, f: &mut dyn FnMut(&ExprKind)| e.walk(&mut |s| f(&s.kind));
    let mut levels = Vec::new();
    if let Some(labels) = a.nth(2) {
        literals(labels, &mut |k| {
            if let ExprKind::Str(s) = k {
                levels.push(s.clone());
            }
        });
    } else {
        let mut points = Vec::new();
        literals(breaks, &mut |k| match k {
            ExprKind::Num(v) => points.push(crate::display::fmt_num(*v)),
            ExprKind::Int(v) => points.push(v.to_string()),
            _ => {}
        });
        levels = points
            .windows(2)
            .map(|w| format!("({},{}]", w[0], w[1]))
            .collect();
    }
    Ok(match xt {
        Ty::Private(_) => Ty::Private(PrivTy::Cat { levels }),
        _ => Ty::Public(PubTy::StrVec),
    })
}
