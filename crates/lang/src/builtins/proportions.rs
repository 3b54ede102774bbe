//! `proportions`: proportions(x, margin = NULL): prop.table(x, margin)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `proportions`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "proportions",
    params: &[Param::required("x"), Param::optional("margin", "NULL")],
    min_dots: 0,
    refused: &[],
    usage: "proportions(x, margin = NULL): prop.table(x, margin)",
    reveals: "nothing beyond the table",
    check: None,
    eval: Some(super::prop_table::eval),
};
