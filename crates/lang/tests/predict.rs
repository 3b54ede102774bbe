//! Issue 16: `predict(fit, newdata = data.frame(...))` against R's `predict.glm` and
//! `predict.lm` (`r/predict.R` → `r/predict.json`) on the lung cohort: the linear predictor
//! and the response with their standard errors (factors, an offset, an interaction, `I()`, a
//! quasi family's dispersion, the probit and complementary log-log links, lm's `df` and
//! `residual.scale`), R's printed vectors, list and data frame; missing values give `NA`, a
//! new level and arguments R would honour otherwise are refused by name.
mod support;

use support::Fixture;
use support::cohort::{D, near, num, r_lines};

fn reference() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../r/predict.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn close(got: &serde_json::Value, want: &serde_json::Value, what: &str) {
    let (g, w) = (got.as_object(), want.as_array().unwrap());
    let g: Vec<&serde_json::Value> = g
        .unwrap_or_else(|| panic!("{what}: {got}"))
        .values()
        .collect();
    assert_eq!(g.len(), w.len(), "{what}: {got} vs {want}");
    for (i, (g, w)) in g.iter().zip(w).enumerate() {
        if w.is_null() {
            assert!(g.is_null(), "{what}[{i}]: {g} where R has NA");
        } else {
            // Relative to the value, or to the terms' scale where the linear predictor is a
            // difference of larger terms (an offset of log(365) against the coefficients).
            near(num(g), num(w), 1e-6, 1e-6, &format!("{what}[{i}]"));
        }
    }
}

#[test]
fn predictions_match_r() {
    let fx = Fixture::cohort("lung");
    let r = reference();
    for (key, case) in r.as_object().unwrap() {
        let fit = case["fit"].as_str().unwrap();
        let nd = case["newdata"].as_str().unwrap();
        let is_lm = fit.starts_with("lm(");
        let types: &[&str] = if is_lm {
            &["response"]
        } else {
            &["link", "response"]
        };
        for ty in types {
            let q = format!(
                "{D}fit <- {fit}\nnd <- {nd}\np <- predict(fit, newdata = nd, type = \"{ty}\", se.fit = TRUE)\n"
            );
            let got = fx.json(&format!("{q}p"));
            let want = &case[*ty];
            close(&got["fit"], &want["fit"], &format!("{key} {ty} fit"));
            close(&got["se.fit"], &want["se"], &format!("{key} {ty} se.fit"));
            near(
                num(&got["residual.scale"]),
                num(&want["residual_scale"]),
                1e-6,
                0.0,
                &format!("{key} residual.scale"),
            );
            if is_lm {
                assert_eq!(num(&got["df"]), num(&want["df"]), "{key} df");
            }
            // Without se.fit: the fit alone, named 1, 2, ...
            let plain = fx.json(&format!(
                "{D}fit <- {fit}\npredict(fit, {nd}, type = \"{ty}\")"
            ));
            close(&plain, &want["fit"], &format!("{key} {ty} predict"));
        }
    }
}

#[test]
fn predictions_print_as_r() {
    let fx = Fixture::cohort("lung");
    let r = reference();
    let trimmed = |s: &str| -> String {
        let lines: Vec<&str> = s.lines().map(str::trim_end).collect();
        lines.join("\n").trim_end().to_owned()
    };
    for key in ["logit", "probit_factor", "interaction"] {
        let case = &r[key];
        let (fit, nd) = (
            case["fit"].as_str().unwrap(),
            case["newdata"].as_str().unwrap(),
        );
        let printed = fx.printed(&format!("{D}fit <- {fit}\npredict(fit, {nd})"), 2);
        let want = |k: &str| trimmed(&r_lines(&case[k]).join("\n"));
        assert_eq!(trimmed(&printed), want("print"), "{key}");
        let printed = fx.printed(
            &format!("{D}fit <- {fit}\npredict(fit, {nd}, se.fit = TRUE)"),
            2,
        );
        assert_eq!(trimmed(&printed), want("print_se"), "{key}: se.fit");
        let printed = fx.printed(nd, 0);
        assert_eq!(trimmed(&printed), want("print_newdata"), "{key}: newdata");
    }
}

#[test]
fn prediction_refusals_name_what_is_wrong() {
    let fx = Fixture::cohort("lung");
    let fit = "fit <- glm(dead ~ age + sex_f, family = binomial, data = d)\n";
    for (q, named) in [
        // Each patient's fitted value: private.
        ("predict(fit)", "newdata"),
        ("predict(fit, type = \"response\")", "newdata"),
        // A level the fit did not see, a missing column, a term that is not a number.
        (
            "predict(fit, data.frame(age = 50, sex_f = \"other\"))",
            "new level other",
        ),
        ("predict(fit, data.frame(age = 50))", "sex_f"),
        (
            "predict(fit, data.frame(age = \"fifty\", sex_f = \"male\"))",
            "must be a number",
        ),
        // R's arguments not honoured here, by name.
        (
            "predict(fit, data.frame(age = 50, sex_f = \"male\"), type = \"terms\")",
            "terms",
        ),
        (
            "predict(fit, data.frame(age = 50, sex_f = \"male\"), interval = \"confidence\")",
            "interval",
        ),
        (
            "predict(fit, data.frame(age = 50, sex_f = \"male\"), type = \"probability\")",
            "probability",
        ),
        // newdata of patient data, or not a data frame.
        ("predict(fit, d)", "data.frame"),
        ("data.frame(age = d$age)", "patient data"),
        ("data.frame(c(1, 2))", "name each column"),
        (
            "data.frame(a = c(1, 2, 3), b = c(1, 2))",
            "differing number of rows",
        ),
    ] {
        let src = format!("{D}{fit}{q}");
        let m = match fx.run(&src) {
            Ok(out) => panic!("{q}: answered {out:?}"),
            Err(m) => m,
        };
        assert!(m.contains(named), "{q}: {m}");
    }
}

/// A dispersion given replaces the fit's in the standard errors, as R's `predict.glm`.
#[test]
fn dispersion_scales_the_standard_errors() {
    let fx = Fixture::cohort("lung");
    let q = |disp: &str| {
        fx.json(&format!(
            "{D}fit <- glm(dead ~ age, family = binomial, data = d)\n\
             predict(fit, data.frame(age = c(50, 70)), se.fit = TRUE{disp})"
        ))
    };
    let (one, four) = (q(""), q(", dispersion = 4"));
    for k in ["1", "2"] {
        near(
            num(&four["se.fit"][k]),
            2.0 * num(&one["se.fit"][k]),
            1e-12,
            0.0,
            "se with dispersion 4",
        );
        assert_eq!(four["fit"][k], one["fit"][k]);
    }
    assert_eq!(num(&four["residual.scale"]), 2.0);
}
