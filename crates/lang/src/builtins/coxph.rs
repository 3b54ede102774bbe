//! `coxph`: coxph(Surv(time, event) ~ x1 + x2 + strata(g), data, ties = "efron"): Cox regression (or ties = "breslow"); formulas as lm; strata(g): the stratified partial likelihood; offset(o): a covariate with coefficient fixed at 1 (loglik[1] with it in, as R); a 1/2 status is read as R reads it (2 = the event). Fixed point (Newton-Raphson at 22 fractional bits, the evaluations near the fit at 24 when the weights allow): coefficients within 1e-6 relative of R's (1e-6 of their standard error when closer to 0); every rounding is exact, so reruns print identical digits; summary(fit) prints R's summary.coxph (without the concordance)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, MODEL_REFUSED, Param};
use crate::ast::Expr;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `coxph`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "coxph",
    params: &[
        Param::required("formula"),
        Param::optional("data", "NULL"),
        Param::named("subset", "NULL"),
        Param::named("ties", "\"efron\""),
    ],
    min_dots: 0,
    refused: MODEL_REFUSED,
    usage: "coxph(Surv(time, event) ~ x1 + x2 + strata(g), data, ties = \"efron\"): Cox regression (or ties = \"breslow\"); formulas as lm; strata(g): the stratified partial likelihood; offset(o): a covariate with coefficient fixed at 1 (loglik[1] with it in, as R); a 1/2 status is read as R reads it (2 = the event). Fixed point (Newton-Raphson at 22 fractional bits, the evaluations near the fit at 24 when the weights allow): coefficients within 1e-6 relative of R's (1e-6 of their standard error when closer to 0); every rounding is exact, so reruns print identical digits; summary(fit) prints R's summary.coxph (without the concordance)",
    reveals: "as survfit (with each used row's stratum), plus each numeric covariate's mean and SD and which of 4/8/16/32 SDs bounds it, and per iteration the score, information and log-likelihood (so the coefficients, their covariance and the likelihoods; with offset(o) also its own score and information entries); when the weights' worst case is beyond the fixed point, one bit per evaluation (every relative risk at that iterate lies within the fixed-point window); with Efron's ties and a time of two deaths or more, one bit per evaluation (whether at every such time at most half of the risk set's relative risk dies: the fast grouped sums or the per-term ones); to the nodes the covariates' (and offset's) XᵀX, and one bit: whether some row's hat value exceeds max_leverage (then refused)",
    check: None,
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    ev.coxph(e, a, scope)
}
