//! Small-cell suppression (`small_cells = "suppress"` in the study policy; issue 16), the
//! clinical-reporting convention: a frequency table whose cells break the small-cell rule is
//! printed with those cells hidden instead of being refused.
//!
//! **Primary suppression**: the cells the small-cell rule flags (1 to `min_cell − 1` rows, and
//! 0 too where zero counts are refused) are hidden.
//!
//! **Secondary suppression**, so that no hidden cell can be worked out from the printed cells,
//! the margins and the total. The reader is assumed to know every row and column total and the
//! grand total (the strongest position: margins are one-way tables, totals are often public),
//! and of a hidden cell only that it is at least `lo` (1 where zero counts print, else 0). A
//! small cell `p` is protected when those constraints admit every value of
//! `[lo, min_cell − 1]` for it. In a one-way table a second hidden cell `s >= min_cell` does
//! it (the cycle `p + t, s − t` keeps the total and `s − t >= lo` for every
//! `t <= min_cell − 1 − p`); in a two-way table a rectangle of hidden cells of at least
//! `min_cell`, `(i, j')`, `(i', j)`, `(i', j')`, does (`p + t`, `(i, j') − t`, `(i', j) − t`,
//! `(i', j') + t` keeps every margin, and each corner stays at least `lo`). These are the
//! alternating cycles of Cox (1980, "Suppression methodology and statistical disclosure
//! control", JASA 75) and the hypercube method of τ-ARGUS (Repsilber 2002). The complementary
//! cells move by `t` too, over `min_cell − 1 − lo` values: none is pinned either.
//!
//! The complementary cells are drawn at random among those that complete a cycle (from a
//! common random word the three nodes open), and every hidden cell prints alike (`*`): a
//! reader who could tell the small cells from the complementary ones would know the latter
//! are at least `min_cell` and could bound a small one more narrowly (a small 2 beside a
//! hidden 5 whose sum 7 is known would be at most 2). A table that cannot be protected so (a
//! small cell with no cells of `min_cell` or more to form its cycle) is refused as in the
//! `"refuse"` mode. The guarantee is checked by solving, in the tests, each hidden cell's
//! range from what a release prints (`crates/lang/tests/suppression.rs`).
//!
//! **Reveals** to the nodes, besides the printed cells: each cell's small-cell bit (the
//! refusal mode names the same cells) and, where zero counts print, whether a cell is 0.
use super::cells::CellKeys;
use super::value::{Public, SuppressedTable, Table, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use sharestat_dict::SmallCells;
use sharestat_mpc::AShares;

/// The counts of a table as released: the hidden cells are 0 in `counts` and `true` in
/// `hidden`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Released {
    pub counts: Vec<u64>,
    pub hidden: Vec<bool>,
}

/// Uniform draws below `n` from a common random word (splitmix64).
struct Draws(u64);

impl Draws {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z % n as u64) as usize
    }
}

/// The cells to hide in a `rows` x `cols` table (row-major; a one-way table is `1 x n`):
/// the `small` ones and complementary ones among the `large` (at least `min_cell`), each
/// small cell on a cycle of hidden large cells (see the module doc); `None` when some small
/// cell has no such cycle. `draw(m)` picks one of `m` equally good choices.
pub(crate) fn pattern(
    (rows, cols): (usize, usize),
    small: &[bool],
    large: &[bool],
    draw: &mut impl FnMut(usize) -> usize,
) -> Option<Vec<bool>> {
    let mut hidden = small.to_vec();
    if !small.contains(&true) {
        return Some(hidden);
    }
    if rows == 1 || cols == 1 {
        // One cell of min_cell or more pairs with every small one.
        let candidates: Vec<usize> = (0..small.len()).filter(|&i| large[i]).collect();
        if candidates.is_empty() {
            return None;
        }
        hidden[candidates[draw(candidates.len())]] = true;
        return Some(hidden);
    }
    let at = |i: usize, j: usize| i * cols + j;
    for (i, j) in (0..rows).flat_map(|i| (0..cols).map(move |j| (i, j))) {
        if !small[at(i, j)] {
            continue;
        }
        // Rectangles whose three other corners are large, by how many of them are new.
        let mut best: Vec<(usize, usize)> = Vec::new();
        let mut best_new = usize::MAX;
        for i2 in (0..rows).filter(|&r| r != i) {
            for j2 in (0..cols).filter(|&c| c != j) {
                let corners = [at(i, j2), at(i2, j), at(i2, j2)];
                if !corners.iter().all(|&c| large[c]) {
                    continue;
                }
                let new = corners.iter().filter(|&&c| !hidden[c]).count();
                if new < best_new {
                    best_new = new;
                    best.clear();
                }
                if new == best_new {
                    best.push((i2, j2));
                }
            }
        }
        if best.is_empty() {
            return None;
        }
        let (i2, j2) = if best_new == 0 {
            best[0]
        } else {
            best[draw(best.len())]
        };
        for c in [at(i, j2), at(i2, j), at(i2, j2)] {
            hidden[c] = true;
        }
    }
    Some(hidden)
}

impl Evaluator<'_> {
    /// The counts of a `shape` table (row-major, one label each) released under the study's
    /// small-cell rule: refused in the `"refuse"` mode (as `released_counts`), with the small
    /// cells and their complementary cells hidden in the `"suppress"` mode. Only the printed
    /// cells are opened (with their cell-key noise where the study perturbs counts).
    pub(crate) fn released_table(
        &mut self,
        e: &Expr,
        counts: &AShares,
        labels: &[String],
        zero_ok: bool,
        keys: Option<CellKeys<'_>>,
        shape: (usize, usize),
    ) -> Result<Released> {
        if self.policy.small_cells != SmallCells::Suppress {
            let counts = self.released_counts(e, counts, labels, zero_ok, keys)?;
            return Ok(Released {
                hidden: vec![false; counts.len()],
                counts,
            });
        }
        let n = counts.len();
        // Where zero counts print, [c < k] with the small bit tells which cells are 0.
        let verdict = self.counts_batch(counts, zero_ok, keys, zero_ok)?;
        let d = self.noise_width();
        let small = verdict.small[..n].to_vec();
        let below = if zero_ok {
            &verdict.small[n..]
        } else {
            &small[..]
        };
        let large: Vec<bool> = below.iter().map(|b| !b).collect();
        let hidden = if small.contains(&true) {
            let word = self.p.random(1);
            let mut draws = Draws(self.p.reveal(&word)?[0]);
            match pattern(shape, &small, &large, &mut |m| draws.below(m)) {
                Some(h) => h,
                None => return Err(self.unprotectable(e, labels, &small, zero_ok)),
            }
        } else {
            vec![false; n]
        };
        let keep: Vec<usize> = (0..n).filter(|&i| !hidden[i]).collect();
        let opened = match &verdict.coins {
            Some(c) => c.open_noisy_at(self.p, counts, &keep, d)?,
            None => self.p.reveal(&counts.gather(&keep))?,
        };
        let mut out = vec![0; n];
        for (&i, v) in keep.iter().zip(opened) {
            out[i] = v;
        }
        Ok(Released {
            counts: out,
            hidden,
        })
    }

    /// `table` as a value: with its hidden cells (and the note that says what `*` is) when
    /// suppression hid some.
    pub(crate) fn table_value(&mut self, table: Table, hidden: Vec<bool>) -> Value {
        if !hidden.contains(&true) {
            return Value::Pub(Public::Table(table));
        }
        self.note(suppressed_note(self.policy.min_cell));
        Value::Pub(Public::Suppressed(Box::new(SuppressedTable {
            table,
            hidden,
        })))
    }

    /// In a study that suppresses small cells, the `min_cell` below which a Kaplan-Meier
    /// figure's number-at-risk table prints `*` (`plot`, `ggsurvplot`).
    pub(crate) fn risk_table_suppression(&self) -> Option<u64> {
        (self.policy.small_cells == SmallCells::Suppress).then_some(self.policy.min_cell)
    }

    /// The refusal of a table whose small cells cannot be protected by suppression.
    fn unprotectable(
        &self,
        e: &Expr,
        labels: &[String],
        small: &[bool],
        zero_ok: bool,
    ) -> EvalError {
        let offenders: Vec<&str> = labels
            .iter()
            .zip(small)
            .filter(|(_, b)| **b)
            .map(|(l, _)| l.as_str())
            .collect();
        match self.cell_refusal(e, &offenders, zero_ok) {
            EvalError::Refused {
                span,
                rule,
                message,
            } => EvalError::Refused {
                span,
                rule,
                message: format!(
                    "{message}; suppressing them would not protect them (no cells of at least \
                     {} to hide with them so that the totals cannot give them away), so the \
                     table is refused",
                    self.policy.min_cell
                ),
            },
            other => other,
        }
    }
}

/// `v` unless it is a table with suppressed cells, which `what` (a test, proportions, a plot)
/// cannot use: those are refused, saying why.
pub(crate) fn whole_table(e: &Expr, v: Value, what: &str) -> Result<Value> {
    if let Value::Pub(Public::Suppressed(_)) = v {
        return Err(EvalError::refused(
            e,
            "min_cell",
            format!(
                "`{e}` has cells suppressed by the small-cell rule; {what} needs every count \
                 (merge small levels, e.g. with factor(x, levels, labels), so that no cell is \
                 small)"
            ),
        ));
    }
    Ok(v)
}

/// What `*` means in a suppressed table.
pub(crate) fn suppressed_note(min_cell: u64) -> String {
    format!(
        "* = suppressed (the study's small-cell rule): fewer than {min_cell} patients, or \
         hidden with such a cell so that it cannot be worked out from the other cells and the \
         totals"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(_: usize) -> usize {
        0
    }

    #[test]
    fn one_way_tables_hide_one_large_cell_with_the_small_ones() {
        // primary of the adrenal study: lung 29, skin 4, liver 4, colorectal 3, kidney 2, other 4.
        let small = [false, true, true, true, true, true];
        let large = [true, false, false, false, false, false];
        let h = pattern((1, 6), &small, &large, &mut first).unwrap();
        assert_eq!(h, vec![true; 6]);
        // Nothing small: nothing hidden; no large cell to pair with: refused.
        assert_eq!(
            pattern((1, 2), &[false, false], &[true, true], &mut first),
            Some(vec![false, false])
        );
        assert_eq!(
            pattern((1, 2), &[true, false], &[false, false], &mut first),
            None
        );
    }

    #[test]
    fn two_way_tables_close_a_rectangle_of_large_cells() {
        // gender x ECOG of the adrenal study: male 10 14 5 0 0, female 8 8 3 0 0.
        let counts = [10u64, 14, 5, 0, 0, 8, 8, 3, 0, 0];
        let small: Vec<bool> = counts.iter().map(|&c| (1..5).contains(&c)).collect();
        let large: Vec<bool> = counts.iter().map(|&c| c >= 5).collect();
        let h = pattern((2, 5), &small, &large, &mut first).unwrap();
        // (female, 2) with (female, 0), (male, 2), (male, 0).
        let want = [
            true, false, true, false, false, true, false, true, false, false,
        ];
        assert_eq!(h, want);
        // A small cell whose row has no other large cell cannot be protected.
        let counts = [3u64, 0, 9, 9];
        let small: Vec<bool> = counts.iter().map(|&c| (1..5).contains(&c)).collect();
        let large: Vec<bool> = counts.iter().map(|&c| c >= 5).collect();
        assert_eq!(pattern((2, 2), &small, &large, &mut first), None);
    }
}
