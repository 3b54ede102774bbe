//! Columns set by the program (`d$x <- ...`), as R users derive groups before a model: they
//! behave as stored columns (tables, subsets, formulas with `data = d`, model term names),
//! and the results match R's `expected.json`, where the reference analysis derived
//! `ecog_group` the same way.
mod support;

use serde_json::json;
use support::{Fixture, close};

const D: &str = "d <- rbind(load(\"munich\"), load(\"rome\"))\n\
                 d$ecog_group <- ifelse(d$ecog_status %in% c(\"0\", \"1\"), \"ecog01\", \"ecog2\")\n";

fn num(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn a_derived_group_works_like_a_stored_column() {
    let fx = Fixture::adrenal();
    assert_eq!(
        fx.json(&format!("{D}table(d$ecog_group)")),
        json!({"ecog01": 40, "ecog2": 8})
    );
    // With a subset taken afterwards (R's Table: males are 10 / 14 / 5 by ECOG 0 / 1 / 2).
    assert_eq!(
        fx.json(&format!(
            "{D}s <- subset(d, gender == \"male\")\ntable(s$ecog_group)"
        )),
        json!({"ecog01": 24, "ecog2": 5})
    );
    // Inside a subset condition and in `names()`.
    let m = fx.json(&format!("{D}mean(subset(d, ecog_group == \"ecog01\")$age)"));
    assert!(num(&m) > 30.0);
    let names = fx.json(&format!("{D}names(d)"));
    assert!(names.as_array().unwrap().iter().any(|n| n == "ecog_group"));
}

#[test]
fn models_name_the_derived_column_as_r_does() {
    let fx = Fixture::adrenal();
    let want = &fx.expected["cox_age_ecog"];
    let cox = fx.json(&format!(
        "{D}coxph(Surv(follow_up_months, event_death) ~ age + ecog_group, data = d)"
    ));
    assert_eq!(cox["names"], want["names"]);
    for i in 0..2 {
        let (g, w) = (num(&cox["se"][i]), num(&want["se"][i]));
        close(g, w, "se");
    }
    let lr = fx.json(&format!(
        "{D}survdiff(Surv(follow_up_months, event_death) ~ ecog_group, data = d)"
    ));
    close(
        num(&lr["chisq"]),
        num(&fx.expected["logrank_ecog"]["chisq"]),
        "chisq",
    );
    // Printed as R prints it: rows `term=level`, and (O-E)^2/V (for two groups, the chisq).
    let out = fx
        .run(&format!(
            "{D}survdiff(Surv(follow_up_months, event_death) ~ ecog_group, data = d)"
        ))
        .unwrap();
    let text = sharestat_lang::eval::render::render(&out[0].value);
    for line in [
        "                   N Observed Expected (O-E)^2/E (O-E)^2/V",
        "ecog_group=ecog01 40       13    14.80     0.218      1.73",
        "ecog_group=ecog2   8        4     2.20     1.464      1.73",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
}

#[test]
fn a_column_can_be_replaced() {
    let fx = Fixture::adrenal();
    let m = fx.json(&format!("{D}d$age <- d$age + 1\nmean(d$age)"));
    close(
        num(&m),
        num(&fx.expected["numeric"]["age"]["mean"]) + 1.0,
        "mean",
    );
}

#[test]
fn what_cannot_be_a_column_is_refused_with_its_reason() {
    let fx = Fixture::adrenal();
    let e = fx.run("x <- 1\nx$y <- 2").unwrap_err();
    assert!(e.contains("needs `x` to be a private table"), "{e}");
    let e = fx.run(&format!("{D}d$one <- 1")).unwrap_err();
    assert!(e.contains("must be a private vector"), "{e}");
    let e = fx
        .run(&format!("{D}tm <- load(\"munich\")\nd$a <- tm$age"))
        .unwrap_err();
    assert!(e.contains("has 24 rows, `d` has 48"), "{e}");
    let e = fx
        .run(&format!("{D}tr <- load(\"rome\")\nrbind(d, tr)"))
        .unwrap_err();
    assert!(e.contains("`tr` has 26 columns, the first table 27"), "{e}");
    let e = fx
        .run(
            "a <- load(\"munich\")\na$old <- a$age > 70\nb <- load(\"rome\")\n\
             b$old <- b$age > 70\nlength(rbind(a, b)$old)",
        )
        .unwrap_err();
    assert!(e.contains("add it after rbind()"), "{e}");
    // The variable is unchanged after a failed program.
    assert!(fx.run("d$age <- 1").is_err());
}
