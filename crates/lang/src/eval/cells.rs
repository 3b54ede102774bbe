//! The small-cell rule (`min_cell`) on counts that are still shared, and the release of
//! counts with it: exact, or with their cell-key noise drawn in the rounds of the rule
//! (`sharestat_stats::disclose::Batch`, `cell_key.rs`). Cells checked together with a subset
//! check share its batch ([`Evaluator::check_with_cells`]).
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use sharestat_mpc::AShares;
use sharestat_stats::disclose::Batch;

/// The cells' keys of a perturbed release: dot products, and the keys as a local function of
/// them (see `Evaluator::released_counts`).
pub(crate) type CellKeys<'a> = (
    &'a [(&'a AShares, &'a AShares)],
    Box<dyn FnOnce(AShares) -> AShares + 'a>,
);

impl Evaluator<'_> {
    /// Runs `checks` (subset and support checks) with the small-cell rule on `counts` (one
    /// per label) in the batch of the first of them, so that both share their rounds; when
    /// none of them runs a batch, the rule runs on its own afterwards. The refusals of the
    /// subset checks come first.
    pub(crate) fn check_with_cells(
        &mut self,
        e: &Expr,
        counts: AShares,
        labels: Vec<String>,
        checks: impl FnOnce(&mut Self) -> Result<()>,
    ) -> Result<()> {
        self.deferred_cells.push((counts, labels));
        let done = checks(self);
        let (counts, labels) = self.take_deferred();
        done?;
        if counts.is_empty() {
            return Ok(());
        }
        self.check_cells(e, &counts, &labels)
    }

    /// The cells deferred by [`Self::check_with_cells`], concatenated, and forgotten.
    pub(super) fn take_deferred(&mut self) -> (AShares, Vec<String>) {
        let cells = std::mem::take(&mut self.deferred_cells);
        let counts = AShares::concat(&cells.iter().map(|(c, _)| c).collect::<Vec<_>>());
        (counts, cells.into_iter().flat_map(|(_, l)| l).collect())
    }

    /// The small-cell rule on `counts` (shares, one per label). Reveals one bit per cell.
    pub(crate) fn check_cells(
        &mut self,
        e: &Expr,
        counts: &AShares,
        labels: &[String],
    ) -> Result<()> {
        self.check_counts(e, counts, labels, true)
    }

    /// The small-cell rule: each count 0 or at least `min_cell`; without `zero_ok` (counts of
    /// rows chosen by comparing numbers), 0 is refused too, so that a refusal cannot be told
    /// from a zero (the "refusals say nothing" rule of `docs/security.md`).
    pub(crate) fn check_counts(
        &mut self,
        e: &Expr,
        counts: &AShares,
        labels: &[String],
        zero_ok: bool,
    ) -> Result<()> {
        let bad = self.cell_batch(counts, zero_ok).finish(self.p)?.small;
        self.cell_verdict(e, labels, &bad, zero_ok)
    }

    /// A batch with the small-cell rule on `counts` (0 refused too without `zero_ok`).
    fn cell_batch(&self, counts: &AShares, zero_ok: bool) -> Batch {
        let mut batch = Batch::default();
        let shift = u64::from(!zero_ok);
        let t = self.policy.min_cell + shift;
        batch.small_nonzero(
            &counts.add_const(self.p.id(), shift),
            &vec![t; counts.len()],
        );
        batch
    }

    /// The refusal for the cells `labels` whose test found a violation in `bad`, if any.
    pub(super) fn cell_verdict(
        &self,
        e: &Expr,
        labels: &[String],
        bad: &[bool],
        zero_ok: bool,
    ) -> Result<()> {
        let offenders: Vec<&str> = labels
            .iter()
            .zip(bad)
            .filter(|(_, b)| **b)
            .map(|(l, _)| l.as_str())
            .collect();
        if offenders.is_empty() {
            return Ok(());
        }
        Err(self.cell_refusal(e, &offenders, zero_ok))
    }

    /// [`Self::check_counts`], then the counts opened: in the perturbation mode, with the
    /// cell-key noise of each cell, whose key is `keys.1` of the dot products `keys.0`
    /// (`None`: not perturbed). The dot products run in the round of the rule's products, the
    /// coins in its sign-bit circuit and their conversion in the round that opens its bits
    /// (`Batch`), and the noisy counts are opened from additive shares: no round more than
    /// the rule and an exact opening.
    pub(crate) fn released_counts(
        &mut self,
        e: &Expr,
        counts: &AShares,
        labels: &[String],
        zero_ok: bool,
        keys: Option<CellKeys<'_>>,
    ) -> Result<Vec<u64>> {
        let verdict = self.counts_batch(counts, zero_ok, keys, false)?;
        let d = self.noise_width();
        self.cell_verdict(e, labels, &verdict.small, zero_ok)?;
        let none = AShares::from_parts(vec![], vec![]);
        Ok(match verdict.coins {
            Some(c) => c.open_noisy(self.p, counts, &none, d)?,
            None => self.p.reveal(counts)?,
        })
    }

    /// The small-cell rule on `counts` in one batch, with the coins of their cell-key noise
    /// (`keys`, in the perturbation mode) and, with `below`, a second bit per cell: `c <
    /// min_cell`, zero included (small-cell suppression tells zeros from large cells by it).
    pub(super) fn counts_batch(
        &mut self,
        counts: &AShares,
        zero_ok: bool,
        keys: Option<CellKeys<'_>>,
        below: bool,
    ) -> Result<sharestat_stats::disclose::Verdict> {
        let mut batch = self.cell_batch(counts, zero_ok);
        if below {
            let k = self.policy.min_cell;
            batch.small_nonzero(
                &counts.add_const(self.p.id(), 1),
                &vec![k + 1; counts.len()],
            );
        }
        if let Some((pairs, cell_keys)) = keys {
            let dots = batch.products(self.p, pairs)?;
            batch.coins(&cell_keys(dots), 2 * self.noise_width());
        }
        Ok(batch.finish(self.p)?)
    }

    /// The refusal of the small-cell rule for the cells `offenders` of `e`.
    pub(super) fn cell_refusal(&self, e: &Expr, offenders: &[&str], zero_ok: bool) -> EvalError {
        let k = self.policy.min_cell;
        EvalError::refused(
            e,
            "min_cell",
            format!(
                "in `{e}`, the cell{} {} would count {}",
                if offenders.len() == 1 { "" } else { "s" },
                offenders
                    .iter()
                    .map(|l| format!("`{l}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                match (zero_ok, k.saturating_sub(1)) {
                    (false, 0) => "no rows (a condition that compares numbers must select \
                                   some patients: a threshold moved until nobody is left \
                                   would find the extreme value)"
                        .to_owned(),
                    (false, m) => format!("between 0 and {m} rows"),
                    (true, m) => format!("between 1 and {m} rows"),
                }
            ),
        )
    }
}
