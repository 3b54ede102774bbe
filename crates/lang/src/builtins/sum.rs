//! `sum`: sum(x, na.rm = FALSE)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, DOTS_PARAM, Param};

/// The entry of `sum`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "sum",
    params: &[DOTS_PARAM, Param::optional("na.rm", "FALSE")],
    min_dots: 1,
    refused: &[],
    usage: "sum(x, na.rm = FALSE)",
    reveals: "the sum (and whether any value is missing, without na.rm)",
    check: None,
    eval: Some(crate::eval::agg::aggregate_entry),
};
