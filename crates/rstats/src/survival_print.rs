//! Printing and JSON of Kaplan-Meier fits and log-rank tests, in the layout of R's
//! `print.survfit` and `print.survdiff`.
use crate::format::{columns, pval, signif};
use crate::survival::{Curve, KmRow, LogRank, SurvFit};
use serde_json::{Value as Json, json};

fn opt(v: Option<f64>) -> String {
    v.map_or("NA".into(), |x| signif(x, 4))
}

/// R's print of a `survfit`: n, events, median and its 95% interval per curve.
pub fn render_fit(f: &SurvFit) -> String {
    let mut rows = vec![
        ["", "n", "events", "median", "0.95LCL", "0.95UCL"]
            .map(String::from)
            .to_vec(),
    ];
    for c in &f.curves {
        let name = match &f.strata {
            Some(s) => format!("{s}={}", c.group),
            None => "[1,]".into(),
        };
        rows.push(vec![
            name,
            c.n.to_string(),
            c.events.to_string(),
            opt(c.median[0]),
            opt(c.median[1]),
            opt(c.median[2]),
        ]);
    }
    let grid = f
        .time_grid
        .map(|g| format!("Times rounded up to multiples of {g} (the study's event_time_grid).\n"))
        .unwrap_or_default();
    format!("Call: {}\n\n{}{grid}", f.call, columns(&rows))
}

fn curve_json(c: &Curve) -> Json {
    let table: Vec<Json> = c
        .table
        .iter()
        .filter(|r| r.n_event > 0)
        .map(|r| {
            let num = |v: f64| if v.is_finite() { json!(v) } else { Json::Null };
            json!({"time": r.time, "n_risk": r.n_risk, "n_event": r.n_event, "surv": r.surv,
                   "std_err": num(r.std_err), "lower": num(r.lower), "upper": num(r.upper)})
        })
        .collect();
    let num = |v: f64| if v.is_finite() { json!(v) } else { Json::Null };
    let steps: Vec<Json> = c
        .table
        .iter()
        .map(|r| {
            json!({"time": r.time, "n_risk": r.n_risk, "n_event": r.n_event, "n_censor": r.n_censor,
                   "surv": r.surv, "lower": num(r.lower), "upper": num(r.upper)})
        })
        .collect();
    json!({"group": c.group, "n": c.n, "events": c.events, "median": c.median[0],
           "median_lower": c.median[1], "median_upper": c.median[2], "rmean": c.rmean,
           "table": table, "steps": steps})
}

/// JSON of a fit: one curve as an object (`n`, `events`, `median`, `median_lower`,
/// `median_upper`, `rmean`, `table` of the event times); several as `groups` with per-group
/// vectors and `curves`; `time_grid` when the times were rounded up to a grid.
pub fn fit_json(f: &SurvFit) -> Json {
    let mut j = fits_json(f);
    if let (Some(g), Some(obj)) = (f.time_grid, j.as_object_mut()) {
        obj.insert("time_grid".into(), json!(g));
    }
    j
}

/// A fit back from its JSON ([`fit_json`]): what a client receives and draws
/// (`sharestat-plot`). Every step's time, `n_risk` and `surv` and each curve's `n` are
/// required; counts default to 0, missing limits and standard errors are `NaN`, the call
/// is not part of the JSON (empty).
pub fn fit_from_json(v: &Json) -> Result<SurvFit, String> {
    let curves = match v["curves"].as_array() {
        Some(list) => {
            let groups = v["groups"].as_array();
            list.iter()
                .enumerate()
                .map(|(i, c)| {
                    let named = groups.and_then(|g| g.get(i)).and_then(Json::as_str);
                    curve_from_json(c, named)
                })
                .collect::<Result<Vec<_>, _>>()?
        }
        None if v["steps"].is_array() => vec![curve_from_json(v, None)?],
        None => return Err("neither `curves` nor `steps`".into()),
    };
    Ok(SurvFit {
        call: String::new(),
        strata: v["curves"].is_array().then(String::new),
        curves,
        time_grid: v["time_grid"].as_u64().and_then(|g| u32::try_from(g).ok()),
    })
}

/// One curve of [`fit_from_json`]; `group` from the fit's `groups` when the curve lacks it.
fn curve_from_json(c: &Json, group: Option<&str>) -> Result<Curve, String> {
    let label = c["group"].as_str().or(group).unwrap_or_default().to_owned();
    let what = format!("curve {label:?}");
    let number = |v: &Json, key: &str| {
        v[key]
            .as_f64()
            .ok_or_else(|| format!("{what} has no number `{key}`"))
    };
    let or_nan = |v: &Json| v.as_f64().unwrap_or(f64::NAN);
    let count = |v: &Json, key: &str| v[key].as_u64().unwrap_or(0);
    let steps = c["steps"]
        .as_array()
        .ok_or_else(|| format!("{what} has no `steps` list"))?;
    let errors: Vec<(f64, f64)> = c["table"]
        .as_array()
        .map(|t| {
            t.iter()
                .map(|r| (or_nan(&r["time"]), or_nan(&r["std_err"])))
                .collect()
        })
        .unwrap_or_default();
    let mut table = Vec::with_capacity(steps.len());
    for s in steps {
        let time = number(s, "time")?;
        table.push(KmRow {
            time,
            n_risk: number(s, "n_risk")? as u64,
            n_event: count(s, "n_event"),
            n_censor: count(s, "n_censor"),
            surv: number(s, "surv")?,
            std_err: errors
                .iter()
                .find(|(t, _)| *t == time)
                .map_or(f64::NAN, |e| e.1),
            lower: or_nan(&s["lower"]),
            upper: or_nan(&s["upper"]),
        });
    }
    table.sort_by(|a, b| a.time.total_cmp(&b.time));
    let median = ["median", "median_lower", "median_upper"].map(|k| c[k].as_f64());
    Ok(Curve {
        group: label,
        n: number(c, "n")? as u64,
        events: count(c, "events"),
        table,
        median,
        rmean: or_nan(&c["rmean"]),
        se_rmean: f64::NAN,
    })
}

fn fits_json(f: &SurvFit) -> Json {
    if f.strata.is_none() && f.curves.len() == 1 {
        return curve_json(&f.curves[0]);
    }
    json!({
        "groups": f.curves.iter().map(|c| c.group.clone()).collect::<Vec<_>>(),
        "n": f.curves.iter().map(|c| c.n).collect::<Vec<_>>(),
        "events": f.curves.iter().map(|c| c.events).collect::<Vec<_>>(),
        "median": f.curves.iter().map(|c| c.median[0]).collect::<Vec<_>>(),
        "rmean": f.curves.iter().map(|c| c.rmean).collect::<Vec<_>>(),
        "curves": f.curves.iter().map(curve_json).collect::<Vec<_>>(),
    })
}

/// R's print of a `survdiff`.
pub fn render_logrank(l: &LogRank) -> String {
    if l.strict {
        return format!(
            "Call:\n{}\n\nGroups: {}\n Chisq= {}  on {} degrees of freedom, p= {}\n\
             (strict: only the statistic was revealed, not the counts per group)\n",
            l.call,
            l.groups.join(", "),
            signif(l.chisq, 3),
            l.df,
            pval(l.p_value)
        );
    }
    let mut rows = vec![
        ["", "N", "Observed", "Expected", "(O-E)^2/E", "(O-E)^2/V"]
            .map(String::from)
            .to_vec(),
    ];
    let over_v: Vec<f64> = (0..l.groups.len())
        .map(|i| {
            let d = l.observed[i] as f64 - l.expected[i];
            l.var_diag.get(i).map_or(f64::NAN, |v| d * d / v)
        })
        .collect();
    let over_v = signif_column(&over_v, 3);
    for (i, v) in over_v.into_iter().enumerate() {
        let (o, e) = (l.observed[i] as f64, l.expected[i]);
        let label = match &l.strata {
            Some(s) => format!("{s}={}", l.groups[i]),
            None => l.groups[i].clone(),
        };
        rows.push(vec![
            label,
            l.n[i].to_string(),
            l.observed[i].to_string(),
            format!("{e:.2}"),
            format!("{:.3}", (o - e).powi(2) / e),
            v,
        ]);
    }
    format!(
        "Call:\n{}\n\n{}\n Chisq= {}  on {} degrees of freedom, p= {}\n",
        l.call,
        columns(&rows),
        signif(l.chisq, 3),
        l.df,
        pval(l.p_value)
    )
}

/// A column of numbers with one number of decimals for all, enough for `digits` significant
/// digits in each (as R prints a matrix column).
pub(crate) fn signif_column(v: &[f64], digits: i32) -> Vec<String> {
    let decimals = v
        .iter()
        .filter(|x| x.is_finite() && **x != 0.0)
        .map(|x| (digits - 1 - x.abs().log10().floor() as i32).max(0))
        .max()
        .unwrap_or(0) as usize;
    v.iter()
        .map(|x| {
            if x.is_finite() {
                format!("{x:.decimals$}")
            } else {
                "NA".into()
            }
        })
        .collect()
}

/// JSON of a log-rank test: `groups`, `n`, `observed`, `expected`, `chisq`, `df`, `p_value`.
pub fn logrank_json(l: &LogRank) -> Json {
    if l.strict {
        return json!({"groups": l.groups, "chisq": l.chisq, "df": l.df, "p_value": l.p_value,
                      "strict": true});
    }
    json!({"groups": l.groups, "n": l.n, "observed": l.observed, "expected": l.expected,
           "chisq": l.chisq, "df": l.df, "p_value": l.p_value})
}
