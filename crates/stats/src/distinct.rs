//! Frequency tables of a private *numeric* column (R's `table(x)` on numbers, the pilot's
//! `freq(follow_up)`): the distinct values and how often each occurs, with the small-cell rule
//! checked before anything is revealed.
//!
//! 1. Missing values are moved past the present ones and `n` is revealed (as for quantiles).
//! 2. The column is sorted obliviously (`Party::sort`: shuffle, then sort; Hamada et al.), so
//!    position no longer links to a row.
//! 3. `E_i = [y_i = y_{i-1}]` for adjacent sorted values (one batched equality test). A run of
//!    equal values starts at `i` when `E_i = 0`; it is *small* (1 to `k - 1` rows, `k` the
//!    policy's `min_cell`) when also not all of `E_{i+1} .. E_{i+k-1}` are 1 (positions at or
//!    past `n` count as a new run). With `W_i = Π_{j<k} E_{i+j}` (`k - 2` multiplication
//!    rounds) the number of small runs is `Σ (1 - E_i)(1 - W_i)`.
//! 4. Only whether that number is zero, and whether the number of runs `Σ (1 - E_i)` exceeds
//!    `max_levels`, are revealed (`disclose::small_nonzero`). If both pass, the sorted values
//!    are opened: exactly the multiset that the table shows, nothing else.
//!
//! Cost: a sort of the column (the dominant term; see `docs/BENCHMARKS.md`), one equality
//! batch of `n - 1`, `k - 1` multiplication rounds of `n`, one reveal of `n` values.
use crate::column::Column;
use crate::disclose::small_nonzero;
use crate::order::{KEY_BITS, moved_keys};
use sharestat_mpc::{AShares, Party};

/// Outcome of [`distinct_counts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Distinct {
    /// Some value occurs between 1 and `min_cell - 1` times; nothing else was revealed.
    SmallCell,
    /// There are more than `max_levels` distinct values; nothing else was revealed.
    TooManyLevels,
    /// The distinct encoded values in ascending order with their counts.
    Counts(Vec<(i64, u64)>),
}

/// The distinct present values of `col` and their counts, if every count is at least
/// `min_cell` and there are at most `max_levels` of them. Reveals `n` (the number of present
/// values) and the outcome.
pub fn distinct_counts(
    p: &mut Party,
    col: &Column,
    min_cell: u64,
    max_levels: u64,
) -> sharestat_mpc::Result<Distinct> {
    let (keys, n) = moved_keys(p, col)?;
    let n = n as usize;
    if n == 0 {
        return Ok(Distinct::Counts(Vec::new()));
    }
    let (sorted, _) = p.sort(&keys, &[], KEY_BITS)?;
    let ys = sorted.slice(0..n);
    let zero = || AShares::from_parts(vec![0], vec![0]);
    // E_i for i in 0..n, with E_0 = 0 (the first value starts a run).
    let e = if n > 1 {
        let bits = p.eq(&ys.slice(1..n), &ys.slice(0..n - 1), KEY_BITS)?;
        AShares::concat(&[&zero(), &p.b2a_bits(&bits)?])
    } else {
        zero()
    };
    // shifted(j)_i = E_{i+j}, 0 at or past n.
    let shifted = |j: usize| -> AShares {
        let tail = AShares::from_parts(vec![0; j.min(n)], vec![0; j.min(n)]);
        if j >= n {
            tail
        } else {
            AShares::concat(&[&e.slice(j..n), &tail])
        }
    };
    let starts = e.neg().add_const(p.id(), 1);
    let small = if min_cell > 1 {
        let mut w = shifted(1);
        for j in 2..(min_cell as usize).min(n + 1) {
            w = p.mul(&w, &shifted(j))?;
        }
        let not_w = w.neg().add_const(p.id(), 1);
        p.dot(&starts, &not_w)?
    } else {
        zero()
    };
    // small > 0 <=> 0 < small < n + 1; levels > max <=> 0 < levels - max < n + 1.
    let over = starts.sum().add_const(p.id(), max_levels.wrapping_neg());
    let bound = n as u64 + 1;
    let bad = small_nonzero(p, &AShares::concat(&[&small, &over]), &[bound, bound])?;
    if bad[0] {
        return Ok(Distinct::SmallCell);
    }
    if bad[1] {
        return Ok(Distinct::TooManyLevels);
    }
    let opened = p.reveal(&ys)?;
    let mut counts: Vec<(i64, u64)> = Vec::new();
    for v in opened {
        let v = v as i64;
        match counts.last_mut() {
            Some((last, c)) if *last == v => *c += 1,
            _ => counts.push((v, 1)),
        }
    }
    Ok(Distinct::Counts(counts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharestat_mpc::harness::{Keys, run_in_memory};
    use sharestat_mpc::prg::Prg;
    use sharestat_mpc::proto::io::deal;

    fn run(values: &[i64], present: Option<&[u64]>, min_cell: u64) -> Distinct {
        let words: Vec<u64> = values.iter().map(|&v| v as u64).collect();
        let out = run_in_memory(Keys::Seeded([5; 16]), |p| {
            let mut prg = Prg::new([4; 16]);
            let i = p.id().index();
            let col = Column {
                values: deal(&words, &mut prg)[i].clone(),
                present: present.map(|m| deal(m, &mut prg)[i].clone()),
                scale: 0,
            };
            distinct_counts(p, &col, min_cell, 3)
        })
        .unwrap();
        assert!(out.iter().all(|o| *o == out[0]));
        out[0].clone()
    }

    fn plain(values: &[i64], present: Option<&[u64]>, min_cell: u64) -> Distinct {
        let mut m = std::collections::BTreeMap::new();
        for (i, v) in values.iter().enumerate() {
            if present.is_none_or(|p| p[i] == 1) {
                *m.entry(*v).or_insert(0u64) += 1;
            }
        }
        if m.values().any(|&c| c < min_cell) {
            Distinct::SmallCell
        } else if m.len() > 3 {
            Distinct::TooManyLevels
        } else {
            Distinct::Counts(m.into_iter().collect())
        }
    }

    #[test]
    fn matches_plaintext_tables() {
        let cases: Vec<(Vec<i64>, Option<Vec<u64>>, u64)> = vec![
            (vec![3, 1, 3, 1, 3, 1, 2, 2, 2], None, 3),
            (vec![3, 1, 3, 1, 3, 1, 2, 2, 2], None, 4),
            (vec![5; 10], None, 5),
            (vec![5; 4], None, 5),
            (vec![-7, 0, 7, 0, -7, 7], None, 2),
            (vec![1, 2, 2, 9, 2, 1], Some(vec![1, 1, 1, 0, 1, 1]), 2),
            (vec![1, 2, 2, 9, 2, 1], Some(vec![1, 1, 1, 1, 1, 1]), 2),
            (vec![4, 4, 4, 4, 8, 8, 8, 8, 8], None, 5),
            (vec![10, 20], None, 1),
            (vec![1, 2, 3, 4, 1, 2, 3, 4], None, 2),
            (vec![1, 2, 3, 1, 2, 3], None, 1),
        ];
        for (v, m, k) in cases {
            assert_eq!(
                run(&v, m.as_deref(), k),
                plain(&v, m.as_deref(), k),
                "{v:?} {m:?} k={k}"
            );
        }
    }
}
