//! `sd`: sd(x, na.rm = FALSE)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `sd`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "sd",
    params: &[Param::required("x"), Param::optional("na.rm", "FALSE")],
    min_dots: 0,
    refused: &[],
    usage: "sd(x, na.rm = FALSE)",
    reveals: "n, the sum and the sum of squares",
    check: Some(super::mean::check),
    eval: Some(crate::eval::agg::aggregate_entry),
};
