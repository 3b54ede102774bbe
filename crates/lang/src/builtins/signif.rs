//! `signif`: signif(x, digits = 6): to that many significant digits, as R; private values exactly, each at its own (secret) decade, ties to even on the stored decimal; every decade of the value's range must pass the subset rules (else use round)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `signif`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "signif",
    params: &[Param::required("x"), Param::optional("digits", "6")],
    min_dots: 0,
    refused: &[],
    usage: "signif(x, digits = 6): to that many significant digits, as R; private values exactly, each at its own (secret) decade, ties to even on the stored decimal; every decade of the value's range must pass the subset rules (else use round)",
    reveals: "nothing",
    check: Some(super::round::check),
    eval: Some(super::round::eval),
};
