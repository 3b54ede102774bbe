//! `plot`: plot(fit or table, file = "km.svg", conf.int = FALSE, main = ""): drawn by your client
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, PLOT_PARAMS};

/// The entry of `plot`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "plot",
    params: PLOT_PARAMS,
    min_dots: 0,
    refused: &[],
    usage: "plot(fit or table, file = \"km.svg\", conf.int = FALSE, main = \"\"): drawn by your client",
    reveals: "nothing beyond its argument",
    check: None,
    eval: None,
};
