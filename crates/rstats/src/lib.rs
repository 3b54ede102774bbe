//! # sharestat-rstats: the public side of the statistics, as R computes it
//!
//! A leaf crate (it depends on `statrs`, `serde_json` and `csv` only): what the analysis language computes *in the
//! clear* from the aggregates the secure layer (`sharestat-stats`) reveals. Nothing here sees
//! a share or a patient-level value; each function is R's, checked against R's own values in
//! the language's tests (`crates/lang/tests/`, references from `r/*.R`).
//!
//! - [`colour`]: R's colours as `col2rgb()` reads `col =` (names, codes, palette numbers).
//! - [`htest`]: R's `htest` (a test's result), printed as `print.htest` and as JSON.
//! - [`format`]: R's number formatting (`format(x, digits)`, `format.pval`, `printCoefmat`'s
//!   columns, `signif`).
//! - [`lm`]: R's linear model result, printed as `print.lm` and `print.summary.lm`, and JSON.
//! - [`anova`]: R's analysis of deviance of nested `glm` fits, printed as `print.anova`.
//! - [`aov`]: R's `anova(lm)` and `aov` (`print.aov`, `summary.aov`).
//! - [`glm`]: R's generalised linear model result, printed as `print.glm` and
//!   `print.summary.glm` (R >= 4.3's layout), with `glm.fit`'s warnings, and JSON.
//! - [`pairwise`]: R's `pairwise.htest`, printed as `print.pairwise.htest`, and JSON.
//! - [`table1`]: a study's "Table 1" (characteristics by group, tests chosen as
//!   `gtsummary::add_p`, `tableone`'s SMD) as text, Markdown, CSV and JSON.
//! - [`prop`]: R's `prop.test` (one proportion, or the equality of k).
//! - [`survival`]: Kaplan-Meier curves (Greenwood, log-scale intervals, medians, restricted
//!   means) and the log-rank result type, from an opened `(group, time, event)` multiset;
//!   [`survival_print`]: their printing as R's `print.survfit`/`print.survdiff` and JSON.
//! - [`fisher`]: Fisher's exact test of r x c tables (a network algorithm, as R's without
//!   simulation).
//! - [`alternative`]: R's `alternative =` (`match.arg` of `two.sided`, `less`, `greater`)
//!   and the p-value of the asked tail of a continuous statistic.
//! - [`signrank`]: the exact null distribution of Wilcoxon's signed-rank `V` (R's
//!   `psignrank`).
//! - [`wilcox`]: the exact null distribution of the rank-sum `W` (R's `pwilcox`).
//! - [`kendall`]: the exact null distribution of Kendall's `T` (R's `pkendall`: permutations
//!   by their number of inversions).
//! - [`spearman`]: the null distribution of Spearman's `S` (R's `prho`, algorithm AS 89:
//!   exact by enumeration up to 9 values, an Edgeworth series beyond).
//!
//! Why our own code: `statrs` has the continuous distributions (used here) but none of the
//! rank statistics' exact null distributions, and R's are C code we may not copy; these are
//! written from the published recurrences and algorithm, cited in each module.
#![forbid(unsafe_code)]

pub mod alternative;
pub mod anova;
pub mod aov;
pub mod colour;
pub mod fisher;
pub mod format;
pub mod glm;
pub mod htest;
pub mod kendall;
pub mod lm;
pub mod pairwise;
pub mod predict;
pub mod prop;
pub mod signrank;
pub mod spearman;
pub mod survival;
pub mod survival_print;
pub mod table1;
pub mod wilcox;

pub use alternative::Alt;

/// `P(Q ≤ q)` from the counts of each value `0, 1, ...` of a discrete statistic (`q` below
/// zero: 0; beyond the last: 1).
fn cumulative(counts: &[f64], q: f64) -> f64 {
    if q < 0.0 {
        return 0.0;
    }
    let total: f64 = counts.iter().sum();
    let q = ((q + 1e-7).floor() as usize).min(counts.len() - 1);
    counts[..=q].iter().sum::<f64>() / total
}
