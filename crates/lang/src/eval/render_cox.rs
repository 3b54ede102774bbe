//! `print.coxph` and `print.summary.coxph` (R's layouts, with `digits`), and a fit's JSON.
use super::cox::CoxModel;
use super::render_coefmat::columns;
use super::render_coefmat::{SIGNIF_CODES, coefmat, format_common, format_pval};
use serde_json::{Value as Json, json};

/// R's print of a `coxph` fit, or of its `summary()`.
pub fn render_cox(c: &CoxModel) -> String {
    if c.summary {
        return render_summary(c);
    }
    render_print(c, 4)
}

/// R's `print(fit, digits)` of a `coxph` fit (`print.coxph`, whose default is 4 digits): the
/// coefficient table as `printCoefmat` formats it (the estimates together, `z` and `p` at
/// `dig.tst`), the likelihood ratio test with `digits`.
pub fn render_print(c: &CoxModel, digits: usize) -> String {
    let hr: Vec<f64> = c.coef.iter().map(|b| b.exp()).collect();
    let z: Vec<f64> = c.coef.iter().zip(&c.se).map(|(b, s)| b / s).collect();
    let head = ["", "coef", "exp(coef)", "se(coef)", "z", "p"];
    let estimates: [&[f64]; 3] = [&c.coef, &hr, &c.se];
    let (table, _) = coefmat(
        &head,
        &c.names,
        &estimates,
        &z,
        &c.p_values(),
        digits,
        false,
    );
    let (chisq, df, p) = c.lr_test();
    // print.coxph: format(round(test, 2)) under options(digits = digits).
    let lr = format_common(&[(chisq * 100.0).round() / 100.0], digits).remove(0);
    format!(
        "Call:\n{}\n\n{table}\nLikelihood ratio test={}  on {} df, p={}\nn= {}, number of events= {}\n{}",
        c.call,
        lr,
        df,
        format_pval(&[p], digits).remove(0),
        c.n,
        c.events,
        deleted_line(c)
    )
}

/// R's `naprint` line, `   (1 observation deleted due to missingness)`, when rows were left
/// out and their number is public.
fn deleted_line(c: &CoxModel) -> String {
    match c.deleted {
        Some(k) if k > 0 => {
            let s = if k == 1 { "" } else { "s" };
            format!("   ({k} observation{s} deleted due to missingness)\n")
        }
        _ => String::new(),
    }
}

/// JSON of a Cox fit: `names`, `coef`, `se`, `exp_coef`, `z`, `p`, `loglik` (at 0 and at the
/// fit, as R's `fit$loglik`), the likelihood ratio, Wald and score tests, `n`, `events`, `ties`.
pub fn cox_json(c: &CoxModel) -> Json {
    let (chisq, df, p) = c.lr_test();
    let test = |x: f64| json!({"chisq": x, "df": df, "p_value": super::cox::chi2_p(x, df)});
    json!({
        "names": c.names,
        "coef": c.coef,
        "se": c.se,
        "exp_coef": c.coef.iter().map(|b| b.exp()).collect::<Vec<_>>(),
        "z": c.coef.iter().zip(&c.se).map(|(b, s)| b / s).collect::<Vec<_>>(),
        "p": c.p_values(),
        "loglik": c.loglik,
        "lr_test": {"chisq": chisq, "df": df, "p_value": p},
        "wald_test": test(c.wald),
        "score_test": test(c.score),
        "n": c.n,
        "events": c.events,
        "ties": c.ties,
        "iter": c.iter,
    })
}

/// R's `summary(fit)` of a `coxph` fit (`print.summary.coxph`, 4 significant digits).
fn render_summary(c: &CoxModel) -> String {
    render_summary_digits(c, 4)
}

/// `print.summary.coxph` with `digits`: the coefficients as `printCoefmat` formats them, with
/// stars and R's legend; the hazard ratios with their 95 % Wald limits, each column formatted
/// with `digits`; the likelihood ratio, Wald and score tests (`format(round(x, 2))`, p-values
/// at `max(1, digits − 4)` digits). R's concordance line is not printed: it is not computed.
pub fn render_summary_digits(c: &CoxModel, digits: usize) -> String {
    let k = c.coef.len();
    let hr: Vec<f64> = c.coef.iter().map(|b| b.exp()).collect();
    let ps = c.p_values();
    let z: Vec<f64> = c.coef.iter().zip(&c.se).map(|(b, s)| b / s).collect();
    let head = ["", "coef", "exp(coef)", "se(coef)", "z", "Pr(>|z|)"];
    let estimates: [&[f64]; 3] = [&c.coef, &hr, &c.se];
    let (table, starred) = coefmat(&head, &c.names, &estimates, &z, &ps, digits, true);
    let q = 1.959_963_984_540_054;
    let lower: Vec<f64> = (0..k).map(|i| (c.coef[i] - q * c.se[i]).exp()).collect();
    let upper: Vec<f64> = (0..k).map(|i| (c.coef[i] + q * c.se[i]).exp()).collect();
    let inv: Vec<f64> = hr.iter().map(|h| 1.0 / h).collect();
    // print() of a matrix: each column formatted on its own.
    let ci = [&hr, &inv, &lower, &upper].map(|v| format_common(v, digits));
    let mut hr_rows = vec![
        ["", "exp(coef)", "exp(-coef)", "lower .95", "upper .95"]
            .map(String::from)
            .to_vec(),
    ];
    for i in 0..k {
        let mut row = vec![c.names[i].clone()];
        row.extend(ci.iter().map(|col| col[i].clone()));
        hr_rows.push(row);
    }
    let (lr, df, lr_p) = c.lr_test();
    let pdig = digits.saturating_sub(4).max(1);
    let p = |x: f64| format_pval(&[super::cox::chi2_p(x, df)], pdig).remove(0);
    let r2 = |x: f64| format_common(&[(x * 100.0).round() / 100.0], digits).remove(0);
    let legend = if starred {
        format!("---\n{SIGNIF_CODES}\n")
    } else {
        String::new()
    };
    format!(
        "Call:\n{}\n\n  n= {}, number of events= {} \n{}\n{}{}\n{}\nLikelihood ratio test= {}  on {} df,   p={}\n\
         Wald test            = {}  on {} df,   p={}\nScore (logrank) test = {}  on {} df,   p={}\n",
        c.call,
        c.n,
        c.events,
        deleted_line(c),
        table,
        legend,
        columns(&hr_rows),
        r2(lr),
        df,
        format_pval(&[lr_p], pdig).remove(0),
        r2(c.wald),
        df,
        p(c.wald),
        r2(c.score),
        df,
        p(c.score),
    )
}
