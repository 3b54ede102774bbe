//! `subset`: subset(t, cond), t[cond, ], x[cond]: the rows where cond is TRUE (NA counts as FALSE)
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `subset`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "subset",
    params: &[Param::required("x"), Param::required("subset")],
    min_dots: 0,
    refused: &[],
    usage: "subset(t, cond), t[cond, ], x[cond]: the rows where cond is TRUE (NA counts as FALSE)",
    reveals: "nothing; aggregates over it apply the subset rules",
    check: None,
    eval: None,
};
