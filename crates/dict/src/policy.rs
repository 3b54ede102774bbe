//! The study's disclosure policy: the rules every node checks before any output leaves the
//! secure computation (design brief §7). A TOML document agreed by the consortium; each node
//! holds its own copy (and its hash) and enforces it independently, so a node with a stricter
//! copy vetoes a query the others would allow.
//!
//! Defaults are the brief's (stricter than DataSHIELD's 3): counts 0 or >= 5, subsets of >= 5
//! rows leaving >= 5 out, at most 40 levels, no single-patient values (min, max, quantiles 0
//! and 1) unless `allow_extremes`.
//!
//! The policy also bounds what one query or upload may cost (see [`Policy::max_rows`] and the
//! fields after it), so that one researcher cannot exhaust the nodes' memory or time: private
//! vectors and tables at most `min(max_rows, max_rows_factor x the study's rows)` rows, a query
//! at most `max_query_seconds` of wall time, a user at most `max_concurrent_queries` queries in
//! flight on a node, an upload at most `max_upload_rows` rows, a query's secure operations at
//! most `max_query_traffic_mb` of messages sent by each node, and its variables at most
//! `max_query_memory_mb` of shares held by each node.
use serde::{Deserialize, Serialize};

/// A disclosure policy.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    /// Any revealed count (table cell, subset or group size) must be 0 or at least this.
    pub min_cell: u64,
    /// A subset (filter or group) must have at least this many rows.
    pub min_subset: u64,
    /// A subset must leave out no rows or at least this many (blocks "all but one"
    /// differencing).
    pub min_complement: u64,
    /// At most this many levels per dimension of a revealed table.
    pub max_levels: usize,
    /// Whether outputs that are one patient's value (min, max, quantiles 0 and 1) may leave.
    pub allow_extremes: bool,
    /// Whether survival analyses may reveal the distinct event and censoring times with their
    /// counts (the Kaplan-Meier table, as the pilot did); otherwise they are refused, or
    /// coarsened to `event_time_grid`.
    pub allow_event_times: bool,
    /// When event times are not allowed: survival analyses may still run on times rounded up
    /// to multiples of this many units of the time column (e.g. 1: whole months, 3: quarters),
    /// revealing only the counts per grid time. Unset: they are refused.
    pub event_time_grid: Option<u32>,
    /// Cost limit: no private vector or table of a query (in particular after `c()` or
    /// `rbind()`) may have more rows than this, whatever the study's size. The default, 10^7,
    /// is ten times the benchmarked 10^6-row study; a secure sort (`median`) holds about 400
    /// bytes per row on each node, so about 4 GB at the limit.
    pub max_rows: u64,
    /// Cost limit relative to the study: no private vector or table may have more rows than
    /// this many times the rows of all the study's datasets together. The default, 4, allows
    /// pooling every site (`rbind` of all datasets: 1x) and stacking a few columns of the
    /// pooled table (`c(d$a, d$b)`), and refuses repeated self-replication early
    /// (`x <- c(x, x)` the third time).
    pub max_rows_factor: u64,
    /// Cost limit: a query running longer than this many seconds of wall time is cancelled on
    /// all three nodes. May be fractional. The default, 600, is well above the slowest
    /// benchmarked analysis (Cox models at 10^6 rows).
    pub max_query_seconds: f64,
    /// Cost limit: one user may have at most this many queries submitted or running on a node
    /// at once (counted by each node, as front or peer); the next is refused (HTTP 429).
    pub max_concurrent_queries: u32,
    /// Cost limit: an upload may declare at most this many rows (and so at most
    /// `ceil(max_upload_rows / 65536)` chunks). The default is [`Policy::max_rows`]' default.
    pub max_upload_rows: u64,
    /// Cost limit on a query's secure operations: each node sends at most this many
    /// megabytes (10^6 bytes) for one query (every secure multiplication, comparison, sort and
    /// opening is counted by what it sends); the protocol step that would exceed it is not
    /// run and the query is cancelled on all three nodes. May be fractional. The default,
    /// 50 000 (50 GB, about 7 minutes of a 1 Gbit/s link), is well above the heaviest
    /// benchmarked analysis at 10^6 rows.
    pub max_query_traffic_mb: f64,
    /// Cost limit on a query's memory: the variables of a query (private vectors, their
    /// masks, the columns it adds to tables) may hold at most this many megabytes of shares
    /// on each node; an assignment past it is refused at the same statement on every node
    /// (sizes are public). Temporaries of one statement are bounded by the row limit. May be
    /// fractional. The default, 8192, is 50 vectors of the 10^7-row limit.
    pub max_query_memory_mb: f64,
    /// Output perturbation: `"none"`, or `"cell_key"` (the cell-key method of statistical
    /// offices): every released count gets a noise drawn from the cell's key, the sum of
    /// secret per-row keys, so the same rows always get the same noise and differences of
    /// overlapping releases are noisy.
    pub perturbation: Perturbation,
    /// What a table with cells under `min_cell` does: `"refuse"` (the whole table, naming the
    /// cells) or `"suppress"` (the clinical-reporting convention: those cells print as `*`,
    /// with secondary suppression so that none can be worked out from the other cells, the
    /// margins and the total; a table that cannot be protected so is refused).
    pub small_cells: SmallCells,
    /// Largest absolute noise of the cell-key method (the noise is binomial on
    /// `-D..=D`, variance `D / 2`).
    pub cell_key_noise: u32,
    /// Noise unit of a perturbed sum: `2^-cell_key_sum_bits` of `2^b`, the power of two
    /// at or above the largest magnitude among the summed values (so between
    /// `2^-bits` and `2^(1-bits)` of the largest contribution); the sum's noise is that unit
    /// times a draw on `-D..=D` from the cell key, the sum of squares' (for `var`, `sd`)
    /// the unit times `2^b` times another draw. 0 to 16; the default, 4, gives a noise of
    /// about a sixteenth of the largest value per unit of `D`.
    pub cell_key_sum_bits: u32,
    /// Leverage rule of `lm` and `coxph`: no row used by a model may have a hat value
    /// `h_i = x_iᵀ(XᵀX)⁻¹x_i` (its weight in its own fitted value) above this; checked
    /// securely, one bit revealed. A regressor isolating one row gives it `h = 1` (its
    /// response follows exactly from the coefficients), a group of `k` rows `1/k`. The
    /// default, 0.9, refuses rows whose residual variance `σ²(1 - h)` is below a tenth of the
    /// model's (response recoverable to a third of `σ`) and keeps ordinary outliers (the
    /// adrenal fixture's largest tumour has 0.866 in `ptv_cc ~ gtv_cc`); 0.5 is Huber's
    /// bound for rows that dominate their own fit; 1 turns the rule off.
    pub max_leverage: f64,
}

/// How released counts are perturbed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Perturbation {
    /// Exact counts.
    #[default]
    None,
    /// Cell-key perturbation.
    CellKey,
}

/// What a frequency table does with cells under `min_cell`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SmallCells {
    /// The table is refused, the refusal naming its small cells.
    #[default]
    Refuse,
    /// Small cells (and the complementary cells that protect them) print as `*`.
    Suppress,
}

/// Policies carry no NaN: [`Policy::parse`] refuses a non-finite `max_query_seconds`,
/// `max_query_traffic_mb`, `max_query_memory_mb` or `max_leverage`, and
/// JSON, in which nodes exchange policies, has no NaN.
impl Eq for Policy {}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            min_cell: 5,
            min_subset: 5,
            min_complement: 5,
            max_levels: 40,
            allow_extremes: false,
            allow_event_times: false,
            event_time_grid: None,
            // New studies perturb counts: the defence against combinations of several
            // releases (docs/security.md); a study that must publish exact counts says so.
            perturbation: Perturbation::CellKey,
            small_cells: SmallCells::Refuse,
            cell_key_noise: 2,
            cell_key_sum_bits: 4,
            max_leverage: 0.9,
            max_rows: 10_000_000,
            max_rows_factor: 4,
            max_query_seconds: 600.0,
            max_concurrent_queries: 2,
            max_upload_rows: 10_000_000,
            max_query_traffic_mb: 50_000.0,
            max_query_memory_mb: 8_192.0,
        }
    }
}

/// A policy document that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// Not TOML, an unknown key, or a value of the wrong type (position included).
    #[error("disclosure policy: {0}")]
    Syntax(String),
    /// A rule that would let everything out or nothing.
    #[error("disclosure policy: {0}")]
    Invalid(String),
}

impl Policy {
    /// Parses and checks a policy document; absent keys take the defaults.
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        let p: Policy = toml::from_str(text).map_err(|e| PolicyError::Syntax(e.to_string()))?;
        if p.min_cell == 0 || p.min_subset == 0 {
            return Err(PolicyError::Invalid(
                "min_cell and min_subset must be at least 1".into(),
            ));
        }
        if p.event_time_grid == Some(0) {
            return Err(PolicyError::Invalid(
                "event_time_grid must be at least 1".into(),
            ));
        }
        if !(1..=8).contains(&p.cell_key_noise) {
            return Err(PolicyError::Invalid(
                "cell_key_noise must be between 1 and 8".into(),
            ));
        }
        if p.cell_key_sum_bits > 16 {
            return Err(PolicyError::Invalid(
                "cell_key_sum_bits must be between 0 and 16".into(),
            ));
        }
        if !(p.max_leverage > 0.0 && p.max_leverage <= 1.0) {
            return Err(PolicyError::Invalid(
                "max_leverage must be above 0 and at most 1".into(),
            ));
        }
        if p.max_levels < 2 {
            return Err(PolicyError::Invalid("max_levels must be at least 2".into()));
        }
        for (name, v) in [
            ("max_rows", p.max_rows),
            ("max_rows_factor", p.max_rows_factor),
            (
                "max_concurrent_queries",
                u64::from(p.max_concurrent_queries),
            ),
            ("max_upload_rows", p.max_upload_rows),
        ] {
            if v == 0 {
                return Err(PolicyError::Invalid(format!("{name} must be at least 1")));
            }
        }
        for (name, v, unit) in [
            ("max_query_seconds", p.max_query_seconds, "seconds"),
            ("max_query_traffic_mb", p.max_query_traffic_mb, "megabytes"),
            ("max_query_memory_mb", p.max_query_memory_mb, "megabytes"),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(PolicyError::Invalid(format!(
                    "{name} must be a positive number of {unit}"
                )));
            }
        }
        Ok(p)
    }

    /// The most rows a private vector or table may have in a study whose datasets hold
    /// `study_rows` rows together: `min(max_rows, max_rows_factor x study_rows)`, at least 1.
    pub fn row_limit(&self, study_rows: u64) -> u64 {
        self.max_rows
            .min(self.max_rows_factor.saturating_mul(study_rows))
            .max(1)
    }

    /// The wall-time limit of a query.
    pub fn query_time_limit(&self) -> std::time::Duration {
        // Parsed policies hold a finite positive number; anything else (a policy built in code)
        // saturates rather than panics.
        std::time::Duration::try_from_secs_f64(self.max_query_seconds)
            .unwrap_or(std::time::Duration::MAX)
    }

    /// The most bytes a node may send for one query (`max_query_traffic_mb`).
    pub fn query_traffic_limit(&self) -> u64 {
        megabytes(self.max_query_traffic_mb)
    }

    /// The most bytes of shares a query's variables may hold on a node
    /// (`max_query_memory_mb`).
    pub fn query_memory_limit(&self) -> u64 {
        megabytes(self.max_query_memory_mb)
    }

    /// Checks one revealed count: `Err(rule)` naming the rule when it is between 1 and
    /// `min_cell - 1` (the count itself is never part of the message).
    pub fn check_count(&self, count: u64) -> Result<(), String> {
        if count == 0 || count >= self.min_cell {
            Ok(())
        } else {
            Err(format!(
                "min_cell: counts must be 0 or at least {}",
                self.min_cell
            ))
        }
    }

    /// The grid survival analyses use: `Some(0)` exact times, `Some(g)` times rounded up to
    /// multiples of `g`, `None` refused.
    pub fn time_grid(&self) -> Option<u32> {
        if self.allow_event_times {
            Some(0)
        } else {
            self.event_time_grid
        }
    }

    /// The policy that applies when several nodes hold different copies: every threshold at
    /// its strictest, extremes and event times only if all allow them, the coarsest grid.
    pub fn strictest(&self, other: &Policy) -> Policy {
        let allow = self.allow_event_times && other.allow_event_times;
        let event_time_grid = if allow {
            self.event_time_grid.max(other.event_time_grid)
        } else {
            match (self.time_grid(), other.time_grid()) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            }
        };
        Policy {
            event_time_grid,
            min_cell: self.min_cell.max(other.min_cell),
            min_subset: self.min_subset.max(other.min_subset),
            min_complement: self.min_complement.max(other.min_complement),
            max_levels: self.max_levels.min(other.max_levels),
            allow_extremes: self.allow_extremes && other.allow_extremes,
            allow_event_times: allow,
            perturbation: self.perturbation.max(other.perturbation),
            // Refusing shows less than suppressing.
            small_cells: self.small_cells.min(other.small_cells),
            cell_key_noise: self.cell_key_noise.max(other.cell_key_noise),
            cell_key_sum_bits: self.cell_key_sum_bits.min(other.cell_key_sum_bits),
            max_leverage: self.max_leverage.min(other.max_leverage),
            max_rows: self.max_rows.min(other.max_rows),
            max_rows_factor: self.max_rows_factor.min(other.max_rows_factor),
            max_query_seconds: self.max_query_seconds.min(other.max_query_seconds),
            max_concurrent_queries: self
                .max_concurrent_queries
                .min(other.max_concurrent_queries),
            max_upload_rows: self.max_upload_rows.min(other.max_upload_rows),
            max_query_traffic_mb: self.max_query_traffic_mb.min(other.max_query_traffic_mb),
            max_query_memory_mb: self.max_query_memory_mb.min(other.max_query_memory_mb),
        }
    }

    /// Whether `self` refuses everything `other` refuses.
    pub fn at_least_as_strict_as(&self, other: &Policy) -> bool {
        self.strictest(other) == *self
    }

    /// Checks a subset of `size` rows out of `total`.
    pub fn check_subset(&self, size: u64, total: u64) -> Result<(), String> {
        if size < self.min_subset {
            return Err(format!(
                "min_subset: a subset needs at least {} rows",
                self.min_subset
            ));
        }
        let left_out = total.saturating_sub(size);
        if left_out > 0 && left_out < self.min_complement {
            return Err(format!(
                "min_complement: a subset must leave out no rows or at least {}",
                self.min_complement
            ));
        }
        Ok(())
    }
}

/// `mb` megabytes in bytes, saturating (a parsed policy holds a finite positive number).
fn megabytes(mb: f64) -> u64 {
    let b = (mb * 1e6).ceil();
    if b.is_nan() || b <= 0.0 {
        0
    } else if b >= u64::MAX as f64 {
        u64::MAX
    } else {
        b as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_adrenal_policy_parses() {
        let text = include_str!("../../../examples/adrenal/policy.toml");
        let p = Policy::parse(text).unwrap();
        assert_eq!(
            p,
            Policy {
                allow_extremes: true,
                allow_event_times: true,
                perturbation: Perturbation::None,
                ..Policy::default()
            }
        );
    }

    #[test]
    fn new_studies_perturb_counts_and_the_strictest_policy_keeps_perturbation() {
        let p = Policy::parse("min_cell = 5\n").unwrap();
        assert_eq!(p.perturbation, Perturbation::CellKey);
        let exact = Policy::parse("perturbation = \"none\"\n").unwrap();
        assert_eq!(exact.perturbation, Perturbation::None);
        assert_eq!(exact.strictest(&p).perturbation, Perturbation::CellKey);
        assert!(!exact.at_least_as_strict_as(&p));
        assert!(Policy::parse("cell_key_noise = 0\n").is_err());
        assert!(Policy::parse("cell_key_sum_bits = 17\n").is_err());
        let coarse = Policy::parse("cell_key_sum_bits = 2\n").unwrap();
        assert_eq!(p.strictest(&coarse).cell_key_sum_bits, 2);
        assert!(Policy::parse("perturbation = \"noise\"\n").is_err());
        let s = Policy::parse("small_cells = \"suppress\"\n").unwrap();
        assert_eq!(s.small_cells, SmallCells::Suppress);
        assert_eq!(s.strictest(&p).small_cells, SmallCells::Refuse);
        assert!(Policy::parse("small_cells = \"hide\"\n").is_err());
    }

    #[test]
    fn defaults_and_errors() {
        assert_eq!(Policy::parse("").unwrap(), Policy::default());
        assert!(
            matches!(Policy::parse("min_cel = 3"), Err(PolicyError::Syntax(m)) if m.contains("min_cel"))
        );
        assert!(matches!(
            Policy::parse("min_cell = 0"),
            Err(PolicyError::Invalid(_))
        ));
        assert!(matches!(
            Policy::parse("min_cell = \"five\""),
            Err(PolicyError::Syntax(_))
        ));
    }

    #[test]
    fn rules() {
        let p = Policy::default();
        assert!(p.check_count(0).is_ok() && p.check_count(5).is_ok());
        let e = p.check_count(3).unwrap_err();
        assert!(e.contains("min_cell") && !e.contains('3'));
        assert!(p.check_subset(4, 100).is_err());
        assert!(
            p.check_subset(96, 100)
                .unwrap_err()
                .contains("min_complement")
        );
        assert!(p.check_subset(50, 100).is_ok());
        assert!(p.check_subset(100, 100).is_ok());
        let strict = Policy {
            min_cell: 10,
            allow_extremes: true,
            ..Policy::default()
        };
        let merged = strict.strictest(&Policy::default());
        assert_eq!(merged.min_cell, 10);
        assert!(!merged.allow_extremes);
        assert!(merged.at_least_as_strict_as(&strict));
        assert!(!Policy::default().at_least_as_strict_as(&strict));
    }

    #[test]
    fn event_time_grids_merge_to_the_coarsest() {
        let exact = Policy {
            allow_event_times: true,
            ..Policy::default()
        };
        let grid = |g| Policy {
            event_time_grid: Some(g),
            ..Policy::default()
        };
        assert_eq!(exact.time_grid(), Some(0));
        assert_eq!(grid(3).time_grid(), Some(3));
        assert_eq!(Policy::default().time_grid(), None);
        assert_eq!(exact.strictest(&grid(3)).time_grid(), Some(3));
        assert_eq!(grid(1).strictest(&grid(6)).time_grid(), Some(6));
        assert_eq!(grid(1).strictest(&Policy::default()).time_grid(), None);
        for p in [exact.clone(), grid(2), Policy::default()] {
            assert_eq!(p.strictest(&p), p);
        }
        // A node that refuses survival analyses vetoes a merged grid; one that allows exact
        // times accepts it.
        let merged = exact.strictest(&grid(3));
        assert!(merged.at_least_as_strict_as(&exact));
        assert!(!merged.at_least_as_strict_as(&Policy::default()));
        assert!(matches!(
            Policy::parse("event_time_grid = 0"),
            Err(PolicyError::Invalid(_))
        ));
        assert_eq!(Policy::parse("event_time_grid = 1").unwrap(), grid(1));
    }

    #[test]
    fn cost_limits_parse_merge_and_validate() {
        let p = Policy::parse(
            "max_rows = 1000\nmax_rows_factor = 2\nmax_query_seconds = 0.25\n\
             max_concurrent_queries = 1\nmax_upload_rows = 500\n",
        )
        .unwrap();
        assert_eq!(
            (p.max_rows, p.max_rows_factor, p.max_concurrent_queries),
            (1000, 2, 1)
        );
        assert_eq!(p.max_upload_rows, 500);
        assert_eq!(p.query_time_limit(), std::time::Duration::from_millis(250));
        // Whole seconds may be written as an integer.
        let whole = Policy::parse("max_query_seconds = 30").unwrap();
        assert_eq!(whole.query_time_limit(), std::time::Duration::from_secs(30));
        // The row limit: the smaller of the absolute and the relative bound, never 0.
        assert_eq!(p.row_limit(100), 200);
        assert_eq!(p.row_limit(10_000), 1000);
        assert_eq!(p.row_limit(0), 1);
        let d = Policy::default();
        assert_eq!(d.row_limit(150), 600);
        assert_eq!(d.row_limit(u64::MAX), 10_000_000);
        // Merged: every limit at its smallest; a looser limit is less strict.
        let merged = d.strictest(&p);
        assert_eq!(merged.max_rows, 1000);
        assert_eq!(merged.max_query_seconds, 0.25);
        assert_eq!(merged.max_concurrent_queries, 1);
        // Traffic and memory in megabytes of 10^6 bytes, fractions allowed, merged to the least.
        let q = Policy::parse("max_query_traffic_mb = 0.5\nmax_query_memory_mb = 2.25\n").unwrap();
        assert_eq!(
            (q.query_traffic_limit(), q.query_memory_limit()),
            (500_000, 2_250_000)
        );
        assert_eq!(d.query_traffic_limit(), 50_000_000_000);
        assert_eq!(d.query_memory_limit(), 8_192_000_000);
        let both = d.strictest(&q);
        assert_eq!(
            (both.max_query_traffic_mb, both.max_query_memory_mb),
            (0.5, 2.25)
        );
        assert!(!d.at_least_as_strict_as(&q));
        assert!(merged.at_least_as_strict_as(&d) && merged.at_least_as_strict_as(&p));
        assert!(!d.at_least_as_strict_as(&p));
        for (text, field) in [
            ("max_rows = 0", "max_rows"),
            ("max_rows_factor = 0", "max_rows_factor"),
            ("max_concurrent_queries = 0", "max_concurrent_queries"),
            ("max_upload_rows = 0", "max_upload_rows"),
            ("max_query_seconds = 0", "max_query_seconds"),
            ("max_query_seconds = -1.5", "max_query_seconds"),
            ("max_query_seconds = inf", "max_query_seconds"),
            ("max_query_seconds = nan", "max_query_seconds"),
            ("max_query_traffic_mb = 0", "max_query_traffic_mb"),
            ("max_query_traffic_mb = -inf", "max_query_traffic_mb"),
            ("max_query_memory_mb = 0", "max_query_memory_mb"),
            ("max_query_memory_mb = nan", "max_query_memory_mb"),
        ] {
            match Policy::parse(text) {
                Err(PolicyError::Invalid(m)) => assert!(m.contains(field), "{text}: {m}"),
                other => panic!("{text}: {other:?}"),
            }
        }
        assert!(matches!(
            Policy::parse("max_rows = -3"),
            Err(PolicyError::Syntax(m)) if m.contains("max_rows")
        ));
        // The policy goes between nodes as JSON and comes back equal.
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Policy>(&json).unwrap(), p);
    }
}
