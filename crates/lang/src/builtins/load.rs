//! `load`: load(study, name) or load(name): a dataset of the query's study as a private table (study must be the query's own)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::{Expr, ExprKind};
use crate::check::Checker;
use crate::check::PrivTy;
use crate::check::Ty;
use crate::check::TypeError;
use crate::check::TypeErrorKind;
use crate::check::rules::*;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{EvalError, Evaluator, Result};

/// The entry of `load`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "load",
    params: &[Param::required("study"), Param::optional("name", "NULL")],
    min_dots: 0,
    refused: &[],
    usage: "load(study, name) or load(name): a dataset of the query's study as a private table (study must be the query's own)",
    reveals: "nothing",
    check: Some(check),
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    _scope: Option<&PrivTable>,
) -> Result<Value> {
    let _name = "load";
    // The checker refuses these first; checked again where the data is read.
    let named = a.get("name").filter(|n| !matches!(n.kind, ExprKind::Null));
    if let (Some(study), Some(_)) = (a.get("study"), named) {
        let ExprKind::Str(named) = &study.kind else {
            return Err(EvalError::at(study, "load() takes the study as a string"));
        };
        ev.env
            .check_load_study(named)
            .map_err(|m| EvalError::at(study, m))?;
    }
    let n = a
        .get("name")
        .filter(|n| !matches!(n.kind, ExprKind::Null))
        .or(a.get("study"))
        .ok_or_else(|| EvalError::at(e, "load(name)"))?;
    let ExprKind::Str(ds) = &n.kind else {
        return Err(EvalError::at(
            n,
            "load() takes the dataset name as a string",
        ));
    };
    let dict = ev
        .env
        .datasets
        .get(ds)
        .ok_or_else(|| EvalError::at(n, format!("no dataset {ds:?}")))?;
    let PrivTy::Table { columns } = PrivTy::from_dictionary(dict) else {
        unreachable!("a dictionary is a table")
    };
    let layout = ev.dataset_layout(n, ds)?;
    Ok(Value::Table(PrivTable {
        layout,
        columns,
        sel: None,
        derived: Vec::new(),
    }))
}

/// The type rule of `load`.
fn check(c: &Checker, e: &Expr, a: &Args<'_>, _scope: Scope<'_>) -> Result<Ty, TypeError> {
    load_ty(c, e, a)
}

/// `load("name")` or `load(study, "name")`.
fn load_ty(c: &Checker, e: &Expr, a: &Args<'_>) -> Result<Ty, TypeError> {
    // `name = NULL` is R's default: one argument names the dataset.
    let named = a.nth(1).filter(|n| !matches!(n.kind, ExprKind::Null));
    if let (Some(study), Some(_)) = (a.nth(0), named) {
        let ExprKind::Str(named) = &study.kind else {
            return Err(unsupported(study, "load() takes the study as a string"));
        };
        if let Err(message) = c.env().check_load_study(named) {
            return Err(TypeError::new(
                study,
                TypeErrorKind::OtherStudy {
                    study: named.clone(),
                    message,
                },
            ));
        }
    }
    let Some(arg) = named.or(a.nth(0)) else {
        return Err(unsupported(e, "load(name) needs the dataset's name"));
    };
    let ExprKind::Str(name) = &arg.kind else {
        return Err(unsupported(
            arg,
            "load() takes the dataset name as a string",
        ));
    };
    match c.env().datasets.get(name) {
        Some(dict) => Ok(Ty::Private(PrivTy::from_dictionary(dict))),
        None => Err(TypeError::new(
            if named.is_some() { arg } else { e },
            TypeErrorKind::UnknownDataset {
                name: name.clone(),
                available: c.env().datasets.keys().cloned().collect(),
            },
        )),
    }
}
