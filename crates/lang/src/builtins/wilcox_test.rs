//! `wilcox.test`: wilcox.test(y ~ g, data) or wilcox.test(x, y): rank-sum test
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `wilcox.test`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "wilcox.test",
    params: &[
        Param::required("x"),
        Param::optional("y", "NULL"),
        Param::optional("data", "NULL"),
        Param::optional("alternative", "\"two.sided\""),
        Param::optional("mu", "0"),
        Param::optional("paired", "FALSE"),
        Param::optional("exact", "NULL"),
        Param::optional("correct", "TRUE"),
        Param::optional("conf.level", "0.95"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "wilcox.test(y ~ g, data) or wilcox.test(x, y): rank-sum test",
    reveals: "group sizes, W and the tie correction Σ(t³ - t)",
    eval: None,
};
