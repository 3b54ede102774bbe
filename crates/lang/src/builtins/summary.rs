//! `summary`: summary(x): five numbers and the mean; summary(fit, times = ...) for survfit
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `summary`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "summary",
    params: &[Param::required("object"), Param::optional("times", "NULL")],
    min_dots: 0,
    refused: &[],
    usage: "summary(x): five numbers and the mean; summary(fit, times = ...) for survfit",
    reveals: "as quantile and mean; Min./Max. only with allow_extremes",
    check: None,
    eval: Some(crate::eval::agg::aggregate_entry),
};
