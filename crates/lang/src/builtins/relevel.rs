//! `relevel`: relevel(f, ref = "level"): the factor with that level first (the reference level of models)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `relevel`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "relevel",
    params: &[Param::required("x"), Param::required("ref")],
    min_dots: 0,
    refused: &[],
    usage: "relevel(f, ref = \"level\"): the factor with that level first (the reference level of models)",
    reveals: "nothing",
    check: None,
    eval: None,
};
