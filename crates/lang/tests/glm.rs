//! Issue 16: `glm` against R's `glm` (`r/glm.R` → `r/glm.json`) on `survival::lung`, the
//! adrenal fixture and a separated data set: coefficients, standard errors, deviances, AIC
//! and iterations, R's printed `print.glm` and `summary.glm`, R's warnings, and the
//! families and links not available refused by name.
mod support;

use support::cohort::{D, near, num, r_lines};
use support::{Fixture, open_policy};

fn reference() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../r/glm.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The fit of `src` (its last statement, `want["call"]` on `d`) against R's `want`.
fn fit_matches_r(fx: &Fixture, prelude: &str, want: &serde_json::Value, rel: f64) {
    let call = want["call"].as_str().unwrap();
    let got = fx.json(&format!("{prelude}{call}"));
    let names: Vec<&String> = want["coefficients"].as_object().unwrap().keys().collect();
    let got_names: Vec<&str> = got["terms"]
        .as_array()
        .unwrap_or_else(|| panic!("{call}: {got}"))
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(got_names, names, "{call}: names");
    for (i, name) in names.iter().enumerate() {
        let what = format!("{call}: {name}");
        near(
            num(&got["coef"][i]),
            num(&want["coefficients"][*name]),
            rel,
            0.0,
            &what,
        );
        near(num(&got["se"][i]), num(&want["se"][*name]), rel, 0.0, &what);
        near(
            num(&got["p"][i]),
            num(&want["p"][*name]),
            1e-5,
            1e-12,
            &what,
        );
    }
    for key in ["deviance", "null_deviance", "aic", "dispersion"] {
        if want[key].is_null() {
            assert!(got[key].is_null(), "{call}: {key} is NA in R: {}", got[key]);
            continue;
        }
        near(
            num(&got[key]),
            num(&want[key]),
            rel,
            0.0,
            &format!("{call}: {key}"),
        );
    }
    for key in ["df_null", "df_residual", "iter", "n"] {
        assert_eq!(got[key], want[key], "{call}: {key}");
    }
}

/// R's printed lines of `print(summary(fit))` without the "Deviance Residuals" block, which
/// R 4.3 dropped (per-row values): R 4.3's layout.
fn summary_lines_without_residuals(want: &serde_json::Value) -> Vec<String> {
    let mut lines = r_lines(&want["summary"]);
    if let Some(i) = lines
        .iter()
        .position(|l| l.starts_with("Deviance Residuals"))
    {
        let end = i + lines[i..].iter().position(|l| l.is_empty()).unwrap();
        lines.drain(i..=end);
    }
    lines
}

#[test]
fn logistic_and_poisson_models_match_r_on_lung() {
    let fx = Fixture::cohort("lung");
    let r = reference();
    for key in [
        "lung_logit",
        "lung_logit_factor",
        "lung_logit_subset",
        "lung_poisson",
        "lung_poisson_counts",
        "lung_gaussian",
        "lung_logit_null",
        "lung_logit_no_intercept",
        "lung_poisson_null",
        "lung_poisson_no_intercept",
    ] {
        fit_matches_r(&fx, D, &r[key], 1e-6);
    }
}

/// The complementary log-log link: R's iteration with R's criterion on the deviances, so R's
/// coefficients, standard errors, deviances, AIC and iteration count.
#[test]
fn complementary_log_log_matches_r_on_lung() {
    let fx = Fixture::cohort("lung");
    let r = reference();
    for key in [
        "lung_cloglog",
        "lung_cloglog_offset",
        "lung_cloglog_factor",
        "lung_cloglog_null",
    ] {
        fit_matches_r(&fx, D, &r[key], 1e-6);
    }
}

/// The probit link: R's iteration with R's criterion on the deviances, with an offset, a
/// factor and a subset, the null model and no intercept: R's coefficients, standard errors,
/// deviances, AIC and iteration count.
#[test]
fn probit_matches_r_on_lung() {
    let fx = Fixture::cohort("lung");
    let r = reference();
    for key in [
        "lung_probit",
        "lung_probit_offset",
        "lung_probit_factor",
        "lung_probit_null",
        "lung_probit_no_intercept",
        // All the levels of a factor without an intercept (R's `0 + f`): the leverage rule
        // leaves one of them out (the same column space as with an intercept).
        "lung_probit_factor_no_intercept",
        "lung_gaussian_factor_no_intercept",
    ] {
        fit_matches_r(&fx, D, &r[key], 1e-6);
    }
}

/// The quasi families: the binomial's and the Poisson's coefficients, R's dispersion (the
/// Pearson statistic as summary.glm sums it: the last fit's weights, the residuals at the
/// fit), standard errors scaled by it, t tests, AIC NA; with an offset, counts, a subset.
#[test]
fn quasi_families_match_r_on_lung() {
    let fx = Fixture::cohort("lung");
    let r = reference();
    for key in [
        "lung_quasibinomial",
        "lung_quasibinomial_subset",
        "lung_quasipoisson",
        "lung_quasipoisson_counts",
    ] {
        fit_matches_r(&fx, D, &r[key], 1e-6);
        let got = fx.json(&format!("{D}{}", r[key]["call"].as_str().unwrap()));
        assert!(got["aic"].is_null(), "{key}: {got}");
    }
}

#[test]
fn glm_prints_as_r() {
    let fx = Fixture::cohort("lung");
    let r = reference();
    for key in [
        "lung_logit",
        "lung_poisson",
        "lung_gaussian",
        "lung_quasibinomial",
        "lung_quasipoisson",
        "lung_cloglog",
        "lung_probit_offset",
    ] {
        let call = r[key]["call"].as_str().unwrap();
        let trimmed = |s: String| -> String {
            let lines: Vec<&str> = s.lines().map(str::trim_end).collect();
            lines.join("\n").trim_end().to_owned()
        };
        let printed = fx.printed(&format!("{D}fit <- {call}\nfit"), 3);
        let want = r_lines(&r[key]["print"]).join("\n");
        assert_eq!(trimmed(printed), trimmed(want), "{key}: print.glm");
        let printed = fx.printed(&format!("{D}fit <- {call}\nsummary(fit)"), 3);
        let want = summary_lines_without_residuals(&r[key]).join("\n");
        assert_eq!(trimmed(printed), trimmed(want), "{key}: summary.glm");
    }
}

#[test]
fn logistic_regression_of_remission_matches_r_on_the_adrenal_fixture() {
    let fx = Fixture::new(open_policy());
    let prelude = "d <- rbind(load(\"munich\"), load(\"rome\"))\n\
                   d$ecog_group <- ifelse(d$ecog_status %in% c(\"0\", \"1\"), \"ecog01\", \"ecog2\")\n";
    fit_matches_r(&fx, prelude, &reference()["adrenal_logit"], 1e-6);
}

/// A study of R's separated data set (`x`, `y`).
fn separated(want: &serde_json::Value) -> Fixture {
    let dict = "study = \"sep\"\ntitle = \"separation\"\n\n[sites.a]\n\n[[columns]]\nname = \"x\"\n\
                type = \"decimal\"\ndecimals = 1\nmin = -20\nmax = 20\nrequired = true\n\n\
                [[columns]]\nname = \"y\"\ntype = \"integer\"\nmin = 0\nmax = 1\nrequired = true\n";
    let mut csv = String::from("x,y\n");
    for (x, y) in want["x"]
        .as_array()
        .unwrap()
        .iter()
        .zip(want["y"].as_array().unwrap())
    {
        csv.push_str(&format!("{},{}\n", num(x), num(y)));
    }
    Fixture::from_csv(dict, &csv, open_policy())
}

#[test]
fn separation_warns_as_r() {
    let r = reference();
    let want = &r["separation"];
    let fx = separated(want);
    let got = fx.json("d <- load(\"a\")\nglm(y ~ x, family = binomial, data = d)");
    assert_eq!(got["warnings"], want["warnings"], "{got}");
    let printed = fx.printed(
        "d <- load(\"a\")\nglm(y ~ x, family = binomial, data = d)",
        1,
    );
    assert!(
        printed.ends_with(
            "Warning messages:\n1: glm.fit: algorithm did not converge \n\
             2: glm.fit: fitted probabilities numerically 0 or 1 occurred \n"
        ),
        "{printed}"
    );
}

/// The separated data set with the links that are not canonical: R warns that fitted
/// probabilities are numerically 0 or 1; here the fit either warns as R does or is refused
/// saying so (the complementary log-log where a fitted probability is within 1e-27 of 1, the
/// probit where some `|η|` passes R's clamp 8.13). Never a silent fit.
#[test]
fn separation_under_the_other_links_is_reported() {
    let fx = separated(&reference()["separation"]);
    for (link, refused) in [
        ("cloglog", "numerically 1"),
        ("probit", "numerically 0 or 1"),
    ] {
        let q =
            format!("d <- load(\"a\")\nglm(y ~ x, family = binomial(link = \"{link}\"), data = d)");
        match fx.run(&q) {
            Ok(out) => {
                let text = format!("{out:?}");
                assert!(text.contains("numerically 0 or 1"), "{link}: {text}");
            }
            Err(e) => assert!(e.contains(refused), "{link}: {e}"),
        }
    }
}

#[test]
fn families_and_links_not_available_are_refused_by_name() {
    let fx = Fixture::cohort("lung");
    for (family, named) in [
        ("binomial(link = \"cauchit\")", "cauchit"),
        ("quasi", "quasi"),
        ("Gamma", "Gamma"),
        ("quasibinomial(link = \"probit\")", "probit"),
        ("poisson(link = \"identity\")", "identity"),
        ("nonsense", "nonsense"),
    ] {
        let m = fx.refusal(&format!("{D}glm(dead ~ age, family = {family}, data = d)"));
        assert!(m.contains(named), "{family}: {m}");
    }
    for (arg, named) in [
        ("weights = age", "weights"),
        ("offset = log(time)", "offset"),
        ("start = c(0, 0)", "start"),
        ("control = 1", "control"),
    ] {
        let m = fx.refusal(&format!(
            "{D}glm(dead ~ age, family = binomial, data = d, {arg})"
        ));
        assert!(m.contains(named), "{arg}: {m}");
    }
    let m = fx.refusal(&format!(
        "{D}glm(ph.ecog ~ age, family = binomial, data = d)"
    ));
    assert!(m.contains("0/1"), "{m}");
}

/// Attacks with a valid researcher's account under the study's policy: a regressor that
/// isolates a few patients, one that is zero but on one patient (leverage), a subset too
/// small, a response that is one patient's value: each refused by the rule it breaks.
#[test]
fn glm_attacks_are_refused() {
    let fx = Fixture::adrenal();
    let d = "d <- rbind(load(\"munich\"), load(\"rome\"))\n";
    for (src, rule) in [
        (
            "glm(event_death ~ I(age > 88), family = binomial, data = d)",
            "min_cell",
        ),
        (
            "glm(event_death ~ pmax(age - 88, 0), family = binomial, data = d)",
            "min_complement",
        ),
        (
            "d$old <- floor(d$age / 90.5)\nglm(event_death ~ old, family = binomial, data = d)",
            "max_leverage",
        ),
        (
            "d$x <- floor(d$age / 90.5) * 1000 + d$fractions\nglm(event_death ~ x, family = poisson, data = d)",
            "max_leverage",
        ),
        (
            "glm(event_death ~ age, family = binomial, data = d, subset = age > 88)",
            "min_subset",
        ),
        (
            "glm(I(age > 88) ~ 1, family = binomial, data = d)",
            "min_cell",
        ),
        (
            "glm(event_death ~ age, family = poisson, data = subset(d, age > 88))",
            "min_subset",
        ),
        // The quasi families open more per iteration (the Pearson sums): the same rules.
        (
            "glm(event_death ~ I(age > 88), family = quasibinomial, data = d)",
            "min_cell",
        ),
        (
            "glm(event_death ~ pmax(age - 88, 0), family = quasipoisson, data = d)",
            "min_complement",
        ),
        (
            "glm(event_death ~ age, family = quasibinomial, data = subset(d, age > 88))",
            "min_subset",
        ),
        (
            "glm(event_death ~ I(age > 88), family = binomial(link = \"cloglog\"), data = d)",
            "min_cell",
        ),
        (
            "glm(event_death ~ pmax(age - 88, 0), family = binomial(\"cloglog\"), data = d)",
            "min_complement",
        ),
        (
            "glm(event_death ~ I(age > 88), family = binomial(link = \"probit\"), data = d)",
            "min_cell",
        ),
        // Without an intercept, a factor's levels span it: the rules hold all the same.
        (
            "glm(event_death ~ 0 + gender + pmax(age - 88, 0), family = binomial, data = d)",
            "min_complement",
        ),
        (
            "lm(age ~ 0 + gender + I(gtv_cc > 500), data = d)",
            "min_cell",
        ),
    ] {
        let m = fx.refusal(&format!("{d}{src}"));
        assert!(m.contains(rule), "{src}: {m}");
    }
    // The same models on enough patients are let out.
    fx.json(&format!(
        "{d}glm(event_death ~ age, family = binomial, data = d)"
    ));
}

/// `coef`, `exp(coef)` and `confint.default` of a logistic fit against R's
/// (`confint.default(fit)` in `r/glm.R`); `confint(glm)`, R's profile interval, refused by name.
#[test]
fn coefficients_and_wald_limits_match_r() {
    let fx = Fixture::cohort("lung");
    let want = &reference()["lung_logit"];
    let call = want["call"].as_str().unwrap();
    let got = fx.json(&format!("{D}fit <- {call}\nconfint.default(fit)"));
    let text = got.to_string();
    for (name, lo) in want["confint"]["lower"].as_object().unwrap() {
        let hi = num(&want["confint"]["upper"][name]);
        let rows = got[""].as_array().unwrap_or_else(|| panic!("{text}"));
        let i = rows.iter().position(|r| r == name.as_str()).unwrap();
        near(num(&got["2.5 %"][i]), num(lo), 1e-6, 0.0, name);
        near(num(&got["97.5 %"][i]), hi, 1e-6, 0.0, name);
    }
    let or = fx.json(&format!("{D}fit <- {call}\nexp(coef(fit))"));
    for (name, b) in want["coefficients"].as_object().unwrap() {
        near(
            num(&or[name]),
            num(b).exp(),
            1e-6,
            0.0,
            &format!("{or}: {name}"),
        );
    }
    let m = fx.refusal(&format!("{D}fit <- {call}\nconfint(fit)"));
    assert!(m.contains("confint.default"), "{m}");
}

/// `anova(fit0, fit1, test = "Chisq")` of nested logistic models against R's
/// (`anova_nested` in `r/glm.R`), with its printed table; fits on different rows, one fit
/// alone and other tests refused by name.
#[test]
fn analysis_of_deviance_matches_r() {
    let fx = Fixture::cohort("lung");
    let want = &reference()["anova_nested"];
    let fits = format!(
        "{D}e <- subset(d, !is.na(ph.ecog))\n\
         f0 <- glm(dead ~ age, family = binomial, data = e)\n\
         f1 <- glm(dead ~ age + ph.ecog, family = binomial, data = e)\n"
    );
    let got = fx.json(&format!("{fits}anova(f0, f1, test = \"Chisq\")"));
    assert_eq!(got["resid_df"], want["resid_df"], "{got}");
    for i in 0..2 {
        near(
            num(&got["resid_dev"][i]),
            num(&want["resid_dev"][i]),
            1e-6,
            0.0,
            "resid dev",
        );
    }
    near(
        num(&got["deviance"][1]),
        num(&want["deviance"]),
        1e-5,
        0.0,
        "deviance",
    );
    near(num(&got["p"][1]), num(&want["p"]), 1e-5, 0.0, "p");
    let printed = fx.printed(&format!("{fits}anova(f0, f1, test = \"Chisq\")"), 1);
    let lines: Vec<&str> = printed.lines().map(str::trim_end).collect();
    assert_eq!(
        lines.join("\n").trim_end(),
        r_lines(&want["print"]).join("\n").trim_end()
    );
    let m = fx.refusal(&format!(
        "{fits}f2 <- glm(dead ~ age, family = binomial, data = d)\nanova(f2, f1)"
    ));
    assert!(m.contains("same size of dataset"), "{m}");
    let m = fx.refusal(&format!("{fits}anova(f1)"));
    assert!(m.contains("compare two fits"), "{m}");
    let m = fx.refusal(&format!("{fits}anova(f0, f1, test = \"Rao\")"));
    assert!(m.contains("Rao"), "{m}");
}
