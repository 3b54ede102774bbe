//! `cor`: cor(x, y, method = "pearson"): Pearson, Spearman (midranks) or Kendall (tau-b)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `cor`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "cor",
    params: &[
        Param::required("x"),
        Param::optional("y", "NULL"),
        Param::optional("use", "\"everything\""),
        Param::optional("method", "\"pearson\""),
    ],
    min_dots: 0,
    refused: &[],
    usage: "cor(x, y, method = \"pearson\"): Pearson, Spearman (midranks) or Kendall (tau-b, up to 2000 rows)",
    reveals: "n, Σx, Σy, Σx², Σy², Σxy (of the ranks, for Spearman); Kendall: n, S = C - D and the tie-run sums",
    eval: None,
};
