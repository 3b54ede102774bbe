//! `cor.test`: cor.test(x, y, method = "pearson" | "spearman" | "kendall")
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `cor.test`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "cor.test",
    params: &[
        Param::required("x"),
        Param::optional("y", "NULL"),
        Param::optional("alternative", "\"two.sided\""),
        Param::optional("method", "\"pearson\""),
        Param::optional("exact", "NULL"),
        Param::optional("conf.level", "0.95"),
        Param::optional("continuity", "FALSE"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "cor.test(x, y, method = \"pearson\"): Pearson's, Spearman's or Kendall's test",
    reveals: "as cor with the same method",
    eval: None,
};
