//! Sorting and k-th element selection by shuffle-then-sort (Hamada, Kikuchi, Ikarashi, Chida,
//! Takahashi, ICISC 2012).
//!
//! 1. Make keys distinct: `c = key * 2^L + i` with `i` the row index *before* shuffling
//!    (`L = ceil(log2 n)`), a local operation. Ties are then broken by original position, so the
//!    sort is stable. (Appending the position *after* the shuffle would not do: the revealed
//!    comparisons would then show where ties are.)
//! 2. Shuffle `c`, the key and the payload columns together with the resharing shuffle.
//! 3. Order the shuffled `c` by comparisons whose results are *revealed*. The keys are distinct
//!    and their order was randomised by a permutation nobody knows, so the revealed outcomes are
//!    those of sorting a uniformly random permutation: they say nothing about the data.
//! 4. Apply the resulting public order to the shuffled columns (local).
//!
//! Step 3 is a level-synchronous sample sort ([`super::partition`]): every segment still to be
//! refined is handled in the same vectorised comparison, so the number of rounds grows with the
//! recursion depth (O(log n)), never with n. Sorting picks each large segment's pivot as the
//! median of a sample (about `1.05 n log2 n` comparisons instead of quicksort's `1.39 n log2 n`);
//! selection brackets each wanted rank between two sample pivots, so one level usually shrinks
//! the segment that holds it to about a tenth (about `2.4 n` comparisons for a median, several
//! ranks at once).
//!
//! Keys are signed with `-2^(key_bits-1) <= key < 2^(key_bits-1)`; the comparison width is
//! `key_bits + L + 1` bits, which must not exceed 64.
use super::partition::{Goal, order_by_revealed_comparisons};
use crate::error::MpcError;
use crate::party::Party;
use crate::share::AShares;

/// Bits needed for row indices `0..n`.
fn index_bits(n: usize) -> u32 {
    (usize::BITS - n.saturating_sub(1).leading_zeros()).max(1)
}

impl Party {
    /// Distinct composite keys `key * 2^L + i`, shuffled together with the columns;
    /// returns the comparison width and the shuffled columns (composite first, then the key
    /// when `with_key`, then the payload).
    fn distinct_shuffled(
        &mut self,
        op: &'static str,
        key: &AShares,
        payload: &[&AShares],
        key_bits: u32,
        with_key: bool,
    ) -> crate::Result<(u32, Vec<AShares>)> {
        let n = key.len();
        let l = index_bits(n);
        let width = key_bits + l + 1;
        if key_bits == 0 || width > 64 {
            return Err(MpcError::param(
                op,
                format!("{key_bits}-bit keys with {n} rows need {width} > 64 comparison bits"),
            ));
        }
        for p in payload {
            crate::error::same_len(op, n, p.len())?;
        }
        let idx: Vec<u64> = (0..n as u64).collect();
        let composite = key.scale(1 << l).add_public(self.id, &idx);
        let mut cols: Vec<&AShares> = vec![&composite];
        if with_key {
            cols.push(key);
        }
        cols.extend_from_slice(payload);
        Ok((width, self.shuffle(&cols)?))
    }

    /// Sorts `key` ascending (stable) and permutes the `payload` columns the same way.
    pub fn sort(
        &mut self,
        key: &AShares,
        payload: &[&AShares],
        key_bits: u32,
    ) -> crate::Result<(AShares, Vec<AShares>)> {
        let (width, mut cols) = self.distinct_shuffled("sort", key, payload, key_bits, true)?;
        let order = order_by_revealed_comparisons(self, &cols[0], width, Goal::Sort)?;
        let sorted: Vec<AShares> = cols.drain(1..).map(|c| c.gather(&order)).collect();
        let mut it = sorted.into_iter();
        let k = it.next().expect("key column");
        Ok((k, it.collect()))
    }

    /// [`Party::sort`] of the `payload` columns alone, for callers that do not read the sorted
    /// key (one column fewer to shuffle).
    pub fn sort_payload(
        &mut self,
        key: &AShares,
        payload: &[&AShares],
        key_bits: u32,
    ) -> crate::Result<Vec<AShares>> {
        let (width, mut cols) = self.distinct_shuffled("sort", key, payload, key_bits, false)?;
        let order = order_by_revealed_comparisons(self, &cols[0], width, Goal::Sort)?;
        Ok(cols.drain(1..).map(|c| c.gather(&order)).collect())
    }

    /// The elements of rank `ranks[j]` (0-based, ascending order) of `key`, still shared.
    /// All ranks are found in one pass (e.g. the three quartiles at once).
    pub fn select_kth(
        &mut self,
        key: &AShares,
        ranks: &[usize],
        key_bits: u32,
    ) -> crate::Result<AShares> {
        let n = key.len();
        if let Some(&bad) = ranks.iter().find(|&&r| r >= n) {
            return Err(MpcError::param(
                "select_kth",
                format!("rank {bad} out of range for {n} rows"),
            ));
        }
        let (width, cols) = self.distinct_shuffled("select_kth", key, &[], key_bits, true)?;
        let order = order_by_revealed_comparisons(self, &cols[0], width, Goal::Select(ranks))?;
        let at: Vec<usize> = ranks.iter().map(|&r| order[r]).collect();
        Ok(cols[1].gather(&at))
    }
}
