//! `log10`: log10(x): log(x, 10); private error below 2.2e-7
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `log10`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "log10",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "log10(x): log(x, 10); private error below 2.2e-7",
    reveals: "nothing",
    check: Some(super::log::check),
    eval: Some(super::log::eval),
};
