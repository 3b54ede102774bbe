//! `droplevels`: droplevels(f): the factor without its empty levels (of the selected rows)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `droplevels`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "droplevels",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "droplevels(f): the factor without its empty levels (of the selected rows)",
    reveals: "one bit per level (empty or not), after the small-cell rule on the levels' counts",
    check: None,
    eval: None,
};
