//! `length`: length(x): the number of elements
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `length`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "length",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "length(x): the number of elements",
    reveals: "nothing if unfiltered; the subset size otherwise (subset rules, min_cell)",
    check: None,
    eval: None,
};
