//! Helpers of the cohort tests (`cohorts.rs`, `cohorts_print.rs`, `model_subset.rs`).

use super::Fixture;

/// Both sites of a cohort as one table `d`.
pub const D: &str = "d <- rbind(load(\"site_a\"), load(\"site_b\"))\n";

/// A JSON number.
pub fn num(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Within `rel` of R's value, relative (`abs` where R's value is near 0).
pub fn near(got: f64, want: f64, rel: f64, abs: f64, what: &str) {
    assert!(
        (got - want).abs() <= rel * want.abs() + abs,
        "{what}: got {got}, R says {want} (relative error {:.2e})",
        ((got - want) / want).abs()
    );
}

/// R's printed lines (a JSON array of `capture.output`), trailing spaces trimmed.
pub fn r_lines(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not R's lines: {v}"))
        .iter()
        .map(|l| l.as_str().unwrap().trim_end().to_owned())
        .collect()
}

/// `lm(...)` of `fx`'s cohort against R's `key`: names, coefficients and SEs within `rel`, sigma,
/// R², df.
pub fn lm_matches_r(fx: &Fixture, key: &str, rel: f64) {
    let want = &fx.expected[key];
    let got = fx.json(&format!("{D}{}", want["call"].as_str().unwrap()));
    let names: Vec<&str> = got["terms"]
        .as_array()
        .unwrap_or_else(|| panic!("{got}"))
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let wn: Vec<&String> = want["coefficients"].as_object().unwrap().keys().collect();
    assert_eq!(names, wn, "coefficient names");
    for (i, name) in names.iter().enumerate() {
        near(
            num(&got["coef"][i]),
            num(&want["coefficients"][*name]),
            rel,
            0.0,
            name,
        );
        near(num(&got["se"][i]), num(&want["se"][*name]), rel, 0.0, name);
    }
    near(num(&got["sigma"]), num(&want["sigma"]), rel, 0.0, "sigma");
    near(
        num(&got["r_squared"]),
        num(&want["r_squared"]),
        rel,
        0.0,
        "r2",
    );
    assert_eq!(got["df"], want["df"]);
}

/// `coxph(...)` of `cohort` against R's `key`: R's names, coefficients within `tol` relative
/// (or `tol` standard errors when closer to zero), standard errors within 1e-4 relative, the
/// events.
pub fn cox_matches_r(cohort: &str, key: &str, tol: f64) {
    let fx = Fixture::cohort(cohort);
    let want = &fx.expected[key];
    let got = fx.json(&format!("{D}{}", want["call"].as_str().unwrap()));
    assert_eq!(got["events"], want["nevent"], "{cohort} {key}: events");
    assert_eq!(got["n"], want["n"], "{cohort} {key}: n");
    for (i, (name, w)) in want["coefficients"].as_object().unwrap().iter().enumerate() {
        assert_eq!(got["names"][i], name.as_str(), "{cohort} {key}: names");
        let se = num(&want["se"][name]);
        let what = format!("{cohort} {key}: {name}");
        // The criterion: 1e-6 relative, or 1e-6 of the standard error when closer to 0.
        near(
            num(&got["coef"][i]),
            num(w),
            0.0,
            tol * se.max(num(w).abs()),
            &what,
        );
        near(num(&got["se"][i]), se, 1e-4, 0.0, &what);
    }
}

/// `src` prints R's lines `want` (trailing spaces and blank lines at the end aside).
pub fn prints_as_r(fx: &Fixture, src: &str, want: &serde_json::Value) {
    let printed = fx.printed(src, 1);
    let lines: Vec<&str> = printed.lines().map(str::trim_end).collect();
    assert_eq!(
        lines.join("\n").trim_end(),
        r_lines(want).join("\n").trim_end(),
        "{src}"
    );
}
