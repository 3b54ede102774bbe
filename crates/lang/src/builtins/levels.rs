//! `levels`: levels(f): the levels of a factor, in order (the dictionary's or the program's; public)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `levels`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "levels",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "levels(f): the levels of a factor, in order (the dictionary's or the program's; public)",
    reveals: "nothing",
    check: None,
    eval: None,
};
