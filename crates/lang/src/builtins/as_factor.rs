//! `as.factor`: as.factor(x): factor(x)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `as.factor`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "as.factor",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "as.factor(x): factor(x)",
    reveals: "as factor(x)",
    check: Some(super::factor::check),
    eval: Some(super::factor::eval),
};
