//! `log1p`: log1p(x): log(1 + x), x > -1; private error below 5e-7 (absolute, so not R's extra precision near 0)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `log1p`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "log1p",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "log1p(x): log(1 + x), x > -1; private error below 5e-7 (absolute, so not R's extra precision near 0)",
    reveals: "nothing",
    check: Some(super::log::check),
    eval: Some(super::log::eval),
};
