//! Issue 15: the tests' arguments change their results as R's do (`paired`, `alternative`,
//! `mu`, `conf.level`, `conf.int`), against R's values on `survival::lung`
//! (`r/survival_cohorts.R`); R arguments not computed are refused by name.
mod support;

use support::Fixture;
use support::cohort::{D, near, num};

/// Arguments that change a test's result do so as in R (`conf.level` of `fisher.test` and
/// `cor.test`, `conf.int = FALSE`); R's arguments whose other values are not computed yet are
/// refused by name, their defaults (abbreviated as R's `match.arg` allows) accepted.
#[test]
fn test_arguments_change_results_as_r_or_are_refused_by_name() {
    let fx = Fixture::cohort("lung");
    let want = &fx.expected["test_args"];
    let tab = "table(d$sex_f, d$status == 2)";
    let f = fx.json(&format!("{D}fisher.test({tab}, conf.level = 0.9)"));
    let w = &want["fisher_90"];
    // R finds the odds ratio and its limits with `uniroot`'s default tolerance (about 1e-4).
    near(
        num(&f["estimate"]["odds ratio"]),
        num(&w["or"]),
        1e-4,
        0.0,
        "or",
    );
    near(num(&f["conf_int"][0]), num(&w["lower"]), 1e-4, 0.0, "lower");
    near(num(&f["conf_int"][1]), num(&w["upper"]), 1e-4, 0.0, "upper");
    near(num(&f["p_value"]), num(&w["p"]), 1e-6, 0.0, "p");
    let f = fx.json(&format!("{D}fisher.test({tab}, conf.int = FALSE)"));
    assert!(f.get("conf_int").is_none(), "{f}");
    assert!(!want["fisher_no_ci"]["has_ci"].as_bool().unwrap());
    let c = fx.json(&format!("{D}cor.test(d$age, d$wt.loss, conf.level = 0.9)"));
    let w = &want["cor_90"];
    near(num(&c["estimate"]["cor"]), num(&w["r"]), 1e-6, 0.0, "r");
    near(
        num(&c["conf_int"][0]),
        num(&w["lower"]),
        1e-6,
        1e-9,
        "lower",
    );
    near(
        num(&c["conf_int"][1]),
        num(&w["upper"]),
        1e-6,
        1e-9,
        "upper",
    );
    // Refused by name where R would compute another statistic.
    for (q, arg) in [
        (
            "wilcox.test(d$age, d$wt.loss, alternative = \"more\")",
            "alternative",
        ),
        ("cor.test(d$age, d$wt.loss, method = \"tau\")", "method"),
        (
            &format!("chisq.test({tab}, simulate.p.value = TRUE)"),
            "simulate.p.value",
        ),
        ("cor.test(d$age, d$wt.loss, conf.level = 1.5)", "conf.level"),
    ] {
        let e = fx.refusal(&format!("{D}{q}"));
        assert!(e.contains(arg) && e.starts_with("line "), "{q}: {e}");
    }
    // R's defaults, also abbreviated, run.
    fx.json(&format!(
        "{D}t.test(d$age, d$wt.loss, alternative = \"two\", paired = FALSE)"
    ));
}

/// `t.test`'s `paired`, `alternative`, `mu` and `conf.level` as R's (statistic, df, p,
/// interval with its infinite bound, estimates, method).
#[test]
fn t_test_arguments_match_r() {
    let fx = Fixture::cohort("lung");
    let want = &fx.expected["t_args"];
    for (key, q) in [
        ("paired", "t.test(d$age, d$meal.cal / 10, paired = TRUE)"),
        (
            "paired_less",
            "t.test(d$age, d$meal.cal / 10, paired = TRUE, alternative = \"less\", mu = -25)",
        ),
        (
            "welch_greater",
            "t.test(d$age, d$wt.loss, alternative = \"greater\", mu = 40)",
        ),
        (
            "student_less",
            "t.test(age ~ sex_f, data = d, alternative = \"less\", var.equal = TRUE)",
        ),
        (
            "one_greater",
            "t.test(d$age, mu = 60, alternative = \"greater\", conf.level = 0.9)",
        ),
    ] {
        let got = fx.json(&format!("{D}{q}"));
        let w = &want[key];
        near(num(&got["statistic"]), num(&w["statistic"]), 1e-6, 0.0, q);
        near(num(&got["df"]), num(&w["df"]), 1e-6, 0.0, q);
        near(num(&got["p_value"]), num(&w["p"]), 1e-6, 0.0, q);
        for i in 0..2 {
            match w["conf_int"][i].as_f64() {
                Some(b) => near(num(&got["conf_int"][i]), b, 1e-6, 0.0, q),
                // R's infinite bound (JSON null).
                None => assert!(got["conf_int"][i].is_null(), "{q}: {got}"),
            }
        }
        let est: Vec<f64> = got["estimate"]
            .as_object()
            .unwrap()
            .values()
            .map(num)
            .collect();
        let west: Vec<f64> = match w["estimate"].as_array() {
            Some(a) => a.iter().map(num).collect(),
            None => vec![num(&w["estimate"])],
        };
        assert_eq!(est.len(), west.len(), "{q}");
        for (g, r) in est.iter().zip(&west) {
            near(*g, *r, 1e-6, 0.0, q);
        }
        assert_eq!(got["method"], w["method"], "{q}");
    }
    let text = fx.printed(
        &format!("{D}t.test(d$age, d$meal.cal / 10, paired = TRUE)"),
        1,
    );
    assert!(
        text.contains("true mean difference is not equal to 0") && text.contains("mean difference"),
        "{text}"
    );
    let e = fx.refusal(&format!("{D}t.test(age ~ sex_f, data = d, paired = TRUE)"));
    assert!(e.contains("paired = TRUE with a formula"), "{e}");
    let e = fx.refusal(&format!("{D}t.test(d$age, alternative = \"bigger\")"));
    assert!(e.contains("'alternative'"), "{e}");
}

/// One-sided `cor.test` and `fisher.test` as R's: the tail's p-value and the interval bounded
/// by -1 or 1 (correlation), 0 or infinity (odds ratio).
#[test]
fn one_sided_tests_match_r() {
    let fx = Fixture::cohort("lung");
    let want = &fx.expected["one_sided"];
    let tab = "table(d$sex_f, d$status == 2)";
    for (key, q, tol) in [
        (
            "cor_less",
            "cor.test(d$age, d$wt.loss, alternative = \"less\")".to_owned(),
            1e-6,
        ),
        (
            "cor_greater",
            "cor.test(d$age, d$wt.loss, alternative = \"g\", conf.level = 0.9)".to_owned(),
            1e-6,
        ),
        // R's odds-ratio limits come from `uniroot` with its default absolute tolerance
        // (1.2e-4 on the odds ratio's scale below 1: up to 6e-4 relative at 0.2).
        (
            "fisher_less",
            format!("fisher.test({tab}, alternative = \"less\")"),
            1e-3,
        ),
        (
            "fisher_greater",
            format!("fisher.test({tab}, alternative = \"greater\", conf.level = 0.9)"),
            1e-3,
        ),
    ] {
        let got = fx.json(&format!("{D}{q}"));
        let w = &want[key];
        near(num(&got["p_value"]), num(&w["p"]), 1e-6, 0.0, &q);
        for i in 0..2 {
            match w["conf_int"][i].as_f64() {
                Some(b) => near(num(&got["conf_int"][i]), b, tol, 1e-12, &q),
                None => assert!(got["conf_int"][i].is_null(), "{q}: {got}"),
            }
        }
        let text = fx.printed(&format!("{D}{q}"), 1);
        let words = if key.ends_with("less") {
            "less than"
        } else {
            "greater than"
        };
        assert!(text.contains(words), "{q}: {text}");
    }
}

/// Numeric grouping variables are grouped by their distinct values, as R's `table`,
/// `t.test(y ~ g)`, `wilcox.test(y ~ g)` and `survdiff(... ~ g)` group them (they were refused
/// as "not a categorical"); the values are found securely and each group passes `min_cell`.
#[test]
fn numeric_grouping_variables_group_by_their_values_as_r() {
    let fx = Fixture::cohort("lung");
    let want = &fx.expected["numeric_groups"];
    let t = fx.json(&format!("{D}table(d$sex, d$ph.ecog)"));
    let counts: Vec<u64> = want["table"]["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let rows = ["1", "2"];
    let cols = ["0", "1", "2", "3"];
    for (i, r) in rows.iter().enumerate() {
        for (j, c) in cols.iter().enumerate() {
            assert_eq!(t[*r][*c].as_u64(), Some(counts[i * 4 + j]), "{r}, {c}: {t}");
        }
    }
    let tt = fx.json(&format!("{D}t.test(age ~ sex, data = d)"));
    near(
        num(&tt["statistic"]),
        num(&want["t"]["statistic"]),
        1e-6,
        0.0,
        "t",
    );
    near(num(&tt["p_value"]), num(&want["t"]["p"]), 1e-6, 0.0, "p");
    let w = fx.json(&format!("{D}wilcox.test(age ~ sex, data = d)"));
    near(
        num(&w["statistic"]),
        num(&want["wilcox"]["statistic"]),
        1e-9,
        0.0,
        "W",
    );
    near(
        num(&w["p_value"]),
        num(&want["wilcox"]["p"]),
        1e-6,
        0.0,
        "p",
    );
    let s = fx.json(&format!("{D}survdiff(Surv(time, status) ~ sex, data = d)"));
    near(
        num(&s["chisq"]),
        num(&want["survdiff"]["chisq"]),
        1e-6,
        0.0,
        "chisq",
    );
    // Under the study's cell rule the single patient with ph.ecog 3 is not a group of its own.
    let policy = sharestat_dict::Policy {
        min_cell: 5,
        ..support::open_policy()
    };
    let strict = Fixture::cohort_with("lung", policy);
    let e = strict.refusal(&format!("{D}table(d$sex, d$ph.ecog)"));
    assert!(e.contains("min_cell"), "{e}");
}

/// `table(x, useNA =)` of a numeric column keeps R's `<NA>` cell (it was dropped): `"ifany"`
/// where a value is missing, `"always"` even with none; the cell passes the cell rule.
#[test]
fn use_na_of_a_numeric_table_as_r() {
    let fx = Fixture::cohort("lung");
    // R: table(lung$ph.ecog, useNA = "ifany"): 0 63, 1 113, 2 50, 3 1, <NA> 1.
    let t = fx.json(&format!("{D}table(d$ph.ecog, useNA = \"ifany\")"));
    let want = [("0", 63), ("1", 113), ("2", 50), ("3", 1), ("<NA>", 1)];
    for (k, n) in want {
        assert_eq!(t[k].as_u64(), Some(n), "{k}: {t}");
    }
    assert_eq!(t.as_object().unwrap().len(), 5, "{t}");
    // R: table(lung$sex, useNA = "always"): 1 138, 2 90, <NA> 0; "ifany" has no NA cell.
    let t = fx.json(&format!("{D}table(d$sex, useNA = \"always\")"));
    assert_eq!(
        (t["1"].as_u64(), t["2"].as_u64(), t["<NA>"].as_u64()),
        (Some(138), Some(90), Some(0))
    );
    let t = fx.json(&format!("{D}table(d$sex, useNA = \"ifany\")"));
    assert!(t.get("<NA>").is_none(), "{t}");
    let t = fx.json(&format!("{D}table(d$ph.ecog)"));
    assert!(t.get("<NA>").is_none(), "{t}");
    // Two-way, as R: table(lung$sex, lung$ph.ecog, useNA = "ifany") has an <NA> column
    // (1, 0) and no <NA> row; "always" has both.
    let t = fx.json(&format!("{D}table(d$sex, d$ph.ecog, useNA = \"ifany\")"));
    assert_eq!(t["1"]["<NA>"].as_u64(), Some(1), "{t}");
    assert_eq!(t["2"]["<NA>"].as_u64(), Some(0), "{t}");
    assert_eq!(t["1"]["0"].as_u64(), Some(36), "{t}");
    assert!(t.get("<NA>").is_none(), "{t}");
    let t = fx.json(&format!("{D}table(d$sex, d$ph.ecog, useNA = \"always\")"));
    assert_eq!(t["<NA>"]["<NA>"].as_u64(), Some(0), "{t}");
    assert_eq!(t["2"]["2"].as_u64(), Some(21), "{t}");
    // The single missing value is a cell of one patient: refused under a cell rule of 3.
    let strict = Fixture::cohort_with(
        "lung",
        sharestat_dict::Policy {
            min_cell: 3,
            ..support::open_policy()
        },
    );
    let e = strict.refusal(&format!("{D}table(d$ph.ecog > 1, useNA = \"ifany\")"));
    assert!(e.contains("min_cell"), "{e}");
}

/// `binom.test` (a function in one module, `builtins/binom_test.rs`) as R's: two-sided,
/// one-sided, `c(successes, failures)`, counts of patients from aggregates.
#[test]
fn binom_test_matches_r() {
    let fx = Fixture::cohort("lung");
    let want = &fx.expected["binom"];
    for (key, q) in [
        ("small", "binom.test(7, 20)"),
        (
            "pair",
            "binom.test(c(682, 243), p = 3/4, alternative = \"greater\", conf.level = 0.9)",
        ),
        (
            "deaths",
            "binom.test(sum(d$status == 2), nrow(d), p = 0.75, alternative = \"less\")",
        ),
        ("high", "binom.test(18, 20, p = 0.6)"),
    ] {
        let got = fx.json(&format!("{D}{q}"));
        let w = &want[key];
        near(num(&got["p_value"]), num(&w["p"]), 1e-6, 0.0, q);
        near(
            num(&got["conf_int"][0]),
            num(&w["conf_int"][0]),
            1e-6,
            1e-12,
            q,
        );
        near(
            num(&got["conf_int"][1]),
            num(&w["conf_int"][1]),
            1e-6,
            1e-12,
            q,
        );
        near(
            num(&got["estimate"]["probability of success"]),
            num(&w["estimate"]),
            1e-12,
            0.0,
            q,
        );
    }
    let e = fx.refusal(&format!("{D}binom.test(d$status == 2, 10)"));
    assert!(e.contains("count the patients first"), "{e}");
    let e = fx.refusal(&format!("{D}binom.test(21, 20)"));
    assert!(e.contains("0 <= x <= n"), "{e}");
}

/// `chisq.test(x, p =)`: R's goodness-of-fit test of a one-way table of counts (from
/// `table()` of a private column, or public counts); `p =` with a two-way table is refused.
#[test]
fn chisq_goodness_of_fit_as_r() {
    let fx = Fixture::cohort("lung");
    // R 4.2: chisq.test(table(lung$ph.ecog), p = c(0.3, 0.45, 0.2, 0.05)).
    let t = fx.json(&format!(
        "{D}chisq.test(table(d$ph.ecog), p = c(0.3, 0.45, 0.2, 0.05))"
    ));
    near(
        num(&t["statistic"]),
        11.438_570_729_319_625,
        1e-9,
        0.0,
        "X2",
    );
    near(num(&t["p_value"]), 0.009_576_049_678_963_07, 1e-9, 0.0, "p");
    assert_eq!(num(&t["df"]), 3.0);
    // R: chisq.test(c(A = 20, B = 15, C = 25), p = c(0.2, 0.3, 0.5)).
    let t = fx.json(&format!(
        "{D}chisq.test(c(A = 20, B = 15, C = 25), p = c(0.2, 0.3, 0.5))"
    ));
    near(
        num(&t["statistic"]),
        6.666_666_666_666_666,
        1e-12,
        0.0,
        "X2",
    );
    near(num(&t["p_value"]), 0.035_673_993_347_252_4, 1e-9, 0.0, "p");
    let e = fx.refusal(&format!(
        "{D}chisq.test(c(20, 15, 25), p = c(0.5, 0.6, 0.1))"
    ));
    assert!(e.contains("sum to 1"), "{e}");
    let e = fx.refusal(&format!(
        "{D}chisq.test(table(d$sex_f, d$status == 2), p = c(0.5, 0.5))"
    ));
    assert!(e.contains("`p = "), "{e}");
}
