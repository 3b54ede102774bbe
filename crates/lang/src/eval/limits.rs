//! Cost limits of a query (the study policy's `max_rows` and `max_rows_factor`): checked
//! where private vectors and tables grow, before anything is allocated, so that a query like
//! `x <- c(x, x)` repeated cannot exhaust the nodes' memory.
//!
//! Public vectors (computed in the clear) are bounded by `max_rows` alone: they cost memory
//! too, but do not grow with the study.
//!
//! The row limit depends only on public information (the policy and the datasets' row
//! counts), so the three nodes refuse at the same statement without communicating.
use super::value::{Value, layout_rows};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;

impl Evaluator<'_> {
    /// The most rows a private vector or table of this query may have:
    /// `min(max_rows, max_rows_factor x the rows of all datasets the query can load)`.
    pub(crate) fn row_limit(&self) -> u64 {
        let study_rows: u64 = self
            .env
            .datasets
            .keys()
            .filter_map(|d| self.data.rows(d))
            .map(|r| r as u64)
            .fold(0, u64::saturating_add);
        self.policy.row_limit(study_rows)
    }

    /// Refuses `c(vals...)` (expression `e`) when its result would be too long: more rows than
    /// [`Evaluator::row_limit`] if any part is private, more than `max_rows` elements if all
    /// are public. Call it before combining.
    pub(crate) fn check_combined_values(&self, e: &Expr, vals: &[Value]) -> Result<()> {
        let len = |v: &Value| match v {
            Value::Vec(v) => v.len(),
            Value::Table(t) => layout_rows(&t.layout),
            Value::Pub(p) => p.len(),
        };
        if vals.iter().any(|v| !matches!(v, Value::Pub(_))) {
            return self.check_combined_rows(e, vals.iter().map(len));
        }
        let n = vals
            .iter()
            .map(|v| len(v) as u64)
            .fold(0, u64::saturating_add);
        if n <= self.policy.max_rows {
            return Ok(());
        }
        Err(EvalError::Limit {
            span: e.span,
            limit: "max_rows",
            message: format!(
                "`{e}` would have {n} elements; the study's limit is {} (max_rows)",
                self.policy.max_rows
            ),
        })
    }

    /// Refuses `e` (a `c()` or `rbind()` of parts with `parts` rows each) when the result
    /// would have more rows than [`Evaluator::row_limit`]. Call it before combining.
    pub(crate) fn check_combined_rows(
        &self,
        e: &Expr,
        parts: impl IntoIterator<Item = usize>,
    ) -> Result<()> {
        let rows = parts
            .into_iter()
            .map(|r| r as u64)
            .fold(0, u64::saturating_add);
        let limit = self.row_limit();
        if rows <= limit {
            return Ok(());
        }
        Err(EvalError::Limit {
            span: e.span,
            limit: "max_rows",
            message: format!(
                "`{e}` would have {rows} rows; the study's limit is {limit} (max_rows = {}, \
                 max_rows_factor = {} times the study's rows)",
                self.policy.max_rows, self.policy.max_rows_factor
            ),
        })
    }
}
