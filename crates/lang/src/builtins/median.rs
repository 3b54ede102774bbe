//! `median`: median(x, na.rm = FALSE)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `median`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "median",
    params: &[Param::required("x"), Param::optional("na.rm", "FALSE")],
    min_dots: 0,
    refused: &[],
    usage: "median(x, na.rm = FALSE)",
    reveals: "n and the median (not the order statistics around it)",
    check: Some(super::mean::check),
    eval: Some(crate::eval::agg::aggregate_entry),
};
