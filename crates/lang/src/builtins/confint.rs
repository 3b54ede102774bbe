//! `confint`: confint(fit, level = 0.95): Wald confidence limits of a coxph() fit (normal quantile, as R's confint.default) or an lm() fit (Student's t, as confint.lm); parm is refused
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `confint`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "confint",
    params: &[
        Param::required("object"),
        Param::optional("parm", "NULL"),
        Param::optional("level", "0.95"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "confint(fit, level = 0.95): Wald confidence limits of a coxph() fit (normal quantile, as R's confint.default) or an lm() fit (Student's t, as confint.lm); parm is refused",
    reveals: "nothing beyond the fit",
    check: None,
    eval: None,
};
