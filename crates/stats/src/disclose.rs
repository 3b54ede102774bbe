//! Secure disclosure-control tests (design brief §7): checks on counts that are still secret,
//! of which only one pass/fail bit per check is revealed, never the count.
//!
//! The basic test is "`v` is small but not zero", `0 < v < t`, for a shared count `v` and a
//! public threshold `t`: the counts a policy refuses to reveal (a table cell of 1..4 patients,
//! a subset leaving 1..4 patients out, two subsets that differ in 1..4 patients). It takes one
//! multiplication and one sign test: with `u = (v - 1)(t - 1 - v)`, `u >= 0` exactly when
//! `1 <= v <= t - 1` (both factors cannot be negative at once since `t >= 1`). Counts are below
//! `2^31`, so `|u| < 2^62` and the sign of the 64-bit word is the sign of `u`.
//!
//! Cost for `n` tests: 1 round and `n` words for the product, then the sign test
//! (`Party::msb`, 64 bits) and one reveal of `n` bits.
use sharestat_mpc::{AShares, Bits, Party};

/// Violation bits of `0 < v_i < t_i`, one per count; thresholds of 0 or 1 never fail.
/// Reveals only these bits.
pub fn small_nonzero(
    p: &mut Party,
    counts: &AShares,
    thresholds: &[u64],
) -> sharestat_mpc::Result<Vec<bool>> {
    let n = counts.len();
    assert_eq!(n, thresholds.len(), "one threshold per count");
    if n == 0 {
        return Ok(Vec::new());
    }
    let lo = counts.add_const(p.id(), 1u64.wrapping_neg());
    // t - 1 - v (thresholds of 0 or 1 are answered "pass" below, whatever u is).
    let hi_pub: Vec<u64> = thresholds.iter().map(|&t| t.saturating_sub(1)).collect();
    let hi = counts.neg().add_public(p.id(), &hi_pub);
    let u = p.mul(&lo, &hi)?;
    let negative = p.msb(&u, 64)?;
    let bits = p.reveal_bits(&negative)?;
    Ok(bits
        .iter()
        .zip(thresholds)
        .map(|(&neg, &t)| t > 1 && !neg)
        .collect())
}

/// Violation bits of `0 < v_i < t_i` for counts known only **modulo 2^32** (below `2^31`),
/// such as sizes computed from masks whose shares were kept as 32-bit words: two signed 32-bit
/// comparisons, `[v < t] XOR [v < 1]`. Reveals only these bits. Cost: one batch of two
/// comparisons per count (`Party::lt_public` at 32 bits) and one reveal.
pub fn small_nonzero_mod32(
    p: &mut Party,
    counts: &AShares,
    thresholds: &[u64],
) -> sharestat_mpc::Result<Vec<bool>> {
    let n = counts.len();
    assert_eq!(n, thresholds.len(), "one threshold per count");
    if n == 0 {
        return Ok(Vec::new());
    }
    // Both comparisons in one batch, each half padded to whole 64-bit words so that the two
    // halves XOR word by word in shares; only the XOR is opened.
    let m = n.div_ceil(64) * 64;
    let pad = AShares::from_parts(vec![0; m - n], vec![0; m - n]);
    let both = AShares::concat(&[counts, &pad, counts, &pad]);
    let mut limits = thresholds.to_vec();
    limits.resize(m, 1);
    limits.extend(std::iter::repeat_n(1, m));
    let bits = p.lt_public(&both, &limits, 32)?;
    let w = m / 64;
    let words = bits.words();
    let xor = words.slice(0..w).xor(&words.slice(w..2 * w));
    p.reveal_bits(&Bits::from_words(xor, n))
}

/// Violations of the subset rules for a selection of `size` (shared) rows out of a public
/// `total`: `[min_subset, min_complement]`, each true when broken. A subset must hold at least
/// `min_subset` rows and leave out none or at least `min_complement`. Reveals the two bits.
pub fn subset_rules(
    p: &mut Party,
    size: &AShares,
    total: u64,
    min_subset: u64,
    min_complement: u64,
) -> sharestat_mpc::Result<[bool; 2]> {
    let complement = size.neg().add_const(p.id(), total);
    // size < min_subset, including size = 0: test 0 < size + 1 < min_subset + 1.
    let shifted = size.add_const(p.id(), 1);
    let v = AShares::concat(&[&shifted, &complement]);
    let bits = small_nonzero(p, &v, &[min_subset + 1, min_complement])?;
    Ok([bits[0], bits[1]])
}

/// Size of the symmetric difference of two 0/1 masks, still shared:
/// `Σa + Σb - 2 a·b` (one dot-product round).
pub fn symmetric_difference(
    p: &mut Party,
    a: &AShares,
    b: &AShares,
) -> sharestat_mpc::Result<AShares> {
    let both = p.dot(a, b)?;
    Ok(a.sum().add(&b.sum()).sub(&both.scale(2)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharestat_mpc::harness::{Keys, run_in_memory};
    use sharestat_mpc::prg::Prg;
    use sharestat_mpc::proto::io::deal;

    fn shared(p: &Party, v: &[u64]) -> AShares {
        deal(v, &mut Prg::new([9; 16]))[p.id().index()].clone()
    }

    #[test]
    fn small_nonzero_matches_plaintext() {
        let counts: Vec<u64> = (0..12).collect();
        let thresholds = vec![5u64; 12];
        let out = run_in_memory(Keys::Seeded([7; 16]), |p| {
            let c = shared(p, &counts);
            small_nonzero(p, &c, &thresholds)
        })
        .unwrap();
        let want: Vec<bool> = (0..12u64).map(|v| v > 0 && v < 5).collect();
        for o in out {
            assert_eq!(o, want);
        }
        let one = run_in_memory(Keys::Seeded([8; 16]), |p| {
            let c = shared(p, &[0, 1, 2]);
            small_nonzero(p, &c, &[1, 1, 0])
        })
        .unwrap();
        assert_eq!(one[0], vec![false, false, false]);
    }

    #[test]
    fn small_nonzero_mod32_ignores_the_high_bits() {
        // Counts with garbage above bit 32 (as from 32-bit stored shares) test as their low part.
        let counts: Vec<u64> = (0..12u64).map(|v| v | (0xdead_beef << 32)).collect();
        let out = run_in_memory(Keys::Seeded([6; 16]), |p| {
            let c = shared(p, &counts);
            small_nonzero_mod32(p, &c, &[5; 12])
        })
        .unwrap();
        let want: Vec<bool> = (0..12u64).map(|v| v > 0 && v < 5).collect();
        assert_eq!(out[0], want);
    }

    #[test]
    fn subset_rules_match_plaintext() {
        for (size, want) in [
            (0u64, [true, false]),
            (4, [true, false]),
            (5, [false, false]),
            (44, [false, true]),
            (47, [false, true]),
            (48, [false, false]),
            (20, [false, false]),
        ] {
            let out = run_in_memory(Keys::Seeded([size as u8; 16]), |p| {
                let s = shared(p, &[size]);
                subset_rules(p, &s, 48, 5, 5)
            })
            .unwrap();
            assert_eq!(out[0], want, "size {size}");
        }
    }

    #[test]
    fn symmetric_difference_counts_rows_in_one_mask_only() {
        let out = run_in_memory(Keys::Seeded([3; 16]), |p| {
            let a = shared(p, &[1, 1, 0, 0, 1]);
            let b = shared(p, &[1, 0, 1, 0, 0]);
            let d = symmetric_difference(p, &a, &b)?;
            Ok(p.reveal(&d)?[0])
        })
        .unwrap();
        assert_eq!(out[0], 3);
    }
}
