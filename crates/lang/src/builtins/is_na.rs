//! `is.na`: is.na(x): TRUE where x is missing
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `is.na`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "is.na",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "is.na(x): TRUE where x is missing",
    reveals: "nothing",
    check: None,
    eval: None,
};
