//! `survdiff(Surv(time, event) ~ g, data, strict = TRUE)`: the log-rank test of two groups
//! revealing only its chi-square statistic (`sharestat_stats::logrank`): no event times, no
//! counts per group. Needs neither `allow_event_times` nor a grid; the selection rules apply
//! and both groups must pass `min_cell` (checked without opening their sizes).
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
        if labels.len() != 2 {
            return Err(EvalError::at(
                rhs,
                "strict = TRUE compares two groups; form them with ifelse()",
            ));
        }
        let both = self.p.mul_many(&[(&ind[0], &m), (&ind[1], &m)])?;
        let sizes = AShares::concat(&[&both[0].sum(), &both[1].sum()]);
        // The groups' sizes pass min_cell in the batch of the supports' checks.
        self.check_with_cells(e, sizes, labels.clone(), |s| {
            [&time, &event, &group]
                .into_iter()
                .try_for_each(|v| s.check_support(e, v, &used).map(drop))
        })?;
        let chisq =
            strict_logrank(self.p, &time.data, &event.data, &both[0], &both[1]).map_err(|err| {
                match err {
                    StrictLogRankError::Engine(m) => EvalError::Engine(m),
                    other => EvalError::at(e, format!("survdiff(strict = TRUE): {other}")),
                }
            })?;
        let p_value = ChiSquared::new(1.0).map_or(f64::NAN, |d| d.sf(chisq.max(0.0)));
        Ok(Value::Pub(Public::LogRank(Box::new(LogRank {
            call: format!("survdiff(formula = {f}{data}, strict = TRUE)"),
            groups: labels,
            n: Vec::new(),
            observed: Vec::new(),
            expected: Vec::new(),
            chisq,
            df: 1,
            p_value,
            strict: true,
            strata: None,
            var_diag: Vec::new(),
        }))))
    }
}
