//! Disclosure control on the fixture: the differencing-attack suite, the rules one by one, and
//! a node with a stricter policy vetoing a query the others would allow.
mod support;

use sharestat_dict::Policy;
use support::Fixture;

const D: &str = "d <- rbind(load(\"munich\"), load(\"rome\"))\n";

fn refused(fx: &Fixture, q: &str, rule: &str) -> String {
    let e = fx.refusal(&format!("{D}{q}"));
    assert!(
        e.contains(&format!("refused by disclosure control ({rule})")),
        "{q}: expected a {rule} refusal, got {e}"
    );
    e
}

#[test]
fn a_subset_of_all_but_one_is_refused() {
    let fx = Fixture::adrenal();
    // age 91 occurs once: every other patient.
    let e = refused(&fx, "mean(subset(d, age != 91)$gtv_cc)", "min_complement");
    assert!(e.contains("leaves out between 1 and 4 rows"), "{e}");
    refused(&fx, "mean(d$gtv_cc[d$age < 91])", "min_complement");
    refused(&fx, "nrow(subset(d, age < 91))", "min_complement");
    // The same filter leaving out more rows passes.
    assert!(
        fx.run(&format!("{D}mean(subset(d, age < 80)$gtv_cc)"))
            .is_ok()
    );
}

#[test]
fn a_subset_of_one_is_refused() {
    let fx = Fixture::adrenal();
    let e = refused(&fx, "mean(subset(d, age == 91)$gtv_cc)", "min_subset");
    assert!(e.contains("fewer than 5 rows"), "{e}");
    assert!(!e.contains("383") && !e.contains("91.0"), "{e}");
    refused(&fx, "sum(d$ptv_cc[d$age > 88])", "min_subset");
    refused(&fx, "freq(subset(d, age == 91)$gender)", "min_subset");
    refused(&fx, "length(d$age[d$age > 90])", "min_subset");
    refused(
        &fx,
        "median(subset(d, age == 91 | age == 38)$gtv_cc)",
        "min_subset",
    );
}

#[test]
fn a_subset_and_its_small_complement_are_refused() {
    let fx = Fixture::adrenal();
    // 3 patients are older than 83: the subset is too small and its complement leaves 3 out.
    refused(&fx, "mean(subset(d, age > 83)$gtv_cc)", "min_subset");
    refused(&fx, "mean(subset(d, age <= 83)$gtv_cc)", "min_complement");
    // A balanced split is fine both ways.
    assert!(
        fx.run(&format!("{D}mean(subset(d, age > 66)$gtv_cc)"))
            .is_ok()
    );
    assert!(
        fx.run(&format!("{D}mean(subset(d, age <= 66)$gtv_cc)"))
            .is_ok()
    );
}

#[test]
fn the_same_subset_twice_with_different_filters_is_refused() {
    let fx = Fixture::adrenal();
    // 36 patients are over 60, 35 over 62: releasing both means would expose one patient.
    assert!(
        fx.run(&format!("{D}mean(subset(d, age > 60)$gtv_cc)"))
            .is_ok()
    );
    let e = refused(&fx, "mean(subset(d, age > 62)$gtv_cc)", "differencing");
    assert!(e.contains("differs from a subset released earlier"), "{e}");
    // Differently written, the same rows: nothing new is revealed, so it is allowed.
    assert!(
        fx.run(&format!("{D}mean(subset(d, age >= 61)$ptv_cc)"))
            .is_ok()
    );
    // Built from the sites separately (another layout of the same rows) is still caught.
    let e = fx.refusal(
        "tm <- load(\"munich\")\ntr <- load(\"rome\")\n\
         mean(c(subset(tm, age > 62)$gtv_cc, subset(tr, age > 62)$gtv_cc))",
    );
    assert!(e.contains("(differencing)"), "{e}");
    // Far enough apart: allowed.
    assert!(
        fx.run(&format!("{D}mean(subset(d, age > 70)$gtv_cc)"))
            .is_ok()
    );
}

#[test]
fn empty_cells_are_allowed() {
    let fx = Fixture::adrenal();
    // ECOG 3 and 4 are empty (0 is allowed), the others hold 18, 22 and 8 patients.
    let t = fx.json(&format!("{D}table(d$ecog_status)"));
    assert_eq!(
        t,
        serde_json::json!({"0": 18, "1": 22, "2": 8, "3": 0, "4": 0})
    );
}

#[test]
fn sums_and_means_of_conditions_are_counts() {
    let fx = Fixture::adrenal();
    // One patient is missing `pattern`, one is 91: a sum or mean of a condition counts them.
    for q in [
        "sum(is.na(d$pattern))",
        "sum(d$age > 90)",
        "mean(d$age > 90)",
    ] {
        let e = refused(&fx, q, "min_cell");
        assert!(e.contains("the cell `TRUE`"), "{e}");
    }
    // ... and so does its complement, since the number of rows is public.
    let e = refused(&fx, "sum(d$age < 91)", "min_cell");
    assert!(e.contains("the cell `FALSE`"), "{e}");
    // Large counts, and sums of numbers, come out.
    assert_eq!(
        fx.json(&format!("{D}sum(d$age > 60)")),
        serde_json::json!(36.0)
    );
    assert_eq!(
        fx.json(&format!("{D}sum(d$event_death)")),
        serde_json::json!(17.0)
    );
    assert_eq!(
        fx.json(&format!("{D}sum(d$age)")),
        serde_json::json!(3208.0)
    );
}

#[test]
fn small_cells_name_the_level_at_fault() {
    let fx = Fixture::adrenal();
    // 4 patients have "other" timing.
    let e = refused(&fx, "freq(d$timing)", "min_cell");
    assert!(e.contains("the cell `other`"), "{e}");
    assert!(!e.contains("`metachronous`"), "{e}");
    // 2-D: gender by ecog has small cells.
    let e = refused(&fx, "table(d$gender, d$ecog_status)", "min_cell");
    assert!(e.contains("/ 2`"), "{e}");
}

#[test]
fn extremes_need_the_policy_switch() {
    let fx = Fixture::new(Policy::default());
    refused(&fx, "quantile(d$age)", "allow_extremes");
    refused(&fx, "max(d$age)", "allow_extremes");
    refused(&fx, "range(d$age)", "allow_extremes");
    let q = fx.json(&format!("{D}quantile(d$age, c(0.25, 0.5, 0.75))"));
    assert_eq!(
        q,
        serde_json::json!({"25%": 60.75, "50%": 66.0, "75%": 73.0})
    );
    let s = fx.json(&format!("{D}summary(d$age)"));
    assert_eq!(s["Min."], serde_json::Value::Null);
    assert_eq!(s["Median"], serde_json::json!(66.0));
}

#[test]
fn too_many_levels_are_refused() {
    let fx = Fixture::new(Policy {
        max_levels: 3,
        perturbation: sharestat_dict::Perturbation::None,
        ..Policy::default()
    });
    let e = refused(&fx, "freq(d$primary)", "max_levels");
    assert!(e.contains("at most 3"), "{e}");
    let cells_of_one = Fixture::new(Policy {
        max_levels: 3,
        min_cell: 1,
        perturbation: sharestat_dict::Perturbation::None,
        ..Policy::default()
    });
    refused(&cells_of_one, "freq(d$age)", "max_levels");
}

#[test]
fn a_node_with_a_stricter_policy_vetoes() {
    let study = Policy {
        allow_extremes: true,
        perturbation: sharestat_dict::Perturbation::None,
        ..Policy::default()
    };
    let strict = Policy {
        min_cell: 10,
        ..study.clone()
    };
    // With the study's policy everywhere, Munich's gender table (16 / 8) comes out.
    let all = Fixture::new(study.clone());
    assert!(all.run("tm <- load(\"munich\")\nfreq(tm$gender)").is_ok());
    // One node holding min_cell = 10 refuses the 8.
    let fx = Fixture::with_policies([study.clone(), study, strict]);
    let e = fx.refusal("tm <- load(\"munich\")\nfreq(tm$gender)");
    assert!(e.contains("(min_cell)") && e.contains("`female`"), "{e}");
}

#[test]
fn missing_values_follow_r() {
    let fx = Fixture::open();
    // pattern has missing values in the fixture (expected.json "missing").
    let missing = fx.expected["missing"]["pattern"].as_u64().unwrap_or(1);
    assert!(missing > 0);
    let na = fx.json(&format!("{D}table(d$pattern, useNA = \"ifany\")"));
    assert_eq!(na["<NA>"].as_u64().unwrap(), missing);
    assert_eq!(
        fx.json(&format!("{D}sum(is.na(d$pattern))"))
            .as_f64()
            .unwrap(),
        missing as f64
    );
}
