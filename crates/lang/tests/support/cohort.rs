//! Helpers of the cohort tests (`cohorts.rs`, `cohorts_print.rs`).

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
