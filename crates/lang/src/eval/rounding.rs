//! `floor()` and `ceiling()` of private numbers, exact within their proven range.
//!
//! The engine's exact floor division (`sharestat_stats::round::floor_div`) divides a word by
//! a public integer `d < 2^20` for words `|x| < 2^29 - d`; the range of the argument
//! ([`super::range`]) says whether that holds, and a call outside it is refused rather than
//! answered wrongly. `floor(x / c)` with a public constant `c = P / 10^k` is computed as one
//! exact division of `x`'s words by `P` (times a power of ten), not as the floor of the
//! rounded quotient: `floor(ptv / 7)` is then right at exact multiples of 7, as in R.
use super::minmax::{num, with_range};
use super::ops::const_decimals;
use super::range::Range;
use super::value::{Kind, PrivTable, PrivVec, Public, Value, layout_rows};
use super::{EvalError, Evaluator, Result};
use crate::ast::{BinOp, Expr, ExprKind};
use sharestat_stats::round::{ceil_div, floor_div};

/// The largest divisor of the exact floor division.
const MAX_DIVISOR: u64 = 1 << 20;

impl Evaluator<'_> {
    /// `floor(arg)` or `ceiling(arg)` (`name`).
    pub(crate) fn floor_call(
        &mut self,
        e: &Expr,
        name: &str,
        arg: &Expr,
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        // `x / c`: the operands are evaluated once; the exact quotient when `x` is a private
        // number, else the ordinary division.
        let value = match &arg.kind {
            ExprKind::Binary {
                op: BinOp::Div,
                lhs,
                rhs,
            } => {
                let (x, c) = (self.eval_in(lhs, scope)?, self.eval_in(rhs, scope)?);
                // As for any `x / y` (`expr.rs`): vectors of different lengths are refused
                // here, at the division, not by the engine.
                super::ops::same_lengths(arg, &[(lhs, &x), (rhs, &c)])?;
                let divisor = match &c {
                    Value::Pub(Public::Num { values, .. }) => match values.as_slice() {
                        [Some(v)] if *v != 0.0 => Some(*v),
                        _ => None,
                    },
                    _ => None,
                };
                match (x, divisor) {
                    (Value::Vec(v), Some(d)) if matches!(v.kind, Kind::Num { .. }) => {
                        let scale = super::agg::scale(&v);
                        return self.floor_quotient(e, name, v, scale, d);
                    }
                    (x, _) => self.binary(arg, BinOp::Div, x, c)?,
                }
            }
            _ => self.eval_in(arg, scope)?,
        };
        match value {
            Value::Vec(v) => {
                let Kind::Num { scale } = v.kind else {
                    return Err(EvalError::at(e, format!("{name}() takes numbers")));
                };
                let d = 10u64.pow(scale);
                self.floor_words(e, name, v, 1, d, Range::point(1.0))
            }
            Value::Pub(Public::Num { values, names }) => Ok(Value::Pub(Public::Num {
                values: values
                    .iter()
                    .map(|v| v.map(|x| if name == "floor" { x.floor() } else { x.ceil() }))
                    .collect(),
                names,
            })),
            _ => Err(EvalError::at(e, format!("{name}() takes numbers"))),
        }
    }

    /// `floor(x / c)` for `x` at `scale` decimals: `x`'s words times `10^k` over `P 10^scale`
    /// for `c = P / 10^k` (signs folded into the numerator).
    fn floor_quotient(
        &mut self,
        e: &Expr,
        name: &str,
        v: PrivVec,
        scale: u32,
        c: f64,
    ) -> Result<Value> {
        let k = const_decimals(c);
        let p = (c.abs() * 10f64.powi(k as i32)).round() as u64;
        // x / c = (x_enc 10^k) / (P 10^scale); cancel the common power of ten.
        let common = k.min(scale);
        let (up, down) = (10u64.pow(k - common), 10u64.pow(scale - common));
        let sign = if c < 0.0 { -1.0 } else { 1.0 };
        self.floor_words(e, name, v, up, p.saturating_mul(down), Range::point(sign))
    }

    /// `floor` (or `ceiling`) of `v`'s words times `up` (a sign in `sign`) over `d`, exactly,
    /// after checking that the words fit the exact division.
    fn floor_words(
        &mut self,
        e: &Expr,
        name: &str,
        v: PrivVec,
        up: u64,
        d: u64,
        sign: Range,
    ) -> Result<Value> {
        let scale = match v.kind {
            Kind::Num { scale } => scale,
            _ => 0,
        };
        let num = v.range.times(sign);
        let words = num.words(scale) * up as f64;
        if d >= MAX_DIVISOR || words + d as f64 >= (1u64 << 29) as f64 {
            return Err(EvalError::at(
                e,
                format!(
                    "`{e}` is exact only for values whose words stay below 2^29 and divisors \
                     below 2^20; its values can reach {} at {scale} decimal places: round them \
                     to fewer places or divide by a smaller constant",
                    super::range::show(v.range.mag())
                ),
            ));
        }
        let mut x = v.data.scale(up);
        if sign.lo < 0.0 {
            x = x.neg();
        }
        let q = if name == "floor" {
            floor_div(self.p, &x, d)?
        } else {
            ceil_div(self.p, &x, d)?
        };
        // The quotient's range, moved by less than 1 by the rounding.
        let f = up as f64 * 10f64.powi(scale as i32) / d as f64;
        let range = num.map(|r| Range::new((r.lo * f).floor(), (r.hi * f).ceil()));
        Ok(Value::Vec(PrivVec {
            kind: Kind::Num { scale: 0 },
            data: q,
            onehot: None,
            range,
            ..v
        }))
    }
}

/// R's `round(x, digits)` of a public number (R >= 4.0): the number with `digits` decimal
/// places closest to `x` as stored (its binary value), ties to even; negative `digits` round
/// to tens, hundreds, .... Checked against R in `r/round.json`.
pub(crate) fn round_public(x: f64, digits: i32) -> f64 {
    if !x.is_finite() {
        return x;
    }
    if digits >= 0 {
        let d = digits.min(15) as usize;
        return format!("{x:.d$}").parse().unwrap_or(x);
    }
    let p = 10f64.powi(-digits);
    let q: f64 = format!("{:.0}", x / p).parse().unwrap_or(x / p);
    q * p
}

/// R's `signif(x, digits)` of a public number: `digits` significant digits (at least 1), as R
/// computes it: `x · 10^k` rounded to the nearest integer (ties to even) in double precision,
/// then scaled back, for `k = digits - 1 - floor(log10 |x|)` (so `signif(0.15, 1)` is 0.2
/// while `round(0.15, 1)` is 0.1, as in R).
pub(crate) fn signif_public(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let k = digits.max(1) - 1 - x.abs().log10().floor() as i32;
    if k >= 0 {
        let p = 10f64.powi(k);
        (x * p).round_ties_even() / p
    } else {
        let p = 10f64.powi(-k);
        (x / p).round_ties_even() * p
    }
}

impl Evaluator<'_> {
    /// `round(x, digits)` / `signif(x, digits)` of public numbers (R's rules, above).
    pub(crate) fn round_call(
        &mut self,
        e: &Expr,
        name: &str,
        x: Value,
        digits: Option<&Expr>,
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        let default = if name == "round" { 0.0 } else { 6.0 };
        let digits = self.flag(digits, scope, default)?;
        if digits.fract() != 0.0 {
            return Err(EvalError::at(e, "digits must be a whole number"));
        }
        match x {
            Value::Pub(Public::Num { values, names }) => {
                let f = if name == "round" {
                    round_public
                } else {
                    signif_public
                };
                Ok(Value::Pub(Public::Num {
                    values: values
                        .iter()
                        .map(|v| v.map(|x| f(x, digits as i32)))
                        .collect(),
                    names,
                }))
            }
            Value::Vec(v) if name == "round" && matches!(v.kind, Kind::Num { .. }) => {
                self.round_private(e, v, digits as i32)
            }
            Value::Vec(v) if name == "signif" && matches!(v.kind, Kind::Num { .. }) => {
                self.signif_private(e, v, digits as i32)
            }
            _ => Err(EvalError::at(e, format!("{name}() takes numbers"))),
        }
    }

    /// R's `round(x, digits)` of a private number stored with `scale` decimals: its words
    /// divided by `10^(scale − digits)`, to nearest with ties to even (`round_half_even`), on
    /// the stored decimal value. R rounds the binary double, which for a decimal tie that is
    /// not a binary fraction lies a little above or below it (R's `round(0.15, 1)` is 0.1,
    /// `round(0.45, 1)` is 0.5; here 0.2 and 0.4, the rule R applies to `0.25` or `2.5`);
    /// every other value rounds as in R.
    fn round_private(&mut self, e: &Expr, v: PrivVec, digits: i32) -> Result<Value> {
        let Kind::Num { scale } = v.kind else {
            return Err(EvalError::at(e, "round() takes numbers"));
        };
        if digits >= scale as i32 {
            return Ok(Value::Vec(v));
        }
        let drop = scale as i32 - digits;
        let words = v.range.words(scale) + 10f64.powi(drop);
        let bits = sharestat_stats::round::round_half_even_bits(drop.clamp(0, 8) as u32);
        let limit = f64::from(bits).exp2();
        if drop > 8 || words >= limit {
            return Err(EvalError::at(
                e,
                format!(
                    "`{e}` is exact only for at most 8 decimal places dropped and values below \
                     {} at {scale} places; its values can reach {}: round to more digits or \
                     scale the values down",
                    super::range::show(limit / 10f64.powi(scale as i32)),
                    super::range::show(v.range.mag())
                ),
            ));
        }
        let q = sharestat_stats::round::round_half_even(self.p, &v.data, drop as u32, bits)?;
        let (data, out_scale) = if digits >= 0 {
            (q, digits as u32)
        } else {
            (q.scale(10u64.pow((-digits) as u32)), 0)
        };
        let p10 = 10f64.powi(digits);
        let range = v
            .range
            .map(|r| Range::new((r.lo * p10).floor() / p10, (r.hi * p10).ceil() / p10));
        Ok(Value::Vec(PrivVec {
            kind: Kind::Num { scale: out_scale },
            data,
            onehot: None,
            range,
            ..v
        }))
    }

    /// R's `signif(x, digits)` of a private number: `round(x, k − 1 − e)` for the decade
    /// `e = ⌊log10 |x|⌋` of each value, which stays secret. With `r_e` the value rounded as
    /// for decade `e` (`r = x` for decades whose rounding keeps every stored decimal) and
    /// `c_e = [|x| >= 10^e]`, the result is `x + Σ_e c_e (r_e − r_(e−1))` over the decades of
    /// the proven range that round: it telescopes to `r_e` of the value's own decade. Each
    /// step goes through the operators, so the comparisons are parts for the disclosure
    /// rules as in `abs()`. Exact, with `round()`'s ties (ties to even on the stored
    /// decimal value).
    fn signif_private(&mut self, e: &Expr, v: PrivVec, digits: i32) -> Result<Value> {
        let Kind::Num { scale } = v.kind else {
            return Err(EvalError::at(e, "signif() takes numbers"));
        };
        let k = digits.max(1);
        let mag = v.range.mag();
        let s = scale as i32;
        // The decades that round: those keeping fewer than `scale` decimals, from the
        // smallest stored magnitude `10^-scale` up to the range's.
        let first = (k - s).max(-s);
        let top = if mag > 0.0 {
            mag.log10().floor() as i32
        } else {
            first - 1
        };
        if first > top {
            return Ok(Value::Vec(v));
        }
        let delta = 0.5 * 10f64.powi(top - k + 1);
        let range = v.range.map(|r| {
            let lo = if r.lo >= 0.0 {
                (r.lo - delta).max(0.0)
            } else {
                r.lo - delta
            };
            let hi = if r.hi <= 0.0 {
                (r.hi + delta).min(0.0)
            } else {
                r.hi + delta
            };
            Range::new(lo, hi)
        });
        let x = Value::Vec(v.clone());
        let a = self.abs_call(e, x.clone())?;
        let (mut out, mut prev) = (x.clone(), x);
        for dec in first..=top {
            let r = self.round_private(e, v.clone(), k - 1 - dec)?;
            let c = self.binary(e, BinOp::Ge, a.clone(), num(10f64.powi(dec)))?;
            let step = self.binary(e, BinOp::Sub, r.clone(), prev)?;
            let term = self.binary(e, BinOp::Mul, c, step)?;
            out = self.binary(e, BinOp::Add, out, term)?;
            prev = r;
        }
        Ok(with_range(out, range))
    }

    /// `print(x, digits)`: a public value as it is (numbers with `digits` significant digits,
    /// as R), a private one described, never its rows.
    pub(crate) fn print_call(
        &mut self,
        e: &Expr,
        x: Value,
        digits: Option<&Expr>,
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        Ok(Value::Pub(match x {
            Value::Pub(Public::Num { values, names }) if digits.is_some() => {
                let d = self.flag(digits, scope, 7.0)?;
                if !(1.0..=15.0).contains(&d) || d.fract() != 0.0 {
                    return Err(EvalError::at(e, "digits is a whole number from 1 to 15"));
                }
                let text = super::render::render_numbers(&values, names.as_deref(), d as i32);
                Public::Note(text.trim_end().to_owned())
            }
            Value::Pub(Public::Cox(c)) if digits.is_some() => {
                // printCoefmat shows the estimates with `digits` significant digits of the
                // smallest, so more of the others: beyond 5 they pass the fit's guaranteed
                // 1e-6 relative (docs/language.md).
                let d = self.flag(digits, scope, 4.0)?;
                if !(1.0..=5.0).contains(&d) || d.fract() != 0.0 {
                    return Err(EvalError::at(
                        e,
                        "digits of a coxph() fit is a whole number from 1 to at most 5: its \
                         coefficients are guaranteed to 1e-6 relative, and R's table would \
                         print more digits than that",
                    ));
                }
                let text = if c.summary {
                    super::render_cox::render_summary_digits(&c, d as usize)
                } else {
                    super::render_cox::render_print(&c, d as usize)
                };
                Public::Note(text.trim_end().to_owned())
            }
            Value::Pub(Public::Model(m)) if digits.is_some() => {
                let d = self.flag(digits, scope, 4.0)?;
                if !(1.0..=7.0).contains(&d) || d.fract() != 0.0 {
                    return Err(EvalError::at(
                        e,
                        "digits of an lm() fit is a whole number from 1 to 7 (R's table \
                         prints more digits than that of its larger numbers)",
                    ));
                }
                let text = if m.summary {
                    super::render_stats::render_model_digits(&m, d as usize)
                } else {
                    super::render_stats::render_lm_print(&m, d as usize)
                };
                Public::Note(text.trim_end().to_owned())
            }
            Value::Pub(Public::Test(t)) if digits.is_some() => {
                let d = self.flag(digits, scope, 7.0)?;
                if !(1.0..=15.0).contains(&d) || d.fract() != 0.0 {
                    return Err(EvalError::at(e, "digits is a whole number from 1 to 15"));
                }
                let text = super::render_stats::render_test_digits(&t, d as usize);
                Public::Note(text.trim_end().to_owned())
            }
            Value::Pub(_) if digits.is_some() => {
                return Err(EvalError::at(
                    e,
                    "print(x, digits =) is available for numbers, tests, lm() and coxph() \
                     fits and their summaries",
                ));
            }
            Value::Pub(p) => p,
            Value::Vec(v) => Public::Note(v.describe()),
            Value::Table(t) => Public::Note(format!(
                "private table [{} rows{}, {} columns]",
                layout_rows(&t.layout),
                if t.sel.is_some() {
                    ", subset of private size"
                } else {
                    ""
                },
                t.columns.len()
            )),
        }))
    }
}
