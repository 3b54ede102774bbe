//! `chisq.test`: chisq.test(table(a, b)) or chisq.test(a, b); correct = FALSE to drop Yates
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `chisq.test`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "chisq.test",
    params: &[
        Param::required("x"),
        Param::optional("y", "NULL"),
        Param::optional("correct", "TRUE"),
        Param::optional("p", "NULL"),
        Param::optional("simulate.p.value", "FALSE"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "chisq.test(table(a, b)) or chisq.test(a, b); correct = FALSE to drop Yates",
    reveals: "the two-way table (cells >= min_cell)",
    check: None,
    eval: Some(super::t_test::eval),
};
