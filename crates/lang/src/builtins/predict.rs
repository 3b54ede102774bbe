//! `predict`: predict(fit, newdata, type = "link", se.fit = FALSE, dispersion = NULL): R's predict.glm and predict.lm on public new data (newdata = data.frame(...)): the linear predictor (type = "link", glm's default) or the fitted mean (type = "response", lm's only), with se.fit = TRUE R's list of fit, se.fit (delta method on the response scale), df (lm) and residual.scale; terms, factor levels and offset rebuilt as the fit saw them (a new level is an error, a missing value gives NA); without newdata (each patient's fitted value) refused
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::args::Args;
use super::{Builtin, DOTS_PARAM, Param};
use crate::ast::Expr;
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `predict`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "predict",
    params: &[
        Param::required("object"),
        Param::optional("newdata", "NULL"),
        Param::optional("type", "\"link\""),
        Param::optional("se.fit", "FALSE"),
        Param::optional("dispersion", "NULL"),
        DOTS_PARAM,
    ],
    min_dots: 0,
    refused: &[
        ("terms", "type = \"terms\" is not available yet"),
        (
            "na.action",
            "rows of newdata with a missing value give NA (R's na.pass); no other action",
        ),
        (
            "interval",
            "confidence and prediction intervals are not available yet: fit ± qt(0.975, df) se.fit \
             from se.fit = TRUE gives the confidence interval",
        ),
        ("level", "intervals are not available yet"),
        ("scale", "the fit's own residual scale is used"),
        ("df", "the fit's own residual degrees of freedom are used"),
    ],
    usage: "predict(fit, newdata, type = \"link\", se.fit = FALSE, dispersion = NULL): R's predict.glm and predict.lm on public new data (newdata = data.frame(...)): the linear predictor (type = \"link\", glm's default) or the fitted mean (type = \"response\", lm's only), with se.fit = TRUE R's list of fit, se.fit (delta method on the response scale), df (lm) and residual.scale; terms, factor levels and offset rebuilt as the fit saw them (a new level is an error, a missing value gives NA); without newdata (each patient's fitted value) refused",
    reveals: "nothing beyond the fit (public coefficients and covariance at public covariate values)",
    check: None,
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    if let Some(d) = a.dots().first() {
        return Err(crate::eval::EvalError::at(
            d,
            format!(
                "predict() does not take `{d}`: its arguments are object, newdata, type, se.fit and dispersion"
            ),
        ));
    }
    ev.predict(e, a, scope)
}
