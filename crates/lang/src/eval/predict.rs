//! `predict(fit, newdata = data.frame(...))`: R's `predict.lm` and `predict.glm` on public
//! new data. The design rows are rebuilt from the fit's recorded terms and levels
//! (`sharestat_rstats::predict::ModelSpec`) by evaluating the terms on the new data
//! ([`super::newdata`]), then `sharestat_rstats::predict` gives the predictions and their
//! standard errors from the public coefficients and covariance. Without `newdata` R gives
//! each patient's fitted value: private, so refused.
use super::newdata::{Cell, eval as cell_of};
use super::value::{PrivTable, Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use crate::builtins::args::Args;
use sharestat_rstats::predict::{Link, ModelSpec, predict};

/// What `predict` needs of a fit.
struct Model<'a> {
    coef: &'a [f64],
    cov: Vec<Vec<f64>>,
    spec: &'a ModelSpec,
    link: Link,
    /// glm: its dispersion; lm: `σ²`.
    dispersion: f64,
    /// lm: the residual degrees of freedom (R's `$df`).
    lm_df: Option<u64>,
}

impl Evaluator<'_> {
    pub(crate) fn predict(
        &mut self,
        e: &Expr,
        a: &Args<'_>,
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        let object = a
            .get("object")
            .ok_or_else(|| EvalError::at(e, "predict(fit, newdata)"))?;
        let fit = self.eval_in(object, scope)?;
        let mut m = match &fit {
            Value::Pub(Public::Glm(g)) => Model {
                coef: &g.coef,
                cov: g.cov.clone(),
                spec: &g.spec,
                link: Link::by_name(&g.link).ok_or_else(|| {
                    EvalError::at(object, format!("predict(): no inverse of link {}", g.link))
                })?,
                dispersion: g.dispersion,
                lm_df: None,
            },
            Value::Pub(Public::Model(l)) => Model {
                coef: &l.coef,
                cov: l.cov.clone(),
                spec: &l.spec,
                link: Link::Identity,
                dispersion: l.sigma * l.sigma,
                lm_df: Some(l.df),
            },
            Value::Pub(Public::Cox(_)) => {
                return Err(EvalError::at(
                    object,
                    "predict() of a coxph() fit is not available yet: exp(coef(fit)) gives the \
                     hazard ratios",
                ));
            }
            _ => {
                return Err(EvalError::at(
                    object,
                    format!("predict() takes an lm() or glm() fit; `{object}` is not one"),
                ));
            }
        };
        let is_lm = m.lm_df.is_some();
        let Some(nd) = a.get("newdata") else {
            return Err(EvalError::refused(
                e,
                "per_row",
                "predict() without newdata gives each patient's fitted value, which is \
                 private; give newdata = data.frame(...) with the covariate values to predict \
                 at",
            ));
        };
        let Value::Pub(Public::DataFrame(columns)) = self.eval_in(nd, scope)? else {
            return Err(EvalError::at(
                nd,
                "newdata must be a data.frame() of public values",
            ));
        };
        let kind = match a.get("type") {
            None => None,
            Some(t) => match self.eval_in(t, scope)? {
                // R's match.arg: a unique prefix names the choice.
                Value::Pub(Public::Str(s)) if s.len() == 1 && s[0].is_some() => {
                    let w = s[0].clone().unwrap_or_default();
                    let full = ["link", "response", "terms"]
                        .into_iter()
                        .find(|c| !w.is_empty() && c.starts_with(w.as_str()));
                    Some(full.map_or(w, str::to_owned))
                }
                _ => {
                    return Err(EvalError::at(
                        t,
                        "type is a string: \"link\" or \"response\"",
                    ));
                }
            },
        };
        let response = match (kind.as_deref(), is_lm) {
            (None | Some("response"), true) => None,
            (None | Some("link"), false) => None,
            (Some("response"), false) => Some(m.link),
            (Some("terms"), _) => {
                return Err(EvalError::at(
                    e,
                    "predict(type = \"terms\") is not available yet: \"link\" and \"response\" are",
                ));
            }
            (Some(other), _) => {
                let allowed = if is_lm {
                    "\"response\""
                } else {
                    "\"link\" or \"response\""
                };
                return Err(EvalError::at(
                    e,
                    format!("type = \"{other}\": predict() of this fit takes {allowed}"),
                ));
            }
        };
        let dispersion = a
            .get("dispersion")
            .filter(|d| !matches!(d.kind, crate::ast::ExprKind::Null));
        if let (Some(d), true) = (dispersion, is_lm) {
            return Err(EvalError::at(
                d,
                "dispersion is predict.glm's; an lm() fit's scale is its residual variance",
            ));
        }
        if let Some(d) = dispersion {
            let v = self.flag(Some(d), scope, 1.0)?;
            if !(v.is_finite() && v > 0.0) {
                return Err(EvalError::at(d, "dispersion must be a positive number"));
            }
            let k = v / m.dispersion;
            m.cov = m
                .cov
                .iter()
                .map(|r| r.iter().map(|x| x * k).collect())
                .collect();
            m.dispersion = v;
        }
        let se_fit = self.flag(a.get("se.fit"), scope, 0.0)? != 0.0;
        let cols = cells(&columns);
        let rows = columns.first().map_or(0, |c| c.1.len());
        let terms = Terms::parse(e, m.spec)?;
        let design = (0..rows)
            .map(|i| terms.design_row(e, m.spec, &cols, i))
            .collect::<Result<Vec<_>>>()?;
        let out = predict(m.coef, &m.cov, &design, response);
        let names: Vec<String> = (1..=rows).map(|i| i.to_string()).collect();
        let named = |v: Vec<Option<f64>>| Public::Num {
            values: v,
            names: Some(names.clone()),
        };
        if !se_fit {
            return Ok(Value::Pub(named(out.fit)));
        }
        let mut items = vec![
            ("fit".to_owned(), named(out.fit)),
            ("se.fit".to_owned(), named(out.se)),
        ];
        if let Some(df) = m.lm_df {
            items.push(("df".to_owned(), Public::num(df as f64)));
        }
        items.push((
            "residual.scale".to_owned(),
            Public::num(m.dispersion.sqrt()),
        ));
        Ok(Value::Pub(Public::List(items)))
    }
}

/// The data frame's columns as cells.
fn cells(columns: &[(String, Public)]) -> Vec<(String, Vec<Cell>)> {
    columns
        .iter()
        .map(|(n, v)| {
            let c = match v {
                Public::Num { values, .. } => values
                    .iter()
                    .map(|x| x.map_or(Cell::Na, Cell::Num))
                    .collect(),
                Public::Str(s) => s
                    .iter()
                    .map(|x| x.clone().map_or(Cell::Na, Cell::Str))
                    .collect(),
                Public::Bool(b) => b.iter().map(|x| x.map_or(Cell::Na, Cell::Bool)).collect(),
                _ => Vec::new(),
            };
            (n.clone(), c)
        })
        .collect()
}

/// The fit's term expressions, parsed once: per design column its factors (expression,
/// its text, the level an indicator tests), and the offset.
struct Terms {
    columns: Vec<Vec<(Expr, String, Option<String>)>>,
    offset: Option<(Expr, String)>,
}

impl Terms {
    fn parse(e: &Expr, spec: &ModelSpec) -> Result<Terms> {
        let parse = |text: &String| {
            crate::parse_expr(text)
                .map(|x| (x, text.clone()))
                .map_err(|_| {
                    EvalError::at(e, format!("predict(): the term `{text}` does not parse"))
                })
        };
        let columns = spec
            .columns
            .iter()
            .map(|factors| {
                factors
                    .iter()
                    .map(|(text, level)| parse(text).map(|(x, t)| (x, t, level.clone())))
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<Vec<_>>>()?;
        let offset = spec.offset.as_ref().map(parse).transpose()?;
        Ok(Terms { columns, offset })
    }

    /// Row `i`'s design row and offset (`None` where a value is missing: R's `na.pass`
    /// gives `NA`); a level the fit did not see is an error, as R's.
    fn design_row(
        &self,
        e: &Expr,
        spec: &ModelSpec,
        cols: &[(String, Vec<Cell>)],
        i: usize,
    ) -> Result<Option<(Vec<f64>, f64)>> {
        let mut x = Vec::with_capacity(self.columns.len() + 1);
        if spec.intercept {
            x.push(1.0);
        }
        for factors in &self.columns {
            let mut v = 1.0;
            for (expr, text, level) in factors {
                let cell = cell_of(expr, cols, i)?;
                if matches!(cell, Cell::Na) {
                    return Ok(None);
                }
                v *= match level {
                    None => match cell {
                        Cell::Num(n) => n,
                        Cell::Bool(b) => f64::from(u8::from(b)),
                        _ => {
                            return Err(EvalError::at(
                                e,
                                format!("in newdata, `{text}` must be a number, as in the fit"),
                            ));
                        }
                    },
                    Some(l) => {
                        let got = cell.level().unwrap_or_default();
                        if let Some((_, known)) = spec.xlevels.iter().find(|(t, _)| t == text)
                            && !known.contains(&got)
                        {
                            return Err(EvalError::at(
                                e,
                                format!(
                                    "factor {text} has new level {got} (the fit's levels: {})",
                                    known.join(", ")
                                ),
                            ));
                        }
                        f64::from(u8::from(got == *l))
                    }
                };
            }
            x.push(v);
        }
        let off = match &self.offset {
            Some((expr, text)) => match cell_of(expr, cols, i)? {
                Cell::Num(v) => v,
                Cell::Na => return Ok(None),
                _ => {
                    return Err(EvalError::at(
                        e,
                        format!("in newdata, the offset `{text}` must be a number"),
                    ));
                }
            },
            None => 0.0,
        };
        Ok(Some((x, off)))
    }
}
