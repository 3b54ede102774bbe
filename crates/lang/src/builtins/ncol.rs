//! `ncol`: ncol(t): the number of columns
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `ncol`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "ncol",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "ncol(t): the number of columns",
    reveals: "nothing private",
    check: None,
    eval: None,
};
