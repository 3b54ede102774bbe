//! `load`: load(study, name) or load(name): a dataset of the query's study as a private table (study must be the query's own)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `load`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "load",
    params: &[Param::required("study"), Param::optional("name", "NULL")],
    min_dots: 0,
    refused: &[],
    usage: "load(study, name) or load(name): a dataset of the query's study as a private table (study must be the query's own)",
    reveals: "nothing",
    check: None,
    eval: None,
};
