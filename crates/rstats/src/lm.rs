//! R's linear model result (`lm`): the fit as `summary(lm(...))` shows it, printed as R's
//! `print.lm` (the call broken as R's `deparse` breaks it, the coefficients as
//! `format(coef, digits)` in columns) and `print.summary.lm`, and its JSON.
use crate::htest::t_p;
use serde_json::{Value as Json, json};

/// A linear model fitted by least squares, as `summary(lm(...))` shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct LmFit {
    /// The call, as written.
    pub call: String,
    /// Term names: `(Intercept)` and the predictors.
    pub terms: Vec<String>,
    /// Coefficients.
    pub coef: Vec<f64>,
    /// Their standard errors.
    pub se: Vec<f64>,
    /// Rows used.
    pub n: u64,
    /// Residual degrees of freedom.
    pub df: u64,
    /// Residual standard error.
    pub sigma: f64,
    /// R².
    pub r_squared: f64,
    /// Adjusted R².
    pub adj_r_squared: f64,
    /// Whether the model has an intercept (the F test's numerator df).
    pub intercept: bool,
    /// Rows left out for missing values, when every row of the data was a candidate (R's
    /// `na.action` line); `None` under a selection, whose size stays private.
    pub deleted: Option<u64>,
    /// Made by `summary(fit)`: prints as R's `print.summary.lm` (else as `print.lm`).
    pub summary: bool,
    /// R's sequential analysis of variance (`anova(fit)`), for a model with an intercept and
    /// without an offset.
    pub anova: Option<crate::aov::AnovaLm>,
    /// The coefficients' covariance `σ² (XᵀX)⁻¹` (R's `vcov`).
    pub cov: Vec<Vec<f64>>,
    /// How the design is made from data (`predict` on new data).
    pub spec: crate::predict::ModelSpec,
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
        let values = crate::format::format_common(&m.coef, digits);
        out.push_str(&named_columns(&m.terms, &values, 2, 80));
    }
    out.push('\n');
    out
}

/// R's `print.default` of a named character vector without quotes: every cell
/// right-justified to the widest name or value and followed by `gap` spaces, as many cells a
/// line as `width` holds, the names' line above the values'.
pub fn named_columns(names: &[String], values: &[String], gap: usize, width: usize) -> String {
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
pub fn deparse_call(call: &str) -> String {
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
    use crate::format::{SIGNIF_CODES, coefmat, format_c, format_common, format_pval, sig_round};
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
pub(crate) fn f_p(f: f64, a: f64, b: f64) -> f64 {
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
