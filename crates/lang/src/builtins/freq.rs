//! `freq`: freq(x): counts per level or distinct value
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `freq`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "freq",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "freq(x): counts per level or distinct value",
    reveals: "the counts, each 0 or >= min_cell",
    check: Some(super::summary::check),
    eval: Some(crate::eval::agg::aggregate_entry),
};
