//! Statistical tests and linear models on secret shares of the fixture, against R's answers in
//! `expected.json` (issue 6): real values within 1e-6 relative, counts exact.
mod support;

use support::{Fixture, close};

const D: &str = "d <- rbind(load(\"munich\"), load(\"rome\"))\n";

fn num(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn t_tests_match_r() {
    let fx = Fixture::open();
    let want = &fx.expected["t_test_age_by_gender"];
    // The dictionary orders gender (male, female); R ordered the text alphabetically
    // (female, male): the statistic has the opposite sign, everything else is the same.
    let w = fx.json(&format!("{D}t.test(age ~ gender, data = d)"));
    close(-num(&w["statistic"]), num(&want["welch_t"]), "welch t");
    close(num(&w["df"]), num(&want["welch_df"]), "welch df");
    close(num(&w["p_value"]), num(&want["welch_p"]), "welch p");
    let s = fx.json(&format!(
        "{D}t.test(age ~ gender, data = d, var.equal = TRUE)"
    ));
    close(-num(&s["statistic"]), num(&want["student_t"]), "student t");
    close(num(&s["df"]), num(&want["student_df"]), "student df");
    close(num(&s["p_value"]), num(&want["student_p"]), "student p");
    // Two vectors, female first, as R had it.
    let v = fx.json(&format!(
        "{D}t.test(d$age[d$gender == \"female\"], d$age[d$gender == \"male\"])"
    ));
    close(num(&v["statistic"]), num(&want["welch_t"]), "two-vector t");
    // One sample, against the plain mean.
    let age = &fx.expected["numeric"]["age"];
    let o = fx.json(&format!("{D}t.test(d$age, mu = 60)"));
    let se = num(&age["sd"]) / 48f64.sqrt();
    close(
        num(&o["statistic"]),
        (num(&age["mean"]) - 60.0) / se,
        "one-sample t",
    );
    let out = fx
        .run(&format!("{D}t.test(age ~ gender, data = d)"))
        .unwrap();
    let text = sharestat_lang::eval::render::render(&out[0].value);
    assert!(text.contains("Welch Two Sample t-test"), "{text}");
    assert!(text.contains("data:  age by gender"), "{text}");
    assert!(text.contains("df = 45.472, p-value = 0.8721"), "{text}");
}

#[test]
fn chisq_and_fisher_match_r() {
    let fx = Fixture::open();
    let want = &fx.expected["chisq_gender_ecog"];
    let c = fx.json(&format!("{D}chisq.test(table(d$gender, d$ecog_status))"));
    close(num(&c["statistic"]), num(&want["statistic"]), "X-squared");
    assert_eq!(num(&c["df"]), num(&want["df"]));
    close(num(&c["p_value"]), num(&want["p_value"]), "chisq p");
    let want = &fx.expected["fisher_bed80_complete"];
    let f = fx.json(&format!(
        "{D}fisher.test(table(d$bed10_gy >= 80, d$local_control == \"complete\"))"
    ));
    close(num(&f["p_value"]), num(&want["p_value"]), "fisher p");
    close(
        num(&f["estimate"]["odds ratio"]),
        num(&want["odds_ratio"]),
        "odds ratio",
    );
    // Under the study's own policy the 2x2 table (cells >= 5) is allowed, the 2x3 one
    // (a cell of 3) is not.
    let strict = Fixture::adrenal();
    assert!(
        strict
            .run(&format!(
                "{D}fisher.test(table(d$bed10_gy >= 80, d$local_control == \"complete\"))"
            ))
            .is_ok()
    );
    let e = strict.refusal(&format!("{D}chisq.test(table(d$gender, d$ecog_status))"));
    assert!(e.contains("(min_cell)"), "{e}");
}

#[test]
fn correlation_test_and_linear_model_match_r() {
    let fx = Fixture::open();
    let r = fx.json(&format!("{D}cor.test(d$gtv_cc, d$ptv_cc)"));
    close(
        num(&r["estimate"]["cor"]),
        num(&fx.expected["cor_gtv_ptv"]["pearson"]),
        "r",
    );
    assert_eq!(num(&r["df"]), 46.0);
    let want = &fx.expected["lm_ptv_on_gtv"];
    let m = fx.json(&format!("{D}lm(ptv_cc ~ gtv_cc, data = d)"));
    for i in 0..2 {
        close(num(&m["coef"][i]), num(&want["coef"][i]), "coef");
        close(num(&m["se"][i]), num(&want["se"][i]), "se");
    }
    close(num(&m["r_squared"]), num(&want["r_squared"]), "r squared");
    let out = fx
        .run(&format!("{D}summary(lm(ptv_cc ~ gtv_cc, data = d))"))
        .unwrap();
    let text = sharestat_lang::eval::render::render(&out[0].value);
    assert!(
        text.contains("lm(formula = ptv_cc ~ gtv_cc, data = d)"),
        "{text}"
    );
    assert!(
        text.contains("(Intercept)") && text.contains("Multiple R-squared:  0.9803"),
        "{text}"
    );
}

#[test]
fn wilcoxon_matches_r() {
    let fx = Fixture::open();
    let want = &fx.expected["wilcoxon_follow_up_by_gender"];
    let v = fx.json(&format!(
        "{D}x <- d$follow_up_months\nwilcox.test(x[d$gender == \"female\"], x[d$gender == \"male\"])"
    ));
    assert_eq!(num(&v["statistic"]), num(&want["W"]));
    close(num(&v["p_value"]), num(&want["p_value"]), "wilcoxon p");
    // The formula takes the dictionary's level order (male first): W for the other group.
    let f = fx.json(&format!(
        "{D}wilcox.test(follow_up_months ~ gender, data = d)"
    ));
    assert_eq!(num(&f["statistic"]), 29.0 * 19.0 - num(&want["W"]));
    close(
        num(&f["p_value"]),
        num(&want["p_value"]),
        "wilcoxon p (formula)",
    );
}

#[test]
fn spearman_correlation_matches_r() {
    let fx = Fixture::open();
    let r = fx.json(&format!(
        "{D}cor(d$gtv_cc, d$ptv_cc, method = \"spearman\")"
    ));
    close(
        num(&r),
        num(&fx.expected["cor_gtv_ptv"]["spearman"]),
        "spearman",
    );
    // Many ties (ptv_margin_mm takes few values): against midranks computed here.
    let t = fx.json(&format!(
        "{D}cor(d$ptv_margin_mm, d$age, method = \"spearman\")"
    ));
    let col = |name: &str| -> Vec<f64> {
        fx.sites
            .iter()
            .flat_map(|s| {
                let i = s.columns.iter().position(|c| c.name == name).unwrap();
                s.data[i]
                    .iter()
                    .map(|&v| v as i64 as f64)
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let ranks = |v: &[f64]| -> Vec<f64> {
        v.iter()
            .map(|x| {
                let less = v.iter().filter(|y| *y < x).count() as f64;
                let same = v.iter().filter(|y| *y == x).count() as f64;
                less + (same + 1.0) / 2.0
            })
            .collect()
    };
    let (a, b) = (ranks(&col("ptv_margin_mm")), ranks(&col("age")));
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (ma, mb) = (mean(&a), mean(&b));
    let cov: f64 = a.iter().zip(&b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    close(num(&t), cov / (va * vb).sqrt(), "spearman with ties");
}
