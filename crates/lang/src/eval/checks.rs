//! Preconditions of the secure operations, checked from proven ranges (issue 14): whether a
//! result's words stay in the ring, a comparison or a sort key within its width, and how
//! many decimal places a public constant or a quotient by one takes (and whether that keeps
//! the documented error). Each refusal names the expression and its bound.
use super::ops::{CMP_BITS, MAX_SCALE};
use super::range::{Range, WORD_LIMIT, show};
use super::{EvalError, Result};
use crate::ast::{BinOp, Expr};

/// Refuses a result whose words could leave the ring: `range` at `scale` decimals beyond
/// [`WORD_LIMIT`].
pub(crate) fn check_words(e: &Expr, range: impl Into<Range>, scale: u32) -> Result<()> {
    let range: Range = range.into();
    if range.words(scale) < WORD_LIMIT {
        return Ok(());
    }
    Err(EvalError::at(
        e,
        format!(
            "`{e}` can reach {} (its operands' dictionary ranges), which at {scale} decimal \
             places is beyond what a 64-bit word holds; scale a factor down or round it first",
            show(range.mag())
        ),
    ))
}

/// Refuses a comparison whose difference `range` (at `scale` decimals) could exceed the
/// comparison's width, `±2^(CMP_BITS - 2)` (words beyond it would compare wrongly).
pub(crate) fn check_comparable(e: &Expr, range: impl Into<Range>, scale: u32) -> Result<()> {
    let range: Range = range.into();
    if range.words(scale) < (1u64 << (CMP_BITS - 2)) as f64 {
        return Ok(());
    }
    Err(EvalError::at(
        e,
        format!(
            "`{e}` compares values that can differ by {} (their dictionary ranges), beyond \
             the {}-digit width of a secure comparison at {scale} decimal places; round the \
             values or compare a narrower range",
            show(range.mag()),
            ((CMP_BITS - 2) as f64 * 2f64.log10()).floor()
        ),
    ))
}

/// Refuses a sort or rank key whose words (`range` at `scale` decimals) could exceed the
/// width of the engine's sorting and ranking (`|x| < 2^(KEY_BITS - 3)`).
pub(crate) fn check_key(e: &Expr, range: impl Into<Range>, scale: u32) -> Result<()> {
    let range: Range = range.into();
    let bits = sharestat_stats::order::KEY_BITS - 3;
    if range.words(scale) < (1u64 << bits) as f64 {
        return Ok(());
    }
    Err(EvalError::at(
        e,
        format!(
            "`{e}` has values up to {} at {scale} decimal places: more digits than ordering \
             them securely can hold ({} significant digits); round the values first",
            show(range.mag()),
            (bits as f64 * 2f64.log10()).floor()
        ),
    ))
}

/// The sort-key width of values within `range` at `scale` decimals (see
/// `sharestat_stats::order::key_bits_for`): narrower keys make cheaper secure comparisons.
pub(crate) fn key_bits(range: impl Into<Range>, scale: u32) -> u32 {
    sharestat_stats::order::key_bits_for(range.into().words(scale))
}

/// Decimal places of the public constants `c` in `x op c` (`x` at `sx` decimals, within
/// `xr`): those that write them exactly (up to 6), else (a constant such as `7 / 30.4375`)
/// as many as keep the result's words within `2^44`, at most [`MAX_SCALE`]; for a product
/// the constant's relative rounding error must then be within 1e-7, else it is refused (a
/// sum's is an absolute error below `0.5 10^-d`).
pub(crate) fn constant_decimals(e: &Expr, op: BinOp, c: &[f64], sx: u32, xr: Range) -> Result<u32> {
    let exact = |d: u32| {
        c.iter().all(|&v| {
            let s = v * 10f64.powi(d as i32);
            (s - s.round()).abs() < 1e-9 * s.abs().max(1.0)
        })
    };
    if let Some(d) = (0..=6u32).find(|&d| exact(d)) {
        return Ok(d);
    }
    if !matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul) {
        return Ok(6);
    }
    let cr = c
        .iter()
        .fold(Range::point(c[0]), |r, &v| r.hull(Range::point(v)));
    let words = |d: u32| match op {
        BinOp::Mul => xr.times(cr).words(sx + d),
        _ => xr.plus(cr).words(sx.max(d)),
    };
    let cap = if op == BinOp::Mul {
        MAX_SCALE.saturating_sub(sx)
    } else {
        MAX_SCALE
    };
    let mut d = cap;
    while d > 6 && words(d) > (1u64 << 44) as f64 {
        d -= 1;
    }
    let relative = c.iter().fold(0f64, |m, &v| {
        let s = v * 10f64.powi(d as i32);
        m.max(if s == 0.0 {
            0.0
        } else {
            (s.round() - s).abs() / s.abs()
        })
    });
    if op == BinOp::Mul && relative > 1e-7 {
        return Err(EvalError::at(
            e,
            format!(
                "`{e}` multiplies by a constant that {d} decimal places write only within \
                 {relative:.1e} relative; multiply by a rounder constant or divide instead"
            ),
        ));
    }
    Ok(d)
}

/// The largest relative error of a quotient by a public constant (its multiplier's).
pub const DIVISION_ERROR: f64 = 1e-7;

/// Decimal places added by a division by the public constants `c` of a value at `sx`
/// decimals with result `range`: enough for the multiplier `10^d / c` to be exact within
/// 1e-7 relative (`d = 7 + log10 max |c|`), at most [`MAX_SCALE`] in all and no more than
/// keeps the result's words within `2^48`; fewer when they give an exact multiplier
/// (`x / 1000000`). The multiplier's relative rounding error is the result's; above
/// [`DIVISION_ERROR`] the division is refused.
pub(crate) fn division_decimals(e: &Expr, c: &[f64], sx: u32, range: Range) -> Result<u32> {
    let big = c.iter().fold(1f64, |m, v| m.max(v.abs()));
    let want = 7 + big.log10().ceil().max(0.0) as u32;
    let mut cap = want.min(MAX_SCALE.saturating_sub(sx));
    while cap > 0 && range.words(sx + cap) > (1u64 << 48) as f64 {
        cap -= 1;
    }
    // The multiplier's relative error at `d` places, over every divisor (0 when `c` divides
    // `10^d`, as for `x / 1000000`).
    let error = |d: u32| {
        c.iter().fold(0f64, |m, &v| {
            let exact = 10f64.powi(d as i32) / v.abs();
            let f = exact.round();
            m.max(if f == 0.0 {
                1.0
            } else {
                (f - exact).abs() / exact
            })
        })
    };
    let d = if error(cap) <= DIVISION_ERROR {
        cap
    } else {
        (0..=cap)
            .min_by(|a, b| error(*a).total_cmp(&error(*b)))
            .unwrap_or(0)
    };
    if error(d) > DIVISION_ERROR {
        return Err(EvalError::at(
            e,
            format!(
                "`{e}` cannot be computed within 1e-7: its values reach {} and the \
                 divisor's reciprocal would keep only {cap} decimal places; divide once by \
                 the product of the constants, or round the values first",
                show(range.mag())
            ),
        ));
    }
    Ok(d)
}
