//! `$` on public results as in R (issue 14): each field against R's value in `expected.json`,
//! and an unknown field refused with the names the result has.
mod support;

use support::{Fixture, close};

const D: &str = "d <- rbind(load(\"munich\"), load(\"rome\"))\n\
                 d$ecog_group <- ifelse(d$ecog_status %in% c(\"0\", \"1\"), \"ecog01\", \"ecog2\")\n";
const S: &str = "Surv(follow_up_months, event_death)";

fn num(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn nums(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("not numbers: {v}"))
        .iter()
        .map(num)
        .collect()
}

#[test]
fn fields_of_tests_and_models_are_r_s() {
    let fx = Fixture::open();
    let want = &fx.expected;
    let t = "t.test(age ~ gender, data = d)";
    close(
        num(&fx.json(&format!("{D}{t}$p.value"))),
        num(&want["t_test_age_by_gender"]["welch_p"]),
        "p.value",
    );
    close(
        num(&fx.json(&format!("{D}{t}$parameter"))["df"]),
        num(&want["t_test_age_by_gender"]["welch_df"]),
        "parameter",
    );
    // R's idiom: a p-value rounded for a table.
    let p = num(&fx.json(&format!("{D}round({t}$p.value, 3)")));
    assert_eq!(p, 0.872);
    let lr = format!("survdiff({S} ~ ecog_group, data = d)");
    close(
        num(&fx.json(&format!("{D}{lr}$chisq"))),
        num(&want["logrank_ecog"]["chisq"]),
        "chisq",
    );
    let obs = fx.json(&format!("{D}{lr}$obs"));
    assert_eq!(obs["ecog01"], serde_json::json!(13.0), "{obs}");
    assert_eq!(obs["ecog2"], serde_json::json!(4.0), "{obs}");
    let cox = fx.json(&format!(
        "{D}coxph({S} ~ age + ecog_group, data = d)$coefficients"
    ));
    // Within 1e-5 standard errors, as `cox_adrenal.rs` states the fixed-point path's error.
    for (i, name) in ["age", "ecog_groupecog2"].iter().enumerate() {
        let (g, w) = (num(&cox[name]), num(&want["cox_age_ecog"]["coef"][i]));
        let se = num(&want["cox_age_ecog"]["se"][i]);
        assert!((g - w).abs() <= 1e-5 * se, "{name}: {g} vs {w}");
    }
    let lm = fx.json(&format!("{D}lm(ptv_cc ~ gtv_cc, data = d)$coefficients"));
    close(
        num(&lm["gtv_cc"]),
        num(&want["lm_ptv_on_gtv"]["coef"][1]),
        "lm",
    );
    let fit = format!("survfit({S} ~ 1, data = d)");
    let surv = nums(&fx.json(&format!("{D}{fit}$surv")));
    let table = &want["km_overall"]["table"];
    let events: Vec<f64> = table
        .as_array()
        .unwrap()
        .iter()
        .map(|r| num(&r["surv"]))
        .collect();
    // R's table lists event times; `$surv` has every time: the event rows agree.
    for w in &events {
        assert!(
            surv.iter().any(|g| (g - w).abs() <= 1e-6 * w),
            "{w} not in {surv:?}"
        );
    }
    assert_eq!(num(&fx.json(&format!("{D}{fit}$n"))), 48.0);
}

#[test]
fn an_unknown_field_names_the_ones_there_are() {
    let fx = Fixture::open();
    let e = fx.refusal(&format!("{D}t.test(age ~ gender, data = d)$pvalue"));
    assert!(e.contains("no `pvalue`") && e.contains("`p.value`"), "{e}");
}
