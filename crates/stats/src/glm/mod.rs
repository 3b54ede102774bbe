//! Generalised linear models on secret-shared columns (R's `glm`): binomial with the logit
//! link and Poisson with the log link (with an offset), by R's own iteration; the binomial's
//! complementary log-log ([`cloglog`]) and probit ([`probit`]) links by R's iteration with
//! its criterion on the deviances (`iterate_deviance`).
//!
//! R's `glm.fit` starts from per-row means (`(y + ½)/2` for the binomial, `y + 0.1` for the
//! Poisson), so its first iterate is a weighted least-squares fit whose sums follow from the
//! design's cross-products ([`design`]: `XᵀX`, `Xᵀ diag(y) X`, and for the Poisson one
//! logarithm per row, [`poisson`]). Every later iterate is a Fisher-scoring step in the clear,
//! `θ ← θ + I⁻¹U`, from the score and information that [`pass`] computes on shares at the
//! public iterate (for these canonical links Fisher scoring is Newton's method and R's IRLS
//! step). R stops at the first iteration `k` whose deviance change is below
//! `ε (|dev_k| + 0.1)` (`ε = 1e-8`); here the change is the Newton decrement `UᵀI⁻¹U` of the
//! step that made `θ_k` (the quadratic model's prediction of the change, free of the fixed
//! point's noise; they agree to the step's size near convergence), so the iterations and
//! the coefficients are R's. As R, the covariance is the inverse information at the
//! iterate *before* the last (the weights of R's last least-squares fit).
//!
//! The columns are centred and scaled to `|x'| < 1` ([`design::Map`]): the fit runs in that
//! parametrisation (Newton's method is invariant under it) and the coefficients and their
//! covariance are mapped back in the clear.
//!
//! **Reveals**: the rows used `n`, `XᵀX` and `Xᵀ diag(y) X` over them (hence `Xᵀy`, the
//! sufficient statistic of the binomial model), per iteration the score and information at
//! the public iterate and the deviance at the first and last iterate (the Poisson's at each;
//! aggregates over all rows used, as `coxph`'s), and at the
//! end one bit: whether some fitted probability is within `2.2e-15` of 0 or 1 (R's
//! "fitted probabilities numerically 0 or 1 occurred"; for the Poisson, a fitted rate below
//! it); for the Poisson also `Σ y ln y` and `Σ ln Γ(y + 1)` (the deviance's and the AIC's
//! constants), and, when the bounds allow fitted means over more than 2^31, one bit (none
//! is below the exponential's window). Nothing per row.
//!
//! Error (tested against R on `lung` and the adrenal fixture): the coefficients and their
//! standard errors within 1e-6 relative; the deviance within 1e-6 relative (each row's
//! logarithm is good to `2^-22`, the binomial's `ln(1 + e)` to 2e-8). Why hand-written: these are MPC protocols over our own
//! shares; no crate fits.
pub mod cloglog;
pub mod design;
pub mod pass;
pub mod pearson;
pub mod poisson;
pub mod probit;
pub mod probit_poly;
pub mod sums;

use crate::linalg::invert;
use design::{Design, Map};
use pass::Want;
use sharestat_mpc::{AShares, MpcError, Party};

/// The response's distribution (with its canonical link).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Family {
    /// 0/1 outcomes, logit link.
    Binomial,
    /// Counts, log link.
    Poisson,
    /// 0/1 outcomes, the complementary log-log link (not canonical: R's criterion on the
    /// deviances, [`cloglog`]).
    BinomialCloglog,
    /// 0/1 outcomes, the probit link (not canonical: R's criterion on the deviances,
    /// [`probit`]).
    BinomialProbit,
}

impl Family {
    /// Whether the family's link is not canonical: R's iteration with its criterion on the
    /// deviances ([`iterate_deviance`]).
    fn by_deviance(self) -> bool {
        matches!(self, Family::BinomialCloglog | Family::BinomialProbit)
    }
}

/// Why a fit failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GlmError {
    /// The engine failed.
    #[error(transparent)]
    Mpc(#[from] MpcError),
    /// The design's columns are linearly dependent on the rows used.
    #[error("the predictors are collinear on the rows used")]
    Collinear,
    /// The iterates left every range the fixed point holds (complete separation).
    #[error("the coefficients diverged")]
    Diverged,
    /// A value the protocol cannot hold.
    #[error("{0}")]
    Range(String),
}

/// A predictor (or the offset): its words, their decimals and proven bounds.
pub struct Column {
    /// The words of every row (missing and unselected rows hold a word within the bounds).
    pub words: AShares,
    /// Decimals of the words.
    pub scale: u32,
    /// Least word.
    pub lo: i64,
    /// Largest word.
    pub hi: i64,
}

/// What to fit.
pub struct Input {
    /// The family.
    pub family: Family,
    /// Whether the model has an intercept.
    pub intercept: bool,
    /// The predictors, in the coefficients' order.
    pub cols: Vec<Column>,
    /// `offset(o)`, when given.
    pub offset: Option<Column>,
    /// The response's words: 0/1 (binomial) or counts (Poisson).
    pub y: AShares,
    /// A public bound on the response's words.
    pub y_max: u64,
    /// The rows used (0/1).
    pub mask: AShares,
    /// R's `epsilon` (1e-8).
    pub epsilon: f64,
    /// R's `maxit` (25).
    pub max_iter: usize,
    /// Also R's Pearson statistic of the fit, for a quasi family's dispersion ([`pearson`]).
    pub pearson: bool,
}

/// A fitted model, in the columns' real units.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    /// Coefficients (the intercept first when there is one).
    pub coef: Vec<f64>,
    /// Their covariance with dispersion 1 (R's `cov.unscaled`).
    pub cov: Vec<Vec<f64>>,
    /// Residual deviance.
    pub deviance: f64,
    /// Null deviance (R's: of the intercept-only model with the offset, or of `η = offset`).
    pub null_deviance: f64,
    /// Twice the negative log-likelihood at the fit, `−2 ℓ` (R's AIC is this plus `2p`).
    pub minus_2_loglik: f64,
    /// Rows used.
    pub n: u64,
    /// Fisher-scoring iterations (R's `iter`).
    pub iter: usize,
    /// Whether R's criterion was met within `max_iter`.
    pub converged: bool,
    /// Some fitted probability numerically 0 or 1 (binomial), or rate 0 (Poisson).
    pub boundary: bool,
    /// With [`Input::pearson`]: `Σ w r²` as R's `summary.glm` sums it for a quasi family
    /// (weights of the last least-squares fit, residuals at the fit); `None` when the
    /// iteration stopped without a last step (separation, divergence).
    pub pearson: Option<f64>,
}

/// The end of one run of the iteration.
struct Run {
    theta: Vec<f64>,
    /// Inverse information at the iterate before the last.
    cov: Vec<Vec<f64>>,
    /// The deviance's variable part at the last iterate (see [`pass::PassOut::dev`]).
    dev: f64,
    iter: usize,
    converged: bool,
    /// R's Pearson statistic at the end (see [`Fit::pearson`]).
    pearson: Option<f64>,
}

/// Fits `input` (see the module doc).
pub fn fit(p: &mut Party, input: &Input) -> Result<Fit, GlmError> {
    let d = Design::new(p, input)?;
    let q = input.cols.len();
    let cols: Vec<usize> = (usize::from(!input.intercept)..=q).collect();
    let kappa = d.offset.map_or(0.0, |m| m.unit());
    let consts = match input.family {
        Family::Poisson => Some(poisson::Constants::new(p, &d)?),
        Family::Binomial | Family::BinomialCloglog | Family::BinomialProbit => None,
    };
    let by_deviance = input.family.by_deviance();
    let full = |dev: f64| match &consts {
        Some(c) => c.deviance(dev),
        None => dev,
    };
    let n = d.n as f64;
    let sum_y = d.gy[0][0];
    let run = if by_deviance {
        iterate_deviance(p, &d, input, &cols, kappa)?
    } else {
        iterate(p, &d, input, &cols, kappa, consts.as_ref())?
    };
    let deviance = full(run.dev);
    // The null model: closed form without an offset, else R's own fit of it.
    let null_deviance = match (input.intercept, d.offset.is_some(), input.family) {
        (true, false, Family::Poisson) => consts.as_ref().map_or(0.0, |c| {
            let mean = sum_y / n;
            2.0 * (c.sum_ylny - if sum_y > 0.0 { sum_y * mean.ln() } else { 0.0 })
        }),
        (true, false, _) => binomial_null(sum_y, n),
        (true, true, f) if f.by_deviance() => iterate_deviance(p, &d, input, &[0], kappa)?.dev,
        (true, true, _) => full(iterate(p, &d, input, &[0], kappa, consts.as_ref())?.dev),
        (false, _, family) => full(
            pass::evaluate(p, &d, family, (&[], &[], kappa), Want::Deviance)?
                .dev
                .ok_or(GlmError::Diverged)?,
        ),
    };
    let boundary = boundary(p, &d, input.family, &cols, &run.theta, kappa)?;
    let minus_2_loglik = match &consts {
        Some(c) => c.minus_2_loglik(run.dev),
        None => deviance,
    };
    let (coef, cov) = unscale(&run.theta, &run.cov, &d.maps, d.offset, input.intercept);
    Ok(Fit {
        coef,
        cov,
        deviance,
        null_deviance,
        minus_2_loglik,
        n: d.n,
        iter: run.iter,
        converged: run.converged,
        boundary,
        pearson: run.pearson,
    })
}

/// The deviance of the binomial intercept-only model without an offset.
fn binomial_null(k: f64, n: f64) -> f64 {
    let term = |a: f64| if a > 0.0 { a * (a / n).ln() } else { 0.0 };
    -2.0 * (term(k) + term(n - k))
}

/// R's iteration on the design's columns `cols`.
fn iterate(
    p: &mut Party,
    d: &Design,
    input: &Input,
    cols: &[usize],
    kappa: f64,
    consts: Option<&poisson::Constants>,
) -> Result<Run, GlmError> {
    let k = cols.len();
    let sub = |m: &Vec<Vec<f64>>| -> Vec<Vec<f64>> {
        cols.iter()
            .map(|&a| cols.iter().map(|&b| m[a][b]).collect())
            .collect()
    };
    // R's first iterate: least squares from its starting means.
    let o = d.offset_col();
    let (xtwx, xtwz) = match input.family {
        Family::Binomial => {
            // μ0 = (y + ½)/2, w0 = 3/16, z0 = (2y − 1)(ln 3 + 4/3) − o.
            let c = 3f64.ln() + 4.0 / 3.0;
            let z: Vec<f64> = cols
                .iter()
                .map(|&j| {
                    2.0 * c * d.gy[j][0] - c * d.g[j][0] - o.map_or(0.0, |o| kappa * d.g[j][o])
                })
                .collect();
            (sub(&d.g), z)
        }
        Family::BinomialCloglog | Family::BinomialProbit => {
            return Err(GlmError::Range(
                "a link that is not canonical iterates by its deviances".into(),
            ));
        }
        Family::Poisson => {
            let c = consts.ok_or(GlmError::Collinear)?;
            let w: Vec<Vec<f64>> =
                d.g.iter()
                    .zip(&d.gy)
                    .map(|(g, gy)| g.iter().zip(gy).map(|(a, b)| b + 0.1 * a).collect())
                    .collect();
            let z: Vec<f64> = cols
                .iter()
                .map(|&j| c.start[j] - 0.1 * d.g[j][0] - o.map_or(0.0, |o| kappa * w[j][o]))
                .collect();
            (sub(&w), z)
        }
    };
    let inv = invert(&xtwx).ok_or(GlmError::Collinear)?;
    let mut theta = mat_vec(&inv, &xtwz);
    let family = input.family;
    let dev_of = |out: &pass::PassOut| out.dev.map(|v| consts.map_or(v, |c| c.deviance(v)));
    let mut out = pass::evaluate(p, d, family, (cols, &theta, kappa), Want::StepAndDeviance)?;
    let mut dev_est = dev_of(&out).ok_or(GlmError::Diverged)?;
    let mut cov: Option<Vec<Vec<f64>>> = None;
    let mut iter = 1;
    loop {
        // The fit at `theta`, stopping there (`converged` as R decided at `iter`).
        let finish = |p: &mut Party,
                      theta: Vec<f64>,
                      cov: Option<Vec<Vec<f64>>>,
                      iter,
                      converged,
                      pearson| {
            let last = pass::evaluate(p, d, family, (cols, &theta, kappa), Want::Deviance)?;
            Ok(Run {
                cov: cov.unwrap_or_else(|| vec![vec![f64::NAN; k]; k]),
                dev: last.dev.ok_or(GlmError::Diverged)?,
                theta,
                iter,
                converged,
                pearson,
            })
        };
        let Some(inv) = invert(&out.info) else {
            // The information vanished: every fitted probability is 0 or 1 (separation).
            return finish(p, theta, cov, iter, false, None);
        };
        let step = mat_vec(&inv, &out.score);
        let decrement: f64 = step.iter().zip(&out.score).map(|(a, b)| a * b).sum();
        let next: Vec<f64> = theta.iter().zip(&step).map(|(t, s)| t + s).collect();
        dev_est -= decrement;
        iter += 1;
        // R's weights are those of this pass, its residuals those at `next`: the Pearson sum
        // here less the first-order change of the residuals along the step (`pearson`).
        let pearson = out
            .pearson
            .as_ref()
            .map(|(sum, v)| sum - 2.0 * step.iter().zip(v).map(|(a, b)| a * b).sum::<f64>());
        if decrement.abs() / (dev_est.abs() + 0.1) < input.epsilon {
            return finish(p, next, Some(inv), iter, true, pearson);
        }
        if iter == input.max_iter {
            return finish(p, next, Some(inv), iter, false, pearson);
        }
        match pass::evaluate(p, d, family, (cols, &next, kappa), Want::Step) {
            Ok(o) => {
                out = o;
                theta = next;
                cov = Some(inv);
                if let Some(v) = dev_of(&out) {
                    dev_est = v;
                }
            }
            Err(GlmError::Diverged) => return finish(p, theta, cov, iter - 1, false, None),
            Err(e) => return Err(e),
        }
    }
}

/// R's iteration with R's own criterion on the deviances (for a link that is not canonical,
/// where the Newton decrement does not predict the deviance's change): R's start from
/// `mustart = (y + ½)/2` (its weights and working response depend on `y` alone, so the first
/// least squares come from `XᵀX` and `Xᵀ diag(y) X`), then at each iterate one evaluation of
/// the score, the information and the deviance; stop when `|D − D_old| < ε (|D| + 0.1)`, `D_0`
/// the deviance at `mustart` (`2 n ln(4/3)`). From the second iterate on, `D − D_old` is taken
/// by the trapezoidal rule on `dD = −2 U·dθ` from the scores at both iterates, which the
/// evaluations open anyway: each deviance carries a few `1e-7` of fixed-point rounding (a
/// sum of per-row logarithms), enough to move R's decision near the threshold, whereas the
/// scores' errors times the step are a few `1e-10` there (the rule's own error is cubic in
/// the step). The covariance is the inverse information of the least squares that made the
/// last iterate, as R's.
fn iterate_deviance(
    p: &mut Party,
    d: &Design,
    input: &Input,
    cols: &[usize],
    kappa: f64,
) -> Result<Run, GlmError> {
    let [(wa, za), (wb, zb)] = match input.family {
        Family::BinomialProbit => probit::start_constants(),
        _ => cloglog::start_constants(),
    };
    let o = d.offset_col();
    let xtwx: Vec<Vec<f64>> = cols
        .iter()
        .map(|&a| {
            cols.iter()
                .map(|&b| wa * d.g[a][b] + (wb - wa) * d.gy[a][b])
                .collect()
        })
        .collect();
    let xtwz: Vec<f64> = cols
        .iter()
        .map(|&j| {
            wa * za * d.g[j][0] + (wb * zb - wa * za) * d.gy[j][0]
                - o.map_or(0.0, |o| kappa * (wa * d.g[j][o] + (wb - wa) * d.gy[j][o]))
        })
        .collect();
    let mut inv = invert(&xtwx).ok_or(GlmError::Collinear)?;
    let mut theta = mat_vec(&inv, &xtwz);
    let mut dev_old = 2.0 * d.n as f64 * (4.0f64 / 3.0).ln();
    let mut prev: Option<(Vec<f64>, Vec<f64>)> = None;
    let mut iter = 1;
    loop {
        let out = pass::evaluate(
            p,
            d,
            input.family,
            (cols, &theta, kappa),
            Want::StepAndDeviance,
        )?;
        let dev = out.dev.ok_or(GlmError::Diverged)?;
        // The change from the previous iterate: by the scores at both ends (the trapezoidal
        // rule on `dD = −2 U·dθ`), whose errors are those of sums of residuals times the step
        // (a few 1e-10 near convergence, where the rule decides), rather than the difference
        // of two deviances (each a sum of per-row logarithms, a few 1e-7 apart by the fixed
        // point's rounding). From R's start (no iterate) the deviances' difference.
        let change = match &prev {
            Some((t0, u0)) => -(0..theta.len())
                .map(|j| (u0[j] + out.score[j]) * (theta[j] - t0[j]))
                .sum::<f64>(),
            None => dev - dev_old,
        };
        let converged = change.abs() / (dev.abs() + 0.1) < input.epsilon;
        let next_inv = if converged || iter == input.max_iter {
            None
        } else {
            invert(&out.info)
        };
        let Some(next_inv) = next_inv else {
            return Ok(Run {
                theta,
                cov: inv,
                dev,
                iter,
                converged,
                pearson: None,
            });
        };
        let step = mat_vec(&next_inv, &out.score);
        let next: Vec<f64> = theta.iter().zip(&step).map(|(t, s)| t + s).collect();
        prev = Some((std::mem::replace(&mut theta, next), out.score));
        inv = next_inv;
        dev_old = dev;
        iter += 1;
    }
}

/// R's IRLS weight `μ'²/V(μ)` and working response `η + (y − μ)/μ'` at `mustart` (¼ for a
/// response of 0, ¾ for 1), from the link's `μ ↦ (η, μ')`.
fn start_of(link: impl Fn(f64) -> (f64, f64)) -> [(f64, f64); 2] {
    [(0.25f64, 0.0), (0.75, 1.0)].map(|(mu, y)| {
        let (eta, mu_eta) = link(mu);
        (mu_eta * mu_eta / (mu * (1.0 - mu)), eta + (y - mu) / mu_eta)
    })
}

fn mat_vec(m: &[Vec<f64>], v: &[f64]) -> Vec<f64> {
    m.iter()
        .map(|r| r.iter().zip(v).map(|(a, b)| a * b).sum())
        .collect()
}

/// Whether some fitted probability is within `10 ε` of 0 or 1 (R's test, `ε` the double
/// precision), i.e. `|η| > ln(1/(10 ε) − 1)`; for the Poisson, `μ < 10 ε`. One opened bit.
fn boundary(
    p: &mut Party,
    d: &Design,
    family: Family,
    cols: &[usize],
    theta: &[f64],
    kappa: f64,
) -> Result<bool, GlmError> {
    if family == Family::BinomialCloglog {
        return cloglog::boundary(p, d, cols, theta, kappa);
    }
    let eps = 10.0 * f64::EPSILON;
    let (u, _) = pass::predictor(p, d, cols, theta, kappa)?;
    let me = p.id();
    let at = |v: f64| sharestat_mpc::fixed::encode(v * std::f64::consts::LOG2_E, pass::F_U);
    let beyond = match family {
        Family::Poisson => {
            // m (u − ln(ε) log2 e) < 0 on a used row.
            let t = at(eps.ln());
            let m_u = p.mul(&d.mask, &u.add_const(me, t.wrapping_neg()))?;
            p.msb(&m_u, 64)?
        }
        _ => {
            // The link's |η| where μ is within 10 ε of 0 or 1 (logit: ln(1/(10 ε) − 1)); m u
            // above it or below its negative: one product, one batch of sign bits.
            let t = match family {
                Family::BinomialProbit => at(probit_poly::BOUNDARY),
                _ => at((1.0 / eps - 1.0).ln()),
            };
            let mu = p.mul(&d.mask, &u)?;
            let both = AShares::concat(&[&mu.neg().add_const(me, t), &mu.add_const(me, t)]);
            p.msb(&both, 64)?
        }
    };
    Ok(!p.none_set(&beyond)?)
}

/// The coefficients and covariance in real units from the scaled ones (see [`Map`]): `β_j =
/// θ_j / unit_j`, and with an intercept `β_0 = θ_0 − Σ β_j c_j − c_o`.
fn unscale(
    theta: &[f64],
    cov: &[Vec<f64>],
    maps: &[Map],
    offset: Option<Map>,
    intercept: bool,
) -> (Vec<f64>, Vec<Vec<f64>>) {
    let k = theta.len();
    let skip = usize::from(intercept);
    // β = A θ + b.
    let mut a = vec![vec![0.0; k]; k];
    let mut b = vec![0.0; k];
    for (j, m) in maps.iter().enumerate() {
        a[skip + j][skip + j] = 1.0 / m.unit();
    }
    if intercept {
        a[0][0] = 1.0;
        for (j, m) in maps.iter().enumerate() {
            a[0][1 + j] = -m.centre_real() / m.unit();
        }
        b[0] = -offset.map_or(0.0, |o| o.centre_real());
    }
    let coef: Vec<f64> = mat_vec(&a, theta)
        .iter()
        .zip(&b)
        .map(|(x, y)| x + y)
        .collect();
    let ac: Vec<Vec<f64>> = a.iter().map(|r| mat_vec(&transpose(cov), r)).collect();
    let out = ac.iter().map(|r| mat_vec(&a, r)).collect();
    (coef, out)
}

fn transpose(m: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let k = m.len();
    (0..k).map(|j| (0..k).map(|i| m[i][j]).collect()).collect()
}
