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
use sharestat_stats::disclose::{Batch, Coins};

/// Released subsets remembered per study. Nothing is ever forgotten: when the record is
/// full, releases of new subsets are refused (`history_full`) rather than letting old ones be
/// pushed out by repeated queries ...
pub const HISTORY_CAP: usize = 4096;

/// ... and at most this many rows in all (memory: 16 bytes of shares per row and subset, so
/// at most 256 MiB per study and node; at 10^6 rows, 16 distinct subsets).
pub const HISTORY_ROWS: usize = 1 << 24;

/// Which of the subset rules apply (see `Evaluator::subset_rules`).
#[derive(Clone, Copy, Debug)]
struct Rules {
    /// Check the size and the complement (not only the difference from earlier subsets).
    sizes: bool,
    /// An empty subset passes (it is refused when its rows were chosen by comparing numbers).
    zero_ok: bool,
}

/// One released subset: per dataset version, this node's shares of the row mask.
pub type Released = Vec<(String, AShares)>;

/// A remembered subset with its provenance key (`None`: unknown).
pub type Record = (Option<u64>, Released);

/// The subsets released in a study, as shares (kept by each node for the study).
#[derive(Debug, Default, Clone)]
pub struct History {
    entries: VecDeque<Released>,
    /// Per entry, where it came from when this node recorded it (see `Evaluator::provenance`):
    /// the same program on the same dataset versions makes the same subsets, so a repeated
    /// query adds nothing. `None` for entries read back from the store.
    keys: VecDeque<Option<u64>>,
    /// Dataset versions that aggregates were released on (`name#id`, see [`super::Data`]):
    /// their dataset's name and rows, for the rule on replaced datasets.
    pub(crate) versions: std::collections::BTreeMap<String, (String, usize)>,
    /// Record keys of the cell-key method per dataset version and per layout of several
    /// (`cell_key.rs`), computed once.
    pub(crate) record_keys: std::collections::HashMap<String, std::sync::Arc<AShares>>,
    /// Magnitude bounds of vectors whose sums were perturbed, by a hash of this node's shares
    /// (`cell_key.rs`): a cache.
    pub(crate) magnitudes: std::collections::HashMap<[u8; 32], AShares>,
    /// Stated bounds securely checked for columns with an open side, per dataset versions
    /// and column (`range.rs`).
    pub(crate) stated: std::collections::HashMap<String, (i64, i64)>,
    /// Released quantiles (see `quantile_rules.rs`; persisted by the node, `record.rs`).
    pub(crate) quantiles: Vec<super::quantile_rules::QuantileRelease>,
    /// Versions of [`History::versions`] the node has persisted (`record.rs`).
    pub(crate) saved_versions: std::collections::BTreeSet<String>,
    /// How many of [`History::quantiles`] the node has persisted (`record.rs`).
    pub(crate) saved_quantiles: usize,
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
        History::from_records(entries.into_iter().map(|e| (None, e)).collect())
    }

    /// As [`History::from_entries`], with each subset's provenance key as recorded (`None`
    /// when unknown). The nodes must hold the same keys: repeated queries are recognised by
    /// them, and every node must make the same decision.
    pub fn from_records(records: Vec<Record>) -> History {
        let (keys, entries): (VecDeque<_>, VecDeque<Released>) = records.into_iter().unzip();
        let mut versions = std::collections::BTreeMap::new();
        for (v, m) in entries.iter().flatten() {
            if let Some((name, _)) = v.split_once('#') {
                versions.insert(v.clone(), (name.to_owned(), m.len()));
            }
        }
        History {
            keys,
            entries,
            versions,
            record_keys: Default::default(),
            magnitudes: Default::default(),
            stated: Default::default(),
            quantiles: Vec::new(),
            saved_versions: Default::default(),
            saved_quantiles: 0,
            added: 0,
        }
    }

    /// The subsets appended since the last call (oldest first) with their provenance keys,
    /// for the node to persist.
    pub fn take_new(&mut self) -> Vec<(Option<u64>, &[(String, AShares)])> {
        #![allow(clippy::type_complexity)]
        let n = self.added.min(self.entries.len());
        self.added = 0;
        let skip = self.entries.len() - n;
        self.keys
            .iter()
            .zip(&self.entries)
            .skip(skip)
            .map(|(k, e)| (*k, e.as_slice()))
            .collect()
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
        self.check_versions(e, layout)?;
        let Some(s) = sel else { return Ok(()) };
        let rules = Rules {
            sizes: true,
            zero_ok: false,
        };
        self.subset_rules(
            e,
            s,
            layout,
            rules,
            &format!("the subset used by `{e}`"),
            None,
            false,
        )?;
        Ok(())
    }

    /// A dataset replaced by its site by a version with 1 to `min_subset - 1` rows more or
    /// fewer than a version that aggregates were released on: totals before and after would
    /// single out the patients added or removed (`version_change`). Records the versions used.
    fn check_versions(&mut self, e: &Expr, layout: &[Seg]) -> Result<()> {
        let k = self.policy.min_subset;
        for seg in layout {
            let v = self.data.version(&seg.dataset);
            let changed = self.history.versions.iter().any(|(w, (name, rows))| {
                let d = seg.rows.abs_diff(*rows) as u64;
                *name == seg.dataset && *w != v && d > 0 && d < k
            });
            if changed {
                return Err(EvalError::refused(
                    e,
                    "version_change",
                    format!(
                        "dataset {:?} was replaced by a version with between 1 and {} rows more or \
                         fewer than a version whose aggregates were released; together they \
                         would single out those patients. Ask the site to add or remove at \
                         least {k} rows at once",
                        seg.dataset,
                        k.saturating_sub(1)
                    ),
                ));
            }
            if !self.replay && v.contains('#') {
                self.history
                    .versions
                    .insert(v, (seg.dataset.clone(), seg.rows));
            }
        }
        Ok(())
    }

    /// The rules on the rows that really shape an aggregate of `v` over `used` (its selected,
    /// present rows): each additive part of `v` ([`super::value::Support`]) must pass the
    /// subset rules on its own rows, and a part made of conditions alone (a count) the
    /// small-cell rule both ways, as `sum(cond)` would. `used` itself is remembered, so that a
    /// later part cannot differ from it in a few rows. Call after [`Self::check_selection`].
    pub(crate) fn check_support(
        &mut self,
        e: &Expr,
        v: &super::value::PrivVec,
        used: &Option<Mask>,
    ) -> Result<Vec<Mask>> {
        Ok(self.check_support_coins(e, v, used)?.0)
    }

    /// [`Self::check_support`], and for a logical in the perturbation mode the coins of its
    /// count's cell-key noise, drawn in the rounds of the count's check (`Batch`).
    pub(crate) fn check_support_coins(
        &mut self,
        e: &Expr,
        v: &super::value::PrivVec,
        used: &Option<Mask>,
    ) -> Result<(Vec<Mask>, Option<Coins>)> {
        let mut parts = Vec::new();
        let mut coins = None;
        if let (Some(u), Some(_)) = (used, &v.present) {
            let rules = Rules {
                sizes: false,
                zero_ok: true,
            };
            let what = format!("the rows that `{e}` uses");
            self.subset_rules(e, u, &v.layout, rules, &what, None, false)?;
        }
        // A logical's sum is a count whose only part is its own TRUE rows (its support is an
        // indicator of its values, `Support::indicator`): in the perturbation mode, the
        // count's coins are drawn in the rounds of its check.
        let own_count = self.perturbed()
            && v.kind == super::value::Kind::Bool
            && matches!(&v.support.terms[..], [t] if t.count && t.rows.is_some());
        for t in &v.support.terms {
            let Some(rows) = &t.rows else { continue };
            let part = self
                .and_mask(used.clone(), Some(rows.clone()))?
                .expect("a mask");
            // A count is also checked as `sum(cond)` is: both its TRUE and FALSE cells (in
            // the same secure test as the subset rules).
            let cells = t.count.then(|| {
                let n = match used {
                    Some(u) => u.shares.sum(),
                    None => {
                        AShares::from_parts(vec![0], vec![0]).add_const(self.p.id(), v.len() as u64)
                    }
                };
                let k = part.shares.sum();
                AShares::concat(&[&k, &n.sub(&k)])
            });
            let rules = Rules {
                sizes: true,
                zero_ok: !rows.ordered,
            };
            let what = format!("the rows that `{e}` depends on");
            coins =
                self.subset_rules(e, &part, &v.layout, rules, &what, cells.as_ref(), own_count)?;
            parts.push(part);
        }
        Ok((parts, coins))
    }

    /// The subset rules on the rows of `s` (out of `layout`): with `rules.sizes`, at least
    /// `min_subset` rows (or none, with `rules.zero_ok`) and none or at least
    /// `min_complement` left out; always, no difference of 1 to `min_subset - 1` rows from a
    /// subset released earlier. Records the subset. With `coins`, also the coins of the
    /// cell-key noise of the count of `s` (drawn in the same rounds, kept secret).
    #[allow(clippy::too_many_arguments)]
    fn subset_rules(
        &mut self,
        e: &Expr,
        s: &Mask,
        layout: &[Seg],
        rules: Rules,
        what: &str,
        cells: Option<&AShares>,
        coins: bool,
    ) -> Result<Option<Coins>> {
        let pol = self.policy.clone();
        let total = layout_rows(layout) as u64;
        let me = self.p.id();
        let size = s.shares.sum();
        let mine = self.per_version(s, layout)?;
        self.history_room(e, &mine)?;
        let keys = if coins {
            Some(self.record_keys(layout)?)
        } else {
            None
        };
        let (deferred, deferred_labels) = self.take_deferred();
        let earlier: Vec<&Released> = self.history.entries.iter().collect();
        // Sizes are exact; differences with remembered subsets are exact modulo 2^32 (the
        // node stores remembered masks as 32-bit words), which suffices for counts < 2^31.
        // One batch (`Batch`: 10 rounds): the size and the complement, the TRUE and FALSE
        // cells of a count, the differences, and the count's coins.
        let shift = u64::from(!rules.zero_ok);
        let mut tests: Vec<AShares> = Vec::new();
        let mut limits: Vec<u64> = Vec::new();
        if rules.sizes {
            tests.push(size.add_const(me, shift));
            tests.push(size.neg().add_const(me, total));
            limits.extend([pol.min_subset + shift, pol.min_complement]);
        }
        if let Some(c) = cells {
            tests.push(c.add_const(me, shift));
            limits.extend(vec![pol.min_cell + shift; c.len()]);
        }
        let mut batch = Batch::default();
        batch.small_nonzero(&AShares::concat(&tests.iter().collect::<Vec<_>>()), &limits);
        // Cells deferred by the caller (`check_with_cells`) ride in the same batch.
        batch.small_nonzero(&deferred, &vec![pol.min_cell; deferred.len()]);
        let mut dots = difference_pairs(&mine, &earlier);
        let pairs = dots.len();
        if let Some(k) = &keys {
            dots.push((&s.shares, k.as_ref()));
        }
        let dots = batch.products(self.p, &dots)?;
        let diffs = assemble_differences(&mine, &earlier, &dots.slice(0..pairs));
        if !diffs.is_empty() {
            let all = AShares::concat(&diffs.iter().collect::<Vec<_>>());
            batch.small_nonzero_mod32(&all, &vec![pol.min_subset; diffs.len()]);
        }
        if keys.is_some() {
            batch.coins(&dots.slice(pairs..pairs + 1), 2 * self.noise_width());
        }
        let verdict = batch.finish(self.p)?;
        let mut found = verdict.small;
        let deferred_bad = found.split_off(limits.len());
        let cell_bad = found.split_off(if rules.sizes { 2 } else { 0 });
        let mut bad = if rules.sizes {
            found
        } else {
            vec![false, false]
        };
        self.cell_verdict(
            e,
            &["TRUE".into(), "FALSE".into()],
            &cell_bad,
            rules.zero_ok,
        )?;
        bad.extend(verdict.mod32);
        if bad[0] {
            let none = if rules.zero_ok {
                "between 1 and"
            } else {
                "fewer than"
            };
            let n = if rules.zero_ok {
                pol.min_subset.saturating_sub(1)
            } else {
                pol.min_subset
            };
            return Err(EvalError::refused(
                e,
                "min_subset",
                format!("{what} {} {none} {n} rows", verb(what, "has", "have")),
            ));
        }
        if bad[1] {
            return Err(EvalError::refused(
                e,
                "min_complement",
                format!(
                    "{what} {} out between 1 and {} rows",
                    verb(what, "leaves", "leave"),
                    pol.min_complement.saturating_sub(1)
                ),
            ));
        }
        if bad[2..].iter().any(|b| *b) {
            return Err(EvalError::refused(
                e,
                "differencing",
                format!(
                    "{what} {} from a subset released earlier in this \
                     study by between 1 and {} rows; both together would single those rows out",
                    verb(what, "differs", "differ"),
                    pol.min_subset.saturating_sub(1)
                ),
            ));
        }
        if !self.replay {
            let key = self.provenance(&mine);
            if !self.history.keys.contains(&Some(key)) {
                self.history.entries.push_back(mine);
                self.history.keys.push_back(Some(key));
                self.history.added += 1;
            }
        }
        self.cell_verdict(e, &deferred_labels, &deferred_bad, true)?;
        Ok(verdict.coins)
    }

    /// A key for the next subset this run records: the program (with the session's replayed
    /// lines), the ordinal of the check in the run, and the dataset versions. Public: equal
    /// keys mean the same computation on the same data, hence the same subset.
    /// SHA-256 (truncated to 64 bits): the same on every node and every build, and no query
    /// can be written to collide with another's key.
    pub(crate) fn provenance(&mut self, parts: &Released) -> u64 {
        use sha2::{Digest, Sha256};
        self.checks += 1;
        let mut h = Sha256::new();
        h.update((self.source_key.len() as u64).to_le_bytes());
        h.update(self.source_key.as_bytes());
        h.update(self.checks.to_le_bytes());
        for (v, _) in parts {
            h.update((v.len() as u64).to_le_bytes());
            h.update(v.as_bytes());
        }
        let d = h.finalize();
        u64::from_le_bytes(d[..8].try_into().expect("8 bytes"))
    }

    /// Refuses a release when the record of released subsets is full (never forgets one).
    fn history_room(&self, e: &Expr, parts: &Released) -> Result<()> {
        let h = &self.history;
        let rows: usize = h.entries.iter().flatten().map(|(_, m)| m.len()).sum();
        let new: usize = parts.iter().map(|(_, m)| m.len()).sum();
        if h.entries.len() < HISTORY_CAP && rows + new <= HISTORY_ROWS.max(new) {
            return Ok(());
        }
        Err(EvalError::refused(
            e,
            "history_full",
            format!(
                "the study's record of released subsets is full ({} subsets over {rows} rows); \
                 releasing a new subset would need forgetting an old one, which would let \
                 differencing through. Aggregates over whole datasets still run; ask the \
                 consortium about cell-key perturbation (docs/security.md)",
                h.entries.len()
            ),
        ))
    }

    /// The rows of `shares` (a 0/1 vector over `layout`) split per dataset version.
    pub(crate) fn released_parts(&mut self, shares: &AShares, layout: &[Seg]) -> Result<Released> {
        let m = self.new_mask(shares.clone());
        self.per_version(&m, layout)
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

/// `one` for "the subset ...", `many` for "the rows ...".
fn verb<'a>(what: &str, one: &'a str, many: &'a str) -> &'a str {
    if what.starts_with("the rows") {
        many
    } else {
        one
    }
}

/// `|S Δ H|` of the subset `mine` with each subset of `others`, as shares: `Σ_v (|S_v| +
/// |H_v| - 2 S_v·H_v)` over the dataset versions of either (one batch of dot products).
pub(crate) fn differences(
    p: &mut sharestat_mpc::Party,
    mine: &Released,
    others: &[&Released],
) -> Result<Vec<AShares>> {
    let pairs = difference_pairs(mine, others);
    let dots = if pairs.is_empty() {
        AShares::from_parts(vec![], vec![])
    } else {
        p.dot_many(&pairs)?
    };
    Ok(assemble_differences(mine, others, &dots))
}

/// The dot products [`differences`] needs: each part of `mine` with the same version's part
/// of each of `others`.
fn difference_pairs<'a>(
    mine: &'a Released,
    others: &[&'a Released],
) -> Vec<(&'a AShares, &'a AShares)> {
    let mut pairs = Vec::new();
    for h in others {
        for (ver, m) in mine {
            if let Some((_, hm)) = h.iter().find(|(v, _)| v == ver) {
                pairs.push((m, hm));
            }
        }
    }
    pairs
}

/// The differences from the dot products of [`difference_pairs`] (local).
fn assemble_differences(mine: &Released, others: &[&Released], dots: &AShares) -> Vec<AShares> {
    let mut next = 0;
    let mut diffs = Vec::with_capacity(others.len());
    for h in others {
        let mut d = AShares::from_parts(vec![0], vec![0]);
        for (ver, m) in mine {
            d = d.add(&m.sum());
            if h.iter().any(|(v, _)| v == ver) {
                d = d.sub(&dots.slice(next..next + 1).scale(2));
                next += 1;
            }
        }
        for (_, hm) in h.iter() {
            d = d.add(&hm.sum());
        }
        diffs.push(d);
    }
    diffs
}
