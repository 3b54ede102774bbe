//! `table`: table(x), table(x, y), useNA = "no"/"ifany"/"always"
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, DOTS_PARAM, Param};

/// The entry of `table`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "table",
    params: &[DOTS_PARAM, Param::optional("useNA", "\"no\"")],
    min_dots: 1,
    refused: &[],
    usage: "table(x), table(x, y), useNA = \"no\"/\"ifany\"/\"always\"",
    reveals: "the counts, each 0 or >= min_cell",
    check: None,
    eval: Some(crate::eval::agg::aggregate_entry),
};
