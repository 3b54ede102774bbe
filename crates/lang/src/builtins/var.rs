//! `var`: var(x, na.rm = FALSE): denominator n - 1
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `var`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "var",
    params: &[
        Param::required("x"),
        Param::optional("y", "NULL"),
        Param::optional("na.rm", "FALSE"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "var(x, na.rm = FALSE): denominator n - 1",
    reveals: "n, the sum and the sum of squares",
    check: Some(super::mean::check),
    eval: Some(crate::eval::agg::aggregate_entry),
};
