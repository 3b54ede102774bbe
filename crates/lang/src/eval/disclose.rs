//! Disclosure control inside the evaluator: the study policy's rules applied before any
//! aggregate is revealed (design brief §7). Rules that depend on private counts run as secure
//! tests (`sharestat_stats::disclose`) that reveal one pass/fail bit each; the refusal names
//! the rule and the cells or expression at fault, never a count or value.
//!
//! The differencing defence: every subset whose aggregate is released is remembered in the
//! study's [`History`] as this node's shares of its 0/1 row mask (per dataset version). A new
//! subset must differ from each remembered one in none or at least `min_subset` rows (the size
//! of the symmetric difference is computed securely, one dot product per pair), so "the same
//! subset twice with different filters" cannot isolate a few patients.
use std::collections::VecDeque;

use super::value::{Mask, Seg, layout_rows};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use sharestat_mpc::AShares;
use sharestat_stats::disclose::{small_nonzero, small_nonzero_mod32};

/// Released subsets remembered per study (oldest dropped first beyond this many) ...
pub const HISTORY_CAP: usize = 64;

/// ... or beyond this many rows in all (memory: 16 bytes of shares per row and subset, so at
/// most 128 MiB per study and node; at 10^6 rows the last 8 subsets are remembered).
pub const HISTORY_ROWS: usize = 1 << 23;

/// One released subset: per dataset version, this node's shares of the row mask.
type Released = Vec<(String, AShares)>;

/// The subsets released in a study, as shares (kept by each node for the study).
#[derive(Debug, Default, Clone)]
pub struct History {
    entries: VecDeque<Released>,
    /// Entries appended since the last [`History::take_new`].
    added: usize,
}

impl History {
    /// An empty history.
    pub fn new() -> History {
        History::default()
    }

    /// A history of earlier subsets (oldest first), e.g. as read back from the node's store:
    /// per subset, `(dataset version, shares of its row mask)`.
    pub fn from_entries(entries: Vec<Vec<(String, AShares)>>) -> History {
        History {
            entries: entries.into(),
            added: 0,
        }
    }

    /// The subsets appended since the last call (oldest first), for the node to persist;
    /// afterwards the history should hold as many entries as [`History::len`] says.
    pub fn take_new(&mut self) -> Vec<&[(String, AShares)]> {
        let n = self.added.min(self.entries.len());
        self.added = 0;
        let skip = self.entries.len() - n;
        self.entries.iter().skip(skip).map(Vec::as_slice).collect()
    }

    /// Number of remembered subsets.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing was released yet.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Evaluator<'_> {
    /// The subset rules for an aggregate over the rows selected by `sel` (out of `layout`):
    /// size, complement, and difference from earlier released subsets. Records the subset.
    pub(crate) fn check_selection(
        &mut self,
        e: &Expr,
        sel: &Option<Mask>,
        layout: &[Seg],
    ) -> Result<()> {
        let Some(s) = sel else { return Ok(()) };
        let pol = self.policy.clone();
        let total = layout_rows(layout) as u64;
        let me = self.p.id();
        let size = s.shares.sum();
        let mine = self.per_version(s, layout)?;
        // |S Δ H| = Σ_v (|S_v| + |H_v| - 2 S_v·H_v), over the dataset versions of either.
        let mut pairs: Vec<(&AShares, &AShares)> = Vec::new();
        for h in &self.history.entries {
            for (ver, m) in &mine {
                if let Some((_, hm)) = h.iter().find(|(v, _)| v == ver) {
                    pairs.push((m, hm));
                }
            }
        }
        let dots = if pairs.is_empty() {
            AShares::from_parts(vec![], vec![])
        } else {
            self.p.dot_many(&pairs)?
        };
        let mut next = 0;
        let mut diffs = Vec::new();
        for h in &self.history.entries {
            let mut d = AShares::from_parts(vec![0], vec![0]);
            for (ver, m) in &mine {
                d = d.add(&m.sum());
                if h.iter().any(|(v, _)| v == ver) {
                    d = d.sub(&dots.slice(next..next + 1).scale(2));
                    next += 1;
                }
            }
            for (_, hm) in h {
                d = d.add(&hm.sum());
            }
            diffs.push(d);
        }
        // Sizes are exact; differences with remembered subsets are exact modulo 2^32 (the
        // node stores remembered masks as 32-bit words), which suffices for counts < 2^31.
        let tests = [size.add_const(me, 1), size.neg().add_const(me, total)];
        let both = AShares::concat(&tests.iter().collect::<Vec<_>>());
        let mut bad = small_nonzero(self.p, &both, &[pol.min_subset + 1, pol.min_complement])?;
        if !diffs.is_empty() {
            let all = AShares::concat(&diffs.iter().collect::<Vec<_>>());
            bad.extend(small_nonzero_mod32(
                self.p,
                &all,
                &vec![pol.min_subset; diffs.len()],
            )?);
        }
        if bad[0] {
            return Err(EvalError::refused(
                e,
                "min_subset",
                format!(
                    "the subset used by `{e}` has fewer than {} rows",
                    pol.min_subset
                ),
            ));
        }
        if bad[1] {
            return Err(EvalError::refused(
                e,
                "min_complement",
                format!(
                    "the subset used by `{e}` leaves out between 1 and {} rows",
                    pol.min_complement.saturating_sub(1)
                ),
            ));
        }
        if bad[2..].iter().any(|b| *b) {
            return Err(EvalError::refused(
                e,
                "differencing",
                format!(
                    "the subset used by `{e}` differs from a subset released earlier in this \
                     study by between 1 and {} rows; both together would single those rows out",
                    pol.min_subset.saturating_sub(1)
                ),
            ));
        }
        if !self.replay {
            self.history.entries.push_back(mine);
            self.history.added += 1;
            let rows = |h: &VecDeque<Released>| -> usize {
                h.iter().flatten().map(|(_, m)| m.len()).sum()
            };
            while self.history.entries.len() > HISTORY_CAP
                || (self.history.entries.len() > 1 && rows(&self.history.entries) > HISTORY_ROWS)
            {
                self.history.entries.pop_front();
            }
        }
        Ok(())
    }

    /// The mask split per dataset version (a dataset named twice: the union of its parts).
    fn per_version(&mut self, s: &Mask, layout: &[Seg]) -> Result<Vec<(String, AShares)>> {
        let mut out: Vec<(String, AShares)> = Vec::new();
        let mut at = 0;
        for seg in layout {
            let part = s.shares.slice(at..at + seg.rows);
            at += seg.rows;
            let ver = self.data.version(&seg.dataset);
            match out.iter().position(|(v, _)| *v == ver) {
                Some(i) => {
                    let both = self.p.mul(&out[i].1, &part)?;
                    out[i].1 = out[i].1.add(&part).sub(&both);
                }
                None => out.push((ver, part)),
            }
        }
        Ok(out)
    }

    /// The small-cell rule on `counts` (shares, one per label). Reveals one bit per cell.
    pub(crate) fn check_cells(
        &mut self,
        e: &Expr,
        counts: &AShares,
        labels: &[String],
    ) -> Result<()> {
        let k = self.policy.min_cell;
        let bad = small_nonzero(self.p, counts, &vec![k; counts.len()])?;
        let offenders: Vec<&str> = labels
            .iter()
            .zip(&bad)
            .filter(|(_, b)| **b)
            .map(|(l, _)| l.as_str())
            .collect();
        if offenders.is_empty() {
            return Ok(());
        }
        Err(EvalError::refused(
            e,
            "min_cell",
            format!(
                "in `{e}`, the cell{} {} would count between 1 and {} rows",
                if offenders.len() == 1 { "" } else { "s" },
                offenders
                    .iter()
                    .map(|l| format!("`{l}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                k.saturating_sub(1)
            ),
        ))
    }

    /// Refuses outputs that are one patient's value unless the policy allows them.
    pub(crate) fn check_extremes(&self, e: &Expr, what: &str) -> Result<()> {
        if self.policy.allow_extremes {
            return Ok(());
        }
        Err(EvalError::refused(
            e,
            "allow_extremes",
            format!(
                "`{e}` would show {what}, a single patient's value; the study policy does not \
                 allow it (try quantile(x, c(0.05, 0.95)))"
            ),
        ))
    }

    /// At most `max_levels` levels per dimension of a table.
    pub(crate) fn check_levels(&self, e: &Expr, levels: usize) -> Result<()> {
        if levels <= self.policy.max_levels {
            return Ok(());
        }
        Err(EvalError::refused(
            e,
            "max_levels",
            format!(
                "`{e}` would have {levels} levels; the study allows at most {}",
                self.policy.max_levels
            ),
        ))
    }
}
