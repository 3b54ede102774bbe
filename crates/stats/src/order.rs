//! Quantiles (R's default type 7), median, minimum and maximum, by secure selection
//! (`Party::select_kth`: shuffle, then selection with revealed comparisons of distinct keys).
//!
//! Missing values are moved past every present value (`m ∘ (x - B) + B` with a public bound
//! `B`), so the order statistics of rank `0..n` are those of the present values; `n` is
//! revealed first (R's type 7 needs it). For each probability `p`, `h = (n - 1) p`; the result
//! `x[⌊h⌋] + (h - ⌊h⌋)(x[⌈h⌉] - x[⌊h⌋])` is computed on shares with the interpolation weight as a
//! public fixed-point integer, so **only the quantile itself is revealed** (to within
//! `2^-24` of the gap between the two order statistics), not the two order statistics.
//! Quantiles 0 and 1 are the minimum and maximum: single patients' values, which disclosure
//! control allows only where the study policy says so.
use crate::column::Column;
use sharestat_mpc::{AShares, Party};

/// Fixed-point bits of the interpolation weight.
const WEIGHT_BITS: u32 = 24;

/// Bits of the keys compared: encoded values must satisfy `|x| < 2^(KEY_BITS - 2)`.
pub const KEY_BITS: u32 = 40;

/// The narrowest key width (at least 8, at most [`KEY_BITS`]) for values whose magnitude
/// stays below `max_word`: `|x| < 2^(bits − 3)`, as [`KEY_BITS`] requires of its values.
pub fn key_bits_for(max_word: f64) -> u32 {
    let mut bits = 8;
    while bits < KEY_BITS && max_word >= (1u64 << (bits - 3)) as f64 {
        bits += 1;
    }
    bits
}

/// R type 7 quantiles of the present values of `col` at `probs` (each in `[0, 1]`).
/// Returns `None` when no value is present.
pub fn quantiles(
    p: &mut Party,
    col: &Column,
    probs: &[f64],
) -> sharestat_mpc::Result<Option<Vec<f64>>> {
    let (keys, n) = moved_keys(p, col)?;
    quantiles_of_keys(p, col, &keys, n, probs)
}

/// Where R's type 7 quantile at each of `probs` lies among `n` sorted values: the 0-based
/// ranks of the two order statistics it interpolates between and the weight of the upper one
/// (in units of `2^-WEIGHT_BITS`). Public: it depends on `n` and `probs` only.
pub fn quantile_plan(n: u64, probs: &[f64]) -> Vec<(usize, usize, u64)> {
    probs
        .iter()
        .map(|&pr| {
            let h = n.saturating_sub(1) as f64 * pr;
            let lo = h.floor() as usize;
            let hi = h.ceil().min(n.saturating_sub(1) as f64) as usize;
            let w = ((h - lo as f64) * (1u64 << WEIGHT_BITS) as f64).round() as u64;
            (lo, hi, w)
        })
        .collect()
}

/// [`quantiles`] on keys from [`moved_keys`] (`n` present values), so that a caller can check
/// the plan ([`quantile_plan`]) against its disclosure rules between the two steps.
pub fn quantiles_of_keys(
    p: &mut Party,
    col: &Column,
    keys: &AShares,
    n: u64,
    probs: &[f64],
) -> sharestat_mpc::Result<Option<Vec<f64>>> {
    quantiles_of_keys_in(p, col, (keys, KEY_BITS), n, probs)
}

/// [`quantiles_of_keys`] of keys from [`moved_keys_in`] with `bits`-bit keys (narrower keys
/// make cheaper comparisons: a column whose words stay below `2^(bits − 3)` needs no more).
pub fn quantiles_of_keys_in(
    p: &mut Party,
    col: &Column,
    (keys, bits): (&AShares, u32),
    n: u64,
    probs: &[f64],
) -> sharestat_mpc::Result<Option<Vec<f64>>> {
    if n == 0 {
        return Ok(None);
    }
    let plan = quantile_plan(n, probs);
    let mut ranks: Vec<usize> = plan.iter().flat_map(|&(lo, hi, _)| [lo, hi]).collect();
    ranks.sort_unstable();
    ranks.dedup();
    let picked = p.select_kth(keys, &ranks, bits)?;
    let at = |r: usize| ranks.binary_search(&r).expect("rank selected");
    let pairs: Vec<(AShares, AShares)> = plan
        .iter()
        .map(|&(lo, hi, _)| {
            (
                picked.slice(at(lo)..at(lo) + 1),
                picked.slice(at(hi)..at(hi) + 1),
            )
        })
        .collect();
    Ok(Some(open_quantiles(p, col.unit(), &plan, &pairs)?))
}

/// Opens the quantiles of `plan` (from [`quantile_plan`]) given the shares of the two order
/// statistics each interpolates between (`x_lo`, `x_hi`), words at `unit` per real unit: only
/// `x_lo + w (x_hi − x_lo)` is revealed (to within `2^-24` of the gap), not the two.
pub fn open_quantiles(
    p: &mut Party,
    unit: f64,
    plan: &[(usize, usize, u64)],
    pairs: &[(AShares, AShares)],
) -> sharestat_mpc::Result<Vec<f64>> {
    // y = x_lo * 2^W + w (x_hi - x_lo), one value per probability, revealed together.
    let outs: Vec<AShares> = plan
        .iter()
        .zip(pairs)
        .map(|(&(_, _, w), (xl, xh))| xl.scale(1 << WEIGHT_BITS).add(&xh.sub(xl).scale(w)))
        .collect();
    let opened = p.reveal(&AShares::concat(&outs.iter().collect::<Vec<_>>()))?;
    let unit = unit * (1u64 << WEIGHT_BITS) as f64;
    Ok(opened.iter().map(|&y| y as i64 as f64 / unit).collect())
}

/// The keys of `col` with missing values moved past every present value (`m ∘ (x - B) + B`),
/// and the number `n` of present values, which is **revealed**.
pub fn moved_keys(p: &mut Party, col: &Column) -> sharestat_mpc::Result<(AShares, u64)> {
    moved_keys_in(p, col, KEY_BITS)
}

/// [`moved_keys`] for `bits`-bit keys (`|x| < 2^(bits − 3)`).
pub fn moved_keys_in(
    p: &mut Party,
    col: &Column,
    bits: u32,
) -> sharestat_mpc::Result<(AShares, u64)> {
    Ok(match &col.present {
        None => (col.values.clone(), col.len() as u64),
        Some(m) => {
            let n = p.reveal(&m.sum())?[0];
            let big = 1u64 << (bits - 2);
            // m ∘ (x - B) + B: x where present, B where missing.
            let shifted = col.values.add_const(p.id(), big.wrapping_neg());
            let moved = p.mul(m, &shifted)?.add_const(p.id(), big);
            (moved, n)
        }
    })
}

/// The median (R's `median`, equal to the type 7 quantile at 0.5).
pub fn median(p: &mut Party, col: &Column) -> sharestat_mpc::Result<Option<f64>> {
    Ok(quantiles(p, col, &[0.5])?.map(|q| q[0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_bits_cover_the_values_and_no_more() {
        // x in 0..=99 (words up to 99): 2^7 > 99 needs bits - 3 = 7.
        assert_eq!(key_bits_for(99.0), 10);
        assert_eq!(key_bits_for(0.0), 8);
        assert_eq!(key_bits_for(1e30), KEY_BITS);
        for w in [1.0, 31.0, 32.0, 1000.0, 123_456.0] {
            let b = key_bits_for(w);
            assert!(w < (1u64 << (b - 3)) as f64 && (b == 8 || w >= (1u64 << (b - 4)) as f64));
        }
    }
}
