//! `round`: round(x, digits = 0): numbers rounded as R does (the closest number with that many places, ties to even); a private value's stored decimals are rounded exactly (R rounds the binary double, so for a tie that is not a binary fraction, such as 0.15, R may go the other way)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `round`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "round",
    params: &[Param::required("x"), Param::optional("digits", "0")],
    min_dots: 0,
    refused: &[],
    usage: "round(x, digits = 0): numbers rounded as R does (the closest number with that many places, ties to even); a private value's stored decimals are rounded exactly (R rounds the binary double, so for a tie that is not a binary fraction, such as 0.15, R may go the other way)",
    reveals: "nothing",
    check: None,
    eval: None,
};
