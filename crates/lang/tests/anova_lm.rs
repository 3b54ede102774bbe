//! Issue 16: `anova(lm(...))`, R's sequential analysis of variance (`r/group_tests.R` →
//! `r/anova_lm.json`) on `lung`: one factor, a factor and a covariate, an interaction; R's
//! printed table.
mod support;

use support::Fixture;
use support::cohort::{D, near, num, prints_as_r};

#[test]
fn anova_of_lm_matches_r() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../r/anova_lm.json");
    let cases: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let fx = Fixture::cohort("lung");
    let prelude = format!(
        "{D}d$ecog <- factor(d$ph.ecog, levels = c(0, 1, 2, 3))\ne <- subset(d, ph.ecog < 3)\n\
         e$ecog <- factor(e$ph.ecog, levels = c(0, 1, 2))\n"
    );
    for want in cases.as_array().unwrap() {
        let call = want["call"].as_str().unwrap();
        let got = fx.json(&format!("{prelude}{call}"));
        assert_eq!(got["df"], want["df"], "{call}: {got}");
        let rows = want["df"].as_array().unwrap().len();
        for i in 0..rows {
            near(
                num(&got["sum_sq"][i]),
                num(&want["sum_sq"][i]),
                1e-9,
                0.0,
                call,
            );
            if !want["f"][i].is_null() {
                near(num(&got["f"][i]), num(&want["f"][i]), 1e-9, 0.0, call);
                near(num(&got["p"][i]), num(&want["p"][i]), 1e-8, 1e-15, call);
            }
        }
        prints_as_r(&fx, &format!("{prelude}{call}"), &want["print"]);
    }
    let m = fx.refusal(&format!(
        "{prelude}anova(lm(age ~ sex_f, data = d), lm(age ~ 1, data = d))"
    ));
    assert!(m.contains("comparing lm() fits"), "{m}");
}

/// `aov` and `summary(aov)` print as R's `print.aov` and `summary.aov`
/// (`r/group_tests.R` → `r/aov.json`), missing values and an unbalanced design included.
#[test]
fn aov_prints_as_r() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../r/aov.json");
    let cases: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let fx = Fixture::cohort("lung");
    let prelude = format!(
        "{D}e <- subset(d, ph.ecog < 3)\ne$ecog <- factor(e$ph.ecog, levels = c(0, 1, 2))\n"
    );
    for want in cases.as_array().unwrap() {
        let call = want["call"].as_str().unwrap();
        prints_as_r(&fx, &format!("{prelude}{call}"), &want["print"]);
        prints_as_r(&fx, &format!("{prelude}summary({call})"), &want["summary"]);
    }
}
