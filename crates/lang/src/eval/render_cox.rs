//! `print.coxph`: the coefficient table and the likelihood ratio test, and its JSON form.
use super::cox::CoxModel;
use super::render_stats::{pval, signif};
use super::render_surv::columns;
use serde_json::{Value as Json, json};

/// R's print of a `coxph` fit.
pub fn render_cox(c: &CoxModel) -> String {
    let mut rows = vec![
        ["", "coef", "exp(coef)", "se(coef)", "z", "p"]
            .map(String::from)
            .to_vec(),
    ];
    for (i, p) in c.p_values().into_iter().enumerate() {
        rows.push(vec![
            c.names[i].clone(),
            signif(c.coef[i], 4),
            signif(c.coef[i].exp(), 4),
            signif(c.se[i], 4),
            format!("{:.3}", c.coef[i] / c.se[i]),
            pval(p),
        ]);
    }
    let (chisq, df, p) = c.lr_test();
    format!(
        "Call:\n{}\n\n{}\nLikelihood ratio test={}  on {} df, p={}\nn= {}, number of events= {}\n",
        c.call,
        columns(&rows),
        signif(chisq, 4),
        df,
        pval(p),
        c.n,
        c.events
    )
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
