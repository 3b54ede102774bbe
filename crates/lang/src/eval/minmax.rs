//! `abs(x)`, `pmin(x, y, ...)` and `pmax(x, y, ...)` on private numbers (issue 14), exact.
//!
//! `abs(x) = x (1 - 2 [x < 0])`; `pmin(x, y) = y + [x < y] (x - y)` and `pmax(x, y) =
//! x - [x < y] (x - y)`, folded over more arguments, written with the language's own
//! operators: one secure comparison and one product per row and step, and every rule of
//! the operators holds (the comparison's width and the words' range, checked from the proven
//! ranges; the disclosure rules, which see `[x < y]` as a comparison-made part). The result's
//! range is the exact interval of the function ([`super::range`]). A missing value in any
//! argument makes the row missing, as R's `pmin` does without `na.rm`; `na.rm = TRUE` is
//! refused by name.
use super::range::{Bounds, Range};
use super::value::{Kind, PrivTable, PrivVec, Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::{BinOp, Expr};

impl Evaluator<'_> {
    /// `abs(x)`, as `x * (1 - 2 * (x < 0))` through the operators (so the disclosure rules
    /// see the rows where `x < 0` as a part: `sum(abs(x))` with one negative value would
    /// give it away, and is refused like `sum(x[x < 0])`), with the tighter range.
    pub(crate) fn abs_call(&mut self, e: &Expr, x: Value) -> Result<Value> {
        let v = match x {
            Value::Pub(Public::Num { values, names }) => {
                return Ok(Value::Pub(Public::Num {
                    values: values.iter().map(|v| v.map(f64::abs)).collect(),
                    names,
                }));
            }
            Value::Vec(v) if matches!(v.kind, Kind::Num { .. } | Kind::Bool) => v,
            _ => return Err(EvalError::at(e, "abs() takes numbers")),
        };
        if v.range.lo >= 0.0 {
            return Ok(Value::Vec(v));
        }
        let range = v.range.map(|r| {
            if r.hi <= 0.0 {
                r.negated()
            } else if r.lo >= 0.0 {
                r
            } else {
                Range::new(0.0, r.mag())
            }
        });
        let negative = self.binary(e, BinOp::Lt, Value::Vec(v.clone()), num(0.0))?;
        let twice = self.binary(e, BinOp::Mul, negative, num(2.0))?;
        let sign = self.binary(e, BinOp::Sub, num(1.0), twice)?;
        let out = self.binary(e, BinOp::Mul, Value::Vec(v), sign)?;
        Ok(with_range(out, range))
    }

    /// `pmin(...)` (`min = true`) or `pmax(...)` of `args`.
    pub(crate) fn pminmax(
        &mut self,
        e: &Expr,
        min: bool,
        args: &[&Expr],
        na_rm: Option<&Expr>,
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        if let Some(flag) = na_rm
            && self.flag(Some(flag), scope, 0.0)? != 0.0
        {
            return Err(EvalError::at(
                flag,
                "na.rm = TRUE is not available: missing values make the row missing",
            ));
        }
        let mut values = Vec::new();
        for a in args {
            values.push(self.eval_in(a, scope)?);
        }
        let parts: Vec<(&Expr, &Value)> = args.iter().copied().zip(&values).collect();
        super::ops::same_lengths(e, &parts)?;
        let mut acc: Option<Value> = None;
        for v in values {
            acc = Some(match acc {
                None => v,
                Some(prev) => self.pair(e, min, prev, v)?,
            });
        }
        acc.ok_or_else(|| EvalError::at(e, "pmin() and pmax() take at least one argument"))
    }

    /// One step of the fold.
    fn pair(&mut self, e: &Expr, min: bool, a: Value, b: Value) -> Result<Value> {
        let pick = |x: f64, y: f64| if min { x.min(y) } else { x.max(y) };
        match (a, b) {
            (
                Value::Pub(Public::Num { values: x, .. }),
                Value::Pub(Public::Num { values: y, .. }),
            ) => {
                let n = x.len().max(y.len());
                Ok(Value::Pub(Public::nums((0..n).map(|i| {
                    let (p, q) = (x[i % x.len()], y[i % y.len()]);
                    p.zip(q).map(|(p, q)| pick(p, q))
                }))))
            }
            (Value::Vec(x), y) | (y, Value::Vec(x)) => self.pair_private(e, min, x, y),
            _ => Err(EvalError::at(e, "pmin() and pmax() take numbers")),
        }
    }

    /// `pmin(x, y) = y + (x < y) * (x - y)`, `pmax(x, y) = x - (x < y) * (x - y)`, through
    /// the operators (their range, width and disclosure rules apply), with the tighter range.
    fn pair_private(&mut self, e: &Expr, min: bool, x: PrivVec, y: Value) -> Result<Value> {
        if !matches!(x.kind, Kind::Num { .. } | Kind::Bool) {
            return Err(EvalError::at(e, "pmin() and pmax() take numbers"));
        }
        let yr = match &y {
            Value::Vec(v) => v.range,
            Value::Pub(Public::Num { values, .. }) => match values.as_slice() {
                [Some(c)] => Range::point(*c).into(),
                _ => {
                    return Err(EvalError::at(
                        e,
                        "pmin() and pmax() take private vectors and single numbers",
                    ));
                }
            },
            _ => return Err(EvalError::at(e, "pmin() and pmax() take numbers")),
        };
        let range = x.range.zip(yr, |a, b| {
            if min {
                Range::new(a.lo.min(b.lo), a.hi.min(b.hi))
            } else {
                Range::new(a.lo.max(b.lo), a.hi.max(b.hi))
            }
        });
        // The ranges may decide it for every row (public: they come from the dictionary).
        let (x_below, y_below) = (x.range.hi <= yr.lo, yr.hi <= x.range.lo);
        if (min && x_below) || (!min && y_below) {
            return Ok(Value::Vec(x));
        }
        if ((min && y_below) || (!min && x_below))
            && let Value::Vec(_) = y
        {
            return Ok(y);
        }
        let xv = Value::Vec(x);
        let less = self.binary(e, BinOp::Lt, xv.clone(), y.clone())?;
        let d = self.binary(e, BinOp::Sub, xv.clone(), y.clone())?;
        let step = self.binary(e, BinOp::Mul, less, d)?;
        let out = if min {
            self.binary(e, BinOp::Add, y, step)?
        } else {
            self.binary(e, BinOp::Sub, xv, step)?
        };
        Ok(with_range(out, range))
    }
}

/// A public number.
pub(crate) fn num(c: f64) -> Value {
    Value::Pub(Public::num(c))
}

/// `v` with the (tighter, still proven) range `range`.
pub(crate) fn with_range(v: Value, range: Bounds) -> Value {
    match v {
        Value::Vec(mut p) => {
            p.range = range;
            Value::Vec(p)
        }
        other => other,
    }
}
