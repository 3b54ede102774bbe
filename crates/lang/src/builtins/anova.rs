//! `anova(fit)` of an `lm` fit: R's sequential analysis of variance (each term's sum of
//! squares as it enters, from the fit's opened cross-products, `F` against the residual mean
//! square). `anova(fit0, fit1, ..., test = "Chisq")`: R's analysis of deviance of nested `glm` fits
//! (issue 16; `anova.glmlist`): each model's residual df and deviance, the changes from the
//! previous model, and with `test = "Chisq"` (or `"LRT"`) the likelihood-ratio p-value
//! `P(χ²_df > ΔD / φ)` with the dispersion `φ` of the largest model (1 for binomial and
//! Poisson). The fits must be of one family on the same rows (R refuses models "not all
//! fitted to the same size of dataset"). `anova` of one fit (R's sequential table, a refit
//! per term) and the other tests are refused by name.
//!
//! One module: its registry entry and its evaluation, in the clear from the public fits:
//! reveals nothing beyond them.

use super::args::Args;
use super::{Builtin, DOTS_PARAM, Param};
use crate::ast::Expr;
use crate::eval::call::need;
use crate::eval::value::{GlmFit, PrivTable, Public, Value};
use crate::eval::{EvalError, Evaluator, Result};
use sharestat_rstats::anova::AnovaGlm;
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// The entry of `anova`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "anova",
    params: &[
        Param::required("object"),
        DOTS_PARAM,
        Param::named("test", "NULL"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "anova(fit) of an lm() fit: R's sequential analysis of variance table; anova(fit0, fit1, test = \"Chisq\"): R's analysis of deviance of nested glm() fits of one family on the same rows (residual df and deviance, their changes, and the likelihood-ratio p-value with test = \"Chisq\" or \"LRT\"); anova of a single fit is refused by name",
    reveals: "nothing beyond the fits",
    check: None,
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let first = need(a, e, "object")?;
    let mut fits: Vec<(GlmFit, &Expr)> = Vec::new();
    // Each argument is evaluated once (a fit written in the call runs once).
    let first_value = ev.eval_in(first, scope)?;
    if let Value::Pub(Public::Model(m)) = &first_value {
        if let Some(x) = a.dots().first() {
            return Err(EvalError::at(
                x,
                "comparing lm() fits is not available; anova(fit) gives one fit's sequential table",
            ));
        }
        return match &m.anova {
            Some(t) => Ok(Value::Pub(Public::AnovaLm(Box::new(t.clone())))),
            None => Err(EvalError::at(
                first,
                "anova() of an lm() fit needs an intercept and no offset()",
            )),
        };
    }
    let mut values = vec![(first_value, first)];
    for x in a.dots() {
        values.push((ev.eval_in(x, scope)?, x));
    }
    for (v, x) in values {
        match v {
            Value::Pub(Public::Glm(m)) => fits.push((*m, x)),
            _ => return Err(EvalError::at(x, "anova() compares glm() fits")),
        }
    }
    let test = match a.get("test") {
        None => false,
        Some(t) => match ev.eval_in(t, scope)? {
            Value::Pub(Public::Str(s)) if s.len() == 1 => match s[0].as_deref() {
                Some("Chisq" | "LRT") => true,
                Some(other) => {
                    return Err(EvalError::at(
                        t,
                        format!("test = \"{other}\" is not available; \"Chisq\" (\"LRT\") is"),
                    ));
                }
                None => false,
            },
            Value::Pub(Public::Null) => false,
            _ => return Err(EvalError::at(t, "test is a string such as \"Chisq\"")),
        },
    };
    if fits.len() < 2 {
        return Err(EvalError::at(
            e,
            "anova() of one glm (R's sequential table refits the model term by term) is not \
             available; compare two fits: anova(fit0, fit1, test = \"Chisq\")",
        ));
    }
    let (f0, _) = &fits[0];
    for (f, x) in &fits[1..] {
        if f.n != f0.n {
            return Err(EvalError::at(
                x,
                "models were not all fitted to the same size of dataset (R's rule): fit them \
                 on the same rows, e.g. data = subset(d, !is.na(x))",
            ));
        }
        if f.family != f0.family {
            return Err(EvalError::at(x, "the models are of different families"));
        }
    }
    // The dispersion of the largest model (fewest residual df).
    let big = fits
        .iter()
        .min_by_key(|(f, _)| f.deviance.1)
        .map(|(f, _)| f.dispersion)
        .unwrap_or(1.0);
    let table = AnovaGlm {
        models: fits.iter().map(|(f, _)| f.formula.clone()).collect(),
        resid_df: fits.iter().map(|(f, _)| f.deviance.1).collect(),
        resid_dev: fits.iter().map(|(f, _)| f.deviance.0).collect(),
        p: None,
    };
    let p = test.then(|| {
        table
            .changes()
            .iter()
            .map(|c| {
                c.map(|(df, dev)| {
                    if df == 0 {
                        f64::NAN
                    } else {
                        ChiSquared::new(df.unsigned_abs() as f64)
                            .map_or(f64::NAN, |d| d.sf((dev / big) * df.signum() as f64))
                    }
                })
            })
            .collect()
    });
    Ok(Value::Pub(Public::Anova(Box::new(AnovaGlm { p, ..table }))))
}
