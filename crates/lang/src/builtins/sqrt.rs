//! `sqrt`: sqrt(x): the square root, x >= 0 by its proven range (R gives NaN below); relative error below 2e-7; also x^0.5. Private powers x^p: whole p up to 8 exactly by products, negative whole p as 1 / x^-p, other p through logarithms (x > 0, relative error |p| 2e-7)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `sqrt`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "sqrt",
    params: &[Param::required("x")],
    min_dots: 0,
    refused: &[],
    usage: "sqrt(x): the square root, x >= 0 by its proven range (R gives NaN below); relative error below 2e-7; also x^0.5. Private powers x^p: whole p up to 8 exactly by products, negative whole p as 1 / x^-p, other p through logarithms (x > 0, relative error |p| 2e-7)",
    reveals: "nothing",
    check: Some(super::log::check),
    eval: Some(super::log::eval),
};
