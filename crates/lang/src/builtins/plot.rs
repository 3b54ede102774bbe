//! `plot`: plot(fit or table, file = \"km.svg\", conf.int = FALSE, main = \"\"): drawn by your client
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `plot`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "plot",
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
    usage: "plot(fit or table, file = \\\"km.svg\\\", conf.int = FALSE, main = \\\"\\\"): drawn by your client",
    reveals: "nothing beyond its argument",
    eval: None,
};
