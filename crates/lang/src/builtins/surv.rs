//! `Surv`: Surv(time, event): the response of survfit and survdiff
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `Surv`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "Surv",
    params: &[Param::required("time"), Param::required("event")],
    min_dots: 0,
    refused: &[],
    usage: "Surv(time, event): the response of survfit and survdiff",
    reveals: "nothing by itself",
    check: None,
    eval: None,
};
