//! Issue 15: `wilcox.test`'s signed-rank test (`paired = TRUE`, one sample) and its `mu`,
//! `alternative`, `exact`, `correct`; `cor.test` and `cor` with `method = "spearman"` and
//! `"kendall"` (`exact`, `continuity`, `alternative`) — each against R's values on
//! `survival::lung` (`r/survival_cohorts.R`, key `rank_tests`): statistic, p-value, estimate,
//! method and alternative, exact and normal branches, with ties, zeros and missing values.
mod support;

use support::Fixture;
use support::cohort::{D, near, num};

/// The subsets of R's script: 16 patients over 74 (no ties in `x74`, `y74`), 6 over 76.
const SUBSETS: &str = "old <- d$age > 74\nx74 <- d$time[old]\ny74 <- 1000 * d$age[old] - d$time[old]\no6 <- d$age > 76\n";

/// Every case of R's `rank_tests`, as R users call them.
const CASES: &[(&str, &str)] = &[
    (
        "paired",
        "wilcox.test(d$ph.karno, d$pat.karno, paired = TRUE)",
    ),
    (
        "paired_less",
        "wilcox.test(d$ph.karno, d$pat.karno, paired = TRUE, alternative = \"less\", mu = 5, correct = FALSE)",
    ),
    ("one", "wilcox.test(d$age, mu = 60)"),
    (
        "one_exact",
        "wilcox.test(x74, mu = 300, alternative = \"greater\")",
    ),
    ("one_normal", "wilcox.test(x74, mu = 300, exact = FALSE)"),
    (
        "sum_mu",
        "wilcox.test(age ~ sex, data = d, mu = 2, alternative = \"greater\")",
    ),
    (
        "sum_xy",
        "wilcox.test(d$age, d$wt.loss, alternative = \"less\", mu = 50, correct = FALSE)",
    ),
    (
        "sum_exact",
        "wilcox.test(x74, d$time[d$age < 45], alternative = \"greater\")",
    ),
    (
        "spearman",
        "cor.test(d$age, d$wt.loss, method = \"spearman\")",
    ),
    (
        "spearman_cont",
        "cor.test(d$age, d$wt.loss, method = \"spearman\", continuity = TRUE, alternative = \"less\")",
    ),
    (
        "spearman_exact",
        "cor.test(x74, y74, method = \"spearman\")",
    ),
    (
        "spearman_greater",
        "cor.test(x74, y74, method = \"s\", alternative = \"greater\")",
    ),
    (
        "spearman_small",
        "cor.test(d$time[o6], d$meal.cal[o6] + d$age[o6], method = \"spearman\")",
    ),
    (
        "kendall",
        "cor.test(d$age, d$wt.loss, method = \"kendall\")",
    ),
    (
        "kendall_cont",
        "cor.test(d$age, d$wt.loss, method = \"kendall\", continuity = TRUE, alternative = \"greater\")",
    ),
    ("kendall_exact", "cor.test(x74, y74, method = \"kendall\")"),
    (
        "kendall_less",
        "cor.test(x74, y74, method = \"kendall\", alternative = \"less\")",
    ),
];

#[test]
fn rank_tests_match_r() {
    let fx = Fixture::cohort("lung");
    let want = &fx.expected["rank_tests"];
    let mut script = format!("{D}{SUBSETS}");
    for (_, q) in CASES {
        script.push_str(q);
        script.push('\n');
    }
    let (printed, error) = fx.run_script(&script);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(printed.len(), CASES.len(), "{printed:?}");
    for ((key, q), text) in CASES.iter().zip(&printed) {
        let w = &want[*key];
        let got = fx.json(&format!("{D}{SUBSETS}{q}"));
        near(num(&got["statistic"]), num(&w["statistic"]), 1e-9, 1e-12, q);
        near(num(&got["p_value"]), num(&w["p"]), 1e-6, 1e-15, q);
        if let Some(est) = w["estimate"].as_f64() {
            let name = if key.starts_with("kendall") {
                "tau"
            } else {
                "rho"
            };
            near(num(&got["estimate"][name]), est, 1e-9, 1e-12, q);
        }
        assert_eq!(got["method"], w["method"], "{q}");
        // R's printed alternative line names the tail asked.
        let alt = match w["alternative"].as_str().unwrap() {
            "less" => "less than",
            "greater" => "greater than",
            _ => "not equal to",
        };
        assert!(text.contains(alt), "{q}: {text}");
        assert!(text.contains(w["method"].as_str().unwrap()), "{q}: {text}");
    }
}

/// R's `alternative` words with the null value: `true location is greater than 300`,
/// `true location shift is less than 5`, `true rho is greater than 0`.
#[test]
fn alternative_lines_name_the_null_as_r() {
    let fx = Fixture::cohort("lung");
    for (q, line) in [
        (
            "wilcox.test(x74, mu = 300, alternative = \"greater\")",
            "alternative hypothesis: true location is greater than 300",
        ),
        (
            "wilcox.test(d$ph.karno, d$pat.karno, paired = TRUE, alternative = \"less\", mu = 5)",
            "alternative hypothesis: true location shift is less than 5",
        ),
        (
            "cor.test(x74, y74, method = \"spearman\", alternative = \"greater\")",
            "alternative hypothesis: true rho is greater than 0",
        ),
        (
            "cor.test(x74, y74, method = \"kendall\")",
            "alternative hypothesis: true tau is not equal to 0",
        ),
    ] {
        let text = fx.printed(&format!("{D}{SUBSETS}{q}"), 1);
        assert!(text.contains(line), "{q}: {text}");
    }
}

/// `cor(method = "kendall" / "spearman")`, and R's errors for what the tests cannot take.
#[test]
fn rank_correlations_and_refusals_as_r() {
    let fx = Fixture::cohort("lung");
    let want = &fx.expected["rank_tests"];
    for (m, key) in [
        ("kendall", "cor_kendall"),
        ("spearman", "cor_spearman"),
        ("k", "cor_kendall"),
    ] {
        let q = format!("{D}cor(d$age, d$wt.loss, method = \"{m}\", use = \"complete.obs\")");
        let got = fx.json(&q);
        near(num(&got), num(&want[key]), 1e-9, 1e-12, &q);
    }
    for (q, says) in [
        (
            "wilcox.test(d$age, paired = TRUE)",
            "'y' is missing for paired test",
        ),
        (
            "wilcox.test(age ~ sex, data = d, paired = TRUE)",
            "paired = TRUE with a formula",
        ),
        ("wilcox.test(d$age, mu = NA)", "NA"),
        (
            "cor.test(d$age, d$wt.loss, method = \"tau\")",
            "'method' should be one of",
        ),
        (
            "cor(d$age, d$wt.loss, method = \"rank\")",
            "'method' should be one of",
        ),
        (
            "wilcox.test(d$ph.karno, d$ph.karno, paired = TRUE)",
            "every difference is zero",
        ),
    ] {
        let e = fx.refusal(&format!("{D}{q}"));
        assert!(e.contains(says) && e.starts_with("line "), "{q}: {e}");
    }
}
