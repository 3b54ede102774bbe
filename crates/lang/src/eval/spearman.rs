//! `cor(x, y, method = "spearman")`: Pearson's correlation of midranks (ties get the mean of
//! their ranks, as R's `rank`), without opening any value, for any number of rows.
//!
//! The ranks come from two oblivious sorts with equality batches and affine scans
//! (`sharestat_stats::rank::spearman_sums`): twice the midranks, whose correlation is the
//! same. **Reveals** what `cor` reveals, of the ranks: `n`, `Σr`, `Σs`, `Σr²`, `Σs²`, `Σrs`.
//! Cost: two sorts of `n` rows (as `median`, twice) and `4⌈log2 n⌉` scan rounds.
use super::agg::{cor_from_sums, private_pair};
use super::value::{PrivVec, Value};
use super::{Evaluator, Result};
use crate::ast::Expr;
use sharestat_stats::rank::spearman_sums;

impl Evaluator<'_> {
    /// Spearman's rank correlation of two private vectors (`None`: `NA`).
    pub(crate) fn spearman(
        &mut self,
        e: &Expr,
        x: Value,
        y: Value,
        complete: bool,
    ) -> Result<Option<(u64, f64)>> {
        let (x, y) = private_pair(e, x, y)?;
        let sel = self.and_mask(x.sel.clone(), y.sel.clone())?;
        let present = self.and_mask(x.present.clone(), y.present.clone())?;
        if !complete && present.is_some() {
            // Without use = "complete.obs", a missing value makes the answer NA, as in R.
            let probe = PrivVec {
                sel: sel.clone(),
                present: present.clone(),
                ..x.clone()
            };
            if let super::agg::Input::HasNa = self.input(e, probe, false)? {
                return Ok(None);
            }
        }
        self.check_selection(e, &sel, &x.layout)?;
        let used = self.and_mask(sel, present)?;
        let m = self.mask_or_ones(&used, x.len());
        // Ranks compare a vector with itself only: its own encoding scale is fine.
        let o = spearman_sums(self.p, &x.data, &y.data, &m)?;
        Ok(cor_from_sums(&o))
    }
}
