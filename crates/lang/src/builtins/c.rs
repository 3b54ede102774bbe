//! `c`: c(...): concatenation (across sites)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, DOTS_PARAM};

/// The entry of `c`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "c",
    params: &[DOTS_PARAM],
    min_dots: 1,
    refused: &[],
    usage: "c(...): concatenation (across sites)",
    reveals: "nothing",
    check: None,
    eval: None,
};
