//! `barplot`: barplot(table, file = "bars.svg"): drawn by your client
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, PLOT_PARAMS};

/// The entry of `barplot`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "barplot",
    params: PLOT_PARAMS,
    min_dots: 0,
    refused: &[],
    usage: "barplot(table, file = \"bars.svg\"): drawn by your client",
    reveals: "nothing beyond its argument",
    check: Some(super::plot::check),
    eval: Some(super::plot::eval),
};
