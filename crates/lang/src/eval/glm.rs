//! `glm(y ~ x1 + x2, family = binomial, data)`: generalised linear models (issue 16).
//!
//! The model frame as `lm`'s (formula terms, factors, interactions, `I()`, `offset()`,
//! `subset =`, rows with a missing value left out), the rows used under the same rules
//! (selection, each regressor's support, the leverage rule on `XᵀX`). Then by family:
//! - `binomial` (logit link) and `poisson` (log link): R's iteration on shares
//!   (`sharestat_stats::glm`), which **reveals** per iteration the score and information at
//!   the public iterate, the deviance at the first and last iterate (the Poisson's at each),
//!   and `XᵀX`, `Xᵀ diag(y) X` once (the Poisson also
//!   `Σ y ln y` and `Σ ln Γ(y + 1)`), and one bit (some fitted value numerically at the
//!   boundary, R's warning);
//! - `gaussian` (identity link): `lm`'s exact least squares, printed as R's `glm`: deviance
//!   `RSS`, dispersion `RSS / (n − p)`, `t` tests, R's AIC `n (ln(2π RSS/n) + 1) + 2 + 2p`,
//!   two iterations (R's IRLS converges at the second).
//!
//! - `quasibinomial` and `quasipoisson`: the binomial's and the Poisson's fit, with R's
//!   estimated dispersion (Pearson's statistic as `summary.glm` sums it, over `n − p`;
//!   `sharestat_stats::glm::pearson`, which **reveals** per iteration also the Pearson sum
//!   and one sum per coefficient), `t` tests, AIC `NA`.
//!
//! - `binomial(link = "cloglog")`: the complementary log-log link, by R's iteration with R's
//!   criterion on the deviances (`sharestat_stats::glm::cloglog`; reveals the deviance at
//!   every iterate, and one bit: some fitted probability within 1e-27 of 1, refused).
//!
//! - `binomial(link = "probit")`: the probit link, likewise (`sharestat_stats::glm::probit`;
//!   reveals the deviance at every iterate, and one bit: some `|η|` beyond R's clamp `8.13`,
//!   refused).
//!
//! Other links (`cauchit`, `log`, ...) and the other quasi families are refused by name.
use super::call::Args;
use super::htest::formula;
use super::value::{GlmFit, Kind, PrivTable, PrivVec, Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::{Expr, ExprKind};
use sharestat_mpc::AShares;
use sharestat_stats::glm::{Column, Family, GlmError, Input, fit};

/// The family named by `family =`: `binomial`, `binomial()`, `binomial(link = "logit")`,
/// `"binomial"`, ... (R's default `gaussian`). `Err` names what is not available.
pub(crate) fn family_of(f: Option<&Expr>) -> std::result::Result<(String, String), String> {
    let Some(f) = f else {
        return Ok(("gaussian".into(), "identity".into()));
    };
    let (name, link) = match &f.kind {
        ExprKind::Ident(n) | ExprKind::Str(n) => (n.clone(), None),
        ExprKind::Call { func, args } => {
            let ExprKind::Ident(n) = &func.kind else {
                return Err(format!("family = {f} is not a family"));
            };
            let link = match args.as_slice() {
                [] => None,
                [a] if a.name.as_deref().is_none_or(|n| n == "link") => match a.value.as_ref() {
                    Some(Expr {
                        kind: ExprKind::Str(l) | ExprKind::Ident(l),
                        ..
                    }) => Some(l.clone()),
                    _ => return Err(format!("in family = {f}, link is a name such as \"logit\"")),
                },
                _ => {
                    return Err(format!(
                        "family = {f}: only link = is an argument of a family"
                    ));
                }
            };
            (n.clone(), link)
        }
        _ => return Err(format!("family = {f} is not a family")),
    };
    let canonical = match name.as_str() {
        "binomial" => "logit",
        "poisson" => "log",
        "gaussian" => "identity",
        "quasibinomial" => "logit",
        "quasipoisson" => "log",
        "quasi" | "Gamma" | "inverse.gaussian" => {
            return Err(format!(
                "family = {name} is not available yet: binomial, poisson, gaussian, \
                 quasibinomial and quasipoisson are"
            ));
        }
        _ => return Err(format!("family = {f} is not a family R knows")),
    };
    let link = link.unwrap_or_else(|| canonical.to_owned());
    // The complementary log-log and probit links of the binomial family
    // (`sharestat_stats::glm::{cloglog, probit}`).
    if name == "binomial" && (link == "cloglog" || link == "probit") {
        return Ok((name, link));
    }
    if link != canonical {
        return Err(format!(
            "link = \"{link}\" is not available yet for the {name} family: its canonical link \
             \"{canonical}\" is"
        ));
    }
    Ok((name, link))
}

/// A predictor's words and proven bounds for the secure fit.
fn column(v: &PrivVec) -> Column {
    let s = super::agg::scale(v);
    let k = 10f64.powi(s as i32);
    Column {
        words: v.data.clone(),
        scale: s,
        lo: (v.range.all.lo * k).floor() as i64,
        hi: (v.range.all.hi * k).ceil() as i64,
    }
}

impl Evaluator<'_> {
    pub(crate) fn glm(
        &mut self,
        e: &Expr,
        a: &Args<'_>,
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        let (family, link) = family_of(a.get("family"))
            .map_err(|m| EvalError::at(a.get("family").unwrap_or(e), m))?;
        let f = a
            .get("formula")
            .ok_or_else(|| EvalError::at(e, "glm(formula, family, data)"))?;
        let (lhs, rhs) =
            formula(f).ok_or_else(|| EvalError::at(f, "glm() takes a formula y ~ x"))?;
        let (t, data) = self.model_data(e, a, scope)?;
        let fam_text = a
            .get("family")
            .map(|x| format!(", family = {x}"))
            .unwrap_or_default();
        let call = format!("glm(formula = {f}{fam_text}{data})");
        if family == "gaussian" {
            return self.glm_gaussian(e, a, scope, call);
        }
        let fr = self.model_frame(e, "glm", (lhs, rhs), &t)?;
        // The quasi families fit as binomial and Poisson; their dispersion is estimated.
        let quasi = family.starts_with("quasi");
        let base = family.trim_start_matches("quasi");
        let (yw, y_max) = self.glm_response(lhs, &fr.y, base)?;
        let spans = fr.spans_intercept();
        let (names, xs, y, used, spec) = (fr.names, fr.xs, fr.y, fr.used, fr.spec);
        let off = fr.off.map(|o| o.1);
        // The leverage rule on the design, as lm's.
        let scale = super::agg::scale;
        let vars: Vec<(String, super::range::Range, u32)> = names[usize::from(fr.intercept)..]
            .iter()
            .zip(&xs)
            .map(|(n, x)| (n.clone(), *x.range, scale(x)))
            .chain(
                off.iter()
                    .map(|o| ("offset".to_owned(), *o.range, scale(o))),
            )
            .collect();
        let cols: Vec<&AShares> = xs.iter().chain(&off).map(|x| &x.data).collect();
        let scales: Vec<u32> = xs.iter().chain(&off).map(scale).collect();
        let mask = used.as_ref().map(|m| m.shares.clone());
        if !cols.is_empty() {
            let g = self.gram_checked(e, &vars, &cols, mask.as_ref())?;
            if g.n as usize <= names.len() {
                return Err(EvalError::at(e, "fewer rows than coefficients"));
            }
            self.check_leverage(e, &cols, &scales, mask.as_ref(), (&g, spans))?;
        }
        let mask = self.mask_or_ones(&used, y.len());
        let input = Input {
            family: match (base, link.as_str()) {
                ("binomial", "cloglog") => Family::BinomialCloglog,
                ("binomial", "probit") => Family::BinomialProbit,
                ("binomial", _) => Family::Binomial,
                _ => Family::Poisson,
            },
            intercept: fr.intercept,
            cols: xs.iter().map(column).collect(),
            offset: off.as_ref().map(column),
            y: yw,
            y_max,
            mask,
            epsilon: 1e-8,
            max_iter: 25,
            pearson: quasi,
        };
        let fit = fit(self.p, &input).map_err(|err| match err {
            GlmError::Mpc(m) => EvalError::Engine(m),
            GlmError::Collinear => {
                EvalError::at(e, "the predictors are collinear on the rows used")
            }
            other => EvalError::at(e, format!("glm(): {other}")),
        })?;
        let p = fit.coef.len() as u64;
        // R's summary.glm: a quasi family's dispersion is Pearson's statistic over the
        // residual degrees of freedom.
        let df_residual = fit.n.saturating_sub(p);
        let dispersion = match (quasi, fit.pearson) {
            (false, _) => 1.0,
            (true, Some(x)) if df_residual > 0 => x / df_residual as f64,
            (true, _) => {
                return Err(EvalError::at(
                    e,
                    format!(
                        "glm(): the {family} dispersion needs a last Fisher-scoring step, and \
                         the iteration stopped without one (separation or divergence)"
                    ),
                ));
            }
        };
        let mut warnings = Vec::new();
        if !fit.converged {
            warnings.push("glm.fit: algorithm did not converge".to_owned());
        }
        if fit.boundary {
            warnings.push(if base == "binomial" {
                "glm.fit: fitted probabilities numerically 0 or 1 occurred".to_owned()
            } else {
                "glm.fit: fitted rates numerically 0 occurred".to_owned()
            });
        }
        Ok(Value::Pub(Public::Glm(Box::new(GlmFit {
            call,
            formula: f.to_string(),
            family,
            link,
            terms: names,
            se: (0..fit.coef.len())
                .map(|j| (fit.cov[j][j] * dispersion).sqrt())
                .collect(),
            coef: fit.coef,
            dispersion,
            estimated_dispersion: quasi,
            null_deviance: (
                fit.null_deviance,
                fit.n.saturating_sub(u64::from(fr.intercept)),
            ),
            deviance: (fit.deviance, df_residual),
            // R's AIC of a quasi family is NA (it has no likelihood).
            aic: (!quasi).then_some(fit.minus_2_loglik + 2.0 * p as f64),
            iter: fit.iter,
            n: fit.n,
            deleted: fr.candidates.map(|c| c.saturating_sub(fit.n)),
            warnings,
            summary: false,
            cov: fit
                .cov
                .iter()
                .map(|r| r.iter().map(|v| v * dispersion).collect())
                .collect(),
            spec,
        }))))
    }

    /// The response's words for `family`: 0/1 (a logical, a 0/1 number or a two-level factor,
    /// whose first level is the failure as in R) or counts (whole numbers >= 0).
    fn glm_response(&self, lhs: &Expr, y: &PrivVec, family: &str) -> Result<(AShares, u64)> {
        let (lo, hi) = (y.range.present.lo, y.range.present.hi);
        match (&y.kind, family) {
            (Kind::Bool, _) => Ok((y.data.clone(), 1)),
            (Kind::Cat { levels }, "binomial") if levels.len() == 2 => Ok((self.codes(y), 1)),
            (Kind::Cat { levels }, "binomial") => Err(EvalError::at(
                lhs,
                format!(
                    "the response is a factor with {} levels; write the outcome as a \
                     condition, e.g. {lhs} == \"{}\"",
                    levels.len(),
                    levels.last().map_or("", |l| l.as_str())
                ),
            )),
            (Kind::Num { scale: 0 }, "binomial") if lo >= 0.0 && hi <= 1.0 => {
                Ok((y.data.clone(), 1))
            }
            (Kind::Num { scale: 0 }, "poisson") if lo >= 0.0 && y.range.all.lo >= 0.0 => {
                Ok((y.data.clone(), y.range.all.hi.max(1.0).ceil() as u64))
            }
            (_, "binomial") => Err(EvalError::at(
                lhs,
                "the binomial response must be 0/1, logical or a two-level factor (R's \
                 y values must be 0 <= y <= 1; proportions with weights are not supported)",
            )),
            _ => Err(EvalError::at(
                lhs,
                "the Poisson response must be counts: whole numbers >= 0",
            )),
        }
    }

    /// `family = gaussian`: `lm`'s fit as R's `glm` reports it.
    fn glm_gaussian(
        &mut self,
        e: &Expr,
        a: &Args<'_>,
        scope: Option<&PrivTable>,
        call: String,
    ) -> Result<Value> {
        if let Some((_, rhs)) = a.get("formula").and_then(formula)
            && let Some(o) = super::formula::expand(rhs)?.offsets.first()
        {
            return Err(EvalError::at(
                o,
                "offset() in a gaussian glm() is not available yet; fit lm(y - o ~ ...)",
            ));
        }
        let Value::Pub(Public::Model(m)) = self.lm(e, a, scope)? else {
            return Err(EvalError::at(e, "glm(): no least-squares fit"));
        };
        let p = m.coef.len() as u64;
        let rss = m.sigma * m.sigma * m.df as f64;
        let n = m.n as f64;
        let tss = rss / (1.0 - m.r_squared);
        let aic = n * ((2.0 * std::f64::consts::PI * rss / n).ln() + 1.0) + 2.0 + 2.0 * p as f64;
        let formula = a.get("formula").map(|f| f.to_string()).unwrap_or_default();
        Ok(Value::Pub(Public::Glm(Box::new(GlmFit {
            call,
            formula,
            family: "gaussian".into(),
            link: "identity".into(),
            terms: m.terms.clone(),
            coef: m.coef.clone(),
            se: m.se.clone(),
            dispersion: m.sigma * m.sigma,
            estimated_dispersion: true,
            null_deviance: (tss, m.n.saturating_sub(u64::from(m.intercept))),
            deviance: (rss, m.df),
            aic: Some(aic),
            iter: 2,
            n: m.n,
            deleted: m.deleted,
            warnings: Vec::new(),
            summary: false,
            cov: m.cov.clone(),
            spec: m.spec.clone(),
        }))))
    }
}
