//! `subset`: subset(t, cond), t[cond, ], x[cond]: the rows where cond is TRUE (NA counts as FALSE)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::check::Checker;
use crate::check::PrivTy;
use crate::check::PubTy;
use crate::check::Ty;
use crate::check::TypeError;
use crate::check::rules::*;
use crate::eval::call::need;
use crate::eval::value::{PrivTable, PrivVec, Value};
use crate::eval::{EvalError, Evaluator, Result};

/// The entry of `subset`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "subset",
    params: &[Param::required("x"), Param::required("subset")],
    min_dots: 0,
    refused: &[],
    usage: "subset(t, cond), t[cond, ], x[cond]: the rows where cond is TRUE (NA counts as FALSE)",
    reveals: "nothing; aggregates over it apply the subset rules",
    check: Some(check),
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let x = need(a, e, "x")?;
    match ev.eval_in(x, scope)? {
        Value::Table(t) => Ok(Value::Table(ev.filter(need(a, e, "subset")?, t, scope)?)),
        Value::Vec(v) => {
            let c = ev.eval_in(need(a, e, "subset")?, scope)?;
            let m = ev.condition(need(a, e, "subset")?, c, v.len())?;
            let sel = ev.and_mask(v.sel.clone(), Some(m))?;
            Ok(Value::Vec(PrivVec { sel, ..v }))
        }
        _ => Err(EvalError::at(x, "subset() takes a private table")),
    }
}

/// The type rule of `subset`.
fn check(c: &Checker, e: &Expr, a: &Args<'_>, scope: Scope<'_>) -> Result<Ty, TypeError> {
    let (x, xt) = first(c, e, a, scope)?;
    let cond = a.nth(1).ok_or_else(|| missing(e))?;
    match &xt {
        Ty::Private(PrivTy::Table { columns }) => {
            let ct = c.expr(cond, columns)?;
            logical(cond, &ct)?;
            Ok(xt)
        }
        Ty::Public(PubTy::Table | PubTy::Any) => public(PubTy::Table),
        _ => Err(mismatch(x, &xt, "a table")),
    }
}
