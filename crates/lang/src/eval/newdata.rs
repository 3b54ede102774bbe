//! A model's terms evaluated on public new data (`predict(fit, newdata = data.frame(...))`):
//! the expressions the fit recorded (`sharestat_rstats::predict::ModelSpec`), evaluated row
//! by row on the data frame's columns in plain arithmetic, with R's meaning for the
//! operators and functions a formula's terms use (`+ - * / ^ %% %/%`, comparisons, `& | !`,
//! `log`, `log2`, `log10`, `log1p`, `exp`, `sqrt`, `abs`, `pmin`, `pmax`, `I`, and the factor
//! constructors, whose levels the fit recorded). The values are public, so nothing here is
//! secure computation; anything else in a term is refused by name.
use super::{EvalError, Result};
use crate::ast::{BinOp, Expr, ExprKind, UnOp};

/// One value of a new-data row.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cell {
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// A logical.
    Bool(bool),
    /// `NA`.
    Na,
}

impl Cell {
    /// R's `as.character` of the value (a factor's level), `None` for `NA`.
    pub(crate) fn level(&self) -> Option<String> {
        match self {
            Cell::Num(v) => Some(crate::display::fmt_num(*v)),
            Cell::Str(s) => Some(s.clone()),
            Cell::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }.to_owned()),
            Cell::Na => None,
        }
    }

    fn num(&self, e: &Expr) -> Result<Option<f64>> {
        match self {
            Cell::Num(v) => Ok(Some(*v)),
            Cell::Bool(b) => Ok(Some(f64::from(u8::from(*b)))),
            Cell::Na => Ok(None),
            Cell::Str(s) => Err(EvalError::at(
                e,
                format!("in newdata, `{e}` is the text \"{s}\" where the model has a number"),
            )),
        }
    }

    fn bool(&self, e: &Expr) -> Result<Option<bool>> {
        match self {
            Cell::Bool(b) => Ok(Some(*b)),
            Cell::Num(v) => Ok(Some(*v != 0.0)),
            Cell::Na => Ok(None),
            Cell::Str(_) => Err(EvalError::at(e, format!("`{e}` is not logical"))),
        }
    }
}

/// The value of `e` in row `row` of the columns `cols` (name, one cell per row).
pub(crate) fn eval(e: &Expr, cols: &[(String, Vec<Cell>)], row: usize) -> Result<Cell> {
    let num = |x: Option<f64>| x.map_or(Cell::Na, Cell::Num);
    Ok(match &e.kind {
        ExprKind::Num(v) => Cell::Num(*v),
        ExprKind::Int(v) => Cell::Num(*v as f64),
        ExprKind::Str(s) => Cell::Str(s.clone()),
        ExprKind::Bool(b) => Cell::Bool(*b),
        ExprKind::Na => Cell::Na,
        ExprKind::Ident(name) => cols
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v[row].clone())
            .ok_or_else(|| {
                EvalError::at(
                    e,
                    format!("newdata has no column `{name}`, which the model's terms use"),
                )
            })?,
        ExprKind::Unary { op, expr } => {
            let v = eval(expr, cols, row)?;
            match op {
                UnOp::Neg => num(v.num(e)?.map(|x| -x)),
                UnOp::Pos => num(v.num(e)?),
                UnOp::Not => v.bool(e)?.map_or(Cell::Na, |b| Cell::Bool(!b)),
                UnOp::Formula => return Err(unsupported(e, "~")),
            }
        }
        ExprKind::Binary { op, lhs, rhs } => {
            let (a, b) = (eval(lhs, cols, row)?, eval(rhs, cols, row)?);
            binary(e, *op, &a, &b)?
        }
        ExprKind::Call { func, args } => {
            let ExprKind::Ident(f) = &func.kind else {
                return Err(unsupported(e, &func.to_string()));
            };
            let first = args
                .first()
                .and_then(|a| a.value.as_ref())
                .ok_or_else(|| EvalError::at(e, format!("`{f}()` needs an argument")))?;
            let x = eval(first, cols, row)?;
            match f.as_str() {
                // The factor's levels are the fit's (R's `xlevels`): the value stands for
                // its level.
                "I" | "factor" | "as.factor" | "relevel" | "droplevels" | "as.character" => x,
                "as.numeric" => num(x.num(e)?),
                "pmin" | "pmax" => {
                    let mut acc = x.num(e)?;
                    for a in args.iter().skip(1) {
                        let v = a
                            .value
                            .as_ref()
                            .map_or(Ok(Cell::Na), |v| eval(v, cols, row))?;
                        let v = v.num(e)?;
                        acc = match (acc, v) {
                            (Some(p), Some(q)) => {
                                Some(if f == "pmin" { p.min(q) } else { p.max(q) })
                            }
                            _ => None,
                        };
                    }
                    num(acc)
                }
                _ => {
                    let Some(v) = x.num(e)? else {
                        return Ok(Cell::Na);
                    };
                    let y = match f.as_str() {
                        "log" if args.len() == 1 => v.ln(),
                        "log2" => v.log2(),
                        "log10" => v.log10(),
                        "log1p" => v.ln_1p(),
                        "exp" => v.exp(),
                        "sqrt" => v.sqrt(),
                        "abs" => v.abs(),
                        _ => return Err(unsupported(e, f)),
                    };
                    if y.is_nan() {
                        return Err(EvalError::at(
                            e,
                            format!("in newdata, `{e}` is not a number (NaN) for the value {v}"),
                        ));
                    }
                    Cell::Num(y)
                }
            }
        }
        _ => return Err(unsupported(e, &e.to_string())),
    })
}

fn unsupported(e: &Expr, what: &str) -> EvalError {
    EvalError::at(
        e,
        format!(
            "predict(): `{what}` in the model's term `{e}` cannot be evaluated on newdata \
             (arithmetic, comparisons, log, exp, sqrt, abs, pmin, pmax, I() and factor() can)"
        ),
    )
}

fn binary(e: &Expr, op: BinOp, a: &Cell, b: &Cell) -> Result<Cell> {
    use BinOp::*;
    Ok(match op {
        Add | Sub | Mul | Div | Pow | Mod | IntDiv => {
            let (Some(x), Some(y)) = (a.num(e)?, b.num(e)?) else {
                return Ok(Cell::Na);
            };
            Cell::Num(match op {
                Add => x + y,
                Sub => x - y,
                Mul => x * y,
                Div => x / y,
                Pow => x.powf(y),
                // R's %% and %/%: the quotient floored.
                Mod => x - (x / y).floor() * y,
                _ => (x / y).floor(),
            })
        }
        Lt | Le | Gt | Ge | Eq | Ne => {
            let ord = match (a, b) {
                (Cell::Na, _) | (_, Cell::Na) => return Ok(Cell::Na),
                (Cell::Str(x), Cell::Str(y)) => x.cmp(y),
                (Cell::Str(x), other) | (other, Cell::Str(x)) if matches!(op, Eq | Ne) => {
                    let same = other.level().as_deref() == Some(x.as_str());
                    return Ok(Cell::Bool(same == (op == Eq)));
                }
                _ => {
                    let (Some(x), Some(y)) = (a.num(e)?, b.num(e)?) else {
                        return Ok(Cell::Na);
                    };
                    x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal)
                }
            };
            use std::cmp::Ordering::*;
            Cell::Bool(match op {
                Lt => ord == Less,
                Le => ord != Greater,
                Gt => ord == Greater,
                Ge => ord != Less,
                Eq => ord == Equal,
                _ => ord != Equal,
            })
        }
        And | AndAnd | Or | OrOr => {
            let (x, y) = (a.bool(e)?, b.bool(e)?);
            let and = matches!(op, And | AndAnd);
            // R's three-valued logic: FALSE & NA is FALSE, TRUE | NA is TRUE.
            match (x, y) {
                (Some(p), Some(q)) => Cell::Bool(if and { p && q } else { p || q }),
                (Some(v), None) | (None, Some(v)) if v != and => Cell::Bool(v),
                _ => Cell::Na,
            }
        }
        In | Range | Formula => return Err(unsupported(e, op.symbol())),
    })
}
