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
    pub anova: Option<AnovaLm>,
}

/// R's `anova(lm)`: each term's degrees of freedom and sequential sum of squares, and the
/// residuals'.
#[derive(Clone, Debug, PartialEq)]
pub struct AnovaLm {
    /// The response, as written.
    pub response: String,
    /// Per term: label, df, sum of squares.
    pub rows: Vec<(String, u64, f64)>,
    /// The residuals' df and sum of squares.
    pub residual: (u64, f64),
}

impl AnovaLm {
    /// Each term's `F` and p-value against the residual mean square.
    pub fn tests(&self) -> Vec<(f64, f64)> {
        let (rdf, rss) = self.residual;
        let ms = rss / rdf as f64;
        self.rows
            .iter()
            .map(|(_, df, ss)| {
                let f = ss / *df as f64 / ms;
                (f, f_p(f, *df as f64, rdf as f64))
            })
            .collect()
    }
}

/// R's `zapsmall(x, digits)`: rounded to `digits − log10(max |x|)` decimals (R rounds the
/// non-integer number of decimals to the nearest integer), at least 0.
fn zapsmall(x: &[f64], digits: usize) -> Vec<f64> {
    let mx = x
        .iter()
        .filter(|v| v.is_finite())
        .fold(0f64, |m, v| m.max(v.abs()));
    if mx <= 0.0 {
        return x.to_vec();
    }
    let d = (digits as f64 - mx.log10()).max(0.0).round() as i32;
    let p = 10f64.powi(d);
    x.iter().map(|v| (v * p).round() / p).collect()
}

/// `print.anova` of `anova(lm)` (5 digits): the heading, the table with `Df`, `Sum Sq`,
/// `Mean Sq` (zapped and formatted per column), `F value` (rounded to 4 digits), `Pr(>F)`
/// and the stars, blank where R has `NA`.
pub fn render_anova_lm(a: &AnovaLm) -> String {
    use crate::format::{SIGNIF_CODES, columns, format_pval, stars};
    let digits = 5;
    let tests = a.tests();
    let mut ss: Vec<f64> = a.rows.iter().map(|r| r.2).collect();
    ss.push(a.residual.1);
    let mut ms: Vec<f64> = a.rows.iter().map(|r| r.2 / r.1 as f64).collect();
    ms.push(a.residual.1 / a.residual.0 as f64);
    let ssf = crate::format::format_common(&zapsmall(&ss, digits), digits);
    let msf = crate::format::format_common(&zapsmall(&ms, digits), digits);
    let fs: Vec<f64> = tests.iter().map(|t| (t.0 * 1e4).round() / 1e4).collect();
    let ff = crate::format::format_common(&fs, digits);
    let ps: Vec<f64> = tests.iter().map(|t| t.1).collect();
    let pf = format_pval(&ps, 4);
    let starred = ps.iter().any(|p| *p < 0.1);
    let mut head: Vec<String> = ["", "Df", "Sum Sq", "Mean Sq", "F value", "Pr(>F)"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if starred {
        head.push("   ".into());
    }
    let mut rows = vec![head];
    for (i, (label, df, _)) in a.rows.iter().enumerate() {
        let mut row = vec![
            label.clone(),
            df.to_string(),
            ssf[i].clone(),
            msf[i].clone(),
            ff[i].clone(),
            pf[i].clone(),
        ];
        if starred {
            row.push(format!("{:<3}", stars(ps[i])));
        }
        rows.push(row);
    }
    let k = a.rows.len();
    let mut last = vec![
        "Residuals".to_owned(),
        a.residual.0.to_string(),
        ssf[k].clone(),
        msf[k].clone(),
        String::new(),
        String::new(),
    ];
    if starred {
        last.push(String::new());
    }
    rows.push(last);
    let mut out = format!("Analysis of Variance Table\n\nResponse: {}\n", a.response);
    out.push_str(&columns(&rows));
    if starred {
        out.push_str(&format!("---\n{SIGNIF_CODES}\n"));
    }
    out
}

/// JSON of `anova(lm)`: `response`, `terms`, `df`, `sum_sq`, `mean_sq`, `f`, `p` (the
/// residuals last, with null `f` and `p`).
pub fn anova_lm_json(a: &AnovaLm) -> Json {
    let tests = a.tests();
    let mut terms: Vec<String> = a.rows.iter().map(|r| r.0.clone()).collect();
    terms.push("Residuals".into());
    let mut df: Vec<u64> = a.rows.iter().map(|r| r.1).collect();
    df.push(a.residual.0);
    let mut ss: Vec<f64> = a.rows.iter().map(|r| r.2).collect();
    ss.push(a.residual.1);
    let ms: Vec<f64> = ss.iter().zip(&df).map(|(s, d)| s / *d as f64).collect();
    let mut f: Vec<Option<f64>> = tests.iter().map(|t| Some(t.0)).collect();
    f.push(None);
    let mut p: Vec<Option<f64>> = tests.iter().map(|t| Some(t.1)).collect();
    p.push(None);
    json!({"response": a.response, "terms": terms, "df": df, "sum_sq": ss, "mean_sq": ms,
           "f": f, "p": p})
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
