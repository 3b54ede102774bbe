//! The strict log-rank test of k groups: only the chi-square statistic leaves.
//!
//! The exact survival functions open the multiset of event times (`allow_event_times`); this
//! one keeps every time and count secret. Rows are sorted obliviously by time (unused rows
//! last). With `E_i = [t_i = t_{i−1}]`, the quantities before each run of equal times come
//! from affine scans (`B_i = E_i B_{i−1} + (1 − E_i) X_i`, `X` an exclusive prefix sum; all of
//! them in one scan of the concatenated columns, since `E = 0` at each column's start), so at
//! the last row of each run (`L_i = 1 − E_{i+1}`), as integers:
//! `n_t = N − B_rows`, `d_t = P_events − B_events`, and per group `j < k − 1`
//! `n_jt = N_j − B_group_j`, `d_jt = P_events_j − B_events_j`. Then, in fixed point (26 bits,
//! quotients by `Party::ratio`, which keeps a few units of `2^-26` at any scale), R's
//! `survdiff`: with `p_j = n_jt / n_t` and `w = d_t (n_t − d_t) / (n_t − 1)`,
//!
//! `x_j = O_j − E_j = Σ_t (d_jt − d_t p_j)`, `V_jl = Σ_t w (δ_jl p_j − p_j p_l)`,
//!
//! and `χ² = xᵀ V⁻¹ x` over the first `k − 1` groups (R drops the last). The `(k − 1)²`
//! system is solved on shares by Gaussian elimination without pivoting (`V` is a covariance
//! matrix: symmetric, positive definite when every group has rows at risk at some event), as
//! `LDLᵀ`: for each pivot `D_i`, `L_ji = V_ji / D_i`, `V_jl −= L_ji V_il` and `x_j −= L_ji x_i`
//! below it, then `χ² = Σ_i x_i² / D_i` (Catrina and de Hoogh, "Secure multiparty linear
//! programming using fixed-point arithmetic", ESORICS 2010, for fixed-point elimination on
//! shares). For two groups this is `(O_1 − E_1)² / V_11`.
//!
//! **Reveals** `χ²` only, and per pivot one pass/fail bit each for `|x_i| < 256 D_i` and
//! `|V_ji| < 64 D_i` (the fixed-point ranges; a failure is reported as an error). Up to `2^21`
//! rows; times below `2^38` units.
use crate::order::KEY_BITS;
use crate::rank::{affine_scan, same_as_previous};
use sharestat_mpc::{AShares, Party};

/// Fractional bits of the per-time terms.
const F: u32 = 26;

/// Fractional bits of the elimination's multipliers `L_ji` (`|L| < 64`).
const FL: u32 = 20;

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
    /// Fewer than two groups.
    #[error("the log-rank test compares at least two groups")]
    TooFewGroups,
    /// The statistic is beyond the fixed-point range (`|O − E| >= 256 V`), or the groups'
    /// variance matrix is too close to singular for it.
    #[error(
        "the difference between the groups is too large for the fixed-point statistic, or \
         their variance matrix is nearly singular (a group with almost no one at risk at its \
         events)"
    )]
    OutOfRange,
}

/// `χ²` of the log-rank test of the groups `groups` (0/1 indicators; rows in none are not
/// used; `k − 1` degrees of freedom), times `time` (encoded, `>= 0`), events `event` (0/1).
pub fn strict_logrank(
    p: &mut Party,
    time: &AShares,
    event: &AShares,
    groups: &[AShares],
) -> Result<f64, StrictLogRankError> {
    let n = time.len();
    if n > MAX_ROWS {
        return Err(StrictLogRankError::TooManyRows);
    }
    if groups.len() < 2 {
        return Err(StrictLogRankError::TooFewGroups);
    }
    let m = groups.len() - 1;
    let me = p.id();
    let used = groups[1..].iter().fold(groups[0].clone(), |a, g| a.add(g));
    let big = (1u64 << (KEY_BITS - 2)) - 1;
    let key = p
        .mul(&used, &time.add_const(me, big.wrapping_neg()))?
        .add_const(me, big);
    let mut payload: Vec<&AShares> = vec![event];
    payload.extend(&groups[..m]);
    payload.push(&used);
    let (ts, cols) = p.sort(&key, &payload, KEY_BITS)?;
    let (e, a, u) = (&cols[0], &cols[1..=m], &cols[m + 1]);
    let same = same_as_previous(p, &ts, u)?;
    let ea = p.mul_many(&a.iter().map(|g| (e, g)).collect::<Vec<_>>())?;
    // Exclusive prefix sums (`P − X`) of the events, the groups and their events.
    let pe = e.prefix_sum();
    let pa: Vec<AShares> = a.iter().map(AShares::prefix_sum).collect();
    let pea: Vec<AShares> = ea.iter().map(AShares::prefix_sum).collect();
    let not_same = same.neg().add_const(me, 1);
    let idx: Vec<u64> = (0..n as u64).collect();
    let mut excl = vec![pe.sub(e)];
    excl.extend(pa.iter().zip(a).map(|(s, g)| s.sub(g)));
    excl.extend(pea.iter().zip(&ea).map(|(s, g)| s.sub(g)));
    let starts = p.mul_many(&excl.iter().map(|x| (&not_same, x)).collect::<Vec<_>>())?;
    // Values just before each run: one affine scan of all the columns end to end.
    let mut betas = vec![not_same.mul_public(&idx)];
    betas.extend(starts);
    let alphas: Vec<&AShares> = betas.iter().map(|_| &same).collect();
    let scanned = affine_scan(
        p,
        &AShares::concat(&alphas),
        &AShares::concat(&betas.iter().collect::<Vec<_>>()),
    )?;
    let b = |c: usize| scanned.slice(c * n..(c + 1) * n);
    let all = vec![0usize; n];
    let n_t = u.sum().gather(&all).sub(&b(0));
    let d_t = pe.sub(&b(1));
    let nj_t: Vec<AShares> = (0..m)
        .map(|j| a[j].sum().gather(&all).sub(&b(2 + j)))
        .collect();
    let dj_t: Vec<AShares> = (0..m).map(|j| pea[j].sub(&b(2 + m + j))).collect();
    // Last row of each run of used rows.
    let zero = AShares::from_parts(vec![0], vec![0]);
    let next_same = AShares::concat(&[&same.slice(1..n), &zero]);
    let last = u.sub(&p.mul(&next_same, u)?);
    let nt_minus = n_t.add_const(me, 1u64.wrapping_neg());
    let mut pairs = vec![(&last, &d_t), (&last, &nt_minus)];
    pairs.extend(dj_t.iter().map(|x| (&last, x)));
    pairs.extend(nj_t.iter().map(|x| (&last, x)));
    let lm = p.mul_many(&pairs)?;
    let (d, nt) = (&lm[0], lm[1].add_const(me, 1));
    let (dj, njt) = (&lm[2..2 + m], &lm[2 + m..2 + 2 * m]);
    // p_j = n_jt / n_t and (n_t − d_t) / (n_t − 1), as quotients.
    let mut nums: Vec<&AShares> = njt.iter().collect();
    let rest = nt.sub(d);
    nums.push(&rest);
    let nt1 = nt.add_const(me, 1u64.wrapping_neg());
    let mut dens: Vec<&AShares> = vec![&nt; m];
    dens.push(&nt1);
    let q = p.ratio(&AShares::concat(&nums), &AShares::concat(&dens), 22, F)?;
    let pj: Vec<AShares> = (0..m).map(|j| q.slice(j * n..(j + 1) * n)).collect();
    let r = q.slice(m * n..(m + 1) * n);
    let upper: Vec<(usize, usize)> = (0..m).flat_map(|j| (j..m).map(move |l| (j, l))).collect();
    let mut pairs: Vec<(&AShares, &AShares)> = pj.iter().map(|x| (d, x)).collect();
    pairs.push((d, &r));
    pairs.extend(upper.iter().map(|&(j, l)| (&pj[j], &pj[l])));
    let prods = p.mul_many(&pairs)?;
    let (e_terms, w) = (&prods[..m], &prods[m]);
    let pp = p.trunc_unbiased(
        &AShares::concat(&prods[m + 1..].iter().collect::<Vec<_>>()),
        &vec![F; n * upper.len()],
    )?;
    // δ_jl p_j − p_j p_l per pair, then the V terms = w (δ p − p p): both to 20 bits first
    // (w can reach n).
    let cov: Vec<AShares> = upper
        .iter()
        .enumerate()
        .map(|(c, &(j, l))| {
            let x = pp.slice(c * n..(c + 1) * n).neg();
            if j == l { pj[j].add(&x) } else { x }
        })
        .collect();
    let mut to20: Vec<&AShares> = vec![w];
    to20.extend(cov.iter());
    let low = p.trunc_unbiased(&AShares::concat(&to20), &vec![F - 20; n * (1 + cov.len())])?;
    let w20 = low.slice(0..n);
    let vpairs: Vec<(&AShares, AShares)> = (0..cov.len())
        .map(|c| (&w20, low.slice((1 + c) * n..(2 + c) * n)))
        .collect();
    let vprod = p.mul_many(&vpairs.iter().map(|(a, b)| (*a, b)).collect::<Vec<_>>())?;
    let vterms = p.trunc_unbiased(
        &AShares::concat(&vprod.iter().collect::<Vec<_>>()),
        &vec![40 - F; n * cov.len()],
    )?;
    // x_j = O_j − E_j and V_jl, at F fractional bits.
    let mut x: Vec<AShares> = (0..m)
        .map(|j| dj[j].sum().scale(1 << F).sub(&e_terms[j].sum()))
        .collect();
    let mut v = vec![vec![AShares::from_parts(vec![0], vec![0]); m]; m];
    for (c, &(j, l)) in upper.iter().enumerate() {
        let s = vterms.slice(c * n..(c + 1) * n).sum();
        v[j][l] = s.clone();
        v[l][j] = s;
    }
    eliminate(p, &mut v, &mut x)
}

/// `χ² = xᵀ V⁻¹ x` by elimination on shares (see the module doc), with the range checks.
fn eliminate(
    p: &mut Party,
    v: &mut [Vec<AShares>],
    x: &mut [AShares],
) -> Result<f64, StrictLogRankError> {
    let m = x.len();
    for i in 0..m {
        // Range: |x_i| < 256 D_i and |V_ji| < 64 D_i below the pivot (opened bits).
        let d = v[i][i].clone();
        let (lim_x, lim_v) = (d.scale(256), d.scale(64));
        let mut lhs = vec![x[i].clone(), x[i].neg()];
        let mut rhs = vec![lim_x.clone(), lim_x];
        for row in v.iter().skip(i + 1) {
            lhs.extend([row[i].clone(), row[i].neg()]);
            rhs.extend([lim_v.clone(), lim_v.clone()]);
        }
        let ok = p.lt(
            &AShares::concat(&lhs.iter().collect::<Vec<_>>()),
            &AShares::concat(&rhs.iter().collect::<Vec<_>>()),
            62,
        )?;
        if !p.reveal_bits(&ok)?.iter().all(|b| *b) {
            return Err(StrictLogRankError::OutOfRange);
        }
        if i + 1 == m {
            break;
        }
        // L_ji = V_ji / D_i, then the rows below: values brought to 14 fractional bits so
        // that the products stay below 2^62.
        let below: Vec<&AShares> = v[i + 1..].iter().map(|row| &row[i]).collect();
        let dens = vec![&d; below.len()];
        let l = p.ratio(&AShares::concat(&below), &AShares::concat(&dens), 48, FL)?;
        let mut targets: Vec<(usize, usize)> = Vec::new();
        let mut pivots: Vec<&AShares> = Vec::new();
        for j in i + 1..m {
            for (c, vic) in v[i].iter().enumerate().skip(j) {
                targets.push((j, c));
                pivots.push(vic);
            }
        }
        let mut scaled_in: Vec<&AShares> = pivots.clone();
        scaled_in.push(&x[i]);
        let s = p.trunc_unbiased(&AShares::concat(&scaled_in), &vec![F - 14; scaled_in.len()])?;
        let mut pairs: Vec<(AShares, AShares)> = targets
            .iter()
            .enumerate()
            .map(|(t, &(j, _))| (l.slice(j - i - 1..j - i), s.slice(t..t + 1)))
            .collect();
        for j in i + 1..m {
            pairs.push((
                l.slice(j - i - 1..j - i),
                s.slice(targets.len()..targets.len() + 1),
            ));
        }
        let prod = p.mul_many(&pairs.iter().map(|(a, b)| (a, b)).collect::<Vec<_>>())?;
        let prod = p.trunc_unbiased(
            &AShares::concat(&prod.iter().collect::<Vec<_>>()),
            &vec![FL + 14 - F; prod.len()],
        )?;
        for (t, &(j, c)) in targets.iter().enumerate() {
            let upd = v[j][c].sub(&prod.slice(t..t + 1));
            v[j][c] = upd.clone();
            v[c][j] = upd;
        }
        for (j, xj) in x.iter_mut().enumerate().skip(i + 1) {
            let t = targets.len() + (j - i - 1);
            *xj = xj.sub(&prod.slice(t..t + 1));
        }
    }
    // χ² = Σ x_i (x_i / D_i).
    let xs = AShares::concat(&x.iter().collect::<Vec<_>>());
    let ds = AShares::concat(&(0..m).map(|i| &v[i][i]).collect::<Vec<_>>());
    let t = p.ratio(&xs, &ds, 48, 20)?;
    let x20 = p.trunc_unbiased(&xs, &vec![F - 20; m])?;
    let chisq = p.mul(&x20, &t)?;
    let chisq = p.trunc_unbiased(&chisq.sum(), &[20])?;
    let opened = p.reveal(&chisq)?;
    Ok(sharestat_mpc::fixed::decode(opened[0], 20))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharestat_mpc::harness::{Keys, run_in_memory};
    use sharestat_mpc::prg::Prg;
    use sharestat_mpc::proto::io::deal;

    /// R's survdiff for groups `1..=k` (0: not used), in the clear: `xᵀ V⁻¹ x` over the first
    /// `k − 1` groups.
    fn plain(t: &[u64], ev: &[u64], g: &[u8], k: usize) -> f64 {
        let m = k - 1;
        let mut times: Vec<u64> = t.to_vec();
        times.sort();
        times.dedup();
        let (mut x, mut v) = (vec![0.0; m], vec![vec![0.0; m]; m]);
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
            let (n, d) = (at(None), dead(None));
            if n == 0.0 || d == 0.0 {
                continue;
            }
            let pj: Vec<f64> = (1..=m as u8).map(|j| at(Some(j)) / n).collect();
            for j in 0..m {
                x[j] += dead(Some(j as u8 + 1)) - d * pj[j];
                if n > 1.0 {
                    for l in 0..m {
                        let delta = if j == l { pj[j] } else { 0.0 };
                        v[j][l] += d * (n - d) / (n - 1.0) * (delta - pj[j] * pj[l]);
                    }
                }
            }
        }
        // Solve v y = x (Gauss-Jordan), then xᵀ y.
        let mut y = x.clone();
        for c in 0..m {
            let piv = v[c][c];
            for r in 0..m {
                if r != c {
                    let f = v[r][c] / piv;
                    let pivot_row = v[c].clone();
                    for (a, b) in v[r].iter_mut().zip(&pivot_row) {
                        *a -= f * b;
                    }
                    y[r] -= f * y[c];
                }
            }
        }
        (0..m).map(|j| x[j] * y[j] / v[j][j]).sum()
    }

    fn secure(t: &[u64], ev: &[u64], g: &[u8], k: usize) -> f64 {
        let ind = |j: u8| g.iter().map(|&x| u64::from(x == j)).collect::<Vec<_>>();
        let out = run_in_memory(Keys::Seeded([3; 16]), |p| {
            let mut prg = Prg::new([4; 16]);
            let i = p.id().index();
            let mut d = |v: &[u64]| deal(v, &mut prg)[i].clone();
            let (ts, es) = (d(t), d(ev));
            let groups: Vec<AShares> = (1..=k as u8).map(|j| d(&ind(j))).collect();
            Ok(strict_logrank(p, &ts, &es, &groups).expect("strict log-rank"))
        })
        .unwrap();
        assert_eq!(out[0], out[1]);
        out[0]
    }

    fn data(n: usize, k: usize) -> (Vec<u64>, Vec<u64>, Vec<u8>) {
        let t: Vec<u64> = (0..n as u64).map(|i| (i * 37) % 41 + 1).collect();
        let ev: Vec<u64> = (0..n as u64).map(|i| u64::from(i % 4 != 0)).collect();
        let g: Vec<u8> = (0..n)
            .map(|i| {
                if i % 11 == 0 {
                    0
                } else {
                    1 + ((i * 7 + i / 13) % k) as u8
                }
            })
            .collect();
        (t, ev, g)
    }

    #[test]
    fn matches_plain_log_rank_with_ties_censoring_and_unused_rows() {
        for k in [2usize, 3, 4] {
            let (t, ev, mut g) = data(300, k);
            // Make the groups differ: group 1 dies later.
            let t: Vec<u64> = t
                .iter()
                .zip(&g)
                .map(|(&x, &gr)| if gr == 1 { x + 7 } else { x })
                .collect();
            g[5] = 0;
            let (got, want) = (secure(&t, &ev, &g, k), plain(&t, &ev, &g, k));
            assert!(
                (got - want).abs() <= 2e-5 * want.max(1.0),
                "k = {k}: {got} vs {want}"
            );
        }
    }
}
