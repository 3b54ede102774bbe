//! The leverage rule of `lm` and `coxph` (issue 13): no row used by a model may weigh more
//! than the policy's `max_leverage` in its own fitted value (its hat value
//! `h_i = x_iᵀ(XᵀX)⁻¹x_i`). It is the backstop behind the support rules: a regressor that
//! isolates a few rows without being written as a product with a condition
//! (`pmax(d$age - 90, 0)`, a power that dwarfs the other rows) gives them `h` near 1. The
//! secure computation is `sharestat_stats::leverage`; one bit is opened.
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use sharestat_mpc::AShares;
use sharestat_stats::leverage::{self, Gram, LeverageError};

impl Evaluator<'_> {
    /// Refuses `e` when a row of `mask` has a hat value above `max_leverage` in the design of
    /// an intercept and `cols` (integers scaled by `10^scales[j]`, the first columns of `g`).
    /// With `spans_intercept` (a model without an intercept whose first columns sum to it,
    /// `ModelFrame::spans_intercept`) the first column is left out: the same column space.
    pub(crate) fn check_leverage(
        &mut self,
        e: &Expr,
        cols: &[&AShares],
        scales: &[u32],
        mask: Option<&AShares>,
        (g, spans_intercept): (&Gram, bool),
    ) -> Result<()> {
        let bound = self.policy.max_leverage;
        let without;
        let (cols, scales, g) = if spans_intercept && !cols.is_empty() {
            without = g.without(0);
            (&cols[1..], &scales[1..], &without)
        } else {
            (cols, scales, g)
        };
        if bound >= 1.0 || cols.is_empty() {
            return Ok(());
        }
        match leverage::exceeds(self.p, cols, scales, mask, g, bound) {
            Ok(false) => Ok(()),
            Ok(true) => Err(EvalError::refused(
                e,
                "max_leverage",
                format!(
                    "a row used by `{e}` would have a hat value above {bound}: the fit would be \
                     shaped by single patients (a regressor that isolates a few rows); drop, \
                     transform or group that regressor"
                ),
            )),
            Err(LeverageError::Engine(m)) => Err(EvalError::Engine(m)),
            Err(other) => Err(EvalError::at(e, format!("leverage rule: {other}"))),
        }
    }
}
