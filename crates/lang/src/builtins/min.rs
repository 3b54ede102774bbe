//! `min`: min(x)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, DOTS_PARAM, Param};

/// The entry of `min`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "min",
    params: &[DOTS_PARAM, Param::optional("na.rm", "FALSE")],
    min_dots: 1,
    refused: &[],
    usage: "min(x)",
    reveals: "the minimum, only with allow_extremes",
    check: Some(super::sum::check),
    eval: Some(crate::eval::agg::aggregate_entry),
};
