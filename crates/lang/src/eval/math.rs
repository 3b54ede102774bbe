//! Math functions of private numbers (issue 14): `log(x, base)`, `log2`, `log10`, `log1p`,
//! `exp`, `sqrt`, real powers `x^p`, and the quotient `x / y` of two private vectors.
//!
//! Each takes the operand's proven bounds ([`super::range::Bounds`]), checks R's domain on
//! the *present* values (`log` and real powers need `x > 0`, `sqrt` `x >= 0`, a divisor must
//! not reach 0; where R would give `-Inf`, `NaN` or `Inf`, the call is refused with what to
//! do instead), moves the words of missing rows into that domain (one product), and maps the
//! bounds through the function, widened by its error. The secure part is in `sharestat-mpc`:
//! `ln` (normalise, then a polynomial), `pow2` (bits of the integer part, a polynomial for
//! the fraction), `ratio` (normalise numerator and denominator together, then Newton).
//! Results are decimal fixed point like every private number; their decimals follow from the
//! result's bound so that sums over millions of rows still fit ([`out_decimals`]).
//!
//! Errors (documented in `help()` and `docs/language.md`, tested against plaintext):
//! `log`: absolute `5e-7` (times `1/ln(base)`); `exp` and `sqrt`: relative `2e-7` (`x^p`:
//! `|p|` times that); `x / y`: relative `3e-8` (`quotient.rs`); each plus two units of the
//! result's last decimal place (four for `x / y`).
use super::range::{Bounds, Range, show};
use super::support::Via;
use super::value::{Kind, PrivVec, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use sharestat_mpc::AShares;

/// Fractional bits of the logarithm (the most `ln` takes: its error is `2^-22`).
const LN_BITS: u32 = 26;
/// Fractional bits of the exponent of `pow2`.
const EXP_BITS: u32 = 28;
/// Words of a function's result stay below `2^RESULT_BITS`, so sums over `10^6` rows fit.
const RESULT_BITS: i32 = 40;
/// Absolute error of the natural logarithm (`2^-22` of `ln`, the constants and rounding).
pub const LOG_ERROR: f64 = 5e-7;
/// Relative error of `exp`, `sqrt` and real powers.
pub const EXP_ERROR: f64 = 2e-7;

/// Decimal places of a result bounded by `mag`: the most (up to
/// [`super::ops::MAX_SCALE`]) that keep its words below `2^RESULT_BITS`.
pub(crate) fn out_decimals(mag: f64) -> u32 {
    (0..=super::ops::MAX_SCALE)
        .rev()
        .find(|&s| mag * 10f64.powi(s as i32) < 2f64.powi(RESULT_BITS))
        .unwrap_or(0)
}

/// `⌈log2 v⌉` for `v >= 1`.
fn bits(v: f64) -> u32 {
    v.max(1.0).log2().ceil() as u32
}

impl Evaluator<'_> {
    /// `name(x)` (and `log`'s `base`) from the call's arguments, public or private.
    pub(crate) fn math_args(
        &mut self,
        e: &Expr,
        name: &str,
        x: &Expr,
        base: Option<&Expr>,
        scope: Option<&super::value::PrivTable>,
    ) -> Result<Value> {
        let base = match base {
            Some(b) if name == "log" => Some(self.flag(Some(b), scope, std::f64::consts::E)?),
            _ => None,
        };
        match self.eval_in(x, scope)? {
            Value::Vec(x) => self.math_call(e, name, x, base),
            Value::Pub(p) => public_math(e, name, &p, base),
            _ => Err(EvalError::at(e, format!("{name}() takes numbers"))),
        }
    }

    /// `name(x)` for the one-argument functions of this module (`base` for `log`).
    pub(crate) fn math_call(
        &mut self,
        e: &Expr,
        name: &str,
        x: PrivVec,
        base: Option<f64>,
    ) -> Result<Value> {
        let s = self.scale_of(e, &x)?;
        match name {
            "log" | "log2" | "log10" | "log1p" => {
                let (x, s) = if name == "log1p" {
                    let one = super::ops::encode(1.0, s);
                    let data = x.data.add_const(self.p.id(), one);
                    let range = x.range.plus(Range::point(1.0));
                    (PrivVec { data, range, ..x }, s)
                } else {
                    (x, s)
                };
                let base = match name {
                    "log2" => 2.0,
                    "log10" => 10.0,
                    _ => base.unwrap_or(std::f64::consts::E),
                };
                if !(base > 0.0 && base != 1.0) {
                    return Err(EvalError::at(
                        e,
                        "the base of log() must be positive and not 1",
                    ));
                }
                self.log(e, x, s, base)
            }
            "exp" => self.exp(e, x, s),
            "sqrt" => self.real_power(e, x, 0.5),
            _ => Err(EvalError::at(e, format!("{name}() is not a math function"))),
        }
    }

    /// Refuses `x` unless its present values lie in the domain `lo < x` (`open`) or
    /// `lo <= x`, naming what R would give; then moves the words of missing rows to the
    /// smallest present value, so that every word is in the domain.
    pub(crate) fn in_domain(
        &mut self,
        e: &Expr,
        x: PrivVec,
        s: u32,
        (lo, open): (f64, bool),
        r_gives: &str,
    ) -> Result<PrivVec> {
        let p = x.range.present;
        if p.lo < lo || (open && p.lo <= lo) {
            return Err(EvalError::at(
                e,
                format!(
                    "`{e}`: the operand's values can be {} {} (its proven range is [{}, {}]), \
                     where R gives {r_gives}; restrict them first (e.g. pmax(x, c), or a \
                     dictionary `min` above {})",
                    if open { "at or below" } else { "below" },
                    show(lo),
                    show(p.lo + 0.0),
                    show(p.hi + 0.0),
                    show(lo)
                ),
            ));
        }
        if x.range.all == p {
            return Ok(x);
        }
        let Some(present) = &x.present else {
            return Ok(PrivVec {
                range: p.into(),
                ..x
            });
        };
        // c + present · (x - c), with c the least present word.
        let c = (p.lo * 10f64.powi(s as i32)).ceil() as i64 as u64;
        let me = self.p.id();
        let d = x.data.add_const(me, c.wrapping_neg());
        let data = self.p.mul(&present.shares, &d)?.add_const(me, c);
        Ok(PrivVec {
            data,
            range: p.into(),
            ..x
        })
    }

    /// `ln(x) · 2^26` (fixed point) from the words `w` of `x` at `s` decimals (`w >= 1`;
    /// words reach at most `2^60`, which every proven range keeps).
    fn ln_words(&mut self, w: &AShares, s: u32) -> Result<AShares> {
        let l = self.p.ln(w, LN_BITS)?;
        // ln x = l / 2^26 + 26 ln 2 - s ln 10.
        let k = f64::from(LN_BITS) * std::f64::consts::LN_2 - f64::from(s) * 10f64.ln();
        Ok(l.add_const(self.p.id(), sharestat_mpc::fixed::encode(k, LN_BITS)))
    }

    /// The words of `x` at `s` decimals, their least and greatest (present) values.
    fn words_of(x: &PrivVec, s: u32) -> (f64, f64) {
        let unit = 10f64.powi(s as i32);
        let p = x.range.present;
        ((p.lo * unit).ceil().max(1.0), (p.hi * unit).max(1.0))
    }

    /// `log(x, base)` to 7 decimal places.
    fn log(&mut self, e: &Expr, x: PrivVec, s: u32, base: f64) -> Result<Value> {
        let x = self.in_domain(e, x, s, (0.0, true), "-Inf or NaN")?;
        let l = self.ln_words(&x.data, s)?;
        let c = 1.0 / base.ln();
        let lr = Range::new(x.range.present.lo.ln(), x.range.present.hi.ln());
        let out = lr.times(Range::point(c));
        let d = out_decimals(out.mag()).min(7);
        let data = self.times_real(e, &l, lr.mag() + 1.0, LN_BITS, c * 10f64.powi(d as i32))?;
        self.math_result(
            e,
            &x,
            (data, d, c > 0.0),
            widen(out, LOG_ERROR * c.abs(), d),
        )
    }

    /// `x^p` for a real `p` other than a small whole number: `2^(p log2 x)`; `x >= 0` for
    /// `p > 0` (R's `0^p` is 0: rows where `x` is 0 are found by a secure equality test, their
    /// words moved to 1 for the logarithm and their results set to 0), `x > 0` for `p < 0`.
    pub(crate) fn real_power(&mut self, e: &Expr, x: PrivVec, p: f64) -> Result<Value> {
        let s = self.scale_of(e, &x)?;
        let gives = if p < 0.0 { "Inf or NaN" } else { "NaN" };
        let x = self.in_domain(e, x, s, (0.0, p < 0.0), gives)?;
        let pr = x.range.present;
        let unit = 10f64.powi(s as i32);
        let zero = if pr.lo * unit < 1.0 {
            let z = AShares::from_parts(vec![0; x.len()], vec![0; x.len()]);
            let eq = self.p.eq(&x.data, &z, super::ops::CMP_BITS)?;
            Some(self.p.b2a_bits(&eq)?)
        } else {
            None
        };
        let w = match &zero {
            Some(z) => x.data.add(z),
            None => x.data.clone(),
        };
        let (wlo, whi) = Self::words_of(&x, s);
        let l = self.ln_words(&w, s)?;
        let wr = Range::new(wlo / unit, whi / unit);
        let lr = Range::new(wr.lo.ln(), wr.hi.ln());
        let powers = Range::new(wr.lo.powf(p), wr.hi.powf(p));
        let (data, d) = self.power_of_ln(e, &l, lr, p, powers)?;
        let data = match zero {
            Some(z) => {
                let keep = z.neg().add_const(self.p.id(), 1);
                self.p.mul(&keep, &data)?
            }
            None => data,
        };
        let out = Range::new(pr.lo.max(0.0).powf(p), pr.hi.powf(p));
        let err = EXP_ERROR * p.abs().max(1.0);
        self.math_result(e, &x, (data, d, p > 0.0), widen_rel(out, err, d).into())
    }

    /// `x^p = 2^(p ln x / ln 2)` from `l = ln(x) 2^26` with `ln x` in `lnr`; the result,
    /// bounded by `out`, at the decimals returned.
    fn power_of_ln(
        &mut self,
        e: &Expr,
        l: &AShares,
        lnr: Range,
        p: f64,
        out: Range,
    ) -> Result<(AShares, u32)> {
        let c = p / std::f64::consts::LN_2;
        let yr = lnr.times(Range::point(c));
        let lo = yr.lo.floor() as i64 - 1;
        let span = yr.hi.ceil() as i64 + 1 - lo;
        if span > 31 || out.mag() >= 2f64.powi(RESULT_BITS) {
            return Err(EvalError::at(
                e,
                format!(
                    "`{e}` ranges over [{}, {}]: more than a ratio of 2^31 between its \
                     results, or beyond 2^40, cannot be held at a fixed precision; narrow \
                     the operand's range first (pmin/pmax)",
                    show(out.lo),
                    show(out.hi)
                ),
            ));
        }
        let y = self.times_real(
            e,
            l,
            lnr.mag() + 1.0,
            LN_BITS,
            c * 2f64.powi(EXP_BITS as i32),
        )?;
        let d = out_decimals(out.mag());
        Ok((self.scaled_pow2(&y, (lo, span as u32), d)?, d))
    }

    /// `exp(x)`: `2^(x log2 e)` by `pow2`, its exponent from the words by one public product.
    fn exp(&mut self, e: &Expr, x: PrivVec, s: u32) -> Result<Value> {
        let all = x.range.all;
        let l2e = std::f64::consts::LOG2_E;
        let y = Range::new(all.lo * l2e, all.hi * l2e);
        let lo = y.lo.floor() as i64 - 1;
        let span = (y.hi.ceil() as i64 + 1 - lo).max(0) as u32;
        if span > 31 || all.hi > 27.0 {
            return Err(EvalError::at(
                e,
                format!(
                    "`{e}`: the values range over [{}, {}]; exp() of a range wider than 21 \
                     (a ratio of 2^31 between results) or above 27 cannot be held at a fixed \
                     precision; narrow it first (pmin/pmax, or subtract a constant)",
                    show(all.lo),
                    show(all.hi)
                ),
            ));
        }
        let unit = 10f64.powi(s as i32);
        let w = self.exponent(&x.data, all.mag() * unit, l2e / unit)?;
        let out = Range::new(all.lo.exp(), all.hi.exp());
        let present = Range::new(x.range.present.lo.exp(), x.range.present.hi.exp());
        let d = out_decimals(out.mag());
        let data = self.scaled_pow2(&w, (lo, span), d)?;
        let bounds = Bounds {
            all: widen_rel(out, EXP_ERROR, d),
            present: widen_rel(present, EXP_ERROR, d),
        };
        self.math_result(e, &x, (data, d, true), bounds)
    }

    /// `y = x · c` as fixed point with [`EXP_BITS`] fractional bits, for words `x` up to `xmax`
    /// (truncated first when they have more than 31 bits, to keep the multiplier precise).
    fn exponent(&mut self, x: &AShares, xmax: f64, c: f64) -> Result<AShares> {
        let a = bits(xmax + 1.0).saturating_sub(31);
        let (x, xmax, c) = if a > 0 {
            let t = self.p.trunc(x, a)?;
            (t, xmax / 2f64.powi(a as i32) + 1.0, c * 2f64.powi(a as i32))
        } else {
            (x.clone(), xmax, c)
        };
        let g = c * 2f64.powi(EXP_BITS as i32);
        self.times_real_raw(&x, xmax, g)
    }

    /// `pow2` of fixed-point `y` times `10^d`: the decimal scale split into a power of two
    /// and a mantissa in `[1, 2)`.
    fn scaled_pow2(&mut self, y: &AShares, window: (i64, u32), d: u32) -> Result<AShares> {
        let l = f64::from(d) * 10f64.log2();
        let shift = l.floor();
        let m = 2f64.powf(l - shift);
        Ok(self.p.pow2(y, EXP_BITS, window, m, shift as i64)?)
    }

    /// `round(x · c / 2^f)` for fixed-point `x` (`f` fractional bits) of magnitude below
    /// `mag`, checked to stay in the ring.
    fn times_real(&mut self, e: &Expr, x: &AShares, mag: f64, f: u32, c: f64) -> Result<AShares> {
        let xmax = mag * 2f64.powi(f as i32);
        if xmax * c.abs() / 2f64.powi(f as i32) >= 2f64.powi(60) {
            return Err(EvalError::at(e, format!("`{e}` is too large to represent")));
        }
        self.times_real_raw(x, xmax, c / 2f64.powi(f as i32))
    }

    /// `x · c` rounded, for words `x` below `xmax` and a public real `c`: one public product
    /// and a truncation by the most bits that keep `x · round(c 2^t)` below `2^61`.
    pub(crate) fn times_real_raw(&mut self, x: &AShares, xmax: f64, c: f64) -> Result<AShares> {
        let t = (61.0 - (xmax * c.abs()).max(1.0).log2()).floor() as i32 - 1;
        if t <= 0 {
            return Ok(x.scale(c.round() as i64 as u64));
        }
        let t = t.min(62) as u32;
        let m = (c * 2f64.powi(t as i32)).round() as i64 as u64;
        Ok(self.p.trunc(&x.scale(m), t)?)
    }

    /// The private result of a function of `x`: its words at `d` decimals, `x`'s masks and
    /// rows; an increasing function keeps the values' order (for the quantile rules), a
    /// decreasing one reverses it.
    fn math_result(
        &mut self,
        e: &Expr,
        x: &PrivVec,
        (data, d, increasing): (AShares, u32, bool),
        range: Bounds,
    ) -> Result<Value> {
        let mut out = self.derived(e, x, None, (Kind::Num { scale: d }, range), data, Via::Same)?;
        // A non-linear function of several parts is no longer a count of any one of them.
        if out.support.terms.len() > 1 {
            for t in &mut out.support.terms {
                t.count = false;
            }
        }
        out.support.reversed = x.support.reversed ^ !increasing;
        Ok(Value::Vec(out))
    }
}

/// `r` widened by an absolute error `err` and two units at `d` decimals.
fn widen(r: Range, err: f64, d: u32) -> Bounds {
    let u = 2.0 * 10f64.powi(-(d as i32));
    Range::new(r.lo - err - u, r.hi + err + u).into()
}

/// `r` (not negative) widened by a relative error `rel` and two units at `d` decimals; the
/// results of `pow2` are never negative (its last truncation rounds up or down).
fn widen_rel(r: Range, rel: f64, d: u32) -> Range {
    let u = 2.0 * 10f64.powi(-(d as i32));
    Range::new((r.lo * (1.0 - rel) - u).max(0.0), r.hi * (1.0 + rel) + u)
}

/// The math functions of public numbers, as R computes them (`log(0)` is `-Inf`, `log(-1)`
/// and `sqrt(-1)` are `NaN`).
pub(crate) fn public_math(
    e: &Expr,
    name: &str,
    p: &super::value::Public,
    base: Option<f64>,
) -> Result<Value> {
    let super::value::Public::Num { values, names } = p else {
        return Err(EvalError::at(e, format!("{name}() takes numbers")));
    };
    let f = |v: f64| match name {
        "log" => v.ln() / base.map_or(1.0, f64::ln),
        "log2" => v.log2(),
        "log10" => v.log10(),
        "log1p" => v.ln_1p(),
        "exp" => v.exp(),
        _ => v.sqrt(),
    };
    Ok(Value::Pub(super::value::Public::Num {
        values: values.iter().map(|v| v.map(f)).collect(),
        names: names.clone(),
    }))
}
