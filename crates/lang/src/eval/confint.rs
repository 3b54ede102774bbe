//! `confint(fit, level = 0.95)` of a `coxph` or `lm` fit, as R's `confint`: Wald limits
//! `β ± q se` with `q` the normal quantile for a Cox model (R's `confint.default`, which
//! `coxph` uses) and Student's `t` on the residual degrees of freedom for `lm`
//! (`confint.lm`); `confint.default(fit)` of any fit (`glm` included): the normal quantile.
//! R's `confint` of a `glm` profiles the likelihood (`MASS`), which is refused by name.
//! Computed in the clear from the public fit: it reveals nothing more. `parm` is refused by
//! name (index the result's rows instead). `coef(fit)`: the named coefficients.
use super::value::{Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// R's column name of a limit: `2.5 %`, `97.5 %` (3 significant digits, as `format`).
fn pct(p: f64) -> String {
    let v = 100.0 * p;
    let s = format!("{}", (v * 1e3).round() / 1e3);
    format!("{s} %")
}

impl Evaluator<'_> {
    /// `confint(object, parm, level)`, or with `default` R's `confint.default`.
    pub(crate) fn confint(
        &mut self,
        e: &Expr,
        object: Value,
        parm: Option<&Expr>,
        level: f64,
        default: bool,
    ) -> Result<Value> {
        if let Some(p) = parm {
            return Err(EvalError::at(
                p,
                "parm is not available: take the rows you need from the result",
            ));
        }
        if !(level > 0.0 && level < 1.0) {
            return Err(EvalError::at(e, "level must be between 0 and 1"));
        }
        let a = (1.0 - level) / 2.0;
        let z = Normal::new(0.0, 1.0)
            .map_err(|_| EvalError::at(e, "normal"))?
            .inverse_cdf(1.0 - a);
        let (names, coef, se, q) = match object {
            Value::Pub(Public::Cox(c)) => (c.names.clone(), c.coef.clone(), c.se.clone(), z),
            Value::Pub(Public::Model(m)) if default => {
                (m.terms.clone(), m.coef.clone(), m.se.clone(), z)
            }
            Value::Pub(Public::Glm(m)) if default => {
                (m.terms.clone(), m.coef.clone(), m.se.clone(), z)
            }
            Value::Pub(Public::Glm(_)) => {
                return Err(EvalError::at(
                    e,
                    "R's confint() of a glm profiles the likelihood (MASS's method), which is not \
                     available; confint.default(fit) gives R's Wald limits",
                ));
            }
            Value::Pub(Public::Model(m)) => {
                let t = StudentsT::new(0.0, 1.0, m.df as f64)
                    .map_err(|_| EvalError::at(e, "no residual degrees of freedom"))?;
                (
                    m.terms.clone(),
                    m.coef.clone(),
                    m.se.clone(),
                    t.inverse_cdf(1.0 - a),
                )
            }
            _ => {
                return Err(EvalError::at(
                    e,
                    "confint() takes a coxph(), lm() or (confint.default) glm() fit",
                ));
            }
        };
        let lo = coef.iter().zip(&se).map(|(b, s)| Some(b - q * s)).collect();
        let hi = coef.iter().zip(&se).map(|(b, s)| Some(b + q * s)).collect();
        Ok(Value::Pub(Public::Frame {
            labels: Some((String::new(), names)),
            columns: vec![(pct(a), lo), (pct(1.0 - a), hi)],
            table: None,
        }))
    }
}

/// `coef(object)`: the named coefficients of an `lm`, `glm` or `coxph` fit.
pub(crate) fn coef(e: &Expr, object: &Value) -> Result<Value> {
    let (names, coef) = match object {
        Value::Pub(Public::Model(m)) => (&m.terms, &m.coef),
        Value::Pub(Public::Glm(m)) => (&m.terms, &m.coef),
        Value::Pub(Public::Cox(c)) => (&c.names, &c.coef),
        _ => {
            return Err(EvalError::at(
                e,
                "coef() takes an lm(), glm() or coxph() fit",
            ));
        }
    };
    Ok(Value::Pub(Public::Num {
        values: coef.iter().map(|v| Some(*v)).collect(),
        names: Some(names.clone()),
    }))
}
