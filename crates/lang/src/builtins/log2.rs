//! `log2`: log2(x): log(x, 2); private error below 7.3e-7
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `log2`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "log2",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "log2(x): log(x, 2); private error below 7.3e-7",
    reveals: "nothing",
    check: Some(super::log::check),
    eval: Some(super::log::eval),
};
