//! `floor`: floor(x): rounded down, exactly
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `floor`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "floor",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "floor(x): rounded down, exactly",
    reveals: "nothing",
    check: None,
    eval: None,
};
