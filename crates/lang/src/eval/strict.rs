//! `survdiff(Surv(time, event) ~ g, data, strict = TRUE)`: the log-rank test of `k >= 2`
//! groups revealing only its chi-square statistic (`sharestat_stats::logrank`, which solves
//! the `(k − 1)²` system on shares): no event times, no counts per group. Needs neither
//! `allow_event_times` nor a grid; the selection rules apply and every group must hold at
//! least `min_cell` rows, none empty (checked without opening their sizes: an empty level,
//! which would change the degrees of freedom, is refused; `factor(g, levels = ...)` keeps the
//! wanted ones).
use super::surv::LogRank;
use super::value::{Kind, PrivTable, Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use sharestat_mpc::AShares;
use sharestat_stats::logrank::{StrictLogRankError, strict_logrank};
use statrs::distribution::{ChiSquared, ContinuousCDF};

impl Evaluator<'_> {
    pub(crate) fn strict_survdiff(
        &mut self,
        e: &Expr,
        f: &Expr,
        (te, ee): (&Expr, &Expr),
        rhs: &Expr,
        (t, data): (PrivTable, String),
    ) -> Result<Value> {
        let time = self.in_table(te, &t)?;
        super::checks::check_key(te, time.range, super::agg::scale(&time))?;
        let event = self.event_of(ee, &t)?;
        let group = self.in_table(rhs, &t)?;
        if !matches!(time.kind, Kind::Num { .. }) {
            return Err(EvalError::at(te, "the time must be numeric"));
        }
        let mut sel = self.and_mask(time.sel.clone(), event.sel.clone())?;
        sel = self.and_mask(sel, group.sel.clone())?;
        let mut present = self.and_mask(time.present.clone(), event.present.clone())?;
        present = self.and_mask(present, group.present.clone())?;
        self.check_selection(e, &sel, &time.layout)?;
        let used = self.and_mask(sel, present)?;
        let m = self.mask_or_ones(&used, time.len());
        let (labels, ind) = self.levels_of(rhs, &group)?;
        if labels.len() < 2 {
            return Err(EvalError::at(
                rhs,
                "strict = TRUE compares two or more groups; this grouping has one level",
            ));
        }
        let pairs: Vec<(&AShares, &AShares)> = ind.iter().map(|g| (g, &m)).collect();
        let groups = self.p.mul_many(&pairs)?;
        let sizes = AShares::concat(
            &groups
                .iter()
                .map(AShares::sum)
                .collect::<Vec<_>>()
                .iter()
                .collect::<Vec<_>>(),
        );
        // Supports, then the groups' sizes: at least min_cell, none empty (the degrees of
        // freedom would show it).
        for v in [&time, &event, &group] {
            self.check_support(e, v, &used)?;
        }
        self.check_counts(e, &sizes, &labels, false)?;
        let chisq =
            strict_logrank(self.p, &time.data, &event.data, &groups).map_err(|err| match err {
                StrictLogRankError::Engine(m) => EvalError::Engine(m),
                other => EvalError::at(e, format!("survdiff(strict = TRUE): {other}")),
            })?;
        let df = labels.len() - 1;
        let p_value = ChiSquared::new(df as f64).map_or(f64::NAN, |d| d.sf(chisq.max(0.0)));
        Ok(Value::Pub(Public::LogRank(Box::new(LogRank {
            call: format!("survdiff(formula = {f}{data}, strict = TRUE)"),
            groups: labels,
            n: Vec::new(),
            observed: Vec::new(),
            expected: Vec::new(),
            chisq,
            df,
            p_value,
            strict: true,
            strata: None,
            var_diag: Vec::new(),
        }))))
    }
}
