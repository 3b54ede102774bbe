//! The Mann-Whitney / Wilcoxon rank-sum statistic with ties, without opening the values.
//!
//! Rows of group A (`a_i = 1`) and B (`b_i = 1`; rows in neither are pushed past all others)
//! are sorted obliviously by the composite key `2·x + (1 − a)` with payloads `a`, `b`, `x`, so
//! that within a run of equal values the A rows come first. Then, with `E_i = [x_i = x_{i−1}]`
//! (one equality batch) and the exclusive prefix count of B rows `cB_i` (local):
//!
//! - `U_lo = Σ a_i · cB_i` counts, for each A row, the B rows with a smaller value;
//! - the B rows *equal* to an A row are `Σ b_i · cA_i`, where `cA_i` counts the A rows of the
//!   run up to `i`: the affine recurrence `cA_i = E_i · cA_{i−1} + a_i`;
//! - `U = U_lo + ½ Σ b_i cA_i` (ties count one half), R's `W`;
//! - the tie correction `Σ_runs (t³ − t)`: with `k_i = E_i · (k_{i−1} + 1)` the index within the
//!   run, `Σ t³ = Σ_i (3k_i² + 3k_i + 1)`.
//!
//! Both recurrences are affine maps `v_i = α_i v_{i−1} + β_i`, evaluated for all `i` by a
//! Hillis-Steele scan: `⌈log2 n⌉` rounds of two multiplications per element.
//! **Reveals** `2U` and `Σ (t³ − t)` (R's p-value needs both), nothing else.
//! Cost: a sort of `n` rows with three payloads, one equality batch, `2⌈log2 n⌉ + 2` rounds.
//!
//! [`spearman_sums`] uses the same tools for Spearman's correlation: midranks from a sort,
//! an equality batch and a forward and a backward scan (first and last index of each run).
use crate::order::KEY_BITS;
use sharestat_mpc::{AShares, Party};

/// All prefix compositions of the affine maps `v ↦ α_i v + β_i` applied to `v_{−1} = 0`:
/// returns `v_i` for every `i`.
///
/// Below [`HALVING_FROM`] elements, a Hillis-Steele scan (`⌈log2 n⌉` rounds of two products
/// per element: fewest rounds, for small inputs where rounds cost the time). From there on,
/// recursive halving (Ladner-Fischer/Blelloch): pair the maps `c_i = f_{2i+1} ∘ f_{2i}` (two
/// products per pair), scan the `c` (half as many), then `v_{2i} = α_{2i} v_{2i−1} + β_{2i}`
/// (one product): about `3n` products in `2⌈log2 n⌉` rounds instead of `2n ⌈log2 n⌉`, which
/// at 10^6 rows is a seventh of the bytes.
pub fn affine_scan(
    p: &mut Party,
    alpha: &AShares,
    beta: &AShares,
) -> sharestat_mpc::Result<AShares> {
    if alpha.len() >= HALVING_FROM {
        return halving_scan(p, alpha, beta);
    }
    let n = alpha.len();
    let (mut a, mut b) = (alpha.clone(), beta.clone());
    let mut step = 1;
    while step < n {
        // (a_i, b_i) ∘ (a_{i−step}, b_{i−step}) = (a_i a_{i−step}, a_i b_{i−step} + b_i).
        let (hi_a, lo_a, lo_b) = (a.slice(step..n), a.slice(0..n - step), b.slice(0..n - step));
        let prod = p.mul_many(&[(&hi_a, &lo_a), (&hi_a, &lo_b)])?;
        let keep = |v: &AShares| v.slice(0..step);
        a = AShares::concat(&[&keep(&a), &prod[0]]);
        b = AShares::concat(&[&keep(&b), &prod[1].add(&b.slice(step..n))]);
        step *= 2;
    }
    Ok(b)
}

/// Inputs from this many elements on use the recursive-halving scan.
pub const HALVING_FROM: usize = 1 << 12;

/// [`affine_scan`] by recursive halving (see its doc).
fn halving_scan(p: &mut Party, alpha: &AShares, beta: &AShares) -> sharestat_mpc::Result<AShares> {
    let n = alpha.len();
    if n <= 1 {
        return Ok(beta.clone());
    }
    let m = n / 2;
    let even: Vec<usize> = (0..m).map(|i| 2 * i).collect();
    let odd: Vec<usize> = (0..m).map(|i| 2 * i + 1).collect();
    let (a0, b0) = (alpha.gather(&even), beta.gather(&even));
    let (a1, b1) = (alpha.gather(&odd), beta.gather(&odd));
    // c_i = f_{2i+1} ∘ f_{2i} = (a1 a0, a1 b0 + b1).
    let c = p.mul_many(&[(&a1, &a0), (&a1, &b0)])?;
    let v_odd = halving_scan(p, &c[0], &c[1].add(&b1))?;
    // v_{2i} = a_{2i} v_{2i−1} + b_{2i} (v_{−1} = 0): the even elements after the first, and
    // the last one when n is odd.
    let later: Vec<usize> = (1..n.div_ceil(2)).map(|i| 2 * i).collect();
    let prev = v_odd.slice(0..later.len());
    let v_even = p
        .mul(&alpha.gather(&later), &prev)?
        .add(&beta.gather(&later));
    let mut a = vec![0u64; n];
    let mut b = vec![0u64; n];
    let (fa, fb) = beta.slice(0..1).into_parts();
    a[0] = fa[0];
    b[0] = fb[0];
    let (oa, ob) = v_odd.parts();
    for (i, &k) in odd.iter().enumerate() {
        a[k] = oa[i];
        b[k] = ob[i];
    }
    let (ea, eb) = v_even.parts();
    for (i, &k) in later.iter().enumerate() {
        a[k] = ea[i];
        b[k] = eb[i];
    }
    Ok(AShares::from_parts(a, b))
}

/// `2U` (twice the Mann-Whitney statistic of A against B, ties counting one half) and
/// `Σ (t³ − t)` over runs of equal values among the rows in A or B. `x` holds encoded values
/// with `|x| < 2^(KEY_BITS − 3)`.
pub fn mann_whitney(
    p: &mut Party,
    x: &AShares,
    in_a: &AShares,
    in_b: &AShares,
) -> sharestat_mpc::Result<(u64, u64)> {
    mann_whitney_in(p, (x, KEY_BITS), in_a, in_b)
}

/// [`mann_whitney`] with `bits`-bit sort keys (`|x| < 2^(bits − 3)`; see
/// [`crate::order::key_bits_for`]).
pub fn mann_whitney_in(
    p: &mut Party,
    (x, bits): (&AShares, u32),
    in_a: &AShares,
    in_b: &AShares,
) -> sharestat_mpc::Result<(u64, u64)> {
    let sorted = crate::sorted::sort_groups(p, x, &[in_a.clone(), in_b.clone()], bits)?;
    crate::sorted::mann_whitney_sorted(p, &sorted)
}

/// The sort key that puts the used rows (`used = 1`) first, in the order of `x`, and every
/// other row last: `used · (x − BIG) + BIG`.
pub(crate) fn used_first(
    p: &mut Party,
    x: &AShares,
    used: &AShares,
) -> sharestat_mpc::Result<AShares> {
    let me = p.id();
    let big = (1u64 << (KEY_BITS - 2)) - 1;
    let key = x.add_const(me, big.wrapping_neg());
    Ok(p.mul(used, &key)?.add_const(me, big))
}

/// `E_i = [x_i = x_{i−1}]` for sorted `xs`, 0 unless both rows are used (`u`); `E_0 = 0`.
pub(crate) fn same_as_previous(
    p: &mut Party,
    xs: &AShares,
    u: &AShares,
) -> sharestat_mpc::Result<AShares> {
    same_as_previous_in(p, xs, u, KEY_BITS)
}

/// [`same_as_previous`] of values below `2^(bits − 3)` in magnitude (narrower tests).
pub(crate) fn same_as_previous_in(
    p: &mut Party,
    xs: &AShares,
    u: &AShares,
    bits: u32,
) -> sharestat_mpc::Result<AShares> {
    let n = xs.len();
    let zero = AShares::from_parts(vec![0], vec![0]);
    if n < 2 {
        return Ok(AShares::from_parts(vec![0; n], vec![0; n]));
    }
    let eq = p.eq(&xs.slice(1..n), &xs.slice(0..n - 1), bits)?;
    let same = p.b2a_bits(&eq)?;
    let both = p.mul(&u.slice(1..n), &u.slice(0..n - 1))?;
    Ok(AShares::concat(&[&zero, &p.mul(&same, &both)?]))
}

/// Twice the midranks (1-based, ties sharing the mean of their ranks, as R's `rank`) of
/// sorted `xs` among the used rows (`u`, sorted to the front); garbage for unused rows.
/// With `E_i = [x_i = x_{i−1}]`, the first index of `i`'s run is the affine scan
/// `F_i = E_i F_{i−1} + (1 − E_i) i`, the last one the same scan run backwards, and twice the
/// midrank is `F_i + L_i + 2`.
fn double_midranks(p: &mut Party, xs: &AShares, u: &AShares) -> sharestat_mpc::Result<AShares> {
    let e = same_as_previous(p, xs, u)?;
    midranks_of_runs(p, &e)
}

/// Twice the midranks from the run flags `E_i = [x_i = x_{i−1}]` of a sorted vector.
fn midranks_of_runs(p: &mut Party, e: &AShares) -> sharestat_mpc::Result<AShares> {
    let n = e.len();
    let me = p.id();
    let zero = AShares::from_parts(vec![0], vec![0]);
    if n < 2 {
        return Ok(AShares::from_parts(vec![0; n], vec![0; n]).add_const(me, 2));
    }
    let idx: Vec<u64> = (0..n as u64).collect();
    // (1 − E_i) i, local: i is public.
    let first_beta = e.mul_public(&idx).neg().add_public(me, &idx);
    // Backwards: position j of the reversed order is row n−1−j; its "same as previous" flag
    // is E of the row after it.
    let rev: Vec<usize> = (0..n).rev().collect();
    let e_next = AShares::concat(&[&e.slice(1..n), &zero]).gather(&rev);
    let ridx: Vec<u64> = rev.iter().map(|&i| i as u64).collect();
    let last_beta = e_next.mul_public(&ridx).neg().add_public(me, &ridx);
    let first = affine_scan(p, e, &first_beta)?;
    let last = affine_scan(p, &e_next, &last_beta)?.gather(&rev);
    Ok(first.add(&last).add_const(me, 2))
}

/// Spearman's correlation as sums of midranks, for any number of rows: `x` and `y` are
/// ranked by two oblivious sorts (the second carries the first's ranks), each followed by an
/// equality batch and two affine scans. Returns `n`, `Σr`, `Σs`, `Σr²`, `Σs²`, `Σrs` of twice
/// the midranks over the rows with `used = 1`, opened (what Pearson's `cor` of the ranks
/// reveals). Values satisfy `|x| < 2^(KEY_BITS − 2)`.
pub fn spearman_sums(
    p: &mut Party,
    x: &AShares,
    y: &AShares,
    used: &AShares,
) -> sharestat_mpc::Result<[u64; 6]> {
    let kx = used_first(p, x, used)?;
    let (xs, cols) = p.sort(&kx, &[y, used], KEY_BITS)?;
    let (ys, u) = (&cols[0], &cols[1]);
    let rx = double_midranks(p, &xs, u)?;
    let ky = used_first(p, ys, u)?;
    let (ys2, cols) = p.sort(&ky, &[&rx, u], KEY_BITS)?;
    let (rx, u) = (&cols[0], &cols[1]);
    let ry = double_midranks(p, &ys2, u)?;
    let m = p.mul_many(&[(u, rx), (u, &ry)])?;
    let dots = p.dot_many(&[(&m[0], rx), (&m[1], &ry), (&m[0], &ry)])?;
    let all = AShares::concat(&[&u.sum(), &m[0].sum(), &m[1].sum(), &dots]);
    let o = p.reveal(&all)?;
    Ok([o[0], o[1], o[2], o[3], o[4], o[5]])
}

/// Wilcoxon's signed-rank statistic of the differences `d` over the rows with `used = 1`, as
/// R's `wilcox.test(x, y, paired = TRUE)` (or one-sample) computes it: zero differences are
/// dropped, the others ranked by `|d|` (ties share their midrank) and `V` sums the ranks of
/// the positive ones.
///
/// `[d < 0]` is the sign bit (`msb`), `[d = 0]` one equality test; `|d| = d − 2[d < 0]d`.
/// The non-zero rows are sorted to the front by `|d|` with payloads `[d > 0]` and the
/// non-zero flag, then twice the midranks come from one equality batch and two affine scans
/// (as for Spearman) and the tie runs' indices `k` from a third: `Σt³ = 3Σk² + 3Σk + n`.
/// **Reveals** `[n_used, n, 2V, Σ(t³ − t)]` (`n`: the non-zero differences), nothing else.
/// Values satisfy `|d| < 2^(KEY_BITS − 3)`.
pub fn signed_rank(p: &mut Party, d: &AShares, used: &AShares) -> sharestat_mpc::Result<[u64; 4]> {
    let n = d.len();
    let zeros = AShares::from_parts(vec![0; n], vec![0; n]);
    let neg = p.msb(d, KEY_BITS)?;
    let neg = p.b2a_bits(&neg)?;
    let is_zero = p.eq(d, &zeros, KEY_BITS)?;
    let is_zero = p.b2a_bits(&is_zero)?;
    let m = p.mul_many(&[(&neg, d), (used, &is_zero), (used, &neg)])?;
    let abs = d.sub(&m[0].scale(2));
    let nonzero = used.sub(&m[1]);
    let pos = nonzero.sub(&m[2]);
    let key = used_first(p, &abs, &nonzero)?;
    let (sorted, cols) = p.sort(&key, &[&pos, &nonzero], KEY_BITS)?;
    let (pos, u) = (&cols[0], &cols[1]);
    let e = same_as_previous(p, &sorted, u)?;
    let ranks = midranks_of_runs(p, &e)?;
    let k = affine_scan(p, &e, &e)?;
    let dots = p.dot_many(&[(pos, &ranks), (&k, &k)])?;
    let cubes = dots
        .slice(1..2)
        .scale(3)
        .add(&k.sum().scale(3))
        .add(&u.sum());
    let all = AShares::concat(&[&used.sum(), &u.sum(), &dots.slice(0..1), &cubes]);
    let o = p.reveal(&all)?;
    Ok([o[0], o[1], o[2], o[3].wrapping_sub(o[1])])
}

/// The Kruskal-Wallis sums: for disjoint 0/1 group indicators `groups` (0 on rows not
/// used), twice each group's sum of midranks among the used rows, and `Σ(t³ − t)` of their
/// ties. One sort by `x` carrying the indicators, the run flags, two affine scans for the
/// midranks (as Spearman's) and one for the tie index `k`; then one dot product per group.
/// **Reveals** `[n_used, 2R_1, ..., 2R_k, Σ(t³ − t)]`. Values satisfy
/// `|x| < 2^(KEY_BITS − 3)`.
pub fn rank_sums(
    p: &mut Party,
    x: &AShares,
    groups: &[AShares],
) -> sharestat_mpc::Result<Vec<u64>> {
    let n = x.len();
    let mut used = AShares::from_parts(vec![0; n], vec![0; n]);
    for g in groups {
        used = used.add(g);
    }
    let key = used_first(p, x, &used)?;
    let mut payloads: Vec<&AShares> = groups.iter().collect();
    payloads.push(&used);
    let (sorted, cols) = p.sort(&key, &payloads, KEY_BITS)?;
    let u = &cols[groups.len()];
    let e = same_as_previous(p, &sorted, u)?;
    let ranks = midranks_of_runs(p, &e)?;
    let k = affine_scan(p, &e, &e)?;
    let mut pairs: Vec<(&AShares, &AShares)> =
        cols[..groups.len()].iter().map(|g| (g, &ranks)).collect();
    pairs.push((&k, &k));
    let dots = p.dot_many(&pairs)?;
    let g = groups.len();
    let cubes = dots
        .slice(g..g + 1)
        .scale(3)
        .add(&k.sum().scale(3))
        .add(&u.sum());
    let all = AShares::concat(&[&u.sum(), &dots.slice(0..g), &cubes]);
    let mut o = p.reveal(&all)?;
    o[g + 1] = o[g + 1].wrapping_sub(o[0]);
    Ok(o)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use sharestat_mpc::harness::{Keys, run_in_memory};
    use sharestat_mpc::prg::Prg;
    use sharestat_mpc::proto::io::deal;

    /// Runs `f` on the three parties with the signed columns `x`, `y` and the 0/1 `used`
    /// dealt as shares; party 0's answer.
    pub(crate) fn on_pair<T: Send>(
        (x, y, used): (&[i64], &[i64], &[u64]),
        f: impl Fn(&mut Party, &AShares, &AShares, &AShares) -> sharestat_mpc::Result<T> + Sync,
    ) -> T {
        let out = run_in_memory(Keys::Seeded([6; 16]), |p| {
            let mut prg = Prg::new([2; 16]);
            let i = p.id().index();
            let w = |v: &[i64]| v.iter().map(|&a| a as u64).collect::<Vec<_>>();
            let (xs, ys, us) = (
                deal(&w(x), &mut prg)[i].clone(),
                deal(&w(y), &mut prg)[i].clone(),
                deal(used, &mut prg)[i].clone(),
            );
            f(p, &xs, &ys, &us)
        })
        .unwrap();
        out.into_iter().next().expect("three parties")
    }

    #[test]
    fn both_scans_give_the_plain_prefix_compositions() {
        // Segmented sums (α ∈ {0, 1}) and general multipliers, small and large, odd and even.
        for n in [1usize, 2, 7, 64, HALVING_FROM - 1, HALVING_FROM, 5001] {
            let alpha: Vec<i64> = (0..n)
                .map(|i| i64::from((i * 7 + i / 3) % 5 != 0))
                .collect();
            let alpha2: Vec<i64> = (0..n).map(|i| (i % 3) as i64 - 1).collect();
            let beta: Vec<i64> = (0..n).map(|i| (i as i64 * 37) % 101 - 50).collect();
            for a in [&alpha, &alpha2] {
                let mut want = Vec::with_capacity(n);
                let mut v = 0i64;
                for i in 0..n {
                    v = a[i].wrapping_mul(v).wrapping_add(beta[i]);
                    want.push(v as u64);
                }
                let got = on_pair((a, &beta, &vec![0; n]), |p, al, be, _| {
                    let r = affine_scan(p, al, be)?;
                    p.reveal(&r)
                });
                assert_eq!(got, want, "n = {n}");
            }
        }
    }

    fn plain(x: &[i64], g: &[u8]) -> (u64, u64) {
        let mut two_u = 0;
        for (i, xi) in x.iter().enumerate() {
            for (j, xj) in x.iter().enumerate() {
                if g[i] == 1 && g[j] == 2 {
                    two_u += if xi > xj {
                        2
                    } else if xi == xj {
                        1
                    } else {
                        0
                    };
                }
            }
        }
        let mut used: Vec<i64> = x
            .iter()
            .zip(g)
            .filter(|(_, g)| **g > 0)
            .map(|(x, _)| *x)
            .collect();
        used.sort();
        let mut ties = 0u64;
        let mut i = 0;
        while i < used.len() {
            let mut t = 1;
            while i + t < used.len() && used[i + t] == used[i] {
                t += 1;
            }
            ties += (t * t * t - t) as u64;
            i += t;
        }
        (two_u, ties)
    }

    #[test]
    fn matches_plaintext_with_ties() {
        let cases: Vec<(Vec<i64>, Vec<u8>)> = vec![
            (
                vec![3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5],
                vec![1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 0],
            ),
            (vec![7; 9], vec![1, 2, 1, 2, 1, 1, 2, 0, 2]),
            (
                vec![-5, 0, 5, -5, 0, 5, 10, 10],
                vec![1, 1, 1, 2, 2, 2, 1, 2],
            ),
            (
                (0..40).map(|i| (i * 7) % 6).collect(),
                (0..40).map(|i| (i % 3) as u8).collect(),
            ),
        ];
        for (x, g) in cases {
            let words: Vec<u64> = x.iter().map(|&v| v as u64).collect();
            let a: Vec<u64> = g.iter().map(|&v| u64::from(v == 1)).collect();
            let b: Vec<u64> = g.iter().map(|&v| u64::from(v == 2)).collect();
            let out = run_in_memory(Keys::Seeded([8; 16]), |p| {
                let mut prg = Prg::new([1; 16]);
                let i = p.id().index();
                let (xs, as_, bs) = (
                    deal(&words, &mut prg)[i].clone(),
                    deal(&a, &mut prg)[i].clone(),
                    deal(&b, &mut prg)[i].clone(),
                );
                mann_whitney(p, &xs, &as_, &bs)
            })
            .unwrap();
            assert_eq!(out[0], plain(&x, &g), "{x:?} {g:?}");
        }
    }

    /// Signed-rank sums with zeros, ties, negative values and unused rows.
    #[test]
    fn signed_rank_matches_plaintext() {
        let n = 300usize;
        let d: Vec<i64> = (0..n as i64).map(|i| (i * 29) % 17 - 8).collect();
        let used: Vec<u64> = (0..n).map(|i| u64::from(i % 5 != 0)).collect();
        let out = run_in_memory(Keys::Seeded([4; 16]), |p| {
            let mut prg = Prg::new([3; 16]);
            let i = p.id().index();
            let w: Vec<u64> = d.iter().map(|&a| a as u64).collect();
            let (ds, us) = (
                deal(&w, &mut prg)[i].clone(),
                deal(&used, &mut prg)[i].clone(),
            );
            signed_rank(p, &ds, &us)
        })
        .unwrap();
        let keep: Vec<i64> = (0..n)
            .filter(|&i| used[i] == 1 && d[i] != 0)
            .map(|i| d[i])
            .collect();
        let two_v: u64 = keep
            .iter()
            .filter(|&&v| v > 0)
            .map(|&v| {
                let less = keep.iter().filter(|w| w.abs() < v.abs()).count() as u64;
                let same = keep.iter().filter(|w| w.abs() == v.abs()).count() as u64;
                2 * less + same + 1
            })
            .sum();
        let mut ties = 0u64;
        for a in 1..=8i64 {
            let t = keep.iter().filter(|w| w.abs() == a).count() as u64;
            ties += t * t * t - t;
        }
        let n_used = used.iter().sum::<u64>();
        assert_eq!(out[0], [n_used, keep.len() as u64, two_v, ties]);
    }

    /// Kruskal-Wallis sums of three groups with ties and unused rows, against plaintext.
    #[test]
    fn rank_sums_match_plain_midranks() {
        let n = 240usize;
        let x: Vec<i64> = (0..n as i64).map(|i| (i * 31) % 19 - 9).collect();
        let grp: Vec<usize> = (0..n).map(|i| (i * 7) % 4).collect();
        let groups: Vec<Vec<u64>> = (0..3)
            .map(|g| grp.iter().map(|&h| u64::from(h == g)).collect())
            .collect();
        let out = run_in_memory(Keys::Seeded([7; 16]), |p| {
            let mut prg = Prg::new([5; 16]);
            let i = p.id().index();
            let w: Vec<u64> = x.iter().map(|&a| a as u64).collect();
            let xs = deal(&w, &mut prg)[i].clone();
            let gs: Vec<AShares> = groups
                .iter()
                .map(|g| deal(g, &mut prg)[i].clone())
                .collect();
            rank_sums(p, &xs, &gs)
        })
        .unwrap();
        let keep: Vec<usize> = (0..n).filter(|&i| grp[i] < 3).collect();
        let r2 = |i: usize| -> u64 {
            let less = keep.iter().filter(|&&j| x[j] < x[i]).count() as u64;
            let same = keep.iter().filter(|&&j| x[j] == x[i]).count() as u64;
            2 * less + same + 1
        };
        let mut want = vec![keep.len() as u64];
        for g in 0..3 {
            want.push(keep.iter().filter(|&&i| grp[i] == g).map(|&i| r2(i)).sum());
        }
        let mut ties = 0u64;
        for v in -20..20 {
            let t = keep.iter().filter(|&&i| x[i] == v).count() as u64;
            ties += t * t * t - t;
        }
        want.push(ties);
        assert_eq!(out[0], want);
    }

    /// Spearman sums on 600 rows with many ties and a third of the rows unused.
    #[test]
    fn spearman_sums_match_plain_midranks() {
        let n = 600usize;
        let x: Vec<i64> = (0..n as i64).map(|i| (i * 37) % 23 - 11).collect();
        let y: Vec<i64> = (0..n as i64).map(|i| (i * i) % 101 + (i % 7) * 3).collect();
        let used: Vec<u64> = (0..n).map(|i| u64::from(i % 3 != 0)).collect();
        let out = on_pair((&x, &y, &used), spearman_sums);
        let keep: Vec<usize> = (0..n).filter(|&i| used[i] == 1).collect();
        let ranks2 = |v: &[i64]| -> Vec<u64> {
            keep.iter()
                .map(|&i| {
                    let less = keep.iter().filter(|&&j| v[j] < v[i]).count() as u64;
                    let same = keep.iter().filter(|&&j| v[j] == v[i]).count() as u64;
                    2 * less + same + 1
                })
                .collect()
        };
        let (r, s) = (ranks2(&x), ranks2(&y));
        let want = [
            keep.len() as u64,
            r.iter().sum(),
            s.iter().sum(),
            r.iter().map(|a| a * a).sum(),
            s.iter().map(|a| a * a).sum(),
            r.iter().zip(&s).map(|(a, b)| a * b).sum(),
        ];
        assert_eq!(out, want);
    }
}
