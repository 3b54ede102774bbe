//! `is.na`: is.na(x): TRUE where x is missing
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
use crate::eval::range::Range;
use crate::eval::value::{Kind, PrivTable, PrivVec, Public, Support, Value};
use crate::eval::{EvalError, Evaluator, Result};
use sharestat_mpc::AShares;

/// The entry of `is.na`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "is.na",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "is.na(x): TRUE where x is missing",
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
    match ev.eval_in(need(a, e, "x")?, scope)? {
        Value::Vec(v) => {
            // A column that cannot be missing gives a constant FALSE: its count is 0
            // by construction, not by the data.
            let (data, support) = match &v.present {
                Some(m) => {
                    let d = m.shares.neg().add_const(ev.p.id(), 1);
                    let m = ev.new_mask(d.clone());
                    (d, Support::indicator(m))
                }
                None => (
                    AShares::from_parts(vec![0; v.len()], vec![0; v.len()]),
                    Support::constant(),
                ),
            };
            Ok(Value::Vec(PrivVec {
                kind: Kind::Bool,
                data,
                onehot: None,
                present: None,
                support,
                range: Range::unit().into(),
                ..v
            }))
        }
        Value::Pub(Public::Num { values, .. }) => Ok(Value::Pub(Public::Bool(
            values.iter().map(|v| Some(v.is_none())).collect(),
        ))),
        _ => Err(EvalError::at(e, "is.na() takes a vector")),
    }
}

/// The type rule of `is.na`.
fn check(c: &Checker, e: &Expr, a: &Args<'_>, scope: Scope<'_>) -> Result<Ty, TypeError> {
    Ok(match first(c, e, a, scope)?.1 {
        Ty::Private(_) => Ty::Private(PrivTy::Bool),
        _ => Ty::Public(PubTy::BoolVec),
    })
}
