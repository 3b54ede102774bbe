//! `exp`: exp(x): the exponential; private x must range over at most 21 and stay below 27 (results below 2^40); relative error below 2e-7
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `exp`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "exp",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "exp(x): the exponential; private x must range over at most 21 and stay below 27 (results below 2^40); relative error below 2e-7",
    reveals: "nothing",
    check: Some(super::log::check),
    eval: Some(super::log::eval),
};
