//! R's generalised linear model result (`glm`): the fit as `summary(glm(...))` shows it,
//! printed as R's `print.glm` and `print.summary.glm` (R >= 4.3's layout: without the
//! deviance residuals' quantiles, which are per-row values), its warnings as `glm.fit`
//! gives them, and its JSON.
use crate::format::{SIGNIF_CODES, coefmat, format_common, sig_round};
use crate::htest::t_p;
use crate::lm::{deparse_call, named_columns};
use serde_json::{Value as Json, json};

/// A fitted generalised linear model.
#[derive(Clone, Debug, PartialEq)]
pub struct GlmFit {
    /// The call, as R's `match.call` orders it.
    pub call: String,
    /// The model's formula (`anova`'s `Model 1:` lines).
    pub formula: String,
    /// The family's name (`binomial`, `poisson`, `gaussian`).
    pub family: String,
    /// The link's name.
    pub link: String,
    /// Coefficient names.
    pub terms: Vec<String>,
    /// Coefficients.
    pub coef: Vec<f64>,
    /// Their standard errors (with the dispersion).
    pub se: Vec<f64>,
    /// The dispersion (1 for binomial and Poisson).
    pub dispersion: f64,
    /// Whether the dispersion was estimated (then `t` tests, else `z`).
    pub estimated_dispersion: bool,
    /// Null deviance and its degrees of freedom.
    pub null_deviance: (f64, u64),
    /// Residual deviance and its degrees of freedom.
    pub deviance: (f64, u64),
    /// R's AIC, `None` where R's is `NA`.
    pub aic: Option<f64>,
    /// Fisher-scoring iterations.
    pub iter: usize,
    /// Rows used.
    pub n: u64,
    /// Rows left out for missing values, when public.
    pub deleted: Option<u64>,
    /// `glm.fit`'s warnings.
    pub warnings: Vec<String>,
    /// Printed as `summary(fit)`.
    pub summary: bool,
    /// The coefficients' covariance, the dispersion included (R's `vcov`).
    pub cov: Vec<Vec<f64>>,
    /// How the design is made from data (`predict` on new data).
    pub spec: crate::predict::ModelSpec,
}

impl GlmFit {
    /// The coefficients' test statistics (`z` or `t`).
    pub fn stat(&self) -> Vec<f64> {
        self.coef.iter().zip(&self.se).map(|(b, s)| b / s).collect()
    }

    /// Their two-sided p-values (normal, or Student's t on the residual df).
    pub fn p_values(&self) -> Vec<f64> {
        self.stat()
            .iter()
            .map(|&z| {
                if self.estimated_dispersion {
                    t_p(z, self.deviance.1 as f64)
                } else {
                    normal_p(z)
                }
            })
            .collect()
    }
}

/// Two-sided normal p-value.
pub fn normal_p(z: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, Normal};
    match Normal::new(0.0, 1.0) {
        Ok(n) if z.is_finite() => 2.0 * n.cdf(-z.abs()),
        _ => f64::NAN,
    }
}

/// R's print of the fit, or of its summary, then its warnings.
pub fn render_glm(m: &GlmFit) -> String {
    let mut out = if m.summary {
        render_summary(m, 4)
    } else {
        render_print(m, 4)
    };
    out.push_str(&render_warnings(&m.warnings));
    out
}

/// R's `Warning message(s):` block after a top-level call.
pub fn render_warnings(w: &[String]) -> String {
    match w {
        [] => String::new(),
        [one] => format!("Warning message:\n{one} \n"),
        many => {
            let mut out = "Warning messages:\n".to_owned();
            for (i, m) in many.iter().enumerate() {
                out.push_str(&format!("{}: {m} \n", i + 1));
            }
            out
        }
    }
}

fn deleted_line(m: &GlmFit) -> String {
    match m.deleted.filter(|k| *k > 0) {
        Some(k) => {
            let s = if k == 1 { "" } else { "s" };
            format!("  ({k} observation{s} deleted due to missingness)\n")
        }
        None => String::new(),
    }
}

fn aic_text(m: &GlmFit, digits: usize) -> String {
    match m.aic {
        Some(a) => format_common(&[a], digits).remove(0),
        None => "NA".into(),
    }
}

/// `print.glm` with `digits`.
pub fn render_print(m: &GlmFit, digits: usize) -> String {
    let mut out = format!("\nCall:  {}\n\n", deparse_call(&m.call));
    if m.coef.is_empty() {
        out.push_str("No coefficients\n\n");
    } else {
        out.push_str("Coefficients:\n");
        let values = format_common(&m.coef, digits);
        out.push_str(&named_columns(&m.terms, &values, 2, 80));
    }
    out.push_str(&format!(
        "\nDegrees of Freedom: {} Total (i.e. Null);  {} Residual\n",
        m.null_deviance.1, m.deviance.1
    ));
    out.push_str(&deleted_line(m));
    let sig = |x: f64| format_common(&[sig_round(x, digits)], 7).remove(0);
    let aic = match m.aic {
        Some(a) => sig(a),
        None => "NA".into(),
    };
    out.push_str(&format!(
        "Null Deviance:\t    {} \nResidual Deviance: {} \tAIC: {aic}\n",
        sig(m.null_deviance.0),
        sig(m.deviance.0)
    ));
    out
}

/// `print.summary.glm` with `digits` (R >= 4.3, `show.residuals = FALSE`).
pub fn render_summary(m: &GlmFit, digits: usize) -> String {
    let (sname, pname) = if m.estimated_dispersion {
        ("t value", "Pr(>|t|)")
    } else {
        ("z value", "Pr(>|z|)")
    };
    let head = ["", "Estimate", "Std. Error", sname, pname];
    let (table, starred) = coefmat(
        &head,
        &m.terms,
        &[&m.coef, &m.se],
        &m.stat(),
        &m.p_values(),
        digits,
        true,
    );
    let mut out = format!(
        "\nCall:\n{}\n\nCoefficients:\n{table}",
        deparse_call(&m.call)
    );
    if starred {
        out.push_str(&format!("---\n{SIGNIF_CODES}\n"));
    }
    let dev = format_common(&[m.null_deviance.0, m.deviance.0], (digits + 1).max(5));
    let dfs = [m.null_deviance.1.to_string(), m.deviance.1.to_string()];
    let w = dfs.iter().map(|s| s.len()).max().unwrap_or(0);
    out.push_str(&format!(
        "\n(Dispersion parameter for {} family taken to be {})\n\n",
        m.family,
        format_common(&[m.dispersion], 7).remove(0)
    ));
    for (i, label) in ["    Null", "Residual"].iter().enumerate() {
        out.push_str(&format!(
            "{label} deviance: {}  on {:>w$}  degrees of freedom\n",
            dev[i], dfs[i]
        ));
    }
    out.push_str(&deleted_line(m));
    out.push_str(&format!(
        "AIC: {}\n\nNumber of Fisher Scoring iterations: {}\n\n",
        aic_text(m, (digits + 1).max(4)),
        m.iter
    ));
    out
}

/// JSON of a fit: `family`, `link`, `terms`, `coef`, `se`, `stat`, `p`, `dispersion`,
/// `null_deviance`, `df_null`, `deviance`, `df_residual`, `aic`, `iter`, `n`, `warnings`.
pub fn glm_json(m: &GlmFit) -> Json {
    json!({
        "family": m.family, "link": m.link, "terms": m.terms, "coef": m.coef, "se": m.se,
        "stat": m.stat(), "p": m.p_values(), "dispersion": m.dispersion,
        "null_deviance": m.null_deviance.0, "df_null": m.null_deviance.1,
        "deviance": m.deviance.0, "df_residual": m.deviance.1, "aic": m.aic,
        "iter": m.iter, "n": m.n, "warnings": m.warnings,
    })
}
