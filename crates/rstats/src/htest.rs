//! R's `htest`: the result of a statistical test, printed as R's `print.htest` (at R's
//! default digits or `print(x, digits)`) and as JSON, with Student's t tail probabilities.
use crate::format::{format_common, format_pval};
use serde_json::{Map, Value as Json, json};

/// The result of a statistical test, as R's `htest` prints it.
#[derive(Clone, Debug, PartialEq)]
pub struct HTest {
    /// E.g. `Welch Two Sample t-test`.
    pub method: String,
    /// What was tested, e.g. `age by gender`.
    pub data_name: String,
    /// The statistic's name and value (`t`, `X-squared`).
    pub statistic: Option<(String, f64)>,
    /// Parameters such as `df`.
    pub parameter: Vec<(String, f64)>,
    /// The p-value.
    pub p_value: f64,
    /// The alternative hypothesis, in words.
    pub alternative: String,
    /// Confidence interval and its level.
    pub conf_int: Option<(f64, f64, f64)>,
    /// Estimates, named (`mean in group female`, `odds ratio`).
    pub estimate: Vec<(String, f64)>,
}

/// R's print of an `htest` (`print.htest` at R's default 7 digits).
pub fn render_test(t: &HTest) -> String {
    render_test_digits(t, 7)
}

/// R's `print(x, digits)` of an `htest`: the statistic and parameters with `digits − 2`
/// significant digits, the p-value by `format.pval` with `digits − 3`, the interval and the
/// estimates formatted together with `digits` (R's `format` rules, [`crate::format`]).
pub fn render_test_digits(t: &HTest, digits: usize) -> String {
    let d2 = digits.saturating_sub(2).max(1);
    let mut out = format!("\n\t{}\n\ndata:  {}\n", t.method, t.data_name);
    let mut parts = Vec::new();
    if let Some((name, v)) = &t.statistic {
        parts.push(format!("{name} = {}", format_common(&[*v], d2)[0]));
    }
    let params: Vec<f64> = t.parameter.iter().map(|(_, v)| *v).collect();
    // Formatted together (one number of decimals), then R's `strwrap` collapses the padding.
    for ((name, _), v) in t.parameter.iter().zip(format_common(&params, d2)) {
        parts.push(format!("{name} = {}", v.trim_start()));
    }
    let p = format_pval(&[t.p_value], digits.saturating_sub(3).max(1)).remove(0);
    parts.push(if p.starts_with('<') {
        format!("p-value {p}")
    } else {
        format!("p-value = {p}")
    });
    out.push_str(&parts.join(", "));
    out.push('\n');
    if !t.alternative.is_empty() {
        out.push_str(&format!("alternative hypothesis: {}\n", t.alternative));
    }
    if let Some((lo, hi, level)) = t.conf_int {
        let ci = format_common(&[lo, hi], digits);
        out.push_str(&format!(
            "{} percent confidence interval:\n {} {}\n",
            format_common(&[level * 100.0], 7)[0],
            ci[0],
            ci[1]
        ));
    }
    if !t.estimate.is_empty() {
        out.push_str("sample estimates:\n");
        let names: Vec<String> = t.estimate.iter().map(|(n, _)| n.clone()).collect();
        let est: Vec<f64> = t.estimate.iter().map(|(_, v)| *v).collect();
        let values = format_common(&est, digits);
        let w = names
            .iter()
            .chain(&values)
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(1);
        for n in &names {
            out.push_str(&format!("{n:>w$} "));
        }
        out.push('\n');
        for v in &values {
            out.push_str(&format!("{v:>w$} "));
        }
        out.push('\n');
    }
    out.push('\n');
    out
}

/// JSON of an `htest`: `statistic`, `parameter` values by name (`df`), `p_value`,
/// `conf_int`, `estimate` (an object), `method`.
pub fn test_json(t: &HTest) -> Json {
    let mut m = Map::new();
    m.insert("method".into(), json!(t.method));
    if let Some((_, v)) = &t.statistic {
        m.insert("statistic".into(), json!(v));
    }
    for (name, v) in &t.parameter {
        m.insert(name.clone(), json!(v));
    }
    m.insert("p_value".into(), json!(t.p_value));
    if let Some((lo, hi, _)) = t.conf_int {
        m.insert("conf_int".into(), json!([lo, hi]));
    }
    if !t.estimate.is_empty() {
        let est: Map<String, Json> = t
            .estimate
            .iter()
            .map(|(n, v)| (n.clone(), json!(v)))
            .collect();
        m.insert("estimate".into(), Json::Object(est));
    }
    Json::Object(m)
}

/// Student's t tail probability, two-sided.
pub fn t_p(t: f64, df: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    match StudentsT::new(0.0, 1.0, df) {
        Ok(d) if t.is_finite() => 2.0 * d.cdf(-t.abs()),
        _ => f64::NAN,
    }
}
