//! The adversarial researcher's suite (issue 13): one module per attack class, the naive
//! forms from the issue and variants of our own (other columns, operators, functions, sites,
//! orders of queries). Each must be refused under the study's policy (`min_cell`,
//! `min_subset`, `min_complement` all 5), and no refusal may contain the value it protects.
//! The fixture: the oldest Munich patient is 91 and was followed 12.6 months; 3 patients are
//! older than 83; one patient's `pattern` is missing, two patients' `primary`.
//!
//! The same attacks against real nodes over TLS: `crates/node/tests/attacks_lang.rs`.
mod support;

use sharestat_dict::Policy;
use support::Fixture;
use support::attack::{D, refused, refused_by, runs, study_policy};

/// The study's policy with single values forbidden (the product's default).
fn no_extremes() -> Fixture {
    Fixture::new(Policy {
        allow_extremes: false,
        ..study_policy()
    })
}

mod arithmetic_on_a_condition {
    use super::*;

    #[test]
    fn the_naive_forms() {
        let fx = Fixture::adrenal();
        refused(&fx, "sum(d$follow_up_months * (d$age > 90))");
        refused(&fx, "sum(ifelse(d$age > 90, d$follow_up_months, 0))");
        refused(&fx, "sum((d$age > 83) * 1)");
        refused(&fx, "sum(d$age > 83)");
        refused(&fx, "var(d$follow_up_months * (d$age > 90))");
        refused(&fx, "cor(d$follow_up_months * (d$age > 90), d$age)");
        refused(&fx, "quantile(d$follow_up_months * (d$age > 90), 0.5)");
        refused(&fx, "t.test(d$follow_up_months * (d$age > 90), mu = 0)");
    }

    #[test]
    fn variants_other_columns_operators_and_functions() {
        let fx = Fixture::adrenal();
        // A condition on two columns, a product on the left, a mean and sd.
        refused(&fx, "mean((d$age > 85 & d$gender == \"male\") * d$gtv_cc)");
        refused(&fx, "sd(ifelse(d$age <= 88, 0, d$bed10_gy))");
        // Counts in disguise: an affine function of a condition.
        refused(&fx, "sum(2 * (d$age > 85) + 1)");
        refused(&fx, "mean(ifelse(d$age > 85, 10, 0))");
        // The complement: everything but the oldest, as a sum of two parts.
        refused(&fx, "sum(d$age - d$age * (d$age <= 90))");
        refused(&fx, "sum(d$ptv_cc * (d$age <= 90))");
        // Through a derived column and a subset of one site.
        refused(
            &fx,
            "tm$x <- tm$follow_up_months * (tm$age >= 91)\nmean(tm$x)",
        );
        refused(&fx, "median(ifelse(d$age > 88, d$follow_up_months, 0))");
        // Comparing private vectors: `x > y` as a condition.
        refused(&fx, "sum(d$gtv_cc * (d$age > d$bed10_gy + 20))");
    }

    #[test]
    fn missing_values_of_another_column() {
        let fx = Fixture::adrenal();
        refused(&fx, "sum(ifelse(is.na(d$pattern), 0, d$age))");
        refused(&fx, "sum(ifelse(is.na(d$primary), d$age, 0))");
        refused(&fx, "mean(d$age[!is.na(d$pattern)])");
        refused(&fx, "sum(d$age * !is.na(d$pattern))");
        refused(&fx, "sum(is.na(d$pattern))");
    }

    #[test]
    fn ordinary_arithmetic_still_runs() {
        let fx = Fixture::adrenal();
        // A balanced condition, a unit change, a derived column over every row.
        let r = runs(
            &fx,
            "sum(d$age * (d$age > 66)) + sum(d$age * (d$age <= 66))",
        );
        assert_eq!(r.as_f64(), Some(3208.0));
        runs(&fx, "mean(d$follow_up_months / 12)");
        runs(&fx, "d$bed <- ifelse(d$bed10_gy >= 80, 1, 0)\nmean(d$bed)");
        runs(&fx, "mean(d$gtv_cc[d$gender == \"female\"])");
        // A categorical level nobody has: its zero is the dictionary's, not a threshold's.
        assert_eq!(runs(&fx, "sum(d$ecog_status == \"4\")").as_f64(), Some(0.0));
    }
}

mod models_with_small_groups {
    use super::*;

    #[test]
    fn the_naive_form() {
        let fx = Fixture::adrenal();
        refused(
            &fx,
            "d$old <- d$age > 90\nlm(follow_up_months ~ old, data = d)",
        );
    }

    #[test]
    fn variants() {
        let fx = Fixture::adrenal();
        refused(
            &fx,
            "d$old <- (d$age > 85) * 1\nlm(follow_up_months ~ old, data = d)",
        );
        refused(
            &fx,
            "d$old <- ifelse(d$age > 85, 1, 0)\ncoxph(Surv(follow_up_months, event_death) ~ old, data = d)",
        );
        refused(
            &fx,
            "d$old <- d$age > 85\ncoxph(Surv(follow_up_months, event_death) ~ age + old, data = d)",
        );
        // The response made of one patient's value.
        refused(
            &fx,
            "d$y <- d$follow_up_months * (d$age > 90)\nlm(y ~ age, data = d)",
        );
        refused(
            &fx,
            "d$y <- d$gtv_cc * (d$age > 88)\nt.test(y ~ gender, data = d)",
        );
        // A survival curve whose events are one patient's.
        refused(
            &fx,
            "d$e <- d$age > 90\nsurvfit(Surv(follow_up_months, e) ~ 1, data = d)",
        );
        refused(
            &fx,
            "d$t <- d$follow_up_months * (d$age > 90)\nsurvfit(Surv(t, event_death) ~ 1, data = d)",
        );
    }

    #[test]
    fn ordinary_models_still_run() {
        let fx = Fixture::adrenal();
        runs(&fx, "lm(ptv_cc ~ gtv_cc, data = d)");
        runs(
            &fx,
            "d$older <- d$age > 66\nlm(follow_up_months ~ older, data = d)",
        );
    }
}

mod copies_of_rows {
    use super::*;

    #[test]
    fn the_naive_forms() {
        let fx = Fixture::adrenal();
        refused_by(
            &fx,
            "p <- d$pattern\ntable(c(p, p, p, p, p))",
            "distinct_rows",
        );
        refused_by(
            &fx,
            "e <- rbind(d, d, d, d, d)\nmean(subset(e, age > 90)$follow_up_months)",
            "distinct_rows",
        );
    }

    #[test]
    fn variants() {
        let fx = Fixture::adrenal();
        // Through variables, subsets of the same table, columns of one dataset, other sites.
        refused_by(&fx, "x <- tm$age\ny <- x\nsum(c(x, y))", "distinct_rows");
        refused_by(
            &fx,
            "mean(c(tm$age, subset(tm, age > 90)$age))",
            "distinct_rows",
        );
        refused_by(&fx, "length(c(tr$gtv_cc, tr$ptv_cc))", "distinct_rows");
        refused_by(
            &fx,
            "t2 <- load(\"munich\")\nnrow(rbind(tm, t2))",
            "distinct_rows",
        );
        refused_by(&fx, "nrow(rbind(d, tr))", "distinct_rows");
        // Two sites once each are fine.
        runs(&fx, "mean(c(tm$age, tr$age))");
    }
}

mod refusals_say_nothing {
    use super::*;

    #[test]
    fn a_zero_below_a_threshold_is_refused_like_a_small_count() {
        let fx = Fixture::adrenal();
        refused_by(&fx, "sum(d$age > 95)", "min_cell");
        refused_by(&fx, "table(d$age > 95)", "min_cell");
        refused_by(&fx, "table(cut(d$age, c(0, 95, 120)))", "min_cell");
        refused(&fx, "sum(d$age == 37)");
        refused(&fx, "sum(d$age > 90 & d$gender == \"male\")");
    }

    #[test]
    fn a_binary_search_over_the_threshold_learns_nothing_below_min_cell() {
        let fx = Fixture::adrenal();
        // Every answer is a refusal or a count of at least 5: the search can find the 5th
        // oldest patient's age at best (as the quantile rules allow), never the oldest's.
        for k in (60..=100).step_by(3) {
            match fx.run(&format!("{D}sum(d$age > {k})")) {
                Err(e) => assert!(e.contains("refused by disclosure control"), "{e}"),
                Ok(out) => {
                    let n = support_count(&out);
                    assert!(n >= 5.0, "sum(d$age > {k}) = {n}");
                }
            }
        }
    }

    fn support_count(out: &[sharestat_lang::eval::Output]) -> f64 {
        let v = sharestat_lang::eval::render::to_json(&out.last().unwrap().value);
        v.as_f64().unwrap()
    }
}

mod quantiles_invert {
    use super::*;

    #[test]
    fn the_naive_form() {
        let fx = no_extremes();
        refused(&fx, "quantile(tm$age, c(0.96, 0.98))");
        refused(&fx, "quantile(d$age, c(0.96, 0.98))");
    }

    #[test]
    fn two_quantiles_in_one_interval_are_refused_even_with_extremes_allowed() {
        let fx = Fixture::adrenal();
        refused_by(&fx, "quantile(d$age, c(0.5, 0.51))", "quantile_overlap");
        refused_by(&fx, "quantile(tm$age, c(0.5, 0.52))", "quantile_overlap");
    }

    #[test]
    fn across_queries_and_through_transformations() {
        let fx = Fixture::adrenal();
        runs(&fx, "quantile(d$age, 0.5)");
        refused_by(&fx, "quantile(d$age, 0.51)", "quantile_overlap");
        refused_by(&fx, "quantile(d$age + 1, 0.51)", "quantile_overlap");
        refused_by(&fx, "quantile(-d$age, 0.49)", "quantile_overlap");
        refused_by(&fx, "quantile(10 - d$age, 0.48)", "quantile_overlap");
        // The same number again is fine; so are other quantiles of other rows.
        runs(&fx, "median(d$age)");
        runs(&fx, "quantile(tm$age, 0.51)");
    }

    #[test]
    fn near_the_ends_without_extremes() {
        let fx = no_extremes();
        refused_by(&fx, "quantile(d$age, 0.95)", "allow_extremes");
        refused_by(&fx, "quantile(d$age, 0.02)", "allow_extremes");
        refused_by(&fx, "max(d$age)", "allow_extremes");
        runs(&fx, "quantile(d$age, c(0.1, 0.25, 0.5, 0.75, 0.9))");
        runs(&fx, "summary(d$age)");
    }
}

mod differencing_across_releases {
    use super::*;

    #[test]
    fn repeated_releases_do_not_push_old_ones_out() {
        let fx = Fixture::adrenal();
        runs(&fx, "mean(subset(d, age > 60)$gtv_cc)");
        for _ in 0..70 {
            runs(&fx, "mean(subset(d, age > 66)$gtv_cc)");
        }
        // One patient is 61: the two subsets differ in one row.
        refused_by(&fx, "mean(subset(d, age > 61)$gtv_cc)", "differencing");
    }

    #[test]
    fn a_part_of_a_sum_against_an_earlier_subset() {
        let fx = Fixture::adrenal();
        runs(&fx, "sum(d$gtv_cc[d$age > 60])");
        refused_by(&fx, "sum(d$gtv_cc * (d$age > 61))", "differencing");
    }
}

/// Regressors that isolate rows without being written as a product with a condition: the
/// leverage rule (`max_leverage`, hat values computed securely, one bit opened).
mod leverage {
    use super::*;

    #[test]
    fn a_step_function_isolating_one_patient() {
        let fx = Fixture::adrenal();
        // 1 for the 91-year-old only: intercept + slope would be their follow-up.
        refused_by(
            &fx,
            "d$old <- floor(d$age / 90.5)\nlm(follow_up_months ~ old, data = d)",
            "max_leverage",
        );
        // Without the rule the attack works: the fit goes through the patient.
        let off = Fixture::new(Policy {
            max_leverage: 1.0,
            ..study_policy()
        });
        let fit = runs(
            &off,
            "d$old <- floor(d$age / 90.5)\nlm(follow_up_months ~ old, data = d)",
        );
        let coef: Vec<f64> = fit["coef"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert!((coef[0] + coef[1] - 12.6).abs() < 1e-9, "{fit}");
    }

    #[test]
    fn variants() {
        let fx = Fixture::adrenal();
        // Shifted and scaled, with another regressor beside it.
        refused_by(
            &fx,
            "d$old <- 3 * floor(d$age / 90.5) + 2\nlm(ptv_cc ~ gtv_cc + old, data = d)",
            "max_leverage",
        );
        // As the response's partner in a Cox model.
        refused_by(
            &fx,
            "d$old <- floor(d$age / 90.5)\ncoxph(Surv(follow_up_months, event_death) ~ old, data = d)",
            "max_leverage",
        );
        // On one site's rows, with the response a lab value.
        refused_by(
            &fx,
            "tm$old <- floor(tm$age / 90.5)\nlm(gtv_cc ~ old + fractions, data = tm)",
            "max_leverage",
        );
        // A power that dwarfs every other row.
        refused_by(
            &fx,
            "d$x <- floor(d$age / 90.5) * 1000 + d$fractions\nlm(follow_up_months ~ x, data = d)",
            "max_leverage",
        );
        // Without an intercept, beside a factor whose levels span it (R's `0 + f`): the rule
        // runs on the same column space, one level left out.
        refused_by(
            &fx,
            "d$old <- floor(d$age / 90.5)\nlm(follow_up_months ~ 0 + gender + old, data = d)",
            "max_leverage",
        );
        refused_by(
            &fx,
            "d$old <- floor(d$age / 90.5)\nglm(event_death ~ 0 + gender + old, family = binomial, data = d)",
            "max_leverage",
        );
    }

    /// The bit against R's `hatvalues()` (`r/leverage.R` -> `r/leverage.json`): each model
    /// is refused just below its largest hat value and runs just above it.
    #[test]
    fn the_bound_is_tested_against_r_hat_values() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../r/leverage.json");
        let models: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for m in models.as_array().unwrap() {
            let (q, h) = (m["call"].as_str().unwrap(), m["max_hat"].as_f64().unwrap());
            let at = |bound: f64| {
                Fixture::new(Policy {
                    max_leverage: bound,
                    ..study_policy()
                })
            };
            refused_by(&at(h - 2e-3), q, "max_leverage");
            runs(&at(h + 2e-3), q);
        }
        // The fixture's largest tumour (0.866) is an ordinary outlier: the default keeps it.
        runs(&Fixture::adrenal(), "lm(ptv_cc ~ gtv_cc, data = d)");
    }
}

/// Issue 15: numeric grouping variables are grouped by their distinct values; a grouping
/// crafted to put one patient in a group of their own is refused by the cell rule, in every
/// function that groups (the group's size would be its count, the test its value).
mod numeric_groups {
    use super::*;

    #[test]
    fn a_group_of_one_patient_is_refused_everywhere() {
        let fx = Fixture::adrenal();
        // floor(age / 91) is 1 for the oldest patient only.
        let g = "floor(d$age / 91)";
        for q in [
            format!("table({g})"),
            format!("table(d$gender, {g})"),
            "t.test(follow_up_months ~ floor(age / 91), data = d)".to_owned(),
            "wilcox.test(follow_up_months ~ floor(age / 91), data = d)".to_owned(),
            "survdiff(Surv(follow_up_months, event_death) ~ floor(age / 91), data = d)".to_owned(),
            "survfit(Surv(follow_up_months, event_death) ~ floor(age / 91), data = d)".to_owned(),
            format!("chisq.test(d$gender, {g})"),
            format!("table(d$gender, {g}, useNA = \"always\")"),
        ] {
            refused(&fx, &q);
        }
        // Every age its own group: too many values (or too small cells), never the ages.
        refused(&fx, "table(d$gender, d$age)");
        // An honest numeric grouping runs.
        runs(&fx, "table(d$gender, d$ecog_status == \"0\")");
        runs(&fx, "t.test(follow_up_months ~ floor(age / 65), data = d)");
    }
}

mod recoding_by_nested_ifelse {
    use super::*;

    /// A recoding (`ifelse` with a categorical branch) that moves one patient into a level
    /// of their own, or out of the level they share, is a small cell like any other; the
    /// same recoding kept honest runs.
    #[test]
    fn a_level_of_one_patient_is_refused() {
        let fx = Fixture::adrenal();
        for q in [
            "table(ifelse(d$age > 90, \"old\", d$primary))",
            "table(d$gender, ifelse(d$age > 90, \"old\", d$primary))",
            "table(ifelse(d$age > 90, d$primary, \"younger\"))",
            "table(ifelse(d$age > 83, \"old\", ifelse(d$age > 30, \"adult\", d$primary)))",
            "kruskal.test(follow_up_months ~ ifelse(age > 90, \"old\", gender), data = d)",
            "survdiff(Surv(follow_up_months, event_death) ~ ifelse(age > 90, \"old\", gender), data = d)",
        ] {
            refused(&fx, q);
        }
        runs(
            &fx,
            "table(ifelse(d$ecog_status == \"0\", \"0\", ifelse(d$ecog_status == \"1\", \"1\", \"2+\")))",
        );
    }
}
