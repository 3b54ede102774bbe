//! The quotient `x / y` of private numbers (issue 14), `c / y` of a constant, and the powers
//! `x^p` other than the square.
//!
//! R's semantics: a missing value in either operand makes the row missing; where R would give
//! `Inf` or `NaN` (a divisor that can be 0, by its proven bounds) the quotient is refused
//! with what to do instead. The divisor's sign is known from its bounds (a divisor whose
//! bounds hold both signs can pass through 0 and is refused); a negative one is negated with
//! the numerator.
//!
//! The secure part is `Party::quotient` (normalise numerator and denominator by the same
//! power of two, Newton for the mantissa's reciprocal, the decimal scale folded into it): a
//! relative error of [`QUOTIENT_ERROR`] per row, whatever the quotient's magnitude, plus
//! four units of the result's last decimal place. The words are scaled by a public power of
//! two so that the largest quotient the bounds allow is between `2^12` and `2^13`; the
//! result takes the decimal places that keep its words below `2^40`.
use super::range::{Bounds, Range, show};
use super::support::Via;
use super::value::{Kind, PrivVec, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::{BinOp, Expr};

/// Relative error of each quotient (plus four units of its last decimal place).
pub const QUOTIENT_ERROR: f64 = 3e-8;

impl Evaluator<'_> {
    /// `x / y` of two private vectors (`x` may be a constant made private by the caller).
    pub(crate) fn quotient(&mut self, e: &Expr, x: PrivVec, y: PrivVec) -> Result<Value> {
        let (sx, sy) = (self.scale_of(e, &x)?, self.scale_of(e, &y)?);
        let yp = y.range.present;
        let negative = yp.hi < 0.0;
        if !(yp.lo > 0.0 || negative) {
            return Err(EvalError::at(
                e,
                format!(
                    "`{e}`: the divisor can be 0 (its values' range is [{}, {}]), where R \
                     gives Inf or NaN; divide by something that cannot be 0 (a dictionary \
                     `min` above 0, or pmax(y, c))",
                    show(yp.lo),
                    show(yp.hi)
                ),
            ));
        }
        let (x, y) = if negative { (neg(x), neg(y)) } else { (x, y) };
        let y = self.in_domain(e, y, sy, (0.0, true), "Inf")?;
        let (ux, uy) = (10f64.powi(sx as i32), 10f64.powi(sy as i32));
        let amax = x.range.all.mag() * ux + 1.0;
        let (bmin, bmax) = (
            (y.range.present.lo * uy).ceil().max(1.0),
            y.range.present.hi * uy,
        );
        // Scale so that the largest word quotient is in [2^12, 2^13).
        let j = 12 - (amax / bmin).log2().floor() as i32;
        let (a, b, bmax) = if j >= 0 {
            (x.data.scale(1u64 << j), y.data.clone(), bmax)
        } else {
            (
                x.data.clone(),
                y.data.scale(1u64 << (-j)),
                bmax * 2f64.powi(-j),
            )
        };
        let k = (bmax + 1.0).log2().ceil().max(1.0) as u32;
        // x / y 10^d = (a / b) 2^-j 10^(sy - sx + d) = (a / b) m 2^e.
        let q = x.range.all.times(inverse(y.range.present));
        let qp = x.range.present.times(inverse(y.range.present));
        let d = super::math::out_decimals(q.mag());
        let l = f64::from(-j) + (sy as i32 - sx as i32 + d as i32) as f64 * 10f64.log2();
        let e2 = l.floor();
        if k > 47 || !(-2.0..=40.0).contains(&e2) {
            return Err(too_wide(e, &x, &y));
        }
        let data = self.p.quotient(&a, &b, k, (2f64.powf(l - e2), e2 as i32))?;
        let unit = 10f64.powi(-(d as i32));
        let widen = |r: Range| {
            Range::new(
                r.lo - QUOTIENT_ERROR * r.lo.abs() - 4.0 * unit,
                r.hi + QUOTIENT_ERROR * r.hi.abs() + 4.0 * unit,
            )
        };
        let range = Bounds {
            all: widen(q),
            present: widen(qp),
        };
        let mut out = self.derived(
            e,
            &x,
            Some(&y),
            (Kind::Num { scale: d }, range),
            data,
            Via::Product,
        )?;
        out.support.reversed = false;
        Ok(Value::Vec(out))
    }

    /// `c / y` for a public number `c`.
    pub(crate) fn constant_over(&mut self, e: &Expr, c: f64, y: PrivVec) -> Result<Value> {
        let d = super::ops::const_decimals(c);
        let n = y.len();
        let zero = sharestat_mpc::AShares::from_parts(vec![0; n], vec![0; n]);
        let x = PrivVec {
            kind: Kind::Num { scale: d },
            data: zero.add_const(self.p.id(), super::ops::encode(c, d)),
            onehot: None,
            present: None,
            sel: None,
            layout: y.layout.clone(),
            support: super::value::Support::constant(),
            range: Range::point(c).into(),
        };
        self.quotient(e, x, y)
    }

    /// `x^p` for a public `p` other than 2: whole powers up to 8 by products, negative whole
    /// powers as `1 / x^-p`, others (and `0.5`) through logarithms (`x > 0`).
    pub(crate) fn power(&mut self, e: &Expr, x: PrivVec, p: f64) -> Result<Value> {
        let num = |v: f64| {
            Value::Pub(super::value::Public::Num {
                values: vec![Some(v)],
                names: None,
            })
        };
        if p.fract() != 0.0 || p.abs() > 8.0 {
            return self.real_power(e, x, p);
        }
        match p as i64 {
            0 => Err(EvalError::at(
                e,
                format!("`{e}` is 1 for every row (R's x^0); write 1 instead"),
            )),
            1 => Ok(Value::Vec(x)),
            2 => self.binary(e, BinOp::Pow, Value::Vec(x), num(2.0)),
            k if k < 0 => {
                let v = self.power(e, x, -p)?;
                match v {
                    Value::Vec(v) => self.constant_over(e, 1.0, v),
                    other => Ok(other),
                }
            }
            k if k % 2 == 0 => {
                let half = self.power(e, x, (k / 2) as f64)?;
                self.binary(e, BinOp::Pow, half, num(2.0))
            }
            k => {
                let rest = self.power(e, x.clone(), (k - 1) as f64)?;
                self.binary(e, BinOp::Mul, rest, Value::Vec(x))
            }
        }
    }
}

/// `1 / r` for an interval without 0.
fn inverse(r: Range) -> Range {
    Range::new(1.0 / r.lo, 1.0 / r.hi)
}

/// `-x`.
fn neg(x: PrivVec) -> PrivVec {
    PrivVec {
        data: x.data.neg(),
        range: x.range.negated(),
        ..x
    }
}

fn too_wide(e: &Expr, x: &PrivVec, y: &PrivVec) -> EvalError {
    EvalError::at(
        e,
        format!(
            "`{e}`: quotients of values up to {} by values from {} cannot be held at a fixed \
             precision; round the operands or narrow their ranges",
            show(x.range.all.mag()),
            show(y.range.present.lo.abs().min(y.range.present.hi.abs()))
        ),
    )
}
