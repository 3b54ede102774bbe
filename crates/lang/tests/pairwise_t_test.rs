//! Issue 16: `pairwise.t.test` against R (`r/group_tests.R` → `r/pairwise.json`) on `lung`:
//! pooled SD with Holm's, BH's and Bonferroni's adjustments, Welch's, one-sided; R's text.
mod support;

use support::Fixture;
use support::cohort::{D, near, num, prints_as_r};

#[test]
fn pairwise_t_test_matches_r() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../r/pairwise.json");
    let cases: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let fx = Fixture::cohort("lung");
    let prelude = format!("{D}e <- subset(d, ph.ecog < 3)\n");
    for want in cases.as_array().unwrap() {
        let call = want["call"].as_str().unwrap();
        let got = fx.json(&format!("{prelude}{call}"));
        let (gp, wp) = (got["p"].as_array().unwrap(), want["p"].as_array().unwrap());
        for (gr, wr) in gp.iter().zip(wp) {
            for (g, w) in gr.as_array().unwrap().iter().zip(wr.as_array().unwrap()) {
                if w.is_null() {
                    assert!(g.is_null(), "{call}: {got}");
                } else {
                    near(num(g), num(w), 1e-9, 1e-15, call);
                }
            }
        }
        prints_as_r(&fx, &format!("{prelude}{call}"), &want["print"]);
    }
    let m = fx.refusal(&format!(
        "{prelude}pairwise.t.test(e$age, e$ph.ecog, paired = TRUE)"
    ));
    assert!(m.contains("paired"), "{m}");
}
