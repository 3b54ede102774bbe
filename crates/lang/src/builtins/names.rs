//! `names`: names(t): the column names of a table
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
use crate::eval::value::{PrivTable, Public, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `names`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "names",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "names(t): the column names of a table",
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
    match ev.eval_in(need(a, e, "x")?, scope)? {
        Value::Table(t) => Ok(Value::Pub(Public::Str(
            t.columns.into_iter().map(|(n, _)| Some(n)).collect(),
        ))),
        Value::Pub(Public::Num { names: Some(n), .. }) => {
            Ok(Value::Pub(Public::Str(n.into_iter().map(Some).collect())))
        }
        Value::Pub(Public::Table(t)) => Ok(Value::Pub(Public::Str(
            t.dims[0].1.iter().cloned().map(Some).collect(),
        ))),
        _ => Ok(Value::Pub(Public::Null)),
    }
}

/// The type rule of `names`.
fn check(c: &Checker, e: &Expr, a: &Args<'_>, scope: Scope<'_>) -> Result<Ty, TypeError> {
    match first(c, e, a, scope)? {
        (_, Ty::Private(PrivTy::Table { .. }) | Ty::Public(_)) => public(PubTy::StrVec),
        (x, t) => Err(mismatch(x, &t, "a table")),
    }
}
