//! Issue 16: `oneway.test` against R (`r/group_tests.R` → `r/oneway.json`) on `lung`: Welch's and
//! the equal-variance F test, two and three groups, missing values; R's printed text.
mod support;

use support::Fixture;
use support::cohort::{D, near, num, prints_as_r};

#[test]
fn oneway_test_matches_r() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../r/oneway.json");
    let cases: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let fx = Fixture::cohort("lung");
    for want in cases.as_array().unwrap() {
        let call = want["call"].as_str().unwrap();
        let got = fx.json(&format!("{D}{call}"));
        near(
            num(&got["statistic"]),
            num(&want["statistic"]),
            1e-9,
            0.0,
            call,
        );
        near(num(&got["p_value"]), num(&want["p"]), 1e-9, 1e-15, call);
        near(num(&got["num df"]), num(&want["df"][0]), 1e-12, 0.0, call);
        near(num(&got["denom df"]), num(&want["df"][1]), 1e-9, 0.0, call);
        prints_as_r(&fx, &format!("{D}{call}"), &want["print"]);
    }
    // A group of one patient is refused by the small-cell rule (R: not enough observations).
    let m = fx.refusal(&format!("{D}oneway.test(age ~ ph.ecog, data = d)"));
    assert!(m.contains("min_cell") || m.contains("not enough"), "{m}");
}
