//! `as.character`: as.character(x): a private factor stays a factor (private text is categorical); public numbers become strings; private numbers are refused (use factor(x, levels = ...))
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `as.character`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "as.character",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "as.character(x): a private factor stays a factor (private text is categorical); public numbers become strings; private numbers are refused (use factor(x, levels = ...))",
    reveals: "nothing",
    check: Some(super::factor::check),
    eval: Some(super::droplevels::eval),
};
