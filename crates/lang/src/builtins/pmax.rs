//! `pmax`: pmax(x, y, ...): the parallel maximum, as pmin
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, DOTS_PARAM, Param};

/// The entry of `pmax`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "pmax",
    params: &[DOTS_PARAM, Param::optional("na.rm", "FALSE")],
    min_dots: 2,
    refused: &[],
    usage: "pmax(x, y, ...): the parallel maximum, as pmin",
    reveals: "nothing",
    check: Some(super::pmin::check),
    eval: Some(super::pmin::eval),
};
