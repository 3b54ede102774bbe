//! Issue 16: `prop.test` against R (`r/proportions.R` → `r/proportions.json`): R's
//! documentation example, one and k groups, with and without the continuity correction,
//! one-sided, a zero count, and the table form on `lung`; R's printed text.
mod support;

use support::Fixture;
use support::cohort::{D, near, num, prints_as_r};

#[test]
fn prop_test_matches_r() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../r/proportions.json");
    let cases: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let fx = Fixture::cohort("lung");
    for want in cases.as_array().unwrap() {
        let call = want["call"].as_str().unwrap();
        let got = fx.json(&format!("{D}{call}"));
        let what = |k: &str| format!("{call}: {k}");
        near(
            num(&got["statistic"]),
            num(&want["statistic"]),
            1e-9,
            1e-12,
            &what("X-squared"),
        );
        near(
            num(&got["p_value"]),
            num(&want["p"]),
            1e-9,
            1e-15,
            &what("p"),
        );
        assert_eq!(num(&got["df"]), num(&want["df"]), "{call}: df");
        if let Some(ci) = want["conf_int"].as_array() {
            near(
                num(&got["conf_int"][0]),
                num(&ci[0]),
                1e-9,
                1e-12,
                &what("lower"),
            );
            near(
                num(&got["conf_int"][1]),
                num(&ci[1]),
                1e-9,
                1e-12,
                &what("upper"),
            );
        }
        prints_as_r(&fx, &format!("{D}{call}"), &want["print"]);
    }
    // Refused by name: p for several groups; counts that are not whole.
    let m = fx.refusal(&format!("{D}prop.test(c(15, 25), c(50, 50), p = 0.3)"));
    assert!(m.contains("p for several groups"), "{m}");
    let m = fx.refusal(&format!("{D}prop.test(mean(d$age), 100)"));
    assert!(m.contains("whole numbers"), "{m}");
}
