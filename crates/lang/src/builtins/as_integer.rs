//! `as.integer`: as.integer(x): as.numeric(x)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `as.integer`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "as.integer",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "as.integer(x): as.numeric(x)",
    reveals: "nothing",
    check: Some(super::factor::check),
    eval: Some(super::droplevels::eval),
};
