//! `ggsurvplot(fit, file = "km.svg", pval = FALSE, surv.median.line = "none", break.time.by =
//! NULL, xlim = NULL, risk.table = FALSE, conf.int = FALSE, title, xlab, ylab)`: a
//! Kaplan-Meier figure as journals print it, with survminer's arguments (issue 16): the
//! log-rank p-value in the plot (`p = 0.0012`, `p < 0.0001`, computed from the fit's opened
//! times as `survdiff` computes it), dashed median survival lines, the time axis broken every
//! `break.time.by` up to `xlim`, the number-at-risk table below it; `dpi` (ggsave's) for a
//! PNG to submit: drawn `dpi / 100` times as large, the resolution written in the file. Drawn
//! by the client, as `plot`. One module: its registry entry and its evaluation.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::eval::call::need;
use crate::eval::plot::PlotArgs;
use crate::eval::surv::logrank;
use crate::eval::value::{PrivTable, Public, Value};
use crate::eval::{EvalError, Evaluator, Result};
use serde_json::json;

/// The entry of `ggsurvplot`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "ggsurvplot",
    params: &[
        Param::required("fit"),
        Param::named("file", "\"km.svg\""),
        Param::named("pval", "FALSE"),
        Param::named("surv.median.line", "\"none\""),
        Param::named("break.time.by", "NULL"),
        Param::named("xlim", "NULL"),
        Param::named("risk.table", "FALSE"),
        Param::named("conf.int", "FALSE"),
        Param::named("title", "NULL"),
        Param::named("xlab", "\"Time\""),
        Param::named("ylab", "\"Survival probability\""),
        Param::named("dpi", "NULL"),
    ],
    min_dots: 0,
    refused: &[(
        "data",
        "the fit carries its data; give the survfit() result",
    )],
    usage: "ggsurvplot(fit, file = \"km.svg\", pval = TRUE, surv.median.line = \"hv\", break.time.by = 12, xlim = c(0, 60), risk.table = TRUE): a Kaplan-Meier figure as journals print it (survminer's arguments): the log-rank p-value in the plot, dashed median lines, time breaks and limits, the number-at-risk table; SVG, or PNG (dpi = 300 for submission, ggsave's), drawn by your client",
    reveals: "nothing beyond the fit (its log-rank p-value is computed from the fit's opened times)",
    check: None,
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let fx = need(a, e, "fit")?;
    let Value::Pub(Public::Surv(fit)) = ev.eval_in(fx, scope)? else {
        return Err(EvalError::at(fx, "ggsurvplot() draws a survfit() result"));
    };
    let flag = |ev: &mut Evaluator<'_>, n: &str| ev.flag(a.get(n), scope, 0.0).map(|v| v != 0.0);
    let pval = if flag(ev, "pval")? {
        if fit.curves.len() < 2 {
            return Err(EvalError::at(
                a.get("pval").unwrap_or(e),
                "pval = TRUE needs two groups or more (a log-rank test)",
            ));
        }
        let labels: Vec<String> = fit.curves.iter().map(|c| c.group.clone()).collect();
        let mut obs = Vec::new();
        for (g, c) in fit.curves.iter().enumerate() {
            for r in &c.table {
                obs.extend(std::iter::repeat_n((g, r.time, true), r.n_event as usize));
                obs.extend(std::iter::repeat_n((g, r.time, false), r.n_censor as usize));
            }
        }
        let lr = logrank(e, String::new(), &labels, &obs)?;
        Some(if lr.p_value < 1e-4 {
            "p < 0.0001".to_owned()
        } else {
            format!("p = {}", sharestat_rstats::format::signif(lr.p_value, 2))
        })
    } else {
        None
    };
    let median_line = match a.get("surv.median.line") {
        None => "none".to_owned(),
        Some(m) => match ev.eval_in(m, scope)? {
            Value::Pub(Public::Str(s))
                if s.len() == 1 && matches!(s[0].as_deref(), Some("none" | "hv" | "h" | "v")) =>
            {
                s[0].clone().unwrap_or_default()
            }
            _ => {
                return Err(EvalError::at(
                    m,
                    "surv.median.line is \"none\", \"hv\", \"h\" or \"v\"",
                ));
            }
        },
    };
    let number = |ev: &mut Evaluator<'_>, n: &str| -> Result<Option<Vec<f64>>> {
        match a.get(n) {
            None => Ok(None),
            Some(x) => match ev.eval_in(x, scope)? {
                Value::Pub(Public::Num { values, .. }) => values
                    .into_iter()
                    .map(|v| v.ok_or_else(|| EvalError::at(x, format!("{n} has NA"))))
                    .collect::<Result<Vec<f64>>>()
                    .map(Some),
                _ => Err(EvalError::at(x, format!("{n} takes numbers"))),
            },
        }
    };
    let break_by = match number(ev, "break.time.by")?.as_deref() {
        None => None,
        Some([b]) if *b > 0.0 => Some(*b),
        Some(_) => {
            return Err(EvalError::at(e, "break.time.by is one number above 0"));
        }
    };
    let xlim = match number(ev, "xlim")?.as_deref() {
        None => None,
        Some([lo, hi]) if hi > lo => Some([*lo, *hi]),
        Some(_) => return Err(EvalError::at(e, "xlim is c(from, to) with from < to")),
    };
    let risk_table = flag(ev, "risk.table")?;
    let suppress_below = ev.risk_table_suppression();
    let dpi = match number(ev, "dpi")?.as_deref() {
        None => None,
        Some([d]) if (72.0..=1200.0).contains(d) && d.fract() == 0.0 => Some(*d as u32),
        Some(_) => return Err(EvalError::at(e, "dpi is a whole number from 72 to 1200")),
    };
    let conf_int = a.get("conf.int");
    let medians: Vec<Option<f64>> = fit.curves.iter().map(|c| c.median[0]).collect();
    let args = PlotArgs {
        file: a.get("file"),
        conf_int,
        main: a.get("title"),
        xlab: a.get("xlab"),
        ylab: a.get("ylab"),
        ..PlotArgs::default()
    };
    let mut plot = ev.plot(e, Public::Surv(fit), args, scope)?;
    if let Value::Pub(Public::Plot {
        km_options,
        labels,
        file,
        conf_int: bands,
        ..
    }) = &mut plot
    {
        // survminer draws no bands unless asked (plot()'s default draws them for one curve).
        *bands &= conf_int.is_some();
        if a.get("file").is_none() {
            *file = "km.svg".into();
        }
        labels[0].get_or_insert_with(|| "Time".into());
        labels[1].get_or_insert_with(|| "Survival probability".into());
        *km_options = Some(Box::new(json!({
            "pval": pval, "median_line": median_line, "medians": medians,
            "break_by": break_by, "xlim": xlim, "risk_table": risk_table, "dpi": dpi,
            "suppress_below": suppress_below,
        })));
    }
    Ok(plot)
}
