//! `help`: help("name"): this text
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `help`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "help",
    params: &[Param::required("topic")],
    min_dots: 0,
    refused: &[],
    usage: "help(\"name\"): this text",
    reveals: "nothing",
    check: None,
    eval: None,
};
