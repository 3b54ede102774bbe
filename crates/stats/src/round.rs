//! Rounding private decimals to whole numbers (`floor`, `ceiling`): division of a shared
//! integer by a public `10^s`, rounded down, exactly.
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
use sharestat_mpc::{AShares, Party};

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
    if d <= 1 {
        return Ok(x.clone());
    }
    let off = (1u64 << 29).div_ceil(d) * d;
    let xs = x.add_const(p.id(), off);
    let m = (1u64 << K) / d;
    let q1 = p.trunc(&xs.scale(m), K)?;
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
