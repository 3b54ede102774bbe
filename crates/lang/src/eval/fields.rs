//! `$` on public results, as R's objects answer it (issue 14): `t.test(...)$p.value`,
//! `survdiff(...)$chisq`, `coxph(...)$coefficients`, `lm(...)$coefficients`,
//! `survfit(...)$surv`, ... Only what the result already shows is reachable, so `$` reveals
//! nothing new. An unknown name is refused with the names the result has (R would give
//! `NULL`, which hides typing mistakes).
use super::value::{Public, Value};
use super::{EvalError, Result};
use crate::ast::Expr;

/// A named numeric vector.
fn named(pairs: impl IntoIterator<Item = (String, f64)>) -> Public {
    let (names, values): (Vec<String>, Vec<Option<f64>>) =
        pairs.into_iter().map(|(n, v)| (n, Some(v))).unzip();
    Public::Num {
        values,
        names: Some(names),
    }
}

fn text(s: &str) -> Public {
    Public::Str(vec![Some(s.to_owned())])
}

fn nums(v: impl IntoIterator<Item = f64>) -> Public {
    Public::nums(v.into_iter().map(Some))
}

/// `p$field`.
pub(crate) fn field(e: &Expr, p: &Public, field: &str) -> Result<Value> {
    if let Public::Frame { columns, table, .. } = p {
        return frame_field(e, columns, table.as_deref(), field);
    }
    if let Public::DataFrame(items) | Public::List(items) = p {
        return match items.iter().find(|(n, _)| n == field) {
            Some((_, v)) => Ok(Value::Pub(v.clone())),
            None => Err(EvalError::at(
                e,
                format!(
                    "`{field}` is not among its names: {}",
                    items
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        };
    }
    let (found, known): (Option<Public>, &[&str]) = match p {
        Public::Test(t) => (
            match field {
                "statistic" => t.statistic.clone().map(|s| named([s])),
                "parameter" => Some(named(t.parameter.clone())),
                "p.value" => Some(Public::num(t.p_value)),
                "conf.int" => t.conf_int.map(|(lo, hi, _)| nums([lo, hi])),
                "estimate" => Some(named(t.estimate.clone())),
                "method" => Some(text(&t.method)),
                "data.name" => Some(text(&t.data_name)),
                "alternative" => Some(text(&t.alternative)),
                _ => None,
            },
            &[
                "statistic",
                "parameter",
                "p.value",
                "conf.int",
                "estimate",
                "method",
                "data.name",
                "alternative",
            ],
        ),
        Public::LogRank(l) => {
            let groups = |v: Vec<f64>| named(l.groups.iter().cloned().zip(v));
            (
                match field {
                    "chisq" => Some(Public::num(l.chisq)),
                    "pvalue" => Some(Public::num(l.p_value)),
                    "n" if !l.strict => Some(groups(l.n.iter().map(|&v| v as f64).collect())),
                    "obs" if !l.strict => {
                        Some(groups(l.observed.iter().map(|&v| v as f64).collect()))
                    }
                    "exp" if !l.strict => Some(groups(l.expected.clone())),
                    _ => None,
                },
                if l.strict {
                    &["chisq", "pvalue"]
                } else {
                    &["chisq", "pvalue", "n", "obs", "exp"]
                },
            )
        }
        Public::Cox(c) => (
            match field {
                "coefficients" => Some(named(c.names.iter().cloned().zip(c.coef.clone()))),
                "loglik" => Some(nums(c.loglik)),
                "n" => Some(Public::num(c.n as f64)),
                "nevent" => Some(Public::num(c.events as f64)),
                "iter" => Some(Public::num(c.iter as f64)),
                "score" => Some(Public::num(c.score)),
                "wald.test" => Some(Public::num(c.wald)),
                _ => None,
            },
            &[
                "coefficients",
                "loglik",
                "n",
                "nevent",
                "iter",
                "score",
                "wald.test",
            ],
        ),
        Public::Glm(m) => (
            match field {
                "coefficients" => Some(named(m.terms.iter().cloned().zip(m.coef.clone()))),
                "deviance" => Some(Public::num(m.deviance.0)),
                "null.deviance" => Some(Public::num(m.null_deviance.0)),
                "df.residual" => Some(Public::num(m.deviance.1 as f64)),
                "df.null" => Some(Public::num(m.null_deviance.1 as f64)),
                "aic" => Some(Public::num(m.aic.unwrap_or(f64::NAN))),
                "iter" => Some(Public::num(m.iter as f64)),
                _ => None,
            },
            &[
                "coefficients",
                "deviance",
                "null.deviance",
                "df.residual",
                "df.null",
                "aic",
                "iter",
            ],
        ),
        Public::Model(m) => (
            match field {
                "coefficients" => Some(named(m.terms.iter().cloned().zip(m.coef.clone()))),
                "df.residual" => Some(Public::num(m.df as f64)),
                "sigma" => Some(Public::num(m.sigma)),
                "r.squared" => Some(Public::num(m.r_squared)),
                "adj.r.squared" => Some(Public::num(m.adj_r_squared)),
                _ => None,
            },
            &[
                "coefficients",
                "df.residual",
                "sigma",
                "r.squared",
                "adj.r.squared",
            ],
        ),
        Public::Surv(s) => {
            // The curves one after the other, as R's survfit object stores its strata.
            let rows = || s.curves.iter().flat_map(|c| c.table.iter());
            (
                match field {
                    "n" => Some(nums(s.curves.iter().map(|c| c.n as f64))),
                    "time" => Some(nums(rows().map(|r| r.time))),
                    "n.risk" => Some(nums(rows().map(|r| r.n_risk as f64))),
                    "n.event" => Some(nums(rows().map(|r| r.n_event as f64))),
                    "n.censor" => Some(nums(rows().map(|r| r.n_censor as f64))),
                    "surv" => Some(nums(rows().map(|r| r.surv))),
                    "std.err" => Some(nums(rows().map(|r| r.std_err))),
                    "lower" => Some(nums(rows().map(|r| r.lower))),
                    "upper" => Some(nums(rows().map(|r| r.upper))),
                    _ => None,
                },
                &[
                    "n", "time", "n.risk", "n.event", "n.censor", "surv", "std.err", "lower",
                    "upper",
                ],
            )
        }
        _ => return Err(EvalError::at(e, "`$` takes a private table or a result")),
    };
    found.map(Value::Pub).ok_or_else(|| {
        EvalError::at(
            e,
            format!(
                "this result has no `{field}`; it has {}",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })
}

/// `$` on a table of numbers by column (`summary(fit)`, `confint`, `cox.zph`): a column by
/// its name (R's `surv`, `lower`, `upper` for the survival summary's columns), or R's
/// `$table` of a survival summary.
fn frame_field(
    e: &Expr,
    columns: &[(String, Vec<Option<f64>>)],
    table: Option<&Public>,
    field: &str,
) -> Result<Value> {
    if field == "table"
        && let Some(t) = table
    {
        return Ok(Value::Pub(t.clone()));
    }
    let name = match field {
        "surv" => "survival",
        "lower" => "lower 95% CI",
        "upper" => "upper 95% CI",
        other => other,
    };
    if let Some((_, v)) = columns.iter().find(|(n, _)| n == name) {
        return Ok(Value::Pub(Public::Num {
            values: v.clone(),
            names: None,
        }));
    }
    let mut known: Vec<String> = columns.iter().map(|(n, _)| format!("`{n}`")).collect();
    if table.is_some() {
        known.push("`table`".into());
    }
    Err(EvalError::at(
        e,
        format!("this result has no `{field}`; it has {}", known.join(", ")),
    ))
}
