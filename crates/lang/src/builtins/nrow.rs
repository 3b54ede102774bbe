//! `nrow`: nrow(t): the number of rows
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `nrow`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "nrow",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "nrow(t): the number of rows",
    reveals: "nothing if unfiltered; the subset size otherwise (subset rules, min_cell)",
    check: Some(super::length::check),
    eval: Some(super::length::eval),
};
