//! `glm`: glm(y ~ x1 + x2, family = binomial, data): generalised linear models as R's glm: binomial (logit link; the response 0/1, logical or a two-level factor), poisson (log link, offset(log(t)) for person-time) by R's own iteration (Fisher scoring from R's starting values, R's convergence rule, so R's coefficients, deviances, AIC and iteration count), gaussian (least squares, as lm), quasibinomial and quasipoisson (the binomial's and Poisson's fit with R's estimated dispersion: Pearson's statistic as summary.glm sums it, t tests, AIC NA); formulas as lm; prints as R's print.glm, summary(fit) as print.summary.glm (R >= 4.3: without the deviance residuals, which are per-row values), with R's warnings (algorithm did not converge; fitted probabilities numerically 0 or 1 occurred). binomial(link = "cloglog") and binomial(link = "probit") by R's iteration with R's criterion on the deviances; other links (cauchit, log) and the other quasi families are refused by name
//!
//! Its registry entry, its type rule (`family =` is read as R reads it: a family's name, a
//! call of it with `link =`, or a string) and its evaluation (`eval/glm.rs`).

use super::args::Args;
use super::{Builtin, NA_ACTION, Param};
use crate::ast::Expr;
use crate::check::rules::{Scope, unsupported};
use crate::check::{Checker, Ty, TypeError};
use crate::eval::value::{PrivTable, Value};
use crate::eval::{Evaluator, Result};

/// The entry of `glm`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "glm",
    params: &[
        Param::required("formula"),
        Param::optional("family", "gaussian"),
        Param::optional("data", "NULL"),
        Param::named("subset", "NULL"),
    ],
    min_dots: 0,
    refused: &[
        ("weights", "case or trial weights are not supported"),
        NA_ACTION,
        ("start", "R's own starting values are used"),
        ("etastart", "R's own starting values are used"),
        ("mustart", "R's own starting values are used"),
        ("offset", "write offset(o) in the formula"),
        (
            "control",
            "R's defaults are used (epsilon = 1e-8, maxit = 25)",
        ),
        ("method", "only glm.fit (IRLS) is available"),
        ("contrasts", "factors use treatment contrasts, R's default"),
    ],
    usage: "glm(y ~ x1 + x2, family = binomial, data): generalised linear models as R's glm: binomial (logit link; the response 0/1, logical or a two-level factor), poisson (log link, offset(log(t)) for person-time) by R's own iteration (Fisher scoring from R's starting values, R's convergence rule, so R's coefficients, deviances, AIC and iteration count), gaussian (least squares, as lm), quasibinomial and quasipoisson (the binomial's and Poisson's fit with R's estimated dispersion: Pearson's statistic as summary.glm sums it, t tests, AIC NA); formulas as lm; prints as R's print.glm, summary(fit) as print.summary.glm (R >= 4.3: without the deviance residuals, which are per-row values), with R's warnings (algorithm did not converge; fitted probabilities numerically 0 or 1 occurred). binomial(link = \"cloglog\") and binomial(link = \"probit\") by R's iteration with R's criterion on the deviances; other links (cauchit, log) and the other quasi families are refused by name",
    reveals: "n, XᵀX and Xᵀ diag(y) X over the rows used (so Xᵀy), per Fisher-scoring iteration the score and information at the public iterate, the deviance at the first and last iterate (poisson: at each); for poisson also Σ y ln y and Σ ln Γ(y + 1); one bit: whether some fitted value is numerically 0 or 1 (R's warning); gaussian: as lm; one bit: whether some row's hat value exceeds max_leverage (then refused)",
    check: Some(check),
    eval: Some(eval),
};

fn check(
    c: &Checker,
    _e: &Expr,
    a: &Args<'_>,
    scope: Scope<'_>,
) -> std::result::Result<Ty, TypeError> {
    if let Err(m) = crate::eval::glm::family_of(a.get("family")) {
        return Err(unsupported(a.get("family").unwrap_or(_e), m));
    }
    c.statistical_except(a, scope, &["family"])
}

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    ev.glm(e, a, scope)
}
