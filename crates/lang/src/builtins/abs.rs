//! `abs`: abs(x): the absolute value, exactly (one secure sign test and a product per row)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `abs`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "abs",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "abs(x): the absolute value, exactly (one secure sign test and a product per row)",
    reveals: "nothing",
    check: None,
    eval: None,
};
