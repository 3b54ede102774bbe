//! `as.numeric`: as.numeric(x): a factor's level positions 1..k (private), logical values as 0/1, numbers as they are; as.integer the same
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `as.numeric`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "as.numeric",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "as.numeric(x): a factor's level positions 1..k (private), logical values as 0/1, numbers as they are; as.integer the same",
    reveals: "nothing",
    check: Some(super::factor::check),
    eval: Some(super::droplevels::eval),
};
