//! One oblivious sort of a numeric column for everything `table1` reads of it: the type 7
//! quantiles of all its rows and of each group's, and the rank-sum statistic of two groups.
//!
//! The rows of the groups (0/1 indicators `g_j`, disjoint) are sorted by the key
//! `2x + (1 − g_0)` (rows of the first group first among equal values, which the rank sum
//! needs) with the indicators and `x` as payloads, every other row last (`Party::sort`:
//! shuffle, then revealed comparisons of distinct keys). Then:
//!
//! - the value of rank `r` among **all** the used rows is at the public position `r`;
//! - the value of rank `r` within **group** `j` is `Σ_i [C_j(i) = r + 1] · g_j(i) x_i`, `C_j`
//!   the inclusive prefix count of `g_j` (local): one batch of equality tests on
//!   `⌈log2 n⌉ + 2` bits for all such probes, `g_j x` once per group, one dot product each;
//! - the rank sum of group 0 against group 1 and the ties' `Σ(t³ − t)` as
//!   `rank::mann_whitney` computes them after its sort.
//!
//! Nothing is opened here but what the callers open (the interpolated quantiles, `2U` and
//! `Σ(t³ − t)`). One sort instead of one selection per group and one sort for the test.
use crate::rank::{affine_scan, same_as_previous_in};
use sharestat_mpc::{AShares, Party};

/// A column sorted over the rows of its groups.
pub struct Sorted {
    /// The values, sorted (rows in no group last).
    pub xs: AShares,
    /// The groups' indicators, in the same order.
    pub groups: Vec<AShares>,
    /// Whether each sorted row is in some group.
    pub used: AShares,
    bits: u32,
}

/// Sorts `x` (encoded, `|x| < 2^(bits − 3)`) over the rows of `groups`.
pub fn sort_groups(
    p: &mut Party,
    x: &AShares,
    groups: &[AShares],
    bits: u32,
) -> sharestat_mpc::Result<Sorted> {
    let me = p.id();
    let used = groups[1..].iter().fold(groups[0].clone(), |a, g| a.add(g));
    // key = 2x + 1 − g_0 for used rows, BIG for the others.
    let big = (1u64 << (bits - 2)) - 1;
    let key = x
        .scale(2)
        .sub(&groups[0])
        .add_const(me, 1)
        .add_const(me, big.wrapping_neg());
    let key = p.mul(&used, &key)?.add_const(me, big);
    let mut payload: Vec<&AShares> = groups.iter().collect();
    payload.push(x);
    payload.push(&used);
    let (_, mut cols) = p.sort(&key, &payload, bits)?;
    let used = cols.pop().expect("used");
    let xs = cols.pop().expect("x");
    Ok(Sorted {
        xs,
        groups: cols,
        used,
        bits,
    })
}

/// Shares of the values at the 0-based `probes`: `(None, r)` the `r`-th smallest of all the
/// used rows (`r` below their number), `(Some(j), r)` the `r`-th smallest of group `j`'s.
pub fn order_statistics(
    p: &mut Party,
    s: &Sorted,
    probes: &[(Option<usize>, usize)],
) -> sharestat_mpc::Result<Vec<AShares>> {
    let n = s.xs.len();
    let me = p.id();
    let width = usize::BITS - n.leading_zeros() + 2;
    // Group probes: [C_j(i) − (r + 1) = 0] for every row, one batch.
    let grouped: Vec<(usize, usize)> = probes
        .iter()
        .filter_map(|&(g, r)| g.map(|j| (j, r)))
        .collect();
    let mut values = AShares::from_parts(vec![], vec![]);
    if !grouped.is_empty() {
        let counts: Vec<AShares> = s.groups.iter().map(AShares::prefix_sum).collect();
        let diffs: Vec<AShares> = grouped
            .iter()
            .map(|&(j, r)| counts[j].add_const(me, (r as u64 + 1).wrapping_neg()))
            .collect();
        let all = AShares::concat(&diffs.iter().collect::<Vec<_>>());
        let zero = AShares::from_parts(vec![0; all.len()], vec![0; all.len()]);
        let hit = p.eq(&all, &zero, width)?;
        let hit = p.b2a_bits(&hit)?;
        // Σ_i hit_i · (g_j x)_i: the group's values once per group, then one dot per probe.
        let gx = p.mul_many(&s.groups.iter().map(|g| (g, &s.xs)).collect::<Vec<_>>())?;
        let hits: Vec<AShares> = (0..grouped.len())
            .map(|c| hit.slice(c * n..(c + 1) * n))
            .collect();
        let dots: Vec<(&AShares, &AShares)> = grouped
            .iter()
            .zip(&hits)
            .map(|(&(j, _), h)| (h, &gx[j]))
            .collect();
        values = p.dot_many(&dots)?;
    }
    let mut next = 0..values.len();
    Ok(probes
        .iter()
        .map(|&(g, r)| match g {
            None => s.xs.slice(r..r + 1),
            Some(_) => {
                let c = next.next().expect("one value per group probe");
                values.slice(c..c + 1)
            }
        })
        .collect())
}

/// `2U` of group 0 against group 1 (ties counting one half) and `Σ(t³ − t)` over the runs of
/// equal values of their rows, as `rank::mann_whitney` (see its doc): both revealed.
pub fn mann_whitney_sorted(p: &mut Party, s: &Sorted) -> sharestat_mpc::Result<(u64, u64)> {
    let (a, b, xs, u) = (&s.groups[0], &s.groups[1], &s.xs, &s.used);
    let n = xs.len();
    // E_i: same value as the previous row (and both used); E_0 = 0.
    let e = same_as_previous_in(p, xs, u, s.bits)?;
    // Exclusive prefix count of B.
    let cb = AShares::concat(&[
        &AShares::from_parts(vec![0], vec![0]),
        &b.prefix_sum().slice(0..n - 1),
    ]);
    let u_lo = p.dot(a, &cb)?;
    let ca = affine_scan(p, &e, a)?;
    let k = affine_scan(p, &e, &e)?;
    let ties = p.dot_many(&[(b, &ca), (&k, &k)])?;
    // 2U = 2 U_lo + Σ b cA;  Σ t³ = 3 Σk² + 3 Σk + n_used.
    let two_u = u_lo.scale(2).add(&ties.slice(0..1));
    let cubes = ties
        .slice(1..2)
        .scale(3)
        .add(&AShares::concat(&[&k.sum()]).scale(3))
        .add(&u.sum());
    let o = p.reveal(&AShares::concat(&[&two_u, &cubes, &u.sum()]))?;
    Ok((o[0], o[1].wrapping_sub(o[2])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharestat_mpc::harness::{Keys, run_in_memory};
    use sharestat_mpc::prg::Prg;
    use sharestat_mpc::proto::io::deal;

    #[test]
    fn order_statistics_of_all_rows_and_of_each_group_with_ties_and_unused_rows() {
        let n = 200usize;
        let x: Vec<u64> = (0..n as u64).map(|i| (i * 17) % 23).collect();
        // Group of each row: 0, 1, 2, or none (3).
        let g: Vec<usize> = (0..n).map(|i| (i * 5 + i / 7) % 4).collect();
        let probes = [
            (None, 0),
            (None, 77),
            (Some(0), 0),
            (Some(0), 20),
            (Some(1), 49),
            (Some(2), 13),
        ];
        let out = run_in_memory(Keys::Seeded([5; 16]), |p| {
            let mut prg = Prg::new([6; 16]);
            let i = p.id().index();
            let mut d = |v: &[u64]| deal(v, &mut prg)[i].clone();
            let xs = d(&x);
            let groups: Vec<AShares> = (0..3)
                .map(|j| d(&g.iter().map(|&k| u64::from(k == j)).collect::<Vec<_>>()))
                .collect();
            let s = sort_groups(p, &xs, &groups, 12)?;
            let v = order_statistics(p, &s, &probes)?;
            let mw = mann_whitney_sorted(p, &s)?;
            let opened = p.reveal(&AShares::concat(&v.iter().collect::<Vec<_>>()))?;
            Ok((opened, mw))
        })
        .unwrap();
        let sorted_of = |keep: &dyn Fn(usize) -> bool| {
            let mut v: Vec<u64> = (0..n).filter(|&i| keep(i)).map(|i| x[i]).collect();
            v.sort_unstable();
            v
        };
        let all = sorted_of(&|i| g[i] < 3);
        let want: Vec<u64> = probes
            .iter()
            .map(|&(grp, r)| match grp {
                None => all[r],
                Some(j) => sorted_of(&|i| g[i] == j)[r],
            })
            .collect();
        assert_eq!(out[0].0, want);
        // 2U of group 0 against group 1: pairs (a, b) with a > b count 2, ties 1.
        let (a, b) = (sorted_of(&|i| g[i] == 0), sorted_of(&|i| g[i] == 1));
        let two_u: u64 = a
            .iter()
            .flat_map(|&u| {
                b.iter()
                    .map(move |&v| 2 * u64::from(u > v) + u64::from(u == v))
            })
            .sum();
        assert_eq!(out[0].1.0, two_u);
    }
}
