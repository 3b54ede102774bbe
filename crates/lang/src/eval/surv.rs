//! Survival analysis (issue 6): `survfit(Surv(time, event) ~ g, data)` (Kaplan-Meier) and
//! `survdiff(...)` (log-rank), matching R's `survival` package.
//!
//! Securely: rows used (selected, time, event and group present) get the key
//! `(group + 1) · 2^32 + 2 · time + event` when the times' proven range fits 31 bits, else two
//! words, `2 · time + event` and `group + 1` (unused rows 0); the keys are shuffled with the
//! resharing shuffle (the order no longer links to a row) and opened.
//! **Reveals** the group sizes (each must pass `min_cell` first) and the multiset of
//! `(group, time, event)`: the distinct event and censoring times with their counts, which is
//! what a Kaplan-Meier table shows (and what the pilot revealed). The study policy must allow
//! it (`allow_event_times`); otherwise the analysis is refused. Any time whose proven range
//! keeps `2 · time + 1` a word is kept (issue 14: a key packed into 31 bits silently dropped
//! the rows of `days / 30.4375`). Everything after the reveal is computed in the clear, as R does:
//! Greenwood standard errors, log-scale 95% intervals (`conf.type = "log"`), the median and its
//! interval, the restricted mean up to the largest time of all groups (`rmean = "common"`),
//! and the log-rank test with its variance matrix.
use super::call::Args;
use super::htest::formula;
use super::value::PrivVec;
use super::value::{Kind, PrivTable, Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::{Expr, ExprKind};
use sharestat_mpc::AShares;
use sharestat_stats::round::ceil_div;
use statrs::distribution::{ChiSquared, ContinuousCDF};

use sharestat_rstats::survival::survfit;
pub use sharestat_rstats::survival::{Curve, KmRow, LogRank, Obs, SurvFit};

impl Evaluator<'_> {
    /// The time and event of `Surv(time, event)` on the left of a formula, as the checker
    /// matched them (`Surv(event = e, time = t)` as R reads it).
    pub(crate) fn surv_terms<'x>(&self, lhs: &'x Expr) -> Result<(&'x Expr, &'x Expr)> {
        let not_surv = || EvalError::at(lhs, "the left side is Surv(time, event)");
        let ExprKind::Call { func, args } = &lhs.kind else {
            return Err(not_surv());
        };
        if func.as_ident() != Some("Surv") {
            return Err(not_surv());
        }
        let (b, m) = self.calls.get(lhs).ok_or_else(not_surv)?;
        let arg = |p: &str| crate::builtins::args::arg_of(b, m, args, p);
        match (arg("time"), arg("event")) {
            (Some(t), Some(v)) => Ok((t, v)),
            _ => Err(EvalError::at(lhs, "Surv(time, event)")),
        }
    }
}

impl Evaluator<'_> {
    pub(crate) fn survival(
        &mut self,
        e: &Expr,
        name: &str,
        a: &Args<'_>,
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        let f = a
            .get("formula")
            .ok_or_else(|| EvalError::at(e, format!("{name}(formula, data)")))?;
        let (lhs, rhs) =
            formula(f).ok_or_else(|| EvalError::at(f, "expected Surv(time, event) ~ group"))?;
        let (te, ee) = self.surv_terms(lhs)?;
        if name == "survdiff" && self.flag(a.get("strict"), scope, 0.0)? != 0.0 {
            if super::survdiff_strata::has_strata(rhs) {
                return Err(EvalError::at(
                    rhs,
                    "strata() with strict = TRUE is not available: run the stratified test \
                     without strict",
                ));
            }
            let t = self.model_data(e, a, scope)?;
            return self.strict_survdiff(e, f, (te, ee), rhs, t);
        }
        let grid = self.time_grid(e)?;
        let (t, data) = self.model_data(e, a, scope)?;
        let call = format!("{name}(formula = {f}{data})");
        if name == "survdiff" && super::survdiff_strata::has_strata(rhs) {
            return self.survdiff_strata(e, (te, ee), rhs, &t, grid, call);
        }
        let (labels, obs) = self.survival_obs(e, te, ee, rhs, &t, grid, None)?;
        let strata =
            (!matches!(rhs.kind, ExprKind::Num(_) | ExprKind::Int(_))).then(|| rhs.to_string());
        Ok(Value::Pub(if name == "survfit" {
            Public::Surv(Box::new(SurvFit {
                time_grid: grid,
                ..survfit(call, &labels, &obs, strata)
            }))
        } else {
            Public::LogRank(Box::new(LogRank {
                strata,
                ..logrank(e, call, &labels, &obs)?
            }))
        }))
    }

    /// How survival analyses may see times under the policy: `None` exact, `Some(g)` rounded
    /// up to multiples of `g` (`event_time_grid`); refused otherwise.
    pub(crate) fn time_grid(&self, e: &Expr) -> Result<Option<u32>> {
        match self.policy.time_grid() {
            Some(0) => Ok(None),
            Some(g) => Ok(Some(g)),
            None => Err(EvalError::refused(
                e,
                "allow_event_times",
                format!(
                    "`{e}` would show the distinct event and censoring times; the study policy \
                     allows neither them nor a coarser grid (event_time_grid)"
                ),
            )),
        }
    }

    /// The times as they may be opened: encoded, or grid indices `⌈t / g⌉`; and the value of
    /// one opened unit.
    pub(crate) fn opened_times(
        &mut self,
        te: &Expr,
        time: &PrivVec,
        grid: Option<u32>,
    ) -> Result<(AShares, f64)> {
        let Kind::Num { scale } = time.kind else {
            return Err(EvalError::at(te, "the time must be numeric"));
        };
        let unit = 10f64.powi(-(scale as i32));
        Ok(match grid {
            None => (time.data.clone(), unit),
            Some(g) => {
                let d = u64::from(g) * 10u64.pow(scale);
                // The exact division holds for words below 2^29 and divisors below 2^20.
                if time.range.words(scale) + d as f64 >= (1u64 << 29) as f64 || d >= 1 << 20 {
                    return Err(EvalError::at(
                        te,
                        format!(
                            "`{te}` has values up to {} at {scale} decimal places: too many \
                             digits to round up to the event-time grid exactly; round the \
                             times first (e.g. `floor({te})`)",
                            super::range::show(time.range.mag())
                        ),
                    ));
                }
                (ceil_div(self.p, &time.data, d)?, f64::from(g))
            }
        })
    }

    /// The observations as a revealed multiset (see the module documentation), grouped by
    /// `rhs` or by the given `group` (`rhs` then names it).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn survival_obs(
        &mut self,
        e: &Expr,
        te: &Expr,
        ee: &Expr,
        rhs: &Expr,
        t: &PrivTable,
        grid: Option<u32>,
        group: Option<PrivVec>,
    ) -> Result<(Vec<String>, Obs)> {
        let time = self.in_table(te, t)?;
        let event = self.event_of(ee, t)?;
        if let Kind::Num { scale } = time.kind {
            // `2·time + 1` must be a word.
            let twice = time.range.times(super::range::Range::point(2.0));
            super::checks::check_words(te, twice, scale)?;
        }
        let (times, unit) = self.opened_times(te, &time, grid)?;
        let group = match (group, &rhs.kind) {
            (Some(g), _) => Some(g),
            (None, ExprKind::Num(_) | ExprKind::Int(_)) => None,
            _ => Some(self.in_table(rhs, t)?),
        };
        let mut sel = self.and_mask(time.sel.clone(), event.sel.clone())?;
        let mut present = self.and_mask(time.present.clone(), event.present.clone())?;
        if let Some(g) = &group {
            sel = self.and_mask(sel, g.sel.clone())?;
            present = self.and_mask(present, g.present.clone())?;
        }
        self.check_selection(e, &sel, &time.layout)?;
        let used = self.and_mask(sel, present)?;
        // The times are opened by design (allow_event_times or the grid), with their counts;
        // an event indicator made of conditions on other columns (`age > 90`) would link
        // them to those columns, so it counts as a table of them and passes min_cell.
        let derived_event = !t.stored_column(ee);
        let n_rows = time.len();
        let m = self.mask_or_ones(&used, n_rows);
        let me = self.p.id();
        // Group code and sizes (each a cell: min_cell, checked in the batch of the supports'
        // checks below).
        let (labels, code, sizes) = match &group {
            None => (
                vec![String::new()],
                AShares::from_parts(vec![0; n_rows], vec![0; n_rows]),
                AShares::from_parts(vec![], vec![]),
            ),
            Some(g) => {
                let (labels, ind) = self.levels_of(rhs, g)?;
                let mut code = AShares::from_parts(vec![0; n_rows], vec![0; n_rows]);
                for (k, c) in ind.iter().enumerate().skip(1) {
                    code = code.add(&c.scale(k as u64));
                }
                let pairs: Vec<(&AShares, &AShares)> = ind.iter().map(|c| (c, &m)).collect();
                let sizes = self.p.dot_many(&pairs)?;
                (labels, code, sizes)
            }
        };
        let mut supports = [&time]
            .into_iter()
            .chain(derived_event.then_some(&event))
            .chain(&group);
        let cells = labels[..sizes.len()].to_vec();
        self.check_with_cells(e, sizes, cells, |s| {
            supports.try_for_each(|v| s.check_support(e, v, &used).map(drop))
        })?;
        // The times' words after the grid, from the proven range: when `2·time + 1` and the
        // group fit one 38-bit key, one word per row (`(group + 1)·2^32 + 2·time + event`,
        // 0 for unused rows); otherwise two (`2·time + event` and `group + 1`), so that a
        // time may take any word (`days / 30.4375` has 10 significant digits).
        let scale = match time.kind {
            Kind::Num { scale } => scale,
            _ => 0,
        };
        let words = match grid {
            None => time.range.words(scale),
            Some(g) => time.range.words(scale) / (f64::from(g) * 10f64.powi(scale as i32)) + 1.0,
        };
        let packed =
            time.range.lo >= 0.0 && 2.0 * words + 1.0 < (1u64 << 31) as f64 && labels.len() < 63;
        let tk = times.scale(2).add(&event.data);
        let gk = code.add_const(me, 1);
        if packed {
            let key = self.p.mul(&m, &gk.scale(1 << 32).add(&tk))?;
            let shuffled = self.p.shuffle(&[&key])?;
            let obs = self
                .p
                .reveal(&shuffled[0])?
                .into_iter()
                .filter(|&k| k >> 32 != 0)
                .map(|k| {
                    let low = k & 0xffff_ffff;
                    (
                        ((k >> 32) - 1) as usize,
                        (low >> 1) as f64 * unit,
                        low & 1 == 1,
                    )
                })
                .collect();
            return Ok((labels, obs));
        }
        let both = self
            .p
            .mul(&AShares::concat(&[&m, &m]), &AShares::concat(&[&tk, &gk]))?;
        let (tk, gk) = (both.slice(0..n_rows), both.slice(n_rows..2 * n_rows));
        // A secret shuffle unlinks them from the rows; opening them all then shows the
        // multiset and nothing else (unused rows show group 0: their number is N − n).
        let shuffled = self.p.shuffle(&[&tk, &gk])?;
        let opened = self
            .p
            .reveal(&AShares::concat(&[&shuffled[0], &shuffled[1]]))?;
        let (tw, gw) = opened.split_at(n_rows);
        let obs = tw
            .iter()
            .zip(gw)
            .filter(|(_, g)| **g != 0)
            .map(|(&t, &g)| {
                let t = t as i64;
                ((g - 1) as usize, (t >> 1) as f64 * unit, t & 1 == 1)
            })
            .collect();
        Ok((labels, obs))
    }
}

/// The log-rank test for `k` groups.
pub(crate) fn logrank(e: &Expr, call: String, labels: &[String], obs: &Obs) -> Result<LogRank> {
    let k = labels.len();
    let present: Vec<usize> = (0..k).filter(|g| obs.iter().any(|o| o.0 == *g)).collect();
    if present.len() < 2 {
        return Err(EvalError::at(
            e,
            "survdiff() needs at least two groups with data",
        ));
    }
    let idx = |g: usize| present.iter().position(|p| *p == g).expect("present group");
    let kk = present.len();
    let mapped: Vec<(usize, f64, bool)> = obs.iter().map(|o| (idx(o.0), o.1, o.2)).collect();
    let (o, ex, v) = super::survdiff_strata::stratum_sums(&mapped, kk);
    let o: Vec<u64> = o.iter().map(|x| *x as u64).collect();
    // chisq = (O - E)' V^- (O - E) over the first k - 1 groups.
    let m = kk - 1;
    let diff: Vec<f64> = (0..m).map(|a| o[a] as f64 - ex[a]).collect();
    let sub: Vec<Vec<f64>> = (0..m).map(|a| v[a][..m].to_vec()).collect();
    let inv = super::model::invert(&sub).ok_or_else(|| EvalError::at(e, "singular variance"))?;
    let chisq: f64 = (0..m)
        .map(|a| (0..m).map(|b| diff[a] * inv[a][b] * diff[b]).sum::<f64>())
        .sum();
    let p = ChiSquared::new(m as f64).map_or(f64::NAN, |d| 1.0 - d.cdf(chisq));
    Ok(LogRank {
        call,
        groups: present.iter().map(|&g| labels[g].clone()).collect(),
        n: present
            .iter()
            .map(|&g| obs.iter().filter(|o| o.0 == g).count() as u64)
            .collect(),
        observed: o,
        expected: ex,
        chisq,
        df: m,
        p_value: p,
        strict: false,
        strata: None,
        var_diag: (0..kk).map(|a| v[a][a]).collect(),
    })
}
