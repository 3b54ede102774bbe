//! Issue 15: `subset =` of the models, against R's fits with the same argument on
//! `survival::lung` (`r/survival_cohorts.R`).
mod support;

use support::Fixture;
use support::cohort::{D, cox_matches_r, lm_matches_r, near, num};

/// Issue 15: `subset =` of `lm`, `coxph`, `survfit` and `survdiff` keeps the rows where the
/// condition, among the data's columns, is `TRUE` (`NA`: left out), as R's `model.frame`; each
/// result is R's with the subset (and differs from the fit without it); a subset too small
/// for the subset rules is refused as `data = subset(d, ...)` is.
#[test]
fn models_take_subset_as_r() {
    let fx = Fixture::cohort("lung");
    lm_matches_r(&fx, "lm_subset", 1e-6);
    cox_matches_r("lung", "coxph_subset", 1e-6);
    let want = &fx.expected["surv_subset"];
    let f = fx.json(&format!(
        "{D}survfit(Surv(time, status) ~ sex_f, data = d, subset = ph.ecog >= 1)"
    ));
    assert_eq!(f["n"], want["n"], "survfit n");
    for i in 0..2 {
        near(
            num(&f["median"][i]),
            num(&want["median"][i]),
            0.0,
            0.0,
            "median",
        );
    }
    let s = fx.json(&format!(
        "{D}survdiff(Surv(time, status) ~ sex_f, data = d, subset = age < 70)"
    ));
    near(
        num(&s["chisq"]),
        num(&want["chisq"]),
        1e-6,
        0.0,
        "survdiff chisq",
    );
    assert_eq!(s["n"], want["survdiff_n"], "survdiff n");
    let all = fx.json(&format!(
        "{D}survdiff(Surv(time, status) ~ sex_f, data = d)"
    ));
    assert_ne!(all["n"], s["n"]);
    // Named only where R has `weights` at its position: coxph(f, d, cond) is not a subset.
    let e = fx.refusal(&format!("{D}coxph(Surv(time, status) ~ age, d, age > 50)"));
    assert!(e.contains("at most"), "{e}");
    // The subset rules hold: the 2 patients over 80 are too few for the study's rule.
    let policy = sharestat_dict::Policy {
        min_subset: 5,
        ..support::open_policy()
    };
    let strict = Fixture::cohort_with("lung", policy);
    let e = strict.refusal(&format!(
        "{D}lm(wt.loss ~ age, data = d, subset = age > 80)"
    ));
    assert!(e.contains("min_subset"), "{e}");
    // Attack: a fit on all rows but one patient (a difference of two fits would give that
    // patient's values away) is refused, by name as `data = subset(d, ...)` is.
    let policy = sharestat_dict::Policy {
        min_subset: 5,
        min_complement: 5,
        ..support::open_policy()
    };
    let strict = Fixture::cohort_with("lung", policy);
    strict.json(&format!("{D}lm(wt.loss ~ age, data = d)"));
    let e = strict.refusal(&format!(
        "{D}lm(wt.loss ~ age, data = d, subset = age != 82)"
    ));
    assert!(e.contains("min_complement"), "{e}");
    // A condition outside the data's columns, or without data, is a type error.
    let e = fx.refusal(&format!(
        "{D}lm(wt.loss ~ age, data = d, subset = nope > 1)"
    ));
    assert!(e.contains("nope"), "{e}");
}
