//! Rounding private decimals to whole numbers (`floor`, `ceiling`, and R's `round(x, k)`):
//! division of a shared integer by a public `10^s`, rounded down (or to nearest, ties to
//! even), exactly.
//!
//! The engine's truncation divides by powers of two, so `x / 10^s` is first approximated as
//! `q' = trunc(x' M, K)` with `M = ⌊2^K / 10^s⌋`, `K = 31`, on `x' = x + off` (an offset,
//! a multiple of `10^s` near `2^29`, that makes it non-negative). The approximation of `M` loses
//! less than `x' / 2^K < 1` and truncation at most 1 more, so `q' ∈ {q - 2, q - 1, q}`; the
//! remainder `r = x' - q' 10^s ∈ [0, 3 · 10^s)` is compared with `10^s` and `2 · 10^s` (one
//! batched comparison) and `q = q' + [r ≥ 10^s] + [r ≥ 2 · 10^s]`.
//!
//! Valid for `|x| < 2^29 - 10^s` encoded units (e.g. ±53 million at one decimal); `x' M` then
//! stays below `2^62` as truncation requires. Cost: truncation (2 rounds), one comparison of
//! `2n` values (`Party::lt_public`, 48 bits) and one bit-to-arithmetic conversion.
use sharestat_mpc::{AShares, Bits, Party};

/// Fixed-point bits of the reciprocal.
const K: u32 = 31;

/// `⌊x / 10^scale⌋` for every element (shares in, shares out).
pub fn floor_scaled(p: &mut Party, x: &AShares, scale: u32) -> sharestat_mpc::Result<AShares> {
    floor_div(p, x, 10u64.pow(scale))
}

/// `⌈x / d⌉` for a public `d >= 1` (as [`floor_div`]: `⌈x/d⌉ = −⌊−x/d⌋`).
pub fn ceil_div(p: &mut Party, x: &AShares, d: u64) -> sharestat_mpc::Result<AShares> {
    Ok(floor_div(p, &x.neg(), d)?.neg())
}

/// `⌊x / d⌋` for a public divisor `1 <= d < 2^20`, exactly (the method of the module doc with
/// `d` for `10^s`), for `|x| < 2^29 − d`.
pub fn floor_div(p: &mut Party, x: &AShares, d: u64) -> sharestat_mpc::Result<AShares> {
    floor_div_bounded(p, x, d, K - 2)
}

/// [`floor_div`] for `|x| < 2^bits − d`, `bits <= 29 + log2(d) / 2` (then `x' M`, with
/// `2^(bits+2)` for the module doc's `2^K`, stays below `2^62`).
pub fn floor_div_bounded(
    p: &mut Party,
    x: &AShares,
    d: u64,
    bits: u32,
) -> sharestat_mpc::Result<AShares> {
    if d <= 1 {
        return Ok(x.clone());
    }
    if d >= 1 << 40 || f64::from(bits) > 29.0 + (d as f64).log2() / 2.0 {
        return Err(sharestat_mpc::MpcError::Param {
            op: "floor_div",
            detail: format!("|x| < 2^{bits} too wide for the divisor {d}"),
        });
    }
    let k = bits + 2;
    let off = (1u64 << bits).div_ceil(d) * d;
    let xs = x.add_const(p.id(), off);
    let m = (1u64 << k) / d;
    let q1 = p.trunc(&xs.scale(m), k)?;
    let r = xs.sub(&q1.scale(d));
    let n = x.len();
    let both = AShares::concat(&[&r, &r]);
    let mut c = vec![d; n];
    c.extend(std::iter::repeat_n(2 * d, n));
    let below = p.lt_public(&both, &c, 48)?;
    let above = p.b2a_bits(&below.not(p.id()))?;
    let q = q1.add(&above.slice(0..n)).add(&above.slice(n..2 * n));
    Ok(q.add_const(p.id(), (off / d).wrapping_neg()))
}

/// The widest values [`round_half_even`] takes for `10^j`: `|x| + 10^j < 2^bits` for this
/// `bits = ⌊29 + log2(5^j) / 2⌋ + j`.
pub fn round_half_even_bits(j: u32) -> u32 {
    (29.0 + 5f64.powi(j as i32).log2() / 2.0).floor() as u32 + j
}

/// `x / 10^j` rounded to the nearest integer, ties to the even one (IEC 60559, R's `round`
/// on an exactly representable value), for `1 <= j <= 8` and `|x| + 10^j < 2^bits`,
/// `bits <=` [`round_half_even_bits`]`(j)` (`⌊y / 2^(j+1)⌋` within [`floor_div_bounded`]'s
/// range for `5^j`).
/// With `d = 10^j`, `y = x + d/2`: `q2 = ⌊y / 2d⌋ = ⌊⌊y / 2^(j+1)⌋ / 5^j⌋` (an exact
/// truncation, then [`floor_div`]) and `r = y − 2d q2 ∈ [0, 2d)` give `⌊y / d⌋ = 2 q2 +
/// [r >= d]`; `y` is a tie exactly when `r` is `0` (the quotient is even: kept) or `d` (odd:
/// one less). Needs the engine's exact rounding (its default). Cost: one truncation,
/// [`floor_div`], one comparison and one equality of `n` values.
pub fn round_half_even(
    p: &mut Party,
    x: &AShares,
    j: u32,
    bits: u32,
) -> sharestat_mpc::Result<AShares> {
    if !(1..=8).contains(&j) || !p.exact_rounding() {
        return Err(sharestat_mpc::MpcError::Param {
            op: "round_half_even",
            detail: format!("10^{j}: j not in 1..=8, or truncation not exact"),
        });
    }
    let me = p.id();
    let n = x.len();
    let d = 10u64.pow(j);
    let y = x.add_const(me, d / 2);
    let half = p.trunc(&y, j + 1)?;
    let q2 = floor_div_bounded(p, &half, 5u64.pow(j), bits.saturating_sub(j).max(29))?;
    let r = y.sub(&q2.scale(2 * d));
    let odd = p.lt_public(&r, &vec![d; n], 48)?.not(me);
    let zero = AShares::from_parts(vec![0; n], vec![0; n]);
    let tie_odd = p.eq(&r.add_const(me, d.wrapping_neg()), &zero, 48)?;
    let bits = p.b2a_bits(&Bits::concat(&[&odd, &tie_odd]))?;
    Ok(q2
        .scale(2)
        .add(&bits.slice(0..n))
        .sub(&bits.slice(n..2 * n)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharestat_mpc::harness::{Keys, run_in_memory};
    use sharestat_mpc::prg::Prg;
    use sharestat_mpc::proto::io::deal;

    #[test]
    fn floor_matches_plaintext() {
        let mut values: Vec<i64> = vec![0, 1, 9, 10, 11, 99, 100, 126, -1, -10, -11, -126];
        values.extend((0..500).map(|i| i * 7919 % 200_003 - 100_000));
        values.extend([(1 << 29) - 1001, -(1 << 29) + 1001]);
        for scale in [1u32, 2, 3] {
            let words: Vec<u64> = values.iter().map(|&v| v as u64).collect();
            let out = run_in_memory(Keys::Seeded([scale as u8; 16]), |p| {
                let x = deal(&words, &mut Prg::new([1; 16]))[p.id().index()].clone();
                let q = floor_scaled(p, &x, scale)?;
                p.reveal(&q)
            })
            .unwrap();
            let d = 10i64.pow(scale);
            for (i, v) in values.iter().enumerate() {
                assert_eq!(out[0][i] as i64, v.div_euclid(d), "floor({v} / {d})");
            }
        }
        for j in [1u32, 2, 3, 7] {
            let d = 10u64.pow(j);
            let mut vals = values.clone();
            vals.extend([
                5, 15, 25, -5, -15, -25, 50, 150, 250, 1250, -1250, 500, 1500,
            ]);
            vals.extend([
                1_375_000_000,
                -1_375_000_000,
                25_000_000_000,
                35_000_000_000,
            ]);
            // The stated domain, and its edges.
            let lim = (1i64 << round_half_even_bits(j)) - d as i64;
            vals.retain(|v| v.abs() < lim);
            vals.extend([
                lim - 1 - (lim - 1) % d as i64 + d as i64 / 2 - d as i64,
                -(lim - 1),
            ]);
            let words: Vec<u64> = vals.iter().map(|&v| v as u64).collect();
            let out = run_in_memory(Keys::Seeded([d as u8; 16]), |p| {
                let x = deal(&words, &mut Prg::new([3; 16]))[p.id().index()].clone();
                let q = round_half_even(p, &x, j, round_half_even_bits(j))?;
                p.reveal(&q)
            })
            .unwrap();
            for (i, v) in vals.iter().enumerate() {
                let want = (*v as f64 / d as f64).round_ties_even() as i64;
                assert_eq!(out[0][i] as i64, want, "round({v} / {d})");
            }
        }
        for d in [7u64, 30, 120, 999_983] {
            let words: Vec<u64> = values.iter().map(|&v| v as u64).collect();
            let out = run_in_memory(Keys::Seeded([d as u8; 16]), |p| {
                let x = deal(&words, &mut Prg::new([2; 16]))[p.id().index()].clone();
                let f = floor_div(p, &x, d)?;
                let c = ceil_div(p, &x, d)?;
                p.reveal(&AShares::concat(&[&f, &c]))
            })
            .unwrap();
            let (n, d) = (values.len(), d as i64);
            for (i, v) in values.iter().enumerate() {
                assert_eq!(out[0][i] as i64, v.div_euclid(d), "floor({v} / {d})");
                let ceil = -(-v).div_euclid(d);
                assert_eq!(out[0][n + i] as i64, ceil, "ceil({v} / {d})");
            }
        }
    }
}
