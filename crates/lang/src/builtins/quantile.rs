//! `quantile`: quantile(x, probs = c(0, .25, .5, .75, 1), type = 7)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `quantile`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "quantile",
    params: &[
        Param::required("x"),
        Param::optional("probs", "seq(0, 1, 0.25)"),
        Param::optional("na.rm", "FALSE"),
        Param::optional("type", "7"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "quantile(x, probs = c(0, .25, .5, .75, 1), type = 7)",
    reveals: "n and each interpolated quantile; 0 and 1 only with allow_extremes",
    check: None,
    eval: Some(crate::eval::agg::aggregate_entry),
};
