//! Issue 14: R's `survival` cohorts (`examples/lung`, `veteran`, `pbc`; two sites each)
//! against R's own results (`r/survival_cohorts.R`, JSON committed): Kaplan-Meier on
//! `time / 30.4375` keeps every patient, 1/2 statuses are read as R reads them, the math
//! functions of the Mayo model's covariates match R, and Cox models fit as R fits them.
mod support;

use support::Fixture;
use support::cohort::{D, cox_matches_r, lm_matches_r, near, num};

/// Kaplan-Meier on months (`time / 30.4375`): every patient and event kept, the whole curve
/// and the median as R's.
fn km_matches_r(cohort: &str, event: &str) {
    let fx = Fixture::cohort(cohort);
    let want = &fx.expected["survfit"];
    let got = fx.json(&format!(
        "{D}survfit(Surv(time / 30.4375, {event}) ~ 1, data = d)"
    ));
    let curve = if got.is_array() { &got[0] } else { &got };
    assert_eq!(curve["n"], want["n"], "{cohort}: n");
    assert_eq!(
        num(&curve["events"]),
        num(&want["n_event"]),
        "{cohort}: events"
    );
    let table = curve["table"].as_array().unwrap();
    // R's curve has a row per distinct time; the table, as `summary(fit)`, the event times.
    let rows: Vec<usize> = (0..want["time"].as_array().unwrap().len())
        .filter(|&i| num(&want["n_event_at"][i]) > 0.0)
        .collect();
    assert_eq!(table.len(), rows.len(), "{cohort}: event times");
    // Times divided by 30.4375 are within 1e-7 relative (a quotient by a constant); the
    // survival estimates are exact ratios of counts.
    for (row, &i) in table.iter().zip(&rows) {
        let t = num(&want["time"][i]);
        near(
            num(&row["time"]),
            t,
            1e-7,
            0.0,
            &format!("{cohort}: time {t}"),
        );
        assert_eq!(row["n_risk"], want["n_risk"][i], "{cohort}: n.risk at {t}");
        assert_eq!(
            row["n_event"], want["n_event_at"][i],
            "{cohort}: n.event at {t}"
        );
        let ws = &want["surv"][i];
        near(
            num(&row["surv"]),
            num(ws),
            1e-12,
            1e-15,
            &format!("{cohort}: surv at {t}"),
        );
    }
    for k in ["median", "median_lower", "median_upper"] {
        near(
            num(&curve[k]),
            num(&want[k]),
            1e-7,
            0.0,
            &format!("{cohort}: {k}"),
        );
    }
}

#[test]
fn kaplan_meier_in_months_keeps_every_patient() {
    // lung's status is R's 1/2 coding (2 = dead): read as R does.
    km_matches_r("lung", "status");
    km_matches_r("veteran", "status");
    km_matches_r("pbc", "status == 2");
}

#[test]
fn statuses_coded_0_1_2_are_refused_not_misread() {
    let fx = Fixture::cohort("pbc");
    let e = fx.refusal(&format!("{D}survfit(Surv(time, status) ~ 1, data = d)"));
    assert!(e.contains("status == 2"), "{e}");
}

#[test]
fn math_functions_match_r_on_the_mayo_covariates() {
    let fx = Fixture::cohort("pbc");
    let want = fx.expected["aggregates"].as_object().unwrap().clone();
    for (q, w) in &want {
        let got = num(&fx.json(&format!("{D}{q}")));
        // log: 5e-7 absolute per value; sqrt, exp: 2e-7 relative; quotients 3e-8 relative,
        // plus a few units of their last place.
        near(got, num(w), 1e-6, 1e-6, q);
    }
}

/// `lm` with a factor, an interaction (`a * b`) and `I(x^2)`: R's terms, names and numbers.
#[test]
fn lm_reads_formulas_as_r() {
    let fx = Fixture::cohort("lung");
    // Exact cross-products: only the solve's rounding remains.
    lm_matches_r(&fx, "lm", 1e-9);
    // `offset(x)`: a term whose coefficient is 1, as R's (its missing rows go too).
    lm_matches_r(&fx, "lm_offset", 1e-9);
    lm_matches_r(&fx, "lm_offset_0", 1e-9);
    // `-1` drops the intercept; `a:b` alone is the interaction; a sum that removes terms is
    // refused by name rather than read differently.
    let f = fx.json(&format!("{D}lm(wt.loss ~ age:sex_f - 1, data = d)"));
    assert_eq!(f["terms"][0], "age:sex_fmale");
    assert_eq!(f["terms"][1], "age:sex_ffemale");
    let e = fx.refusal(&format!("{D}lm(wt.loss ~ age * sex_f - age, data = d)"));
    assert!(e.contains("removing terms"), "{e}");
}

/// Attack: an offset is not a regressor, yet its sum and its products with the response
/// and the predictors are opened: one that is zero but on the oldest patient
/// (`pmax(age - 81, 0)`) would give away that patient's weight loss as `Σoy / Σo`. The
/// leverage rule covers the offset as a column of the design (its hat value is 1): refused.
#[test]
fn an_offset_isolating_one_patient_is_refused() {
    let fx = Fixture::cohort("lung");
    let e = fx.refusal(&format!(
        "{D}lm(wt.loss ~ age + offset(pmax(age - 81, 0)), data = d)"
    ));
    assert!(e.contains("max_leverage"), "{e}");
}

/// `lm(log(bili) ~ age * sex + I(age^2))` on pbc: age has 4 decimals, so `Σ (age²)²` has
/// 16 and reaches 2^89 units; the cross-products are summed in parts beyond 64 bits
/// (`wide_gram.rs`), exact; what remains is `log(bili)`'s error (5e-7 per value).
#[test]
fn lm_with_cross_products_beyond_64_bits_matches_r() {
    lm_matches_r(&Fixture::cohort("pbc"), "lm", 1e-6);
}

/// Cox regression fits what R fits: lung's `~ age + sex + ph.ecog` (the weights' worst case
/// holds) and three stratified models, veteran's `~ trt + celltype + karno` and the Mayo
/// model `~ age + edema + log(bili) + log(albumin) + log(protime)` (their worst cases do not:
/// the weights are bounded adaptively, and the Mayo model's logarithms are the private
/// `log`). The last two were refused before issue 14 ("too large for fixed-point weights").
/// All within the 1e-6.
#[test]
fn cox_models_match_r() {
    cox_matches_r("lung", "coxph", 1e-6);
    // The stratified partial likelihood: a risk set holds its own stratum's rows only; strata
    // from a factor-like integer, a comparison and a numeric score (R groups by its values).
    cox_matches_r("lung", "coxph_strata", 1e-6);
    cox_matches_r("lung", "coxph_strata_cmp", 1e-6);
    cox_matches_r("lung", "coxph_strata_ecog", 1e-6);
    cox_matches_r("veteran", "coxph", 1e-6);
    cox_matches_r("pbc", "coxph_mayo", 1e-6);
    // `I(age^2)` at 8 decimals: the covariate's moments and the leverage rule's
    // cross-products reach 2^89 units (they wrapped the ring before `wide_gram.rs`).
    cox_matches_r("pbc", "coxph_age2", 1e-6);
}

/// `offset(o)` in `coxph`: a covariate whose coefficient is fixed at 1. The coefficients of
/// the others, and both log-likelihoods (`ℓ(0)` with the offset in, evaluated rather than
/// counted) and the score test, as R's.
#[test]
fn cox_offset_matches_r() {
    let key = "coxph_offset";
    cox_matches_r("lung", key, 1e-6);
    let fx = Fixture::cohort("lung");
    let want = &fx.expected[key];
    let got = fx.json(&format!("{D}{}", want["call"].as_str().unwrap()));
    for i in 0..2 {
        let what = format!("loglik[{i}]");
        near(
            num(&got["loglik"][i]),
            num(&want["loglik"][i]),
            1e-7,
            0.0,
            &what,
        );
    }
    assert_eq!(got["names"].as_array().unwrap().len(), 2, "{got}");
    near(
        num(&got["score_test"]["chisq"]),
        num(&want["score"]["test"]),
        1e-5,
        0.0,
        "score test",
    );
    // Attack: an offset that is zero but on one patient is a column of the leverage design.
    let e = fx.refusal(&format!(
        "{D}coxph(Surv(time, status) ~ sex + offset(pmax(age - 81, 0)), data = d)"
    ));
    assert!(e.contains("max_leverage"), "{e}");
}

/// Ten runs of the same Cox queries, each in a session with fresh randomness, print the same
/// output to the last digit (every truncation rounds exactly, `sharestat_mpc::proto::fixed`):
/// the adaptive weights (veteran) and private logarithms as covariates (Mayo).
#[test]
fn ten_runs_of_a_cox_query_print_identical_output() {
    for (cohort, key) in [("veteran", "coxph"), ("pbc", "coxph_mayo")] {
        let fx = Fixture::cohort(cohort);
        let call = fx.expected[key]["call"].as_str().unwrap().to_string();
        let src = format!("{D}fit <- {call}\nsummary(fit)\nfit$coefficients");
        let first = fx.printed(&src, 1);
        assert!(first.contains("exp(coef)"), "{first}");
        for seed in 2..=10 {
            assert_eq!(fx.printed(&src, seed), first, "{cohort}: run {seed}");
        }
    }
}

/// `confint()` of a Cox fit: R's Wald limits (veteran), from the fit within its tolerance;
/// of an lm fit: Student's t limits, consistent with the coefficients and their SEs.
#[test]
fn confint_matches_r() {
    let fx = Fixture::cohort("veteran");
    let want = &fx.expected["coxph"];
    let ci = fx.json(&format!("{D}confint({})", want["call"].as_str().unwrap()));
    let names: Vec<&String> = want["coefficients"].as_object().unwrap().keys().collect();
    for (i, name) in names.iter().enumerate() {
        let se = num(&want["se"][name.as_str()]);
        let lo = num(&ci["2.5 %"][i]);
        let hi = num(&ci["97.5 %"][i]);
        near(
            lo,
            num(&want["confint"]["lower"][name.as_str()]),
            0.0,
            1e-4 * se,
            name,
        );
        near(
            hi,
            num(&want["confint"]["upper"][name.as_str()]),
            0.0,
            1e-4 * se,
            name,
        );
    }
    let e = fx.refusal(&format!(
        "{D}confint({}, parm = 1)",
        want["call"].as_str().unwrap()
    ));
    assert!(e.contains("parm is not available"), "{e}");
    // lm: 90% limits with t on the residual df, R's column names.
    let fx = Fixture::cohort("lung");
    let want = &fx.expected["lm_confint"];
    let ci = fx.json(&format!("{D}{}", want["call"].as_str().unwrap()));
    let (lo, hi) = (
        want["columns"][0].as_str().unwrap(),
        want["columns"][1].as_str().unwrap(),
    );
    for (i, name) in ["(Intercept)", "age"].iter().enumerate() {
        near(num(&ci[lo][i]), num(&want["lower"][*name]), 1e-9, 0.0, name);
        near(num(&ci[hi][i]), num(&want["upper"][*name]), 1e-9, 0.0, name);
    }
}

/// `levels()` and `relevel()`: the reference level moves, the coefficients become contrasts
/// to it, with R's names (`relevel(celltype, ref = "large")squamous`).
#[test]
fn relevel_changes_the_reference_as_r() {
    let fx = Fixture::cohort("veteran");
    let lv = fx.json(&format!("{D}levels(d$celltype)"));
    assert_eq!(
        lv,
        serde_json::json!(["squamous", "smallcell", "adeno", "large"])
    );
    let lv = fx.json(&format!("{D}levels(relevel(d$celltype, ref = \"large\"))"));
    assert_eq!(
        lv,
        serde_json::json!(["large", "squamous", "smallcell", "adeno"])
    );
    cox_matches_r("veteran", "coxph_relevel", 1e-6);
    let e = fx.refusal(&format!("{D}relevel(d$celltype, ref = \"huge\")"));
    assert!(e.contains("existing level"), "{e}");
}

/// `cox.zph(fit)` against R (`survival` 3.x): each term's and the global statistic within
/// 1e-6 relative (absolute below 1), R's degrees of freedom and row names; the Kaplan-Meier transform (R's
/// default) on lung, veteran (a factor's three indicators as one term) and the Mayo model
/// (private logarithms, adaptive weights), the rank transform per coefficient on veteran.
#[test]
fn cox_zph_matches_r() {
    // The Mayo model's covariates are private logarithms, each within 5e-7 of R's (`log`).
    for (cohort, key, tol) in [
        ("lung", "cox_zph", 1e-6),
        ("veteran", "cox_zph", 1e-6),
        ("veteran", "cox_zph_rank", 1e-6),
        ("pbc", "cox_zph_mayo", 1e-5),
    ] {
        let fx = Fixture::cohort(cohort);
        let want = &fx.expected[key];
        let got = fx.json(&format!("{D}{}", want["call"].as_str().unwrap()));
        let rows: Vec<&str> = want
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| !matches!(k.as_str(), "call" | "transform"))
            .map(String::as_str)
            .collect();
        let labels = got[""].as_array().unwrap_or_else(|| panic!("{got}"));
        assert_eq!(labels.len(), rows.len(), "{cohort} {key}: {got}");
        for row in rows {
            let i = labels
                .iter()
                .position(|l| l == row)
                .unwrap_or_else(|| panic!("{row}: {got}"));
            let what = format!("{cohort} {key} {row}");
            let chisq = num(&want[row]["chisq"]);
            near(
                num(&got["chisq"][i]),
                chisq,
                0.0,
                tol * chisq.max(1.0),
                &what,
            );
            assert_eq!(num(&got["df"][i]), num(&want[row]["df"]), "{what}");
            near(
                num(&got["p"][i]),
                num(&want[row]["p"]),
                10.0 * tol,
                0.0,
                &what,
            );
        }
    }
    let fx = Fixture::cohort("veteran");
    let e = fx.refusal(&format!(
        "{D}cox.zph(coxph(Surv(time, status) ~ karno, data = d), singledf = TRUE)"
    ));
    assert!(e.contains("singledf"), "{e}");
    let e = fx.refusal(&format!(
        "{D}cox.zph(coxph(Surv(time, status) ~ karno, data = d), transform = \"sqrt\")"
    ));
    assert!(e.contains("transform"), "{e}");
}

/// `factor()` as R makes it: of a number with `levels` and `labels` (a Cox term named as R
/// names it, with R's coefficients), of a factor keeping two levels (the others become NA),
/// `as.numeric` of a factor (its codes), `droplevels`; R's default levels of a private
/// number would come from the data and are refused with what to write instead.
#[test]
fn factor_makes_and_reshapes_factors_as_r() {
    let fx = Fixture::cohort("veteran");
    cox_matches_r("veteran", "coxph_factor", 1e-6);
    let want = &fx.expected["factor_table"];
    let f = "factor(d$celltype, levels = c(\"adeno\", \"large\"))";
    assert_eq!(fx.json(&format!("{D}levels({f})")), want["levels"]);
    let t = fx.json(&format!("{D}table({f})"));
    assert_eq!(t.to_string().matches("27").count(), 2, "{t}");
    let m = fx.json(&format!("{D}mean(as.numeric(d$celltype))"));
    near(
        num(&m),
        num(&want["mean_codes"]),
        1e-12,
        0.0,
        "mean of the codes",
    );
    // Every level has rows: droplevels keeps them; a level made empty by a subset goes.
    let all = fx.json(&format!("{D}levels(droplevels(d$celltype))"));
    assert_eq!(
        all,
        serde_json::json!(["squamous", "smallcell", "adeno", "large"])
    );
    let sub = fx.json(&format!(
        "{D}s <- subset(d, celltype != \"large\")\nlevels(droplevels(s$celltype))"
    ));
    assert_eq!(sub, serde_json::json!(["squamous", "smallcell", "adeno"]));
    let e = fx.refusal(&format!("{D}table(factor(d$karno))"));
    assert!(e.contains("levels = c("), "{e}");
    let e = fx.refusal(&format!(
        "{D}factor(d$trt, levels = c(1, 2), labels = c(\"a\", \"a\"))"
    ));
    assert!(e.contains("labels"), "{e}");
}

/// Attack: the four transforms of `cox.zph` weigh the deaths' residuals differently; on a
/// subset with a handful of deaths they could be solved for single patients'. Refused.
#[test]
fn cox_zph_on_a_few_deaths_is_refused() {
    let fx = Fixture::cohort("veteran");
    let e = fx.refusal(&format!(
        "{D}s <- subset(d, time < 20)\ncox.zph(coxph(Surv(time, status) ~ karno, data = s), transform = \"identity\")"
    ));
    assert!(e.contains("distinct death times"), "{e}");
}

/// `scale(x)` as R: `lm(wt.loss ~ scale(age) + sex_f)` gives R's coefficients (the division
/// by the public SD within its documented error); a column whose SD is unknown to R's rule
/// (center = FALSE with scale) is refused by name.
#[test]
fn scale_standardises_as_r() {
    let fx = Fixture::cohort("lung");
    let want = &fx.expected["lm_scale"];
    let got = fx.json(&format!("{D}{}", want["call"].as_str().unwrap()));
    assert_eq!(got["terms"][1], "scale(age)", "{got}");
    for (i, (name, w)) in want["coefficients"].as_object().unwrap().iter().enumerate() {
        near(num(&got["coef"][i]), num(w), 1e-6, 1e-9, name);
        near(num(&got["se"][i]), num(&want["se"][name]), 1e-6, 0.0, name);
    }
    let z = fx.json(&format!("{D}c(mean(scale(d$age)), sd(scale(d$age)))"));
    near(num(&z[0]), 0.0, 0.0, 1e-6, "mean of scale");
    near(num(&z[1]), 1.0, 1e-6, 0.0, "sd of scale");
    let e = fx.refusal(&format!("{D}mean(scale(d$age, center = FALSE))"));
    assert!(e.contains("root mean square"), "{e}");
    // Numbers as center and scale are used, as R's scale(x, center = 50, scale = 10).
    let mean = num(&fx.json(&format!("{D}mean(d$age)")));
    let z = fx.json(&format!("{D}mean(scale(d$age, center = 50, scale = 10))"));
    near(
        num(&z),
        (mean - 50.0) / 10.0,
        0.0,
        1e-6,
        "center and scale given",
    );
    let z = fx.json(&format!(
        "{D}mean(scale(d$age, center = FALSE, scale = 10))"
    ));
    near(num(&z), mean / 10.0, 0.0, 1e-6, "scale given alone");
}

/// Attack: a covariate crafted to be extreme for one patient (veteran's only 34-year-old), so
/// that the adaptive weights' window check or the fit would tell something about that
/// patient. The leverage rule (`max_leverage`, on even in this open policy) refuses the design
/// before any weight is computed. Two patients (the two aged 81) are not isolated: allowed.
#[test]
fn a_covariate_isolating_one_patient_is_refused() {
    let fx = Fixture::cohort("veteran");
    for q in [
        "coxph(Surv(time, status) ~ karno + I(1000 * (age == 34)), data = d)",
        "coxph(Surv(time, status) ~ karno + I(karno * (age == 34)), data = d)",
        "coxph(Surv(time, status) ~ karno + I(exp(age / 10) * (age < 35)), data = d)",
    ] {
        let e = fx.refusal(&format!("{D}{q}"));
        assert!(e.contains("leverage"), "{q}: {e}");
    }
    fx.json(&format!(
        "{D}coxph(Surv(time, status) ~ karno + I(1000 * (age > 80)), data = d)"
    ));
}

/// `survdiff(... ~ group + strata(s))`: R's stratified log-rank test on lung (sex within
/// ECOG strata, a numeric stratum grouped by its values): chi-square within 1e-9, observed and
/// expected events summed over the strata, the group sizes.
#[test]
fn stratified_log_rank_matches_r() {
    let fx = Fixture::cohort("lung");
    let want = &fx.expected["survdiff_strata"];
    let got = fx.json(&format!("{D}{}", want["call"].as_str().unwrap()));
    near(num(&got["chisq"]), num(&want["chisq"]), 1e-9, 0.0, "chisq");
    for (i, g) in ["male", "female"].iter().enumerate() {
        assert_eq!(num(&got["observed"][i]), num(&want["obs"][g]), "{g}: {got}");
        assert_eq!(num(&got["n"][i]), num(&want["n"][g]), "{g}: {got}");
        near(num(&got["expected"][i]), num(&want["exp"][g]), 1e-9, 0.0, g);
    }
    assert_eq!(got["df"], 1);
    let e = fx.refusal(&format!(
        "{D}survdiff(Surv(time, status) ~ sex_f + strata(ph.ecog), data = d, strict = TRUE)"
    ));
    assert!(e.contains("strict"), "{e}");
}

/// Under a study's default disclosure rules (event times allowed), a stratified log-rank test
/// or Cox model whose (group, stratum) cells include one under `min_cell` is refused without
/// the cell's size: lung has one patient with ECOG 3, whose stratum would show one man's (or
/// woman's) time and event next to his covariates' effect.
#[test]
fn strata_cells_under_min_cell_are_refused_by_default() {
    let policy = sharestat_dict::Policy {
        allow_event_times: true,
        ..sharestat_dict::Policy::default()
    };
    let fx = Fixture::cohort_with("lung", policy);
    for q in [
        "survdiff(Surv(time, status) ~ sex_f + strata(ph.ecog), data = d)",
        "survfit(Surv(time, status) ~ factor(ph.ecog, levels = 0:3), data = d)",
        "coxph(Surv(time, status) ~ age + strata(ph.ecog), data = d)",
    ] {
        let e = fx.refusal(&format!("{D}{q}"));
        // The cell is named with the range the rule protects, not its size.
        assert!(
            e.contains("refused by disclosure control (min_cell)"),
            "{q}: {e}"
        );
        assert!(e.contains("ph.ecog=3") || e.contains("3"), "{q}: {e}");
        assert!(e.contains("between 1 and 4 rows"), "{q}: {e}");
    }
    // With the small stratum merged into its neighbour the test runs.
    let got = fx.json(&format!(
        "{D}survdiff(Surv(time, status) ~ sex_f + strata(ph.ecog > 1), data = d)"
    ));
    assert!(num(&got["chisq"]) > 0.0, "{got}");
}
