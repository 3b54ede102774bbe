//! Exact sums of products `Σ_i a_i b_i` over every row by dot products: one word per sum
//! and party, whatever the rows (`Party::dot_many`), where element-wise products and a
//! truncation per product would send `n` words each.
//!
//! A sum of `2^l` products below `2^(ab + bb)` could leave the ring; then `b` is split
//! exactly into parts of `c = 61 − ab − l` bits, `b = Σ_j 2^(jc) b_j` (`t_j` the engine's
//! truncation of `b` by `jc` bits, `b_j = t_j − 2^c t_(j+1)`, so `|b_j| < 2^(c+1)`: one
//! truncation of `b` per part boundary, all in one batch), each `Σ a b_j` stays in the ring,
//! and `Σ a b = Σ_j 2^(jc) Σ a b_j` in the clear.
use super::GlmError;
use super::design::real;
use sharestat_mpc::{AShares, Party};

/// A shared vector as exact parts: `Σ_j 2^(j c) parts[j]`.
pub struct Split {
    parts: Vec<AShares>,
    c: u32,
}

/// Splits each `(b, bb, ab)` (`|b| < 2^bb`, to be multiplied by values below `2^ab`) for sums
/// over `2^l` rows (see the module doc); one batch of truncations.
pub fn split_all(
    p: &mut Party,
    bs: &[(&AShares, u32, u32)],
    l: u32,
) -> Result<Vec<Split>, GlmError> {
    let mut plan = Vec::new(); // per b: (c, parts)
    let mut batch: Vec<AShares> = Vec::new();
    let mut shifts: Vec<u32> = Vec::new();
    for &(b, bb, ab) in bs {
        let room = 61u32.saturating_sub(ab + l);
        if bb <= room || room < 2 {
            if room < 2 {
                return Err(GlmError::Range(format!(
                    "products of {ab}-bit values over 2^{l} rows leave the ring"
                )));
            }
            plan.push((0, 1));
            continue;
        }
        let c = room - 1;
        let k = bb.div_ceil(c) as usize;
        for j in 1..k as u32 {
            batch.push(b.clone());
            shifts.extend(std::iter::repeat_n(j * c, b.len()));
        }
        plan.push((c, k));
    }
    let t = if batch.is_empty() {
        None
    } else {
        Some(p.trunc_each(&AShares::concat(&batch.iter().collect::<Vec<_>>()), &shifts)?)
    };
    let mut at = 0;
    let mut out = Vec::new();
    for (&(b, _, _), &(c, k)) in bs.iter().zip(&plan) {
        if k == 1 {
            out.push(Split {
                parts: vec![b.clone()],
                c: 0,
            });
            continue;
        }
        let n = b.len();
        let t = t.as_ref().expect("truncations");
        // t_0 = b, t_1..t_(k-1) from the batch.
        let mut ts = vec![b.clone()];
        for _ in 1..k {
            ts.push(t.slice(at..at + n));
            at += n;
        }
        let mut parts: Vec<AShares> = (0..k - 1)
            .map(|j| ts[j].sub(&ts[j + 1].scale(1u64 << c)))
            .collect();
        parts.push(ts[k - 1].clone());
        out.push(Split { parts, c });
    }
    Ok(out)
}

/// The dot products of every job's `a` with every part of its `b`, in one round.
pub fn dot_all(p: &mut Party, jobs: &[(&AShares, &Split)]) -> Result<AShares, GlmError> {
    let pairs: Vec<(&AShares, &AShares)> = jobs
        .iter()
        .flat_map(|(a, s)| s.parts.iter().map(move |b| (*a, b)))
        .collect();
    Ok(p.dot_many(&pairs)?)
}

/// The number of words [`dot_all`] gives for `jobs`.
pub fn words(jobs: &[(&AShares, &Split)]) -> usize {
    jobs.iter().map(|(_, s)| s.parts.len()).sum()
}

/// The jobs' sums (in units of the products' words) from their opened words.
pub fn values(jobs: &[(&AShares, &Split)], opened: &[u64]) -> Vec<f64> {
    let mut at = 0;
    jobs.iter()
        .map(|(_, s)| {
            let v = s
                .parts
                .iter()
                .enumerate()
                .map(|(j, _)| real(opened[at + j], -((j as u32 * s.c) as i32)))
                .sum();
            at += s.parts.len();
            v
        })
        .collect()
}
