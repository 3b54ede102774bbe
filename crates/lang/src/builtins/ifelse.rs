//! `ifelse`: ifelse(test, yes, no): numbers, or two strings (a categorical)
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
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `ifelse`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "ifelse",
    params: &[
        Param::required("test"),
        Param::required("yes"),
        Param::required("no"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "ifelse(test, yes, no): numbers, or two strings (a categorical)",
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
    let t = ev.eval_in(need(a, e, "test")?, scope)?;
    let y = ev.eval_in(need(a, e, "yes")?, scope)?;
    let n = ev.eval_in(need(a, e, "no")?, scope)?;
    let parts = [
        (need(a, e, "test")?, &t),
        (need(a, e, "yes")?, &y),
        (need(a, e, "no")?, &n),
    ];
    crate::eval::ops::same_lengths(e, &parts)?;
    ev.ifelse(e, t, y, n)
}

/// The type rule of `ifelse`.
fn check(c: &Checker, e: &Expr, a: &Args<'_>, scope: Scope<'_>) -> Result<Ty, TypeError> {
    ifelse_ty(c, e, a, scope)
}

/// `ifelse(test, yes, no)`: public strings as `yes`/`no` of a private test make
/// a private categorical with those levels; so does a private categorical branch with a
/// string or another categorical.
fn ifelse_ty(c: &Checker, e: &Expr, a: &Args<'_>, scope: Scope<'_>) -> Result<Ty, TypeError> {
    let [test, yes, no] = required(a, e, [0, 1, 2])?;
    let tt = c.expr(test, scope)?;
    logical(test, &tt)?;
    let (yt, nt) = (c.expr(yes, scope)?, c.expr(no, scope)?);
    if let (ExprKind::Str(y), ExprKind::Str(n), Ty::Private(_)) = (&yes.kind, &no.kind, &tt) {
        let mut levels = vec![y.clone()];
        if n != y {
            levels.push(n.clone());
        }
        return Ok(Ty::Private(PrivTy::Cat {
            levels: text_order(levels),
        }));
    }
    // A private categorical branch with a string or another categorical: the levels of
    // `yes`, then the new ones of `no` (R's recoding by nested ifelse()).
    let levels_of = |x: &Expr, t: &Ty| match (t, &x.kind) {
        (Ty::Private(PrivTy::Cat { levels }), _) => Some(levels.clone()),
        (_, ExprKind::Str(s)) => Some(vec![s.clone()]),
        _ => None,
    };
    let is_cat = |t: &Ty| matches!(t, Ty::Private(PrivTy::Cat { .. }));
    if matches!(tt, Ty::Private(_)) && (is_cat(&yt) || is_cat(&nt)) {
        match (levels_of(yes, &yt), levels_of(no, &nt)) {
            (Some(mut levels), Some(more)) => {
                for l in more {
                    if !levels.contains(&l) {
                        levels.push(l);
                    }
                }
                return Ok(Ty::Private(PrivTy::Cat {
                    levels: text_order(levels),
                }));
            }
            _ => {
                return Err(unsupported(
                    e,
                    "ifelse() with a categorical branch takes a string or a categorical as \
                     the other",
                ));
            }
        }
    }
    let joined = c.join(e, &[(yes, yt), (no, nt)])?;
    Ok(match (tt, joined) {
        (Ty::Private(_), Ty::Public(p)) => match p {
            PubTy::Bool | PubTy::BoolVec => Ty::Private(PrivTy::Bool),
            PubTy::Num | PubTy::Int | PubTy::NumVec | PubTy::Any => {
                Ty::Private(PrivTy::Num { decimals: 0 })
            }
            _ => {
                return Err(unsupported(
                    e,
                    "ifelse() of a private test gives numbers, logical values or two strings",
                ));
            }
        },
        (_, j) => j,
    })
}

/// Levels of text as R's `table` orders them (as `as.character` does in the evaluator:
/// letters compared without case first).
fn text_order(mut levels: Vec<String>) -> Vec<String> {
    levels.sort_by_key(|l| crate::eval::factor::text_key(l));
    levels
}
