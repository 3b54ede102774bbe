//! `cox.zph`: cox.zph(fit, transform = "km", terms = TRUE, global = TRUE): R's test of proportional hazards of a coxph() fit (the score test of adding g(t)·x for each term, g the centred transform of time: "km", "rank", "identity" or "log"); one row per term (or per coefficient) and GLOBAL; singledf is refused. Runs the fit's call again on the data
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `cox.zph`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "cox.zph",
    params: &[
        Param::required("fit"),
        Param::optional("transform", "\"km\""),
        Param::optional("terms", "TRUE"),
        Param::optional("singledf", "FALSE"),
        Param::optional("global", "TRUE"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "cox.zph(fit, transform = \"km\", terms = TRUE, global = TRUE): R's test of proportional hazards of a coxph() fit (the score test of adding g(t)·x for each term, g the centred transform of time: \"km\", \"rank\", \"identity\" or \"log\"); one row per term (or per coefficient) and GLOBAL; singledf is refused. Runs the fit's call again on the data",
    reveals: "what the fit reveals, again, plus the test's k + k(k+1) sums at the fitted coefficients (hence the statistics)",
    check: None,
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    ev.cox_zph_call(e, a, scope)
}
