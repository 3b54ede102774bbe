//! `prop.table`: prop.table(x, margin = NULL): the proportions of a table (from table()): each count over the total, or over its row's (margin = 1) or column's (margin = 2) total; printed as R prints them. proportions() is the same
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `prop.table`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "prop.table",
    params: &[Param::required("x"), Param::optional("margin", "NULL")],
    min_dots: 0,
    refused: &[],
    usage: "prop.table(x, margin = NULL): the proportions of a table (from table()): each count over the total, or over its row's (margin = 1) or column's (margin = 2) total; printed as R prints them. proportions() is the same",
    reveals: "nothing beyond the table",
    check: None,
    eval: None,
};
