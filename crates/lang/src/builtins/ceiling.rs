//! `ceiling`: ceiling(x): rounded up, exactly
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `ceiling`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "ceiling",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "ceiling(x): rounded up, exactly",
    reveals: "nothing",
    check: Some(super::floor::check),
    eval: Some(super::floor::eval),
};
