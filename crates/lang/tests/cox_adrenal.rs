//! `coxph` on secret shares of the fixture against R's `cox_age_ecog` (survival 3.5, Efron
//! ties) in `expected.json`, and its refusals.
mod support;

use support::Fixture;

const D: &str = "d <- rbind(load(\"munich\"), load(\"rome\"))\n";
const FIT: &str = "coxph(Surv(follow_up_months, event_death) ~ age + \
    ifelse(ecog_status %in% c(\"0\", \"1\"), \"ecog01\", \"ecog2\"), data = d)";

fn num(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Within `rel` of R's value, relative.
fn near(got: f64, want: f64, rel: f64, what: &str) {
    assert!(
        (got - want).abs() <= rel * want.abs(),
        "{what}: got {got}, R says {want} (relative error {:.2e})",
        ((got - want) / want).abs()
    );
}

#[test]
fn cox_model_matches_r() {
    let fx = Fixture::adrenal();
    let want = &fx.expected["cox_age_ecog"];
    let got = fx.json(&format!("{D}{FIT}"));
    eprintln!("{got:#}");
    assert_eq!(got["ties"], "efron");
    assert_eq!(got["names"][0], "age");
    assert!(got["names"][1].as_str().unwrap().ends_with("ecog2"));
    // The fixed-point path (22 fractional bits, stochastic rounding) leaves an error of a few
    // millionths of a standard error on the coefficients: relative to the age coefficient,
    // which is 0.03 standard errors from zero, that is 4e-5; hence 1e-4 relative, and 1e-5
    // standard errors.
    for i in 0..2 {
        let (g, w) = (num(&got["coef"][i]), num(&want["coef"][i]));
        near(g, w, 1e-4, "coef");
        assert!(
            (g - w).abs() <= 1e-5 * num(&want["se"][i]),
            "coef {i}: {g} vs {w}"
        );
        near(num(&got["se"][i]), num(&want["se"][i]), 1e-6, "se");
        near(
            num(&got["loglik"][i]),
            num(&want["loglik"][i]),
            1e-6,
            "loglik",
        );
    }
    let text =
        sharestat_lang::eval::render::render(&fx.run(&format!("{D}{FIT}")).unwrap()[0].value);
    assert!(text.contains("Likelihood ratio test="), "{text}");
    assert!(text.contains("n= 48, number of events= 17"), "{text}");
}

#[test]
fn cox_model_needs_event_times_and_a_valid_ties_rule() {
    let fx = Fixture::new(sharestat_dict::Policy::default());
    let e = fx.refusal(&format!("{D}{FIT}"));
    assert!(e.contains("(allow_event_times)"), "{e}");
    let fx = Fixture::adrenal();
    let e = fx
        .run(&format!(
            "{D}coxph(Surv(follow_up_months, event_death) ~ age, data = d, ties = \"exact\")"
        ))
        .unwrap_err();
    assert!(e.contains("ties is \"efron\" or \"breslow\""), "{e}");
}
