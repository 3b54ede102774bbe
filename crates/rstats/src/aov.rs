//! R's analysis of variance of a linear model: `anova(lm)` (`print.anova` with its heading),
//! and the `aov` fit as `print.aov` and `summary.aov` print it, from each term's sequential
//! sum of squares (computed in the clear from the model's cross-products).
use crate::format::format_common;
use serde_json::{Value as Json, json};

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
    /// Whether the design's columns are orthogonal (R's test on the QR factor, `print.aov`'s
    /// "Estimated effects are balanced").
    pub balanced: bool,
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
                (f, crate::lm::f_p(f, *df as f64, rdf as f64))
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

/// `print.anova` of `anova(lm)` (5 digits): the heading and [`anova_table`].
pub fn render_anova_lm(a: &AnovaLm) -> String {
    format!(
        "Analysis of Variance Table\n\nResponse: {}\n{}",
        a.response,
        anova_table(a, 5, 0)
    )
}

/// `print.anova`'s table at `digits` (R's `printCoefmat`): `Df`, `Sum Sq` and `Mean Sq`
/// (each column zapped and formatted together), `F value` (rounded to `digits − 1`),
/// `Pr(>F)` and the stars, blank where R has `NA`; the row names padded to `names` wide.
pub fn anova_table(a: &AnovaLm, digits: usize, names: usize) -> String {
    use crate::format::{SIGNIF_CODES, columns, format_pval, stars};
    let dig_tst = digits.saturating_sub(1).clamp(1, 5);
    let tests = a.tests();
    let mut ss: Vec<f64> = a.rows.iter().map(|r| r.2).collect();
    ss.push(a.residual.1);
    let mut ms: Vec<f64> = a.rows.iter().map(|r| r.2 / r.1 as f64).collect();
    ms.push(a.residual.1 / a.residual.0 as f64);
    let ssf = crate::format::format_common(&zapsmall(&ss, digits), digits);
    let msf = crate::format::format_common(&zapsmall(&ms, digits), digits);
    let r = 10f64.powi(dig_tst as i32);
    let fs: Vec<f64> = tests.iter().map(|t| (t.0 * r).round() / r).collect();
    let ff = crate::format::format_common(&fs, digits);
    let ps: Vec<f64> = tests.iter().map(|t| t.1).collect();
    let pf = format_pval(&ps, dig_tst);
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
            format!("{label:<names$}"),
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
        format!("{:<names$}", "Residuals"),
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
    let mut out = columns(&rows);
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

/// An `aov` fit: the call, its table, the residual standard error, whether the design's
/// columns are orthogonal (R's "Estimated effects are balanced"), the rows left out.
#[derive(Clone, Debug, PartialEq)]
pub struct Aov {
    /// The call, as R's `match.call` orders it.
    pub call: String,
    /// The sequential table.
    pub table: AnovaLm,
    /// Rows left out for missing values, when public.
    pub deleted: Option<u64>,
    /// Made by `summary(fit)`.
    pub summary: bool,
}

fn deleted_line(deleted: Option<u64>) -> String {
    match deleted.filter(|k| *k > 0) {
        Some(k) => {
            let s = if k == 1 { "" } else { "s" };
            format!("{k} observation{s} deleted due to missingness\n")
        }
        None => String::new(),
    }
}

/// `print.aov`, or `print.summary.aov` when made by `summary`.
pub fn render_aov(a: &Aov) -> String {
    let t = &a.table;
    if a.summary {
        let width = t
            .rows
            .iter()
            .map(|r| r.0.chars().count())
            .chain([11])
            .max()
            .unwrap_or(11);
        return anova_table(t, 4, width) + &deleted_line(a.deleted);
    }
    let mut ss: Vec<f64> = t.rows.iter().map(|r| r.2).collect();
    ss.push(t.residual.1);
    let ssf = format_common(&zapsmall(&ss, 7), 7);
    let dfs: Vec<String> = t
        .rows
        .iter()
        .map(|r| r.1)
        .chain([t.residual.0])
        .map(|d| d.to_string())
        .collect();
    let mut head = vec![String::new()];
    head.extend(t.rows.iter().map(|r| r.0.clone()));
    head.push("Residuals".into());
    let mut sum = vec!["Sum of Squares".to_owned()];
    sum.extend(ssf);
    let mut df = vec!["Deg. of Freedom".to_owned()];
    df.extend(dfs);
    let sigma = (t.residual.1 / t.residual.0 as f64).sqrt();
    format!(
        "Call:\n   {}\n\nTerms:\n{}\nResidual standard error: {}\n{}\n{}",
        a.call,
        crate::format::columns(&[head, sum, df]),
        format_common(&[sigma], 7).remove(0),
        if t.balanced {
            "Estimated effects are balanced"
        } else {
            "Estimated effects may be unbalanced"
        },
        deleted_line(a.deleted)
    )
}

/// JSON of an `aov` fit: its table (as `anova(lm)`'s) and `balanced`.
pub fn aov_json(a: &Aov) -> Json {
    let mut j = anova_lm_json(&a.table);
    j["balanced"] = json!(a.table.balanced);
    j
}
