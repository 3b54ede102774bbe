//! `survfit`: survfit(Surv(time, event) ~ g, data): Kaplan-Meier curves
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, MODEL_REFUSED, Param};

/// The entry of `survfit`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "survfit",
    params: &[
        Param::required("formula"),
        Param::optional("data", "NULL"),
        Param::named("subset", "NULL"),
    ],
    min_dots: 0,
    refused: MODEL_REFUSED,
    usage: "survfit(Surv(time, event) ~ g, data): Kaplan-Meier curves",
    reveals: "group sizes and the distinct event and censoring times with their counts; needs allow_event_times",
    check: None,
    eval: None,
};
