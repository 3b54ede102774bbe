//! `survfit`: survfit(Surv(time, event) ~ g, data): Kaplan-Meier curves
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `survfit`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "survfit",
    params: &[Param::required("formula"), Param::optional("data", "NULL")],
    min_dots: 0,
    refused: &[
        (
            "subset",
            "not yet: give the rows as the data, `data = subset(d, cond)`",
        ),
        ("weights", "case weights are not supported"),
        (
            "na.action",
            "rows with a missing value in the model's variables are left out (R's na.omit); no other action is available",
        ),
    ],
    usage: "survfit(Surv(time, event) ~ g, data): Kaplan-Meier curves",
    reveals: "group sizes and the distinct event and censoring times with their counts; needs allow_event_times",
    eval: None,
};
