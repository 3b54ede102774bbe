//! `ifelse`: ifelse(test, yes, no): numbers, or two strings (a categorical)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `ifelse`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "ifelse",
    params: &[
        Param::required("test"),
        Param::required("yes"),
        Param::required("no"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "ifelse(test, yes, no): numbers, or two strings (a categorical)",
    reveals: "nothing",
    check: None,
    eval: None,
};
