//! `c`: c(...): concatenation (across sites)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, DOTS_PARAM};
use crate::ast::Expr;
use crate::check::Checker;
use crate::check::Ty;
use crate::check::TypeError;
use crate::check::rules::*;
use crate::eval::value::{PrivTable, Public, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `c`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "c",
    params: &[DOTS_PARAM],
    min_dots: 1,
    refused: &[],
    usage: "c(...): concatenation (across sites)",
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
    let _name = "c";
    let mut vals = Vec::new();
    for v in &a.dots() {
        vals.push(ev.eval_in(v, scope)?);
    }
    let out = ev.combine(e, vals)?;
    // R's names of `c(a = 1, b = 2)`: one per public number (unnamed ones empty).
    match out {
        Value::Pub(Public::Num {
            values,
            names: None,
        }) if a.raw().iter().any(|x| x.name.is_some()) && a.raw().len() == values.len() => {
            let names = a.raw().iter().map(|x| x.name.clone().unwrap_or_default());
            Ok(Value::Pub(Public::Num {
                values,
                names: Some(names.collect()),
            }))
        }
        other => Ok(other),
    }
}

/// The type rule of `c`.
fn check(c: &Checker, e: &Expr, a: &Args<'_>, scope: Scope<'_>) -> Result<Ty, TypeError> {
    combine_ty(c, e, &a.dots(), scope)
}

/// `c(...)`: private vectors of one kind (with public numbers among private
/// numerics), or public values.
fn combine_ty(c: &Checker, e: &Expr, items: &[&Expr], scope: Scope<'_>) -> Result<Ty, TypeError> {
    let mut typed = Vec::with_capacity(items.len());
    for v in items {
        typed.push((*v, c.expr(v, scope)?));
    }
    c.join(e, &typed)
}
