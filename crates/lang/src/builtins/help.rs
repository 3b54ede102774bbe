//! `help`: help("name"): this text
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::{Expr, ExprKind};
use crate::check::Checker;
use crate::check::PubTy;
use crate::check::Ty;
use crate::check::TypeError;
use crate::check::rules::*;
use crate::eval::call::need;
use crate::eval::value::{PrivTable, Public, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `help`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "help",
    params: &[Param::required("topic")],
    min_dots: 0,
    refused: &[],
    usage: "help(\"name\"): this text",
    reveals: "nothing",
    check: Some(check),
    eval: Some(eval),
};

fn eval(
    _ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    _scope: Option<&PrivTable>,
) -> Result<Value> {
    let _name = "help";
    let topic = need(a, e, "topic")?;
    let name = match &topic.kind {
        ExprKind::Str(s) => s.clone(),
        ExprKind::Ident(s) => s.clone(),
        _ => String::new(),
    };
    let text =
        crate::help::help(&name).unwrap_or_else(|| format!("No documentation for `{name}`."));
    Ok(Value::Pub(Public::Note(text)))
}

/// The type rule of `help`.
fn check(_c: &Checker, e: &Expr, a: &Args<'_>, _scope: Scope<'_>) -> Result<Ty, TypeError> {
    let _name = a.function();
    match &a.nth(0).ok_or_else(|| missing(e))?.kind {
        ExprKind::Str(_) | ExprKind::Ident(_) => public(PubTy::Str),
        _ => Err(unsupported(e, "help() takes a function name")),
    }
}
