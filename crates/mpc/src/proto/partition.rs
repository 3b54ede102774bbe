//! Ordering distinct, secretly shuffled keys by comparisons whose results are revealed: the
//! level-synchronous sample sort behind [`Party::sort`] and [`Party::select_kth`].
//!
//! The public state is a permutation `order` of the rows and a list of segments still to be
//! refined. Each level takes one or two vectorised comparison rounds (less-than + reveal each):
//!
//! - **A.** Segments of at least [`SAMPLE_MIN`] rows compare all pairs of a sample (their
//!   first `k` rows: a random sample, since the rows were shuffled) to learn the sample's order.
//!   Levels without such segments skip this round.
//! - **B.** Segments of at most [`SMALL`] rows ([`SMALL_SELECT`] when selecting) compare all
//!   their pairs, which orders them completely. In every other segment each row is compared
//!   with the segment's pivots: the sample
//!   median when sorting; when selecting, two sample elements that bracket each wanted rank
//!   (Floyd & Rivest, CACM 1975); the segment's first row for mid-sized segments. The rows fall
//!   into buckets between the pivots; buckets that still need work become the next segments.
//!
//! Rounds therefore grow with the depth (about `log2 n` levels for sorting, a handful for
//! selection), never with n. Revealing these comparisons is safe only because the keys are
//! distinct and shuffled (see [`super::sort`]).
use crate::party::Party;
use crate::share::AShares;
use rayon::prelude::*;

/// When sorting, segments up to this size are ordered by comparing all their pairs at once.
pub(crate) const SMALL: usize = 10;
/// When selecting (few segments per level), the same for segments up to this size.
pub(crate) const SMALL_SELECT: usize = 256;
/// Segments at least this long choose their pivots from a sorted sample.
pub(crate) const SAMPLE_MIN: usize = 64;

/// What the caller needs.
#[derive(Clone, Copy)]
pub(crate) enum Goal<'a> {
    /// The complete order.
    Sort,
    /// Only the rows at these ranks (0-based).
    Select(&'a [usize]),
}

impl Goal<'_> {
    fn wants(&self, s: usize, e: usize) -> bool {
        e - s > 1
            && match self {
                Goal::Sort => true,
                Goal::Select(t) => t.iter().any(|r| (s..e).contains(r)),
            }
    }

    /// Largest segment ordered by all pairs.
    fn small(&self) -> usize {
        match self {
            Goal::Sort => SMALL,
            Goal::Select(_) => SMALL_SELECT,
        }
    }

    /// Sample size for a segment of `m` rows: about `sqrt(m)/2` when sorting (the sample costs
    /// `k^2/2` comparisons per segment, and there are many segments); when selecting there are
    /// only a few segments, and a large sample brackets the wanted rank tightly.
    fn sample_size(&self, m: usize) -> usize {
        match self {
            Goal::Sort => (((m as f64).sqrt() as usize) / 2).clamp(3, 63) | 1,
            Goal::Select(_) => (2 * (m as f64).sqrt() as usize).min(m / 2).min(511),
        }
    }
}

/// A batch of comparisons `x[lhs[j]] < x[rhs[j]]`, evaluated and revealed together.
#[derive(Default)]
struct Batch {
    lhs: Vec<usize>,
    rhs: Vec<usize>,
}

impl Batch {
    fn push(&mut self, l: usize, r: usize) {
        self.lhs.push(l);
        self.rhs.push(r);
    }

    /// All pairs `(rows[i], rows[j])`, `i < j`, in row-major order.
    fn all_pairs(&mut self, rows: &[usize]) {
        for (i, &a) in rows.iter().enumerate() {
            for &b in &rows[i + 1..] {
                self.push(a, b);
            }
        }
    }

    /// Evaluates and reveals the batch (no communication when empty).
    fn run(self, p: &mut Party, c: &AShares, width: u32) -> crate::Result<Vec<bool>> {
        if self.lhs.is_empty() {
            return Ok(Vec::new());
        }
        let diff = |x: &[u64]| -> Vec<u64> {
            let f = |(&l, &r): (&usize, &usize)| x[l].wrapping_sub(x[r]);
            if self.lhs.len() >= crate::PAR_THRESHOLD {
                self.lhs.par_iter().zip(&self.rhs).map(f).collect()
            } else {
                self.lhs.iter().zip(&self.rhs).map(f).collect()
            }
        };
        let d = AShares {
            a: diff(&c.a),
            b: diff(&c.b),
        };
        let bits = p.msb(&d, width)?;
        p.reveal_bits(&bits)
    }
}

/// Positions `0..m` sorted by the revealed all-pairs outcomes `less` (row-major, `i < j`).
fn rank_all_pairs(less: &[bool], m: usize) -> Vec<usize> {
    let mut rank = vec![0usize; m];
    let mut at = 0;
    for i in 0..m {
        for j in i + 1..m {
            if less[at] {
                rank[j] += 1;
            } else {
                rank[i] += 1;
            }
            at += 1;
        }
    }
    let mut by_rank = vec![0usize; m];
    for (i, &r) in rank.iter().enumerate() {
        by_rank[r] = i;
    }
    by_rank
}

/// Sample positions (in the sorted sample of size `k`) to use as pivots for segment `[s, e)`.
fn pivot_positions(goal: Goal, s: usize, e: usize, k: usize) -> Vec<usize> {
    let Goal::Select(targets) = goal else {
        return vec![k / 2];
    };
    let m = (e - s) as f64;
    let mut pos = Vec::new();
    for &r in targets.iter().filter(|r| (s..e).contains(r)) {
        // The i-th smallest of k sample values estimates quantile (i + 1) / (k + 1).
        let q = (r - s) as f64 / (m - 1.0).max(1.0);
        let idx = q * (k + 1) as f64 - 1.0;
        let delta = (2.5 * (k as f64 * q * (1.0 - q)).sqrt()).ceil() + 1.0;
        let lo = (idx.floor() - delta).floor();
        let hi = (idx.ceil() + delta).ceil();
        if lo >= 0.0 {
            pos.push(lo as usize);
        }
        if hi <= (k - 1) as f64 {
            pos.push(hi as usize);
        }
    }
    pos.sort_unstable();
    pos.dedup();
    if pos.is_empty() {
        pos.push(k / 2);
    }
    pos
}

enum Plan {
    /// Ordered completely in phase A.
    Small,
    /// Pivots from a sample of this size.
    Sampled(usize),
    /// The first row is the pivot.
    First,
}

/// The public order of the distinct shuffled keys `c` (see module doc).
pub(crate) fn order_by_revealed_comparisons(
    p: &mut Party,
    c: &AShares,
    width: u32,
    goal: Goal,
) -> crate::Result<Vec<usize>> {
    let n = c.len();
    let mut order: Vec<usize> = (0..n).collect();
    let mut segs: Vec<(usize, usize)> = if goal.wants(0, n) {
        vec![(0, n)]
    } else {
        vec![]
    };
    while !segs.is_empty() {
        // Phase A: all pairs of each large segment's sample.
        let mut batch = Batch::default();
        let plans: Vec<Plan> = segs
            .iter()
            .map(|&(s, e)| {
                let m = e - s;
                if m <= goal.small() {
                    Plan::Small
                } else if m >= SAMPLE_MIN {
                    let k = goal.sample_size(m);
                    batch.all_pairs(&order[s..s + k]);
                    Plan::Sampled(k)
                } else {
                    Plan::First
                }
            })
            .collect();
        let less = batch.run(p, c, width)?;
        let mut at = 0;
        let mut pivots: Vec<Vec<usize>> = Vec::with_capacity(segs.len());
        for (&(s, e), plan) in segs.iter().zip(&plans) {
            match *plan {
                Plan::Small => pivots.push(Vec::new()),
                Plan::Sampled(k) => {
                    let sorted = rank_all_pairs(&less[at..], k);
                    at += k * (k - 1) / 2;
                    let rows: Vec<usize> = pivot_positions(goal, s, e, k)
                        .into_iter()
                        .map(|q| order[s + sorted[q]])
                        .collect();
                    pivots.push(rows);
                }
                Plan::First => pivots.push(vec![order[s]]),
            }
        }
        // Phase B: every other row against its segment's pivots; small segments, all pairs.
        let mut batch = Batch::default();
        for (&(s, e), piv) in segs.iter().zip(&pivots) {
            if piv.is_empty() {
                batch.all_pairs(&order[s..e]);
            }
            for &row in order[s..e].iter().filter(|r| !piv.contains(r)) {
                for &pv in piv {
                    batch.push(row, pv);
                }
            }
        }
        let less = batch.run(p, c, width)?;
        let mut at = 0;
        let mut next = Vec::new();
        for (&(s, e), piv) in segs.iter().zip(&pivots) {
            if piv.is_empty() {
                let m = e - s;
                let rows = order[s..e].to_vec();
                for (slot, i) in rank_all_pairs(&less[at..], m).into_iter().enumerate() {
                    order[s + slot] = rows[i];
                }
                at += m * (m - 1) / 2;
                continue;
            }
            let mut buckets: Vec<Vec<usize>> = vec![Vec::new(); piv.len() + 1];
            for &row in order[s..e].iter().filter(|r| !piv.contains(r)) {
                let above = less[at..at + piv.len()].iter().filter(|&&l| !l).count();
                buckets[above].push(row);
                at += piv.len();
            }
            let mut w = s;
            for (b, bucket) in buckets.iter().enumerate() {
                order[w..w + bucket.len()].copy_from_slice(bucket);
                if goal.wants(w, w + bucket.len()) {
                    next.push((w, w + bucket.len()));
                }
                w += bucket.len();
                if let Some(&pv) = piv.get(b) {
                    order[w] = pv;
                    w += 1;
                }
            }
        }
        segs = next;
    }
    Ok(order)
}
