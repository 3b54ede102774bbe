//! `mean`: mean(x, na.rm = FALSE)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `mean`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "mean",
    params: &[Param::required("x"), Param::optional("na.rm", "FALSE")],
    min_dots: 0,
    refused: &[(
        "trim",
        "a trimmed mean needs the order statistics of every row",
    )],
    usage: "mean(x, na.rm = FALSE)",
    reveals: "n and the sum",
    check: None,
    eval: Some(crate::eval::agg::aggregate_entry),
};
