//! Kendall's rank correlation (tau-b, as R's `cor(method = "kendall")` and `cor.test`) on
//! secret-shared vectors, without opening any value.
//!
//! `S = Σ_{i<j} sign(x_i − x_j) sign(y_i − y_j)` over the pairs of used rows is computed pair
//! by pair: the differences are local, their signs come from the sign bit of `d` and of `−d`
//! (`[d < 0]`, `[d > 0]`, one batch of `msb`), and `S = Σ w_ij s^x_ij s^y_ij` with
//! `w_ij = u_i u_j` (two products and a dot product). Pairs are processed in blocks of
//! [`BLOCK`] so memory stays bounded; the work is quadratic, so inputs are limited to
//! [`MAX_ROWS`] rows (R's own algorithm is quadratic too; an `O(n log n)` oblivious merge
//! count would lift the limit).
//!
//! The ties' corrections need, per variable, the runs of equal values: an oblivious sort,
//! an equality batch and the affine scan `k_i = E_i (k_{i−1} + 1)` (the index within the
//! run, as in [`crate::rank`]) give `Σk = Σ t(t−1)/2` and `Σk²`, from which every sum R's
//! variance uses follows (`Σ t(t−1)(t−2) = 3(Σk² − Σk)`).
//! **Reveals** `n`, `S`, and per variable `Σk`, `Σk²` (R's `T1`/`T2` and tie sums).
//! Cost: `n(n−1)/2` pairs of four sign bits (`KEY_BITS`-bit comparisons), two sorts.
use crate::order::KEY_BITS;
use crate::rank::{affine_scan, same_as_previous, used_first};
use sharestat_mpc::{AShares, Party};

/// At most this many rows (the pairs are `n(n−1)/2`: 2 million at 2000).
pub const MAX_ROWS: usize = 2000;

/// Pairs per block of sign computations.
const BLOCK: usize = 1 << 18;

/// What Kendall's tau-b and R's test of it need, opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KendallSums {
    /// Rows used.
    pub n: u64,
    /// `S = C − D`, concordant minus discordant pairs (ties in either variable count 0).
    pub s: i64,
    /// `Σk` and `Σk²` of `x`'s runs of equal values (`k`: index within the run).
    pub x_ties: (u64, u64),
    /// The same for `y`.
    pub y_ties: (u64, u64),
}

/// Kendall's sums of `x` and `y` over the rows with `used = 1`; `|x|, |y| < 2^(KEY_BITS − 3)`
/// and at most [`MAX_ROWS`] rows.
pub fn kendall_sums(
    p: &mut Party,
    x: &AShares,
    y: &AShares,
    used: &AShares,
) -> sharestat_mpc::Result<KendallSums> {
    // Callers refuse more than MAX_ROWS rows: the work is quadratic.
    let n = x.len();
    let mut s = AShares::from_parts(vec![0], vec![0]);
    let pairs: Vec<(usize, usize)> = (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .collect();
    for block in pairs.chunks(BLOCK) {
        let ii: Vec<usize> = block.iter().map(|&(i, _)| i).collect();
        let jj: Vec<usize> = block.iter().map(|&(_, j)| j).collect();
        let dx = x.gather(&ii).sub(&x.gather(&jj));
        let dy = y.gather(&ii).sub(&y.gather(&jj));
        let w = p.mul(&used.gather(&ii), &used.gather(&jj))?;
        let all = AShares::concat(&[&dx, &dx.neg(), &dy, &dy.neg()]);
        let bits = p.msb(&all, KEY_BITS)?;
        let b = p.b2a_bits(&bits)?;
        let m = block.len();
        // sign(d) = [d > 0] − [d < 0] = msb(−d) − msb(d).
        let sx = b.slice(m..2 * m).sub(&b.slice(0..m));
        let sy = b.slice(3 * m..4 * m).sub(&b.slice(2 * m..3 * m));
        let ws = p.mul(&w, &sx)?;
        s = s.add(&p.dot(&ws, &sy)?);
    }
    let mut tie_sums = Vec::new();
    for v in [x, y] {
        let key = used_first(p, v, used)?;
        let (sorted, cols) = p.sort(&key, &[used], KEY_BITS)?;
        let e = same_as_previous(p, &sorted, &cols[0])?;
        let k = affine_scan(p, &e, &e)?;
        tie_sums.push(k.sum());
        tie_sums.push(p.dot(&k, &k)?);
    }
    let mut open = vec![&s];
    let count = used.sum();
    open.push(&count);
    open.extend(tie_sums.iter());
    let o = p.reveal(&AShares::concat(&open))?;
    Ok(KendallSums {
        n: o[1],
        s: o[0] as i64,
        x_ties: (o[2], o[3]),
        y_ties: (o[4], o[5]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against a plaintext count over 150 rows with ties in both variables and unused rows.
    #[test]
    fn matches_plain_pair_counts() {
        let n = 150usize;
        let x: Vec<i64> = (0..n as i64).map(|i| (i * 13) % 11 - 5).collect();
        let y: Vec<i64> = (0..n as i64).map(|i| (i * i) % 17 - (i % 3) * 4).collect();
        let used: Vec<u64> = (0..n).map(|i| u64::from(i % 4 != 1)).collect();
        let out = crate::rank::tests::on_pair((&x, &y, &used), kendall_sums);
        let keep: Vec<usize> = (0..n).filter(|&i| used[i] == 1).collect();
        let mut s = 0i64;
        for (a, &i) in keep.iter().enumerate() {
            for &j in &keep[a + 1..] {
                s += (x[i] - x[j]).signum() * (y[i] - y[j]).signum();
            }
        }
        let ties = |v: &[i64]| {
            let (mut k1, mut k2) = (0u64, 0u64);
            for val in -20..20 {
                let t = keep.iter().filter(|&&i| v[i] == val).count() as u64;
                for k in 0..t {
                    k1 += k;
                    k2 += k * k;
                }
            }
            (k1, k2)
        };
        let want = KendallSums {
            n: keep.len() as u64,
            s,
            x_ties: ties(&x),
            y_ties: ties(&y),
        };
        assert_eq!(out, want);
    }
}
