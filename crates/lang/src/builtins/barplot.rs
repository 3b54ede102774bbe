//! `barplot`: barplot(table, file = \"bars.svg\"): drawn by your client
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `barplot`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "barplot",
    params: &[
        Param::required("x"),
        Param::optional("file", "NULL"),
        Param::optional("conf.int", "TRUE"),
        Param::optional("main", "NULL"),
        Param::optional("xlab", "NULL"),
        Param::optional("ylab", "NULL"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "barplot(table, file = \\\"bars.svg\\\"): drawn by your client",
    reveals: "nothing beyond its argument",
    eval: None,
};
