//! `names`: names(t): the column names of a table
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `names`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "names",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "names(t): the column names of a table",
    reveals: "nothing private",
    check: None,
    eval: None,
};
