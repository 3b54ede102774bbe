//! Disclosure rules for quantiles (`quantile`, `median`, `summary`, `min`, `max`, `range`).
//!
//! A type 7 quantile interpolates between two neighbouring order statistics `x_(i)` and
//! `x_(i+1)`; two releases that share one of them give two equations in three unknowns, and a
//! third gives them all (`quantile(x, c(0.96, 0.98))` on 24 rows returns both order statistics
//! around the maximum, hence the maximum). The rules:
//!
//! - **Near the ends**: without `allow_extremes`, each order statistic a quantile reads must
//!   have at least `min_cell - 1` others on either side (it is at worst the `min_cell`-th
//!   value from an end, which `sum(x > k)` could find anyway by moving `k` until a count of
//!   `min_cell` is refused).
//! - **No shared order statistics**: the order statistics that two released quantiles of one
//!   set of rows read must be disjoint, unless both releases are the same number (the same
//!   order statistics with the same weights). This holds within a query and across the
//!   study's queries: every released quantile is remembered with its rows (as shares), its
//!   `n` and its plan, and a new one whose plan overlaps an earlier one of the same `n` is
//!   refused if its rows are the same (one secure equality bit per such earlier release).
//!   Any vector on the same rows counts as the same (the rule does not trust that two
//!   expressions are different columns); a vector whose order is reversed (`-x`, `10 - x`)
//!   is compared in the reversed ranks.
use super::disclose::{Released, differences};
use super::value::Seg;
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use sharestat_mpc::AShares;
use sharestat_stats::disclose::small_nonzero_mod32;
use sharestat_stats::{Column, order};

/// A released set of quantiles, remembered for the rule on shared order statistics.
#[derive(Clone, Debug)]
pub struct QuantileRelease {
    /// The dataset versions of the rows, in order (the rows are the same only if these are).
    versions: Vec<String>,
    /// The rows used, per dataset version (`None`: every row of the layout).
    rows: Option<Released>,
    /// Number of values.
    n: u64,
    /// Per quantile: the order statistics read (0-based ranks, ascending order of the source)
    /// and the weight of the upper one.
    plan: Vec<(usize, usize, u64)>,
    /// Where it came from (see `Evaluator::provenance`): a repeated query adds nothing.
    key: u64,
}

impl QuantileRelease {
    /// The public parts (everything but the rows) as JSON, for the node's store.
    pub(crate) fn public_json(&self) -> String {
        serde_json::json!({
            "versions": self.versions,
            "n": self.n,
            "plan": self.plan,
            "key": self.key.to_string(),
        })
        .to_string()
    }

    /// A release read back from the node's store: its public parts ([`Self::public_json`])
    /// and its rows.
    pub(crate) fn from_stored(json: &str, rows: Option<Released>) -> Option<QuantileRelease> {
        let v: serde_json::Value = serde_json::from_str(json).ok()?;
        let versions = v["versions"]
            .as_array()?
            .iter()
            .map(|s| s.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()?;
        let plan = v["plan"]
            .as_array()?
            .iter()
            .map(|t| {
                let t = t.as_array()?;
                let u = |i: usize| t.get(i)?.as_u64();
                Some((u(0)? as usize, u(1)? as usize, u(2)?))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(QuantileRelease {
            versions,
            rows,
            n: v["n"].as_u64()?,
            plan,
            key: v["key"].as_str()?.parse().ok()?,
        })
    }

    /// The rows used, per dataset version (`None`: every row).
    pub(crate) fn rows(&self) -> Option<&Released> {
        self.rows.as_ref()
    }
}

/// The order statistics a planned quantile reads: one when it falls on a value.
fn reads(&(lo, hi, w): &(usize, usize, u64)) -> Vec<usize> {
    if w == 0 || lo == hi {
        vec![lo]
    } else {
        vec![lo, hi]
    }
}

/// Two planned quantiles overlap: they read a common order statistic and are not the same
/// number.
fn overlap(a: &(usize, usize, u64), b: &(usize, usize, u64)) -> bool {
    let (ra, rb) = (reads(a), reads(b));
    let same = ra == rb && (a.2 == b.2 || ra.len() == 1);
    !same && ra.iter().any(|i| rb.contains(i))
}

/// The plan in the ranks of the source order when the values' order is reversed.
fn canonical(
    plan: &[(usize, usize, u64)],
    n: u64,
    reversed: bool,
    unit: u64,
) -> Vec<(usize, usize, u64)> {
    if !reversed {
        return plan.to_vec();
    }
    let last = n as usize - 1;
    plan.iter()
        .map(|&(lo, hi, w)| {
            let w2 = if w == 0 { 0 } else { unit - w };
            (last - hi, last - lo, w2)
        })
        .collect()
}

impl Evaluator<'_> {
    /// The quantiles of `col` (the rows of `layout` that it uses) at `probs`, after the rules
    /// of this module; `None` when no value is present. Reveals `n`, then the quantiles. The
    /// sort keys have `bits` bits (`super::checks::key_bits` of the column's range).
    pub(crate) fn checked_quantiles(
        &mut self,
        e: &Expr,
        (col, bits): (&Column, u32),
        layout: &[Seg],
        reversed: bool,
        probs: &[f64],
    ) -> Result<Option<Vec<f64>>> {
        let (keys, n) = order::moved_keys_in(self.p, col, bits)?;
        if n == 0 {
            return Ok(None);
        }
        self.quantile_release(e, col, (layout, reversed), probs, n)?;
        Ok(order::quantiles_of_keys_in(
            self.p,
            col,
            (&keys, bits),
            n,
            probs,
        )?)
    }

    /// The rules of this module for releasing the quantiles at `probs` of the `n` present
    /// values of `col` (the rows of `layout` it uses), and the release's entry in the study's
    /// record; the plan of order statistics to read (`order::quantile_plan`). For callers that
    /// read the order statistics themselves (`table1`, from one sort of the column).
    pub(crate) fn quantile_release(
        &mut self,
        e: &Expr,
        col: &Column,
        (layout, reversed): (&[Seg], bool),
        probs: &[f64],
        n: u64,
    ) -> Result<Vec<(usize, usize, u64)>> {
        let plan = order::quantile_plan(n, probs);
        let k = self.policy.min_cell;
        if !self.policy.allow_extremes {
            for (&(lo, hi, _), p) in plan.iter().zip(probs) {
                if (lo as u64) + 1 < k || n - (hi as u64) < k {
                    return Err(EvalError::refused(
                        e,
                        "allow_extremes",
                        format!(
                            "the {} quantile of `{e}` would read a value among the {} \
                             smallest or largest; the study policy does not allow values so \
                             close to a single patient's",
                            crate::display::fmt_num(*p),
                            k.saturating_sub(1)
                        ),
                    ));
                }
            }
        }
        for (i, a) in plan.iter().enumerate() {
            if plan[..i].iter().any(|b| overlap(a, b)) {
                return Err(overlap_refusal(e));
            }
        }
        let unit = 1u64 << 24;
        let canon = canonical(&plan, n, reversed, unit);
        let versions: Vec<String> = layout
            .iter()
            .map(|s| self.data.version(&s.dataset))
            .collect();
        let rows = match &col.present {
            None => None,
            Some(m) => Some(self.released_parts(m, layout)?),
        };
        // Earlier releases with the same n and versions whose plan overlaps: are they on the
        // same rows? (One bit each, revealed only as this refusal.)
        let mut diffs = Vec::new();
        // (The record is read in place: `difference` borrows only the engine.)
        let total = layout.iter().map(|s| s.rows).sum::<usize>();
        let me = self.p.id();
        for q in &self.history.quantiles {
            if q.n != n || q.versions != versions {
                continue;
            }
            if !canon.iter().any(|a| q.plan.iter().any(|b| overlap(a, b))) {
                continue;
            }
            if rows.is_none() && q.rows.is_none() {
                return Err(overlap_refusal(e));
            }
            diffs.push(difference(
                self.p,
                me,
                rows.as_ref(),
                q.rows.as_ref(),
                total,
            )?);
        }
        if !diffs.is_empty() {
            let all = AShares::concat(&diffs.iter().collect::<Vec<_>>());
            // |S Δ H| + 1 in (0, 2): the rows are the same.
            let shifted = all.add_const(self.p.id(), 1);
            let same = small_nonzero_mod32(self.p, &shifted, &vec![2; diffs.len()])?;
            if same.iter().any(|b| *b) {
                return Err(overlap_refusal(e));
            }
        }
        if !self.replay {
            let parts: super::disclose::Released = match &rows {
                Some(r) => r.clone(),
                None => versions
                    .iter()
                    .map(|v| (v.clone(), AShares::from_parts(vec![], vec![])))
                    .collect(),
            };
            let key = self.provenance(&parts);
            if !self.history.quantiles.iter().any(|q| q.key == key) {
                // Bounded as the record of subsets is: refused, never forgotten, when full.
                let held: usize = self
                    .history
                    .quantiles
                    .iter()
                    .flat_map(|q| q.rows.iter().flatten())
                    .map(|(_, m)| m.len())
                    .sum();
                let new = rows.iter().flatten().map(|(_, m)| m.len()).sum::<usize>();
                if held + new > super::disclose::HISTORY_ROWS.max(new) {
                    return Err(EvalError::refused(
                        e,
                        "history_full",
                        "the study's record of released quantiles is full; releasing another \
                         would need forgetting one, which would let their order statistics be \
                         combined",
                    ));
                }
                self.history.quantiles.push(QuantileRelease {
                    versions,
                    rows,
                    n,
                    plan: canon,
                    key,
                });
            }
        }
        Ok(plan)
    }
}

/// `|S Δ H|` of two row sets of `total` rows (`None`: every row), as shares.
fn difference(
    p: &mut sharestat_mpc::Party,
    me: sharestat_mpc::PartyId,
    s: Option<&Released>,
    h: Option<&Released>,
    total: usize,
) -> Result<AShares> {
    let zero = AShares::from_parts(vec![0], vec![0]);
    Ok(match (s, h) {
        (None, None) => zero,
        (Some(x), None) | (None, Some(x)) => {
            let size = x.iter().fold(zero, |acc, (_, m)| acc.add(&m.sum()));
            size.neg().add_const(me, total as u64)
        }
        (Some(a), Some(b)) => differences(p, a, &[b])?.remove(0),
    })
}

/// The refusal of the rule on shared order statistics.
fn overlap_refusal(e: &Expr) -> EvalError {
    EvalError::refused(
        e,
        "quantile_overlap",
        format!(
            "`{e}` would read an order statistic that another released quantile of the same \
             rows also reads; together they would give single values. Ask for all the \
             quantiles you need at once, with probabilities further apart"
        ),
    )
}
