//! R's analysis of deviance of nested `glm` fits (`anova(fit0, fit1, test = "Chisq")`,
//! `anova.glmlist`), printed as R's `print.anova` (`printCoefmat` with 5 digits, the
//! degrees of freedom as integers, blank cells where R has `NA`), and its JSON.
use crate::format::{SIGNIF_CODES, columns, format_common, format_pval, stars};
use serde_json::{Value as Json, json};

/// An analysis of deviance table.
#[derive(Clone, Debug, PartialEq)]
pub struct AnovaGlm {
    /// Each model's formula, in order.
    pub models: Vec<String>,
    /// Residual degrees of freedom.
    pub resid_df: Vec<u64>,
    /// Residual deviances.
    pub resid_dev: Vec<f64>,
    /// The test's p-values (`None` in the first row, or without a test).
    pub p: Option<Vec<Option<f64>>>,
}

impl AnovaGlm {
    /// The change in degrees of freedom and deviance from the previous model.
    pub fn changes(&self) -> Vec<Option<(i64, f64)>> {
        (0..self.models.len())
            .map(|i| {
                (i > 0).then(|| {
                    (
                        self.resid_df[i - 1] as i64 - self.resid_df[i] as i64,
                        self.resid_dev[i - 1] - self.resid_dev[i],
                    )
                })
            })
            .collect()
    }
}

/// `print.anova` of the table (R's default 5 digits, `test = "Chisq"`'s column `Pr(>Chi)`).
pub fn render_anova(a: &AnovaGlm) -> String {
    let mut out = "Analysis of Deviance Table\n\n".to_owned();
    for (i, m) in a.models.iter().enumerate() {
        out.push_str(&format!("Model {}: {m}\n", i + 1));
    }
    let ch = a.changes();
    let dev = format_common(&a.resid_dev, 5);
    let given: Vec<f64> = ch.iter().flatten().map(|c| c.1).collect();
    let mut dchange = format_common(&given, 5).into_iter();
    let pvals: Vec<f64> = a.p.iter().flatten().flatten().copied().collect();
    let mut pf = format_pval(&pvals, 4).into_iter();
    let starred = pvals.iter().any(|p| *p < 0.1);
    let mut head = vec![
        String::new(),
        "Resid. Df".into(),
        "Resid. Dev".into(),
        "Df".into(),
        "Deviance".into(),
    ];
    if a.p.is_some() {
        head.push("Pr(>Chi)".into());
    }
    if starred {
        head.push("   ".into());
    }
    let mut rows = vec![head];
    for i in 0..a.models.len() {
        let mut row = vec![
            (i + 1).to_string(),
            a.resid_df[i].to_string(),
            dev[i].clone(),
        ];
        match ch[i] {
            Some((df, _)) => {
                row.push(df.to_string());
                row.push(dchange.next().unwrap_or_default());
            }
            None => row.extend([String::new(), String::new()]),
        }
        if let Some(ps) = &a.p {
            row.push(match ps[i] {
                Some(_) => pf.next().unwrap_or_default(),
                None => String::new(),
            });
            if starred {
                row.push(format!("{:<3}", ps[i].map_or("", stars)));
            }
        }
        rows.push(row);
    }
    out.push_str(&columns(&rows));
    if starred {
        out.push_str(&format!("---\n{SIGNIF_CODES}\n"));
    }
    out
}

/// JSON: `models`, `resid_df`, `resid_dev`, `df`, `deviance`, `p` (null in the first row).
pub fn anova_json(a: &AnovaGlm) -> Json {
    let ch = a.changes();
    json!({
        "models": a.models, "resid_df": a.resid_df, "resid_dev": a.resid_dev,
        "df": ch.iter().map(|c| c.map(|c| c.0)).collect::<Vec<_>>(),
        "deviance": ch.iter().map(|c| c.map(|c| c.1)).collect::<Vec<_>>(),
        "p": a.p,
    })
}
