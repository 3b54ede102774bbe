//! Cost limits of a query (the study policy's `max_rows` and `max_rows_factor`): checked
//! where private vectors and tables grow, before anything is allocated, so that a query like
//! `x <- c(x, x)` repeated cannot exhaust the nodes' memory.
//!
//! Public vectors (computed in the clear) are bounded by `max_rows` alone: they cost memory
//! too, but do not grow with the study.
//!
//! The memory limit (`max_query_memory_mb`) bounds the shares the query's variables hold on a
//! node: checked at every assignment, with the new value in place of the old one. A single
//! statement's temporaries are bounded by the row limit.
//!
//! Both limits depend only on public information (the policy, the datasets' row counts and
//! the lengths of values), so the three nodes refuse at the same statement without
//! communicating.
use super::value::{Value, layout_rows};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use crate::span::Span;

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

    /// Refuses the assignment of `value` to `target` (statement `span`) when the query's
    /// variables would then hold more shares than `max_query_memory_mb` allows.
    pub(crate) fn check_memory(&self, span: Span, target: &str, value: &Value) -> Result<()> {
        let others: u64 = self
            .vars
            .iter()
            .filter(|(name, _)| name.as_str() != target)
            .map(|(_, v)| v.share_bytes())
            .fold(0, u64::saturating_add);
        let total = others.saturating_add(value.share_bytes());
        let limit = self.policy.query_memory_limit();
        if total <= limit {
            return Ok(());
        }
        Err(EvalError::Limit {
            span,
            limit: "max_query_memory_mb",
            message: format!(
                "assigning `{target}` would make the query's variables hold {} of shares \
                 on each node ({} for `{target}`); the study's limit is {} MB \
                 (max_query_memory_mb): reuse variable names, keep fewer columns, or split the \
                 analysis into several queries",
                bytes(total),
                bytes(value.share_bytes()),
                self.policy.max_query_memory_mb
            ),
        })
    }
}

/// `b` bytes for a reader: `768 bytes`, `5.4 kB`, `160.0 MB`, `8.2 GB`.
fn bytes(b: u64) -> String {
    let f = b as f64;
    match b {
        0..1_000 => format!("{b} bytes"),
        1_000..1_000_000 => format!("{:.1} kB", f / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", f / 1e6),
        _ => format!("{:.1} GB", f / 1e9),
    }
}
