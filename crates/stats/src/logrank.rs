//! The strict log-rank test of two groups: only the chi-square statistic leaves.
//!
//! The exact survival functions open the multiset of event times (`allow_event_times`); this
//! one keeps every time and count secret. Rows are sorted obliviously by time (unused rows
//! last). With `E_i = [t_i = t_{i−1}]`, the quantities before each run of equal times come
//! from affine scans (`B_i = E_i B_{i−1} + (1 − E_i) X_i`, `X` an exclusive prefix sum), so at
//! the last row of each run (`L_i = 1 − E_{i+1}`), as integers:
//! `n_t = N − B_rows`, `d_t = P_events − B_events`, `n_1t = N_1 − B_group1`,
//! `d_1t = P_events1 − B_events1`. Then, in fixed point (26 bits, quotients by
//! `Party::ratio`, which keeps a few units of `2^-26` at any scale):
//!
//! `E_1 = Σ d_t n_1t / n_t`, `V = Σ d_t (n_t − d_t)/(n_t − 1) · p (1 − p)` with
//! `p = n_1t / n_t`, and `χ² = (O_1 − E_1)² / V` (R's `survdiff` for two groups).
//! **Reveals** `χ²` only, and one pass/fail bit when `|O_1 − E_1| >= 256 V` (χ² beyond the
//! fixed-point range, reported as an error). Up to `2^21` rows; times below `2^38` units.
use crate::order::KEY_BITS;
use crate::rank::{affine_scan, same_as_previous};
use sharestat_mpc::{AShares, Party};

/// Fractional bits of the per-time terms.
const F: u32 = 26;

/// Largest number of rows.
pub const MAX_ROWS: usize = 1 << 21;

/// Why the strict test could not answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StrictLogRankError {
    /// The secure computation failed.
    #[error(transparent)]
    Engine(#[from] sharestat_mpc::MpcError),
    /// More rows than the fixed-point range allows.
    #[error("the strict log-rank test handles up to {MAX_ROWS} rows")]
    TooManyRows,
    /// The statistic is beyond the fixed-point range (`|O − E| >= 256 V`).
    #[error("the difference between the groups is too large for the fixed-point statistic")]
    OutOfRange,
}

/// `χ²` of the log-rank test of the rows with `in1 = 1` against those with `in2 = 1` (rows in
/// neither are not used), times `time` (encoded, `>= 0`), events `event` (0/1).
pub fn strict_logrank(
    p: &mut Party,
    time: &AShares,
    event: &AShares,
    in1: &AShares,
    in2: &AShares,
) -> Result<f64, StrictLogRankError> {
    let n = time.len();
    if n > MAX_ROWS {
        return Err(StrictLogRankError::TooManyRows);
    }
    let me = p.id();
    let used = in1.add(in2);
    let big = (1u64 << (KEY_BITS - 2)) - 1;
    let key = p
        .mul(&used, &time.add_const(me, big.wrapping_neg()))?
        .add_const(me, big);
    let (ts, cols) = p.sort(&key, &[event, in1, &used], KEY_BITS)?;
    let (e, a, u) = (&cols[0], &cols[1], &cols[2]);
    let same = same_as_previous(p, &ts, u)?;
    let ea = p.mul(e, a)?;
    let (pe, pa, pea) = (e.prefix_sum(), a.prefix_sum(), ea.prefix_sum());
    // Values just before each run: affine scans of the exclusive prefix sums.
    let not_same = same.neg().add_const(me, 1);
    let idx: Vec<u64> = (0..n as u64).collect();
    let starts = p.mul_many(&[
        (&not_same, &pe.sub(e)),
        (&not_same, &pa.sub(a)),
        (&not_same, &pea.sub(&ea)),
    ])?;
    let b_rows = affine_scan(p, &same, &not_same.mul_public(&idx))?;
    let b_e = affine_scan(p, &same, &starts[0])?;
    let b_a = affine_scan(p, &same, &starts[1])?;
    let b_ea = affine_scan(p, &same, &starts[2])?;
    let all = vec![0usize; n];
    let (big_n, n1) = (u.sum().gather(&all), a.sum().gather(&all));
    let n_t = big_n.sub(&b_rows);
    let d_t = pe.sub(&b_e);
    let n1_t = n1.sub(&b_a);
    let d1_t = pea.sub(&b_ea);
    // Last row of each run of used rows.
    let zero = AShares::from_parts(vec![0], vec![0]);
    let next_same = AShares::concat(&[&same.slice(1..n), &zero]);
    let last = u.sub(&p.mul(&next_same, u)?);
    let m = p.mul_many(&[
        (&last, &d_t),
        (&last, &d1_t),
        (&last, &n_t.add_const(me, 1u64.wrapping_neg())),
        (&last, &n1_t),
    ])?;
    let (d, d1, nt) = (&m[0], &m[1], m[2].add_const(me, 1));
    // p = n_1t / n_t and (n_t − d_t) / (n_t − 1), as quotients.
    let q = p.ratio(
        &AShares::concat(&[&m[3], &nt.sub(d)]),
        &AShares::concat(&[&nt, &nt.add_const(me, 1u64.wrapping_neg())]),
        22,
        F,
    )?;
    let (p1, r) = (q.slice(0..n), q.slice(n..2 * n));
    let prods = p.mul_many(&[(d, &p1), (d, &r), (&p1, &p1)])?;
    let (e_term, w) = (&prods[0], &prods[1]);
    let pq = p1.sub(&p.trunc_unbiased(&prods[2], &vec![F; n])?);
    // V term = w p (1 − p): both to 20 bits first (w can reach n).
    let low = p.trunc_unbiased(&AShares::concat(&[w, &pq]), &vec![F - 20; 2 * n])?;
    let v_term = p.mul(&low.slice(0..n), &low.slice(n..2 * n))?;
    let v_term = p.trunc_unbiased(&v_term, &vec![40 - F; n])?;
    let x = d1.sum().scale(1 << F).sub(&e_term.sum());
    let v = v_term.sum();
    // Range: |x| < 256 V (one opened bit), then χ² = x · (x / V).
    let lim = v.scale(256);
    let ok = p.lt(
        &AShares::concat(&[&x, &x.neg()]),
        &AShares::concat(&[&lim, &lim]),
        62,
    )?;
    let ok = p.reveal_bits(&ok)?;
    if !(ok[0] && ok[1]) {
        return Err(StrictLogRankError::OutOfRange);
    }
    let t = p.ratio(&x, &v, 48, 20)?;
    let x20 = p.trunc_unbiased(&x, &[F - 20])?;
    let chisq = p.mul(&x20, &t)?;
    let chisq = p.trunc_unbiased(&chisq, &[20])?;
    let opened = p.reveal(&chisq)?;
    Ok(sharestat_mpc::fixed::decode(opened[0], 20))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharestat_mpc::harness::{Keys, run_in_memory};
    use sharestat_mpc::prg::Prg;
    use sharestat_mpc::proto::io::deal;

    /// R's survdiff for two groups, in the clear.
    fn plain(t: &[u64], ev: &[u64], g: &[u8]) -> f64 {
        let mut times: Vec<u64> = t.to_vec();
        times.sort();
        times.dedup();
        let (mut x, mut v) = (0.0, 0.0);
        for &s in &times {
            let at = |grp: Option<u8>| {
                (0..t.len())
                    .filter(|&i| g[i] > 0 && t[i] >= s && grp.is_none_or(|k| g[i] == k))
                    .count() as f64
            };
            let dead = |grp: Option<u8>| {
                (0..t.len())
                    .filter(|&i| g[i] > 0 && t[i] == s && ev[i] == 1)
                    .filter(|&i| grp.is_none_or(|k| g[i] == k))
                    .count() as f64
            };
            let (n, n1, d, d1) = (at(None), at(Some(1)), dead(None), dead(Some(1)));
            if n == 0.0 || d == 0.0 {
                continue;
            }
            x += d1 - d * n1 / n;
            if n > 1.0 {
                v += d * (n - d) / (n - 1.0) * (n1 / n) * (1.0 - n1 / n);
            }
        }
        x * x / v
    }

    #[test]
    fn matches_plain_log_rank_with_ties_censoring_and_unused_rows() {
        let n = 300usize;
        let t: Vec<u64> = (0..n as u64).map(|i| (i * 37) % 41 + 1).collect();
        let ev: Vec<u64> = (0..n as u64).map(|i| u64::from(i % 4 != 0)).collect();
        let g: Vec<u8> = (0..n)
            .map(|i| {
                if i % 11 == 0 {
                    0
                } else {
                    1 + ((i * 7 + i / 13) % 2) as u8
                }
            })
            .collect();
        let ind = |k: u8| g.iter().map(|&x| u64::from(x == k)).collect::<Vec<_>>();
        let out = run_in_memory(Keys::Seeded([3; 16]), |p| {
            let mut prg = Prg::new([4; 16]);
            let i = p.id().index();
            let d = |v: &[u64], prg: &mut Prg| deal(v, prg)[i].clone();
            let (ts, es, a, b) = (
                d(&t, &mut prg),
                d(&ev, &mut prg),
                d(&ind(1), &mut prg),
                d(&ind(2), &mut prg),
            );
            Ok(strict_logrank(p, &ts, &es, &a, &b).expect("strict log-rank"))
        })
        .unwrap();
        let want = plain(&t, &ev, &g);
        assert!(
            (out[0] - want).abs() <= 2e-5 * want.max(1.0),
            "{} vs {want}",
            out[0]
        );
        assert_eq!(out[0], out[1]);
    }
}
