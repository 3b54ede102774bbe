//! `fisher.test`: fisher.test(table(a, b)): exact test (2x2 with odds ratio; r x c: p-value)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `fisher.test`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "fisher.test",
    params: &[
        Param::required("x"),
        Param::optional("y", "NULL"),
        Param::optional("alternative", "\"two.sided\""),
        Param::optional("conf.int", "TRUE"),
        Param::optional("conf.level", "0.95"),
        Param::optional("simulate.p.value", "FALSE"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "fisher.test(table(a, b)): exact test (2x2 with odds ratio; r x c: p-value)",
    reveals: "the 2x2 table (cells >= min_cell)",
    check: None,
    eval: Some(super::t_test::eval),
};
