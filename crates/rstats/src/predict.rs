//! R's `predict` of a fitted `lm` or `glm` on public new data (`predict.lm`,
//! `predict.glm`): what a model must remember of its formula to rebuild the design for new
//! rows ([`ModelSpec`], R's `terms` and `xlevels`), and the predictions from the public
//! coefficients and covariance: `η = xᵀβ + offset`, `se = sqrt(xᵀ V x)`, on the link's scale
//! or (`type = "response"`) through the inverse link, with `se` by the delta method as R's
//! `predict.glm` (`se · |dμ/dη|`). Everything here is public arithmetic on released
//! aggregates: no patient's value enters.
use statrs::distribution::{Continuous, ContinuousCDF, Normal};

/// How a model's design columns are made from the data (R's `terms` and `xlevels`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModelSpec {
    /// Whether the design has an intercept column first.
    pub intercept: bool,
    /// Each further column: the product of its factors, each an expression of the data
    /// (R source) and, for a factor's indicator, the level it tests (`TRUE` for a logical).
    pub columns: Vec<Vec<(String, Option<String>)>>,
    /// Each categorical expression's levels as the fit saw them (R's `xlevels`): a new
    /// level in the new data is an error, as in R.
    pub xlevels: Vec<(String, Vec<String>)>,
    /// The offset's expression, if the formula has one.
    pub offset: Option<String>,
}

/// A link function by R's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Link {
    /// `identity`.
    Identity,
    /// `logit`.
    Logit,
    /// `probit`.
    Probit,
    /// `cloglog`.
    Cloglog,
    /// `log`.
    Log,
}

impl Link {
    /// The link named `name` (R's spelling), if known.
    pub fn by_name(name: &str) -> Option<Link> {
        Some(match name {
            "identity" => Link::Identity,
            "logit" => Link::Logit,
            "probit" => Link::Probit,
            "cloglog" => Link::Cloglog,
            "log" => Link::Log,
            _ => return None,
        })
    }

    /// `μ = g⁻¹(η)` and `dμ/dη`, as R's `linkinv` and `mu.eta` (without R's clamps, which
    /// only act where the fitted value is numerically 0 or 1).
    pub fn inverse(self, eta: f64) -> (f64, f64) {
        match self {
            Link::Identity => (eta, 1.0),
            Link::Logit => {
                let mu = 1.0 / (1.0 + (-eta).exp());
                (mu, mu * (1.0 - mu))
            }
            Link::Probit => {
                let n = Normal::standard();
                (n.cdf(eta), n.pdf(eta))
            }
            Link::Cloglog => {
                let t = eta.exp();
                (-(-t).exp_m1(), t * (-t).exp())
            }
            Link::Log => (eta.exp(), eta.exp()),
        }
    }
}

/// Predictions for new rows (R's `predict` with `se.fit = TRUE` returns them as a list).
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    /// The predictions (`None` where a row has a missing value: R's `na.pass`).
    pub fit: Vec<Option<f64>>,
    /// Their standard errors.
    pub se: Vec<Option<f64>>,
}

/// The predictions of the coefficients `coef` with covariance `cov` (the dispersion
/// included) for the design rows `x` (`None`: a missing value) and their offsets, on the
/// link's scale, or through `response`'s inverse link.
pub fn predict(
    coef: &[f64],
    cov: &[Vec<f64>],
    rows: &[Option<(Vec<f64>, f64)>],
    response: Option<Link>,
) -> Prediction {
    let mut fit = Vec::with_capacity(rows.len());
    let mut se = Vec::with_capacity(rows.len());
    for row in rows {
        let Some((x, off)) = row else {
            fit.push(None);
            se.push(None);
            continue;
        };
        let eta: f64 = x.iter().zip(coef).map(|(a, b)| a * b).sum::<f64>() + off;
        let var: f64 = (0..x.len())
            .map(|i| (0..x.len()).map(|j| x[i] * cov[i][j] * x[j]).sum::<f64>())
            .sum();
        let s = var.max(0.0).sqrt();
        match response {
            Some(link) => {
                let (mu, d) = link.inverse(eta);
                fit.push(Some(mu));
                se.push(Some(s * d.abs()));
            }
            None => {
                fit.push(Some(eta));
                se.push(Some(s));
            }
        }
    }
    Prediction { fit, se }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_links_and_their_derivatives() {
        for link in [
            Link::Identity,
            Link::Logit,
            Link::Probit,
            Link::Cloglog,
            Link::Log,
        ] {
            for eta in [-3.0, -0.5, 0.0, 0.7, 2.5] {
                let (mu, d) = link.inverse(eta);
                let h = 1e-6;
                let numeric = (link.inverse(eta + h).0 - link.inverse(eta - h).0) / (2.0 * h);
                assert!(
                    (d - numeric).abs() < 1e-8,
                    "{link:?} at {eta}: {d} vs {numeric}"
                );
                assert!(mu.is_finite());
            }
        }
        assert_eq!(Link::by_name("probit"), Some(Link::Probit));
        assert_eq!(Link::by_name("cauchit"), None);
    }
}
