//! `rbind`: rbind(...): tables with the same columns, one after the other
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, DOTS_PARAM};
use crate::ast::Expr;
use crate::check::Checker;
use crate::check::PrivTy;
use crate::check::PubTy;
use crate::check::Ty;
use crate::check::TypeError;
use crate::check::TypeErrorKind;
use crate::check::rules::*;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{EvalError, Evaluator, Result};

/// The entry of `rbind`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "rbind",
    params: &[DOTS_PARAM],
    min_dots: 1,
    refused: &[],
    usage: "rbind(...): tables with the same columns, one after the other",
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
    let mut tables = Vec::new();
    for v in &a.dots() {
        match ev.eval_in(v, scope)? {
            Value::Table(t) => tables.push(t),
            _ => return Err(EvalError::at(v, "rbind() takes private tables")),
        }
    }
    ev.rbind(e, tables).map(Value::Table)
}

/// The type rule of `rbind`.
fn check(c: &Checker, e: &Expr, a: &Args<'_>, scope: Scope<'_>) -> Result<Ty, TypeError> {
    rbind_ty(c, e, &a.dots(), scope)
}

/// `rbind(...)`: private tables with the same columns.
fn rbind_ty(c: &Checker, e: &Expr, items: &[&Expr], scope: Scope<'_>) -> Result<Ty, TypeError> {
    let mut acc: Option<Ty> = None;
    for v in items {
        let t = c.expr(v, scope)?;
        match (&acc, &t) {
            (_, Ty::Private(PrivTy::Table { .. }) | Ty::Public(PubTy::Table)) => {}
            _ => return Err(mismatch(v, &t, "a table")),
        }
        if let Some(a) = &acc
            && *a != t
        {
            let message = match (a, &t) {
                (
                    Ty::Private(PrivTy::Table { columns: x }),
                    Ty::Private(PrivTy::Table { columns: y }),
                ) => {
                    let diff = x
                        .iter()
                        .zip(y)
                        .find(|(p, q)| p != q)
                        .map(|(p, _)| p.0.clone());
                    match diff {
                        Some(c) => {
                            format!("`{v}` differs from the first table in column `{c}`")
                        }
                        None => {
                            format!("`{v}` has {} columns, the first table {}", y.len(), x.len())
                        }
                    }
                }
                _ => format!("cannot bind a {} to a {}", describe(&t), describe(a)),
            };
            return Err(TypeError::new(
                e,
                TypeErrorKind::Incompatible {
                    expr: e.to_string(),
                    message,
                },
            ));
        }
        acc = Some(t);
    }
    acc.ok_or_else(|| unsupported(e, "rbind() needs at least one table"))
}
