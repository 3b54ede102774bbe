//! `rbind`: rbind(...): tables with the same columns, one after the other
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, DOTS_PARAM};

/// The entry of `rbind`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "rbind",
    params: &[DOTS_PARAM],
    min_dots: 1,
    refused: &[],
    usage: "rbind(...): tables with the same columns, one after the other",
    reveals: "nothing",
    check: None,
    eval: None,
};
