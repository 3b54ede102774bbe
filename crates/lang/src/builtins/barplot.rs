//! `barplot`: barplot(table, file = "bars.svg"): drawn by your client
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `barplot`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "barplot",
    params: &[
        Param::required("height"),
        Param::optional("file", "NULL"),
        Param::optional("main", "NULL"),
        Param::optional("xlab", "NULL"),
        Param::optional("ylab", "NULL"),
        Param::optional("ylim", "NULL"),
        Param::optional("col", "NULL"),
    ],
    min_dots: 0,
    refused: &[(
        "xlim",
        "the bars stand at the table's levels; ylim sets the counts' axis",
    )],
    usage: "barplot(table, file = \"bars.svg\", main, xlab, ylab, ylim = c(0, 40), col = c(\"grey\", \"red\")): drawn by your client; col as R's (one per bar of a one-way table, one per row of a two-way table, recycled)",
    reveals: "nothing beyond its argument",
    check: Some(super::plot::check),
    eval: Some(super::plot::eval),
};
