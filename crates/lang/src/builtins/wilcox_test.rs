//! `wilcox.test`: rank-sum (`y ~ g`, `x, y`) or signed-rank (`x`, `x, y, paired = TRUE`) test
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
    usage: "wilcox.test(y ~ g, data), wilcox.test(x, y): rank-sum test; wilcox.test(x, mu =) or (x, y, paired = TRUE): signed-rank test",
    reveals: "rank sum: group sizes, W, Σ(t³ - t); signed rank: n used, n non-zero, V, Σ(t³ - t)",
    eval: None,
};
