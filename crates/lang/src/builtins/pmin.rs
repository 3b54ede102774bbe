//! `pmin`: pmin(x, y, ...): the parallel minimum of numbers (vectors, or a vector and constants), exactly; na.rm = TRUE is not available
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, DOTS_PARAM, Param};

/// The entry of `pmin`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "pmin",
    params: &[DOTS_PARAM, Param::optional("na.rm", "FALSE")],
    min_dots: 2,
    refused: &[],
    usage: "pmin(x, y, ...): the parallel minimum of numbers (vectors, or a vector and constants), exactly; na.rm = TRUE is not available",
    reveals: "nothing",
    check: None,
    eval: None,
};
