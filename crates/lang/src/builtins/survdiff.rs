//! `survdiff`: survdiff(Surv(time, event) ~ g + strata(s), data, strict = FALSE): log-rank test (with strata(s): R's stratified test, observed, expected and variance summed over the strata); strict = TRUE: two groups, only the statistic
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param, SURVDIFF_REFUSED};

/// The entry of `survdiff`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "survdiff",
    params: &[
        Param::required("formula"),
        Param::optional("data", "NULL"),
        Param::optional("subset", "NULL"),
        Param::named("strict", "FALSE"),
    ],
    min_dots: 0,
    refused: SURVDIFF_REFUSED,
    usage: "survdiff(Surv(time, event) ~ g + strata(s), data, strict = FALSE): log-rank test (with strata(s): R's stratified test, observed, expected and variance summed over the strata); strict = TRUE: two groups, only the statistic",
    reveals: "as survfit (with strata: per group and stratum); with strict = TRUE only the chi-square statistic (no times, no counts; allowed without allow_event_times)",
    check: None,
    eval: Some(super::survfit::eval),
};
