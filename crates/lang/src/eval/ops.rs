//! Operators: arithmetic on private vectors (and on public values, computed in the clear);
//! comparisons and logic are in `compare.rs`.
//!
//! Private numbers are exact scaled integers (`Kind::Num { scale }`); `+ -` align scales,
//! `*` adds them (one multiplication round for two private vectors, none with a constant),
//! division is by public constants only (a public multiplier with the decimals its proven
//! range allows, its error checked: `checks.rs`). Every result carries its proven range
//! (`range.rs`). Missing values propagate through the `present` masks; selections through
//! `sel`.
use super::checks::{check_words, constant_decimals, division_decimals};
use super::range::Range;
use super::support::Via;
use super::value::{Kind, PrivVec, Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::{BinOp, Expr, UnOp};
use sharestat_mpc::AShares;

/// Width of comparisons: encoded values must lie within `±2^(CMP_BITS - 2)`.
pub(crate) const CMP_BITS: u32 = 48;

/// Largest number of decimals a private number may carry.
pub(crate) const MAX_SCALE: u32 = 12;

/// Decimal places a public constant needs (at most 6).
pub(crate) fn const_decimals(c: f64) -> u32 {
    (0..=6u32)
        .find(|&d| {
            let s = c * 10f64.powi(d as i32);
            (s - s.round()).abs() < 1e-9 * s.abs().max(1.0)
        })
        .unwrap_or(6)
}

/// `c` as an encoded word at `scale`.
pub(crate) fn encode(c: f64, scale: u32) -> u64 {
    (c * 10f64.powi(scale as i32)).round() as i64 as u64
}

/// `x` rescaled from `from` to `to >= from` decimals.
pub(crate) fn rescale(x: &AShares, from: u32, to: u32) -> std::borrow::Cow<'_, AShares> {
    if to == from {
        std::borrow::Cow::Borrowed(x)
    } else {
        std::borrow::Cow::Owned(x.scale(10u64.pow(to - from)))
    }
}

/// The refusal of an operator that private values do not support here.
/// Refuses private vectors of different lengths among `parts` (each with its expression),
/// before any computation: R would recycle the shorter with a warning, which for patient
/// columns is almost always a mistake (issue 15: it panicked the job's thread).
pub(crate) fn same_lengths(e: &Expr, parts: &[(&Expr, &Value)]) -> Result<()> {
    let vecs: Vec<(&Expr, usize)> = parts
        .iter()
        .filter_map(|(x, v)| match v {
            Value::Vec(p) => Some((*x, p.len())),
            _ => None,
        })
        .collect();
    let Some(&(a, n)) = vecs.first() else {
        return Ok(());
    };
    match vecs.iter().find(|(_, m)| *m != n) {
        None => Ok(()),
        Some(&(b, m)) => Err(EvalError::at(
            e,
            format!(
                "`{a}` has {n} values and `{b}` has {m}: vectors of different lengths (R would \
                 recycle the shorter with a warning, which for patient columns is almost \
                 always a mistake); use columns of the same rows"
            ),
        )),
    }
}

fn unsupported(e: &Expr, op: BinOp) -> EvalError {
    EvalError::at(
        e,
        format!(
            "`{}` is not available on private values here; aggregate first \
             (e.g. sum(x) / sum(y))",
            op.symbol()
        ),
    )
}

pub(crate) fn numbers(e: &Expr, p: &Public) -> Result<Vec<f64>> {
    match p {
        Public::Num { values, .. } => values
            .iter()
            .map(|v| v.ok_or_else(|| EvalError::at(e, "NA in arithmetic with private data")))
            .collect(),
        Public::Bool(b) => Ok(b
            .iter()
            .map(|v| f64::from(u8::from(*v == Some(true))))
            .collect()),
        _ => Err(EvalError::at(e, "expected numbers")),
    }
}

impl Evaluator<'_> {
    pub(crate) fn unary(&mut self, e: &Expr, op: UnOp, v: Value) -> Result<Value> {
        Ok(match (op, v) {
            (UnOp::Neg, Value::Vec(x)) => {
                let scale = self.scale_of(e, &x)?;
                let mut support = x.support.clone();
                support.reversed = !support.reversed;
                Value::Vec(PrivVec {
                    kind: Kind::Num { scale },
                    data: x.data.neg(),
                    onehot: None,
                    support,
                    range: x.range.negated(),
                    ..x
                })
            }
            (UnOp::Pos, v @ Value::Vec(_)) => v,
            (UnOp::Not, Value::Vec(x)) if x.kind == Kind::Bool => {
                let data = x.data.neg().add_const(self.p.id(), 1);
                let ordered = x.support.ordered();
                Value::Vec(self.derived(
                    e,
                    &x,
                    None,
                    (Kind::Bool, Range::unit().into()),
                    data,
                    Via::Indicator { ordered },
                )?)
            }
            (UnOp::Neg, Value::Pub(p)) => {
                let v = numbers(e, &p)?;
                Value::Pub(Public::nums(v.into_iter().map(|x| Some(-x))))
            }
            (UnOp::Pos, v @ Value::Pub(_)) => v,
            (UnOp::Not, Value::Pub(Public::Bool(b))) => {
                Value::Pub(Public::Bool(b.into_iter().map(|x| x.map(|y| !y)).collect()))
            }
            _ => {
                return Err(EvalError::at(
                    e,
                    format!("cannot apply `{}` here", op.symbol()),
                ));
            }
        })
    }

    pub(crate) fn scale_of(&self, e: &Expr, x: &PrivVec) -> Result<u32> {
        match x.kind {
            Kind::Num { scale } => Ok(scale),
            Kind::Bool | Kind::Date => Ok(0),
            Kind::Cat { .. } => Err(EvalError::at(e, "arithmetic on a categorical vector")),
        }
    }

    /// Result of an operation on `x` (and `y`): merged masks, same layout.
    pub(crate) fn derived(
        &mut self,
        e: &Expr,
        x: &PrivVec,
        y: Option<&PrivVec>,
        (kind, range): (Kind, super::range::Bounds),
        data: AShares,
        via: Via,
    ) -> Result<PrivVec> {
        let (mut present, mut sel) = (x.present.clone(), x.sel.clone());
        if let Some(y) = y {
            if y.len() != x.len() {
                return Err(EvalError::at(
                    e,
                    format!("vectors of {} and {} rows", x.len(), y.len()),
                ));
            }
            present = self.and_mask(present, y.present.clone())?;
            sel = self.and_mask(sel, y.sel.clone())?;
        }
        let support = self.result_support(e, x, y, &data, via)?;
        Ok(PrivVec {
            kind,
            data,
            onehot: None,
            present,
            sel,
            layout: x.layout.clone(),
            support,
            range,
        })
    }

    /// A logical result of `x` (and `y`) that compared no numbers itself (it keeps its
    /// operands' `ordered`).
    pub(crate) fn logical(
        &mut self,
        e: &Expr,
        x: &PrivVec,
        y: Option<&PrivVec>,
        data: AShares,
    ) -> Result<Value> {
        let via = Via::Indicator { ordered: false };
        Ok(Value::Vec(self.derived(
            e,
            x,
            y,
            (Kind::Bool, Range::unit().into()),
            data,
            via,
        )?))
    }

    pub(crate) fn binary(&mut self, e: &Expr, op: BinOp, l: Value, r: Value) -> Result<Value> {
        if let (Value::Pub(a), Value::Pub(b)) = (&l, &r) {
            return super::public::public_binary(e, op, a, b).map(Value::Pub);
        }
        match op {
            BinOp::And | BinOp::AndAnd | BinOp::Or | BinOp::OrOr => self.logic(e, op, l, r),
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne => {
                self.compare(e, op, l, r)
            }
            BinOp::In => self.within(e, l, r),
            _ => self.arith(e, op, l, r),
        }
    }

    fn arith(&mut self, e: &Expr, op: BinOp, l: Value, r: Value) -> Result<Value> {
        let unsupported = || unsupported(e, op);
        // Quotients of private values and powers other than the square (`quotient.rs`).
        match (op, l, r) {
            (BinOp::Div, Value::Vec(x), Value::Vec(y)) => self.quotient(e, x, y),
            (BinOp::Div, Value::Pub(c), Value::Vec(y)) if !y.is_empty() => {
                match numbers(e, &c)?[..] {
                    [c] => self.constant_over(e, c, y),
                    _ => Err(unsupported()),
                }
            }
            (BinOp::Pow, Value::Vec(x), Value::Pub(c)) if matches!(numbers(e, &c)?[..], [p] if p != 2.0) =>
            {
                let p = numbers(e, &c)?[0];
                self.power(e, x, p)
            }
            (op, l, r) => self.arith_exact(e, op, l, r),
        }
    }

    /// `+ - *`, division by public constants and squares: exact on the words.
    fn arith_exact(&mut self, e: &Expr, op: BinOp, l: Value, r: Value) -> Result<Value> {
        let unsupported = || unsupported(e, op);
        let mut flip = false;
        let (kind, data, x, y, via, range) = match (l, r) {
            (Value::Vec(x), Value::Vec(y)) => {
                let (sx, sy) = (self.scale_of(e, &x)?, self.scale_of(e, &y)?);
                let range = match op {
                    BinOp::Add => x.range.plus(y.range),
                    BinOp::Sub => x.range.minus(y.range),
                    BinOp::Mul => x.range.times(y.range),
                    _ => return Err(unsupported()),
                };
                let out_scale = if op == BinOp::Mul {
                    sx + sy
                } else {
                    sx.max(sy)
                };
                check_words(e, range, out_scale)?;
                let (s, d) = match op {
                    BinOp::Add | BinOp::Sub => {
                        let s = sx.max(sy);
                        let (a, b) = (rescale(&x.data, sx, s), rescale(&y.data, sy, s));
                        (
                            s,
                            if op == BinOp::Add {
                                a.add(&b)
                            } else {
                                a.sub(&b)
                            },
                        )
                    }
                    BinOp::Mul => (sx + sy, self.p.mul(&x.data, &y.data)?),
                    _ => return Err(unsupported()),
                };
                let via = if op == BinOp::Mul {
                    Via::Product
                } else {
                    Via::Sum
                };
                (Kind::Num { scale: s }, d, x, Some(y), via, range)
            }
            (l, r) => {
                let flipped = matches!(l, Value::Pub(_));
                let (Value::Vec(x), Value::Pub(c)) = (if flipped { (r, l) } else { (l, r) }) else {
                    return Err(unsupported());
                };
                let c = numbers(e, &c)?;
                if c.len() != 1 && c.len() != x.len() {
                    return Err(EvalError::at(
                        e,
                        format!(
                            "a public vector of {} values with {} rows",
                            c.len(),
                            x.len()
                        ),
                    ));
                }
                let sx = self.scale_of(e, &x)?;
                // The values' order is reversed by `c - x` and by negative factors.
                flip = match op {
                    BinOp::Sub => flipped,
                    BinOp::Mul | BinOp::Div => c.iter().all(|v| *v < 0.0),
                    _ => false,
                };
                let cr = c
                    .iter()
                    .fold(Range::point(c[0]), |r, &v| r.hull(Range::point(v)));
                let dc = constant_decimals(e, op, &c, sx, *x.range)?;
                let n = x.len();
                let at = |i: usize| c[i % c.len()];
                let enc = |s: u32| (0..n).map(|i| encode(at(i), s)).collect::<Vec<u64>>();
                let range = match (op, flipped) {
                    (BinOp::Add, _) => x.range.plus(cr),
                    (BinOp::Sub, false) => x.range.minus(cr),
                    (BinOp::Sub, true) => x.range.negated().plus(cr),
                    (BinOp::Mul, _) => x.range.times(cr),
                    (BinOp::Div, false) if !c.contains(&0.0) => {
                        let inv = c.iter().fold(Range::point(1.0 / c[0]), |r, &v| {
                            r.hull(Range::point(1.0 / v))
                        });
                        x.range.times(inv)
                    }
                    (BinOp::Pow, false) => x.range.square(),
                    _ => x.range,
                };
                let (s, d) = match (op, flipped) {
                    (BinOp::Add, _) => {
                        let s = sx.max(dc);
                        (s, rescale(&x.data, sx, s).add_public(self.p.id(), &enc(s)))
                    }
                    (BinOp::Sub, false) => {
                        let s = sx.max(dc);
                        let neg: Vec<u64> = enc(s).iter().map(|v| v.wrapping_neg()).collect();
                        (s, rescale(&x.data, sx, s).add_public(self.p.id(), &neg))
                    }
                    (BinOp::Sub, true) => {
                        let s = sx.max(dc);
                        (
                            s,
                            rescale(&x.data, sx, s)
                                .neg()
                                .add_public(self.p.id(), &enc(s)),
                        )
                    }
                    (BinOp::Mul, _) => (sx + dc, x.data.mul_public(&enc(dc))),
                    (BinOp::Div, false) => {
                        if c.contains(&0.0) {
                            return Err(EvalError::at(e, "division by zero"));
                        }
                        let extra = division_decimals(e, &c, sx, *range)?;
                        let f: Vec<u64> = (0..n)
                            .map(|i| (10f64.powi(extra as i32) / at(i)).round() as i64 as u64)
                            .collect();
                        (sx + extra, x.data.mul_public(&f))
                    }
                    (BinOp::Pow, false) if c.iter().all(|v| *v == 2.0) => {
                        (2 * sx, self.p.mul(&x.data, &x.data)?)
                    }
                    _ => return Err(unsupported()),
                };
                check_words(e, range, s)?;
                (Kind::Num { scale: s }, d, x, None, Via::Same, range)
            }
        };
        if let Kind::Num { scale } = kind
            && scale > MAX_SCALE
        {
            return Err(EvalError::at(
                e,
                format!("the result would carry {scale} decimal places (at most {MAX_SCALE})"),
            ));
        }
        let mut out = self.derived(e, &x, y.as_ref(), (kind, range), data, via)?;
        out.support.reversed ^= flip;
        Ok(Value::Vec(out))
    }
}
