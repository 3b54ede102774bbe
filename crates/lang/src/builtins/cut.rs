//! `cut`: cut(x, breaks, labels, right = TRUE, include.lowest = FALSE): bins as a categorical
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `cut`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "cut",
    params: &[
        Param::required("x"),
        Param::required("breaks"),
        Param::optional("labels", "NULL"),
        Param::optional("right", "TRUE"),
        Param::optional("include.lowest", "FALSE"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "cut(x, breaks, labels, right = TRUE, include.lowest = FALSE): bins as a categorical",
    reveals: "nothing",
    check: None,
    eval: None,
};
