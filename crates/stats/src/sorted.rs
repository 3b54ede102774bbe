//! One oblivious sort of a numeric column for everything `table1` reads of it: the type 7
//! quantiles of all its rows and of each group's, and the rank-sum statistic of two groups.
//!
//! The rows of the groups (0/1 indicators `g_j`, disjoint) are sorted by the key
//! `2x − g_0` (rows of the first group first among equal values, which the rank sum
//! needs) with the indicators and `x` as payloads, every other row last (`Party::sort`:
//! shuffle, then revealed comparisons of distinct keys). Then:
//!
//! - the value of rank `r` among **all** the used rows is at the public position `r`;
//! - the value of rank `r` within **group** `j` is at the public position `O_j + r` once the
//!   sorted rows are brought together by group (`group_order`: destinations from the groups'
//!   prefix counts, shuffled with the rows and opened as a random permutation; `O_j` the
//!   released sizes of the groups before `j`);
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
    // key = 2x − g_0 for used rows, BIG for the others: with |x| <= 2^(bits−3) − 1 the keys
    // lie in [−2^(bits−2) + 1, 2^(bits−2) − 2], below BIG = 2^(bits−2) − 1 (the unused rows
    // last even after the largest value: `2x + 1 − g_0` reached BIG there).
    let big = (1u64 << (bits - 2)) - 1;
    let key = x.scale(2).sub(&groups[0]).add_const(me, big.wrapping_neg());
    let key = p.mul(&used, &key)?.add_const(me, big);
    let mut payload: Vec<&AShares> = groups.iter().collect();
    payload.push(x);
    // The sorted key is not read, and `used` is the groups' sum: neither is carried. The
    // keys are signed `bits − 1`-bit numbers: the comparisons one bit narrower than `bits`.
    let mut cols = p.sort_payload(&key, &payload, bits - 1)?;
    let xs = cols.pop().expect("x");
    let used = cols[1..].iter().fold(cols[0].clone(), |a, g| a.add(g));
    Ok(Sorted {
        xs,
        groups: cols,
        used,
        bits,
    })
}

/// Shares of the values at the 0-based `probes`: `(None, r)` the `r`-th smallest of all the
/// used rows (`r` below their number), `(Some(j), r)` the `r`-th smallest of group `j`'s;
/// `sizes[j]` is the number of group `j`'s rows (public: released by the caller).
pub fn order_statistics(
    p: &mut Party,
    s: &Sorted,
    probes: &[(Option<usize>, usize)],
    sizes: &[u64],
) -> sharestat_mpc::Result<Vec<AShares>> {
    let grouped = probes.iter().any(|(g, _)| g.is_some());
    let by_group = if grouped {
        Some(group_order(p, s)?)
    } else {
        None
    };
    let offsets: Vec<usize> = sizes
        .iter()
        .scan(0usize, |at, &k| {
            let o = *at;
            *at += k as usize;
            Some(o)
        })
        .collect();
    let n = s.xs.len();
    probes
        .iter()
        .map(|&(g, r)| {
            let (col, at) = match (g, &by_group) {
                (Some(j), Some(b)) => (b, offsets.get(j).map_or(n, |o| o + r)),
                _ => (&s.xs, r),
            };
            if at >= n || g.is_some_and(|j| r as u64 >= sizes.get(j).copied().unwrap_or(0)) {
                return Err(sharestat_mpc::MpcError::Param {
                    op: "order_statistics",
                    detail: format!("order statistic {r} of group {g:?} is outside its rows"),
                });
            }
            Ok(col.slice(at..at + 1))
        })
        .collect()
}

/// The sorted values with each group's rows brought together in order (group 0's first, then
/// group 1's, ..., rows in no group last): each row's destination is its group's offset plus
/// its rank within the group, `g_j (O_j + C_j − 1)` with `C_j` the inclusive prefix count of
/// `g_j` and `O_j` the shared sizes before it (local sums, one round of products); then the
/// rows and their destinations are shuffled together (`Party::shuffle`) and the destinations
/// opened: a uniformly random permutation of `0..n`, which says nothing of the data, by which
/// every party places the shuffled rows. About `6n` words and 5 rounds, where one equality
/// test per row and probe cost `n ⌈log2 n⌉` AND gates and a conversion each.
fn group_order(p: &mut Party, s: &Sorted) -> sharestat_mpc::Result<AShares> {
    let n = s.xs.len();
    let me = p.id();
    let broadcast = |x: &AShares| {
        let (a, b) = x.parts();
        AShares::from_parts(vec![a[0]; n], vec![b[0]; n])
    };
    let unused = s.used.neg().add_const(me, 1);
    let mut members: Vec<&AShares> = s.groups.iter().collect();
    members.push(&unused);
    let mut offset = AShares::from_parts(vec![0; n], vec![0; n]);
    let mut ranks = Vec::with_capacity(members.len());
    for m in &members {
        // O_j + C_j − 1 for the rows of this set.
        ranks.push(offset.add(&m.prefix_sum()).add_const(me, u64::MAX));
        offset = offset.add(&broadcast(&m.sum()));
    }
    let pairs: Vec<(&AShares, &AShares)> = members.iter().copied().zip(&ranks).collect();
    let parts = p.mul_many(&pairs)?;
    let dest = parts[1..].iter().fold(parts[0].clone(), |a, b| a.add(b));
    let shuffled = p.shuffle(&[&s.xs, &dest])?;
    let opened = p.reveal(&shuffled[1])?;
    let mut from = vec![usize::MAX; n];
    for (i, &d) in opened.iter().enumerate() {
        match from.get_mut(d as usize) {
            Some(slot) if *slot == usize::MAX => *slot = i,
            _ => {
                return Err(sharestat_mpc::MpcError::Param {
                    op: "group_order",
                    detail: "the opened destinations are not a permutation".into(),
                });
            }
        }
    }
    Ok(shuffled[0].gather(&from))
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
        // Values at both ends of what 8-bit keys hold (|x| < 2^5), ties among them.
        let x: Vec<u64> = (0..n as u64)
            .map(|i| match i % 9 {
                0 => 31,
                1 => 31u64.wrapping_neg(),
                _ => ((i * 17) % 23).wrapping_sub(11),
            })
            .collect();
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
            let s = sort_groups(p, &xs, &groups, 8)?;
            let sizes: Vec<u64> = (0..3)
                .map(|j| g.iter().filter(|&&k| k == j).count() as u64)
                .collect();
            let v = order_statistics(p, &s, &probes, &sizes)?;
            let mw = mann_whitney_sorted(p, &s)?;
            let opened = p.reveal(&AShares::concat(&v.iter().collect::<Vec<_>>()))?;
            Ok((opened, mw))
        })
        .unwrap();
        let sorted_of = |keep: &dyn Fn(usize) -> bool| {
            let mut v: Vec<u64> = (0..n).filter(|&i| keep(i)).map(|i| x[i]).collect();
            v.sort_unstable_by_key(|&w| w as i64);
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
                    .map(move |&v| 2 * u64::from(u as i64 > v as i64) + u64::from(u == v))
            })
            .sum();
        assert_eq!(out[0].1.0, two_u);
    }
}
