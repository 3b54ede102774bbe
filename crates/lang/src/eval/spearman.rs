//! `cor(x, y, method = "spearman")`: Pearson's correlation of midranks (ties get the mean of
//! their ranks, as R's `rank`), without opening any value, for any number of rows.
//!
//! The ranks come from two oblivious sorts with equality batches and affine scans
//! (`sharestat_stats::rank::spearman_sums`): twice the midranks, whose correlation is the
//! same. **Reveals** what `cor` reveals, of the ranks: `n`, `Σr`, `Σs`, `Σr²`, `Σs²`, `Σrs`.
//! Cost: two sorts of `n` rows (as `median`, twice) and `4⌈log2 n⌉` scan rounds.
use super::pearson::cor_from_sums;
use super::value::Value;
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
        let Some((x, y, used)) = self.pair_input(e, x, y, complete)? else {
            return Ok(None);
        };
        for v in [&x, &y] {
            super::checks::check_key(e, v.range, super::agg::scale(v))?;
        }
        let m = used.unwrap_or_else(|| self.ones(x.len()));
        // Ranks compare a vector with itself only: its own encoding scale is fine.
        let o = spearman_sums(self.p, &x.data, &y.data, &m)?;
        Ok(cor_from_sums(&o))
    }
}
