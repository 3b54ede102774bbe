//! `data.frame`: data.frame(age = c(50, 60), sex_f = c("male", "female")): a table of public values, as R's data.frame (named columns of numbers, text or logicals, recycled to the longest as R recycles them); for predict()'s newdata. Patient data come from load(), so a private column is refused
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::{Args, arg_error};
use super::{Builtin, DOTS_PARAM};
use crate::ast::Expr;
use crate::check::rules::Scope;
use crate::check::{Checker, PubTy, Ty, TypeError};
use crate::eval::value::{PrivTable, Public, Value};
use crate::eval::{EvalError, Evaluator, Result};

/// The entry of `data.frame`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "data.frame",
    params: &[DOTS_PARAM],
    min_dots: 1,
    refused: &[
        (
            "row.names",
            "the rows are numbered 1, 2, ... as R's default",
        ),
        ("check.rows", "the columns are checked as R's default"),
        ("check.names", "column names are taken as written"),
        ("fix.empty.names", "every column needs a name"),
        (
            "stringsAsFactors",
            "text columns stay text (R 4's default); predict() matches them to the fit's levels",
        ),
    ],
    usage: "data.frame(age = c(50, 60), sex_f = c(\"male\", \"female\")): a table of public values, as R's data.frame (named columns of numbers, text or logicals, recycled to the longest as R recycles them); for predict()'s newdata. Patient data come from load(), so a private column is refused",
    reveals: "nothing (public values only)",
    check: Some(check),
    eval: Some(eval),
};

/// The type rule of `data.frame`: named public columns.
fn check(c: &Checker, _e: &Expr, a: &Args<'_>, scope: Scope<'_>) -> Result<Ty, TypeError> {
    for arg in a.raw() {
        let Some(v) = &arg.value else { continue };
        if arg.name.is_none() {
            return Err(arg_error(
                "data.frame",
                format!("name each column: data.frame(x = {v})"),
                v,
            ));
        }
        match c.expr(v, scope)? {
            Ty::Public(
                PubTy::Num
                | PubTy::Int
                | PubTy::Str
                | PubTy::Bool
                | PubTy::NumVec
                | PubTy::StrVec
                | PubTy::BoolVec,
            ) => {}
            Ty::Private(_) => {
                return Err(arg_error(
                    "data.frame",
                    format!(
                        "`{v}` is patient data: data.frame() holds public values (predict()'s \
                         newdata); the data come from load()"
                    ),
                    v,
                ));
            }
            _ => {
                return Err(arg_error(
                    "data.frame",
                    format!("`{v}` is not a vector of numbers, text or logicals"),
                    v,
                ));
            }
        }
    }
    Ok(Ty::Public(PubTy::Any))
}

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    a.dots(); // the columns are read by name below
    let mut cols: Vec<(String, Public)> = Vec::new();
    for arg in a.raw() {
        let (Some(name), Some(v)) = (&arg.name, &arg.value) else {
            continue;
        };
        if cols.iter().any(|(n, _)| n == name) {
            return Err(EvalError::at(v, format!("two columns are named `{name}`")));
        }
        match ev.eval_in(v, scope)? {
            Value::Pub(p @ (Public::Num { .. } | Public::Str(_) | Public::Bool(_))) => {
                cols.push((name.clone(), p))
            }
            _ => {
                return Err(EvalError::at(
                    v,
                    format!("`{v}` is not a public vector of numbers, text or logicals"),
                ));
            }
        }
    }
    // R's recycling: every length divides the longest.
    let rows = cols.iter().map(|(_, v)| v.len()).max().unwrap_or(0);
    for (name, v) in &mut cols {
        let k = v.len();
        if k == 0 || rows % k != 0 {
            return Err(EvalError::at(
                e,
                format!("arguments imply differing number of rows: {rows}, {k} (`{name}`)"),
            ));
        }
        *v = match std::mem::replace(v, Public::Null) {
            Public::Num { values, .. } => Public::nums((0..rows).map(|i| values[i % k])),
            Public::Str(s) => Public::Str((0..rows).map(|i| s[i % k].clone()).collect()),
            Public::Bool(b) => Public::Bool((0..rows).map(|i| b[i % k]).collect()),
            other => other,
        };
    }
    Ok(Value::Pub(Public::DataFrame(cols)))
}
