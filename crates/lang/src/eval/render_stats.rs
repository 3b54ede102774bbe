//! Printing and JSON of test results and linear models, in the layout of R's `print.htest`
//! and `print.summary.lm`.
use super::value::{HTest, LmFit};
use serde_json::{Map, Value as Json, json};

/// `x` to `digits` significant digits, without trailing zeros (R's `format(x, digits)`).
pub fn signif(x: f64, digits: i32) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".into()
        } else if x > 0.0 {
            "Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if x == 0.0 {
        return "0".into();
    }
    let mag = x.abs().log10().floor() as i32;
    if !(-5..15).contains(&mag) {
        let s = format!("{:.*e}", (digits - 1).max(0) as usize, x);
        return s;
    }
    let places = (digits - 1 - mag).max(0) as usize;
    let s = format!("{x:.places$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// A p-value as R's `format.pval` shows it with 4 digits.
pub fn pval(p: f64) -> String {
    if p < 2.2e-16 {
        "< 2.2e-16".into()
    } else {
        signif(p, 4)
    }
}

/// R's print of an `htest` (`print.htest` at R's default 7 digits).
pub fn render_test(t: &HTest) -> String {
    render_test_digits(t, 7)
}

/// R's `print(x, digits)` of an `htest`: the statistic and parameters with `digits − 2`
/// significant digits, the p-value by `format.pval` with `digits − 3`, the interval and the
/// estimates formatted together with `digits` (R's `format` rules, `render_coefmat.rs`).
pub fn render_test_digits(t: &HTest, digits: usize) -> String {
    use super::render_coefmat::{format_common, format_pval};
    let d2 = digits.saturating_sub(2).max(1);
    let mut out = format!("\n\t{}\n\ndata:  {}\n", t.method, t.data_name);
    let mut parts = Vec::new();
    if let Some((name, v)) = &t.statistic {
        parts.push(format!("{name} = {}", format_common(&[*v], d2)[0]));
    }
    let params: Vec<f64> = t.parameter.iter().map(|(_, v)| *v).collect();
    for ((name, _), v) in t.parameter.iter().zip(format_common(&params, d2)) {
        parts.push(format!("{name} = {v}"));
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

/// R's print of an `lm` fit (`print.lm`) or of its summary (`print.summary.lm`), at R's
/// default digits.
pub fn render_model(m: &LmFit) -> String {
    if m.summary {
        render_model_digits(m, 4)
    } else {
        render_lm_print(m, 4)
    }
}

/// `print.lm` with `digits`: the call, and `format(coef(fit), digits)` printed as R prints a
/// named character vector (`print.gap = 2`, one column width for all, 80 columns a line).
pub fn render_lm_print(m: &LmFit, digits: usize) -> String {
    let mut out = format!("\nCall:\n{}\n\n", deparse_call(&m.call));
    if m.coef.is_empty() {
        out.push_str("No coefficients\n");
    } else {
        out.push_str("Coefficients:\n");
        let values = super::render_coefmat::format_common(&m.coef, digits);
        out.push_str(&named_columns(&m.terms, &values, 2, 80));
    }
    out.push('\n');
    out
}

/// R's `print.default` of a named character vector without quotes: every cell
/// right-justified to the widest name or value and followed by `gap` spaces, as many cells a
/// line as `width` holds, the names' line above the values'.
fn named_columns(names: &[String], values: &[String], gap: usize, width: usize) -> String {
    let len = |s: &String| s.chars().count();
    let w = names.iter().chain(values).map(len).max().unwrap_or(0);
    let per_line = (width / (w + gap)).max(1);
    let mut out = String::new();
    for (ns, vs) in names.chunks(per_line).zip(values.chunks(per_line)) {
        for row in [ns, vs] {
            for cell in row {
                out.push_str(&format!("{cell:>w$}{:gap$}", ""));
            }
            out.push('\n');
        }
    }
    out
}

/// R's `deparse` of a call as `print.lm` shows it: after a binary operator's `op ` or an
/// argument's `, `, a line longer than 60 characters is broken and the rest indented by four
/// spaces (R's `linebreak`, `width.cutoff = 60`).
pub(crate) fn deparse_call(call: &str) -> String {
    const CUTOFF: usize = 60;
    const BREAKS: [&str; 15] = [
        " + ", " - ", " * ", " ~ ", " == ", " != ", " < ", " > ", " <= ", " >= ", " & ", " | ",
        " && ", " || ", ", ",
    ];
    let (mut out, mut line, mut quoted) = (String::new(), 0usize, None::<char>);
    for c in call.chars() {
        out.push(c);
        line += 1;
        match (quoted, c) {
            (None, '"' | '\'') => quoted = Some(c),
            (Some(q), _) if c == q => quoted = None,
            _ => {}
        }
        if quoted.is_none() && c == ' ' && BREAKS.iter().any(|b| out.ends_with(b)) && line > CUTOFF
        {
            out.push_str("\n    ");
            line = 4;
        }
    }
    out
}

/// `print.summary.lm` with `digits`: the call, the coefficient table as `printCoefmat`
/// formats it (estimates together, `t` and `p` at `dig.tst`, significance stars), the
/// residual standard error, R's `(k observations deleted due to missingness)` where public,
/// R² and the F test. R's residual quantiles are not printed: they are per-row values.
pub fn render_model_digits(m: &LmFit, digits: usize) -> String {
    use super::render_coefmat::{
        SIGNIF_CODES, coefmat, format_c, format_common, format_pval, sig_round,
    };
    let t: Vec<f64> = m.coef.iter().zip(&m.se).map(|(b, s)| b / s).collect();
    let ps: Vec<f64> = t.iter().map(|t| t_p(*t, m.df as f64)).collect();
    let head = ["", "Estimate", "Std. Error", "t value", "Pr(>|t|)"];
    let (table, starred) = coefmat(&head, &m.terms, &[&m.coef, &m.se], &t, &ps, digits, true);
    let mut out = format!(
        "\nCall:\n{}\n\nCoefficients:\n{table}",
        deparse_call(&m.call)
    );
    if starred {
        out.push_str(&format!("---\n{SIGNIF_CODES}\n"));
    }
    out.push_str(&format!(
        "\nResidual standard error: {} on {} degrees of freedom\n",
        // format(signif(sigma, digits)).
        format_common(&[sig_round(m.sigma, digits)], 7).remove(0),
        m.df
    ));
    if let Some(k) = m.deleted.filter(|k| *k > 0) {
        let s = if k == 1 { "" } else { "s" };
        out.push_str(&format!(
            "  ({k} observation{s} deleted due to missingness)\n"
        ));
    }
    let numdf = m.coef.len() - usize::from(m.intercept);
    if numdf > 0 {
        out.push_str(&format!(
            "Multiple R-squared:  {},\tAdjusted R-squared:  {} \n",
            format_c(m.r_squared, digits),
            format_c(m.adj_r_squared, digits)
        ));
        let f = (m.r_squared / numdf as f64) / ((1.0 - m.r_squared) / m.df as f64);
        out.push_str(&format!(
            "F-statistic: {} on {} and {} DF,  p-value: {}\n",
            format_c(f, digits),
            numdf,
            m.df,
            format_pval(&[f_p(f, numdf as f64, m.df as f64)], digits).remove(0)
        ));
    }
    out
}

/// The upper tail of Fisher's F with `a` and `b` degrees of freedom.
fn f_p(f: f64, a: f64, b: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, FisherSnedecor};
    match FisherSnedecor::new(a, b) {
        Ok(d) if f.is_finite() => d.sf(f),
        _ => f64::NAN,
    }
}

/// JSON of a model: `terms`, `coef`, `se`, `t`, `p`, `r_squared`, `adj_r_squared`, `sigma`,
/// `df`, `n`.
pub fn model_json(m: &LmFit) -> Json {
    let t: Vec<f64> = m.coef.iter().zip(&m.se).map(|(b, s)| b / s).collect();
    let p: Vec<f64> = t.iter().map(|t| t_p(*t, m.df as f64)).collect();
    json!({
        "terms": m.terms, "coef": m.coef, "se": m.se, "t": t, "p": p,
        "r_squared": m.r_squared, "adj_r_squared": m.adj_r_squared,
        "sigma": m.sigma, "df": m.df, "n": m.n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_format_like_r() {
        assert_eq!(signif(0.16194526764, 5), "0.16195");
        assert_eq!(signif(45.4719189667, 5), "45.472");
        assert_eq!(signif(46.0, 5), "46");
        assert_eq!(pval(0.87206642438), "0.8721");
        assert_eq!(pval(1e-20), "< 2.2e-16");
    }
}
