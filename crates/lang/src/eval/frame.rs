//! The model frame of `lm` and `glm`, as R's `model.frame` and `model.matrix` make it: the
//! response (without R's `I()`), the offset, the design's columns (numeric, logical and
//! factor terms, interactions, `I()`, named as R names them, `formula.rs`), and the rows
//! used: selected, every variable present. The rows used pass the subset rules, and each
//! regressor, the offset and the response the support rules on them (a 0/1 regressor however
//! built has both its groups pass `min_cell`).
use super::value::{Mask, PrivTable, PrivVec};
use super::{EvalError, Evaluator, Result};
use crate::ast::{Expr, ExprKind};

/// A model's variables on the rows it uses.
pub(crate) struct ModelFrame {
    /// Coefficient names: `(Intercept)` first when there is one.
    pub names: Vec<String>,
    /// Whether the model has an intercept.
    pub intercept: bool,
    /// The design's columns (without the intercept).
    pub xs: Vec<PrivVec>,
    /// Each term's label (`age`, `sex_f`, `age:sex_f`) and its number of columns, in order.
    pub terms: Vec<(String, usize)>,
    /// The sum of the `offset()` terms, its text.
    pub off: Option<(String, PrivVec)>,
    /// How the design is made from data (R's `terms` and `xlevels`, for `predict`).
    pub spec: sharestat_rstats::predict::ModelSpec,
    /// The response.
    pub y: PrivVec,
    /// The rows used (`None`: every row).
    pub used: Option<Mask>,
    /// Without a selection, the rows that were candidates (public), for R's
    /// "observations deleted due to missingness".
    pub candidates: Option<u64>,
}

/// The response without R's `I()` (`glm(I(status == 2) ~ age)`), which only protects an
/// expression from the formula's operators.
pub(crate) fn as_is(lhs: &Expr) -> &Expr {
    match &lhs.kind {
        ExprKind::Call { func, args }
            if matches!(&func.kind, ExprKind::Ident(n) if n == "I")
                && args.len() == 1
                && args[0].name.is_none() =>
        {
            args[0].value.as_ref().unwrap_or(lhs)
        }
        _ => lhs,
    }
}

impl ModelFrame {
    /// Whether the design has no intercept and its first term's columns are indicators of
    /// every level of categorical factors (R's `y ~ 0 + f`, `0 + f:g`): they sum to the
    /// intercept on the rows used, so the leverage rule (hat values of an intercept and the
    /// columns) leaves the first of them out — the same column space, the same hat values.
    pub fn spans_intercept(&self) -> bool {
        let k = self.terms.first().map_or(0, |t| t.1);
        let categorical = |t: &String| self.spec.xlevels.iter().any(|(x, _)| x == t);
        !self.intercept
            && k > 0
            && self.spec.columns[..k]
                .iter()
                .flatten()
                .all(|(t, level)| level.is_some() && categorical(t))
    }
}

impl Evaluator<'_> {
    /// The frame of `lhs ~ rhs` on `t` for the model function `fname` (see the module doc).
    pub(crate) fn model_frame(
        &mut self,
        e: &Expr,
        fname: &str,
        (lhs, rhs): (&Expr, &Expr),
        t: &PrivTable,
    ) -> Result<ModelFrame> {
        let form = super::formula::expand(rhs)?;
        if let Some(s) = form.strata.first() {
            return Err(EvalError::at(
                s,
                format!("strata() is not available in {fname}(); it is for coxph() and survdiff()"),
            ));
        }
        let y = self.in_table(as_is(lhs), t)?;
        let off = match form.offset() {
            Some(o) => Some((o.to_string(), self.in_table(&o, t)?)),
            None => None,
        };
        let mut xs = Vec::new();
        let mut names = Vec::new();
        if form.intercept {
            names.push("(Intercept)".to_owned());
        }
        let mut terms = Vec::new();
        let mut spec = sharestat_rstats::predict::ModelSpec {
            intercept: form.intercept,
            offset: off.as_ref().map(|o| o.0.clone()),
            ..Default::default()
        };
        for (i, term) in form.terms.iter().enumerate() {
            let cols = self.term_columns(term, t, !form.intercept && i == 0, &mut spec)?;
            let label: Vec<String> = term.iter().map(|f| f.to_string()).collect();
            terms.push((label.join(":"), cols.len()));
            for (name, v) in cols {
                names.push(name);
                xs.push(v);
            }
        }
        if xs.is_empty() && !form.intercept {
            return Err(EvalError::at(
                rhs,
                format!("{fname}() needs an intercept or a predictor"),
            ));
        }
        let (mut sel, mut present) = (y.sel.clone(), y.present.clone());
        for x in xs.iter().chain(off.iter().map(|o| &o.1)) {
            sel = self.and_mask(sel, x.sel.clone())?;
            present = self.and_mask(present, x.present.clone())?;
        }
        self.check_selection(e, &sel, &y.layout)?;
        let candidates = sel
            .is_none()
            .then(|| super::value::layout_rows(&y.layout) as u64);
        let used = self.and_mask(sel, present)?;
        for v in xs.iter().chain(off.iter().map(|o| &o.1)).chain([&y]) {
            self.check_support(e, v, &used)?;
        }
        Ok(ModelFrame {
            names,
            intercept: form.intercept,
            xs,
            terms,
            off,
            spec,
            y,
            used,
            candidates,
        })
    }
}
