//! Cox proportional-hazards regression on secret-shared covariates (R's `coxph`).
//!
//! The caller has shuffled the rows and opened `(time, event)` (the study must allow event
//! times, as for Kaplan-Meier) and sorted them by time, deaths first within a time. The
//! covariates stay secret-shared. Newton-Raphson runs in the clear on public iterates; each
//! step evaluates, securely, the score `U(β)`, the information `I(β)` and the partial
//! log-likelihood `ℓ(β)` ([`pass`]), and opens only those `p + p(p+1)/2 + 1` numbers.
//!
//! - **Weights** `exp(β·z)`: each covariate is given as shared bits `d_b` with public weights
//!   `w_b` (`z = Σ_b w_b d_b`, [`covariate`]), so `exp(β z) ∝ Π_b exp(β w_b (d_b − ½))`, a
//!   product of factors that are affine in one shared bit each: no secure exponential is
//!   needed, only a product tree (`⌈log2 F⌉` fixed-point multiplications for `F` factors).
//!   A numeric covariate's bits enter it by groups of three, each a table lookup on one-hot
//!   patterns made once per fit ([`lookup`]), and the levels of one factor as one factor.
//! - **Risk sets**: rows sorted by time, so the risk set of time `t` is a suffix; its sums of
//!   `w`, `w z`, `w z zᵀ` are local suffix sums, of columns made with as few truncations as
//!   the covariates allow ([`columns`]: factor levels are exact 0/1 products, `d² = d`, two
//!   levels of one factor are never both 1). With strata (R's `strata(g)`), rows are
//!   sorted by stratum, then time, and a risk set ends where its stratum ends: the suffix
//!   sum at its start minus the one at its stratum's end (still local).
//! - **Ties: Efron** (R's default): at a time with `m` deaths, term `k = 0..m−1` has the
//!   denominator `S0 − (k/m) D0` (`D` the sums over the deaths). Breslow (`ties = "breslow"`)
//!   uses one term with multiplicity `m`.
//! - **Divisions**: one reciprocal per death time (of its risk set's `S0`), refined by one
//!   Newton step at 34 fractional bits, so the ratios in the score, which fixes `β̂`, are
//!   good to about `2^-34` instead of the reciprocal's `2^-18`; Efron's `m` terms of a death
//!   time then come from a few power series in `ψ = D0 / S0` ([`grouped`]), nothing per
//!   death. Where some death time has more than half of its risk set's relative risk dying
//!   (`ψ > 1/2`, the series would converge slowly), that evaluation takes one reciprocal per
//!   term instead ([`per_term`]). The sums of `w` and `w z` keep 10 more bits than the
//!   others (`pass::WIDE`): a death time's score is `m` ratios of them. The logarithms (`Party::recip_ln`, one bit decomposition for both)
//!   are computed only at the final `β̂`: step halving uses the slopes `U·s` at both ends of
//!   a step instead of `ℓ` (`ℓ` is concave along the step).
//! - **Adaptive weights** (issue 14): when the worst case of `β z` over every covariate's
//!   range is beyond what the fixed point holds (a Karnofsky score with a treatment and a
//!   cell type; the Mayo model's logarithms), the weights are `exp(β z)` from the linear
//!   predictor by one `Party::pow2`, after a secure check, opening one bit, that every
//!   `β z_i` lies in the window the later steps hold ([`pass`]); a Newton step that leaves
//!   it is halved, as R halves a step that lowers the likelihood.
//! - **Fixed coefficients** (R's `offset(o)`, [`coxph_fixed`]): a covariate whose coefficient
//!   stays at its value; Newton-Raphson runs on the others' score and information, and
//!   `ℓ(0)` is evaluated with it in.
//! - **Rounding**: every truncation is the unbiased one, so sums over many rows do not drift.
//!
//! **Reveals** per iteration `U`, `I` and `ℓ` at the public iterate (aggregates over all
//! rows), hence the coefficients, their covariance and the log-likelihoods, and on the
//! adaptive path one bit per evaluation (the relative risks at that iterate lie within the
//! fixed-point window), with Efron's ties and a time with two deaths or more one bit per
//! evaluation (whether `ψ <= 1/2` at every such time, [`grouped`]); nothing per row.
//! Fixed point: Newton-Raphson at [`F`] = 22 fractional bits, whose range holds the first
//! steps: every weight below `2^15` and `weight · z²` below `2^16` (`z` in internal units, a
//! few standard deviations), from public bounds or, beyond them, the adaptive check
//! ([`CoxError::Range`] when that fails too). Then one more Newton step from the fit with an
//! evaluation at [`F_FINE`] = 24 bits (a quarter of that range), when the fit's weights
//! allow: on R's `lung`, `veteran` and `pbc` models the coefficients are then within 1e-6
//! relative of R's (1e-6 standard errors when closer to 0). Every truncation rounds exactly
//! (`sharestat_mpc`'s default), so the same data give the same digits in every run.
//! Why hand-written: these are MPC protocols over our own shares; no crate fits.
mod columns;
mod covariate;
mod grouped;
mod lookup;
mod pass;
mod per_term;
mod zph;

pub use crate::linalg::invert;
pub use covariate::{Covariate, dummy_covariate, numeric_covariate};
use sharestat_mpc::{MpcError, Party};
pub use zph::ZphSums;

/// Fractional bits of the covariates, and of the fit when its relative risks need the wider
/// range (resolution 2.4e-7).
pub const F: u32 = 22;

/// Fractional bits of the fit when the relative risks allow (resolution 6e-8): four times
/// finer, for a quarter of the range of the weights (see the module doc).
pub const F_FINE: u32 = F + 2;

/// How tied death times are handled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ties {
    /// Efron's approximation (R's default).
    Efron,
    /// Breslow's approximation.
    Breslow,
}

/// One distinct time, in ascending order within its stratum, of the sorted rows (sorted by
/// stratum, then time, deaths first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeGroup {
    /// Index of its first row (deaths first).
    pub start: usize,
    /// Deaths at this time.
    pub deaths: usize,
    /// One past the last row of its stratum (`n` without strata): the risk set of this time
    /// is `start..end` (stratified partial likelihood, R's `strata()`).
    pub end: usize,
}

/// Why a Cox fit failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CoxError {
    /// The secure computation failed.
    #[error(transparent)]
    Engine(#[from] MpcError),
    /// A coefficient grew beyond what the fixed-point weights can hold.
    #[error("covariate {covariate}: coefficient {coef:.3} is too large for fixed-point weights")]
    Range {
        /// Index of the covariate.
        covariate: usize,
        /// The coefficient (in the covariate's internal units).
        coef: f64,
    },
    /// An argument outside what the protocol supports.
    #[error("{0}")]
    Invalid(String),
    /// The information matrix is singular (collinear covariates, or no events).
    #[error("the information matrix is singular (collinear covariates or no events)")]
    Singular,
}

/// A fitted model, in the covariates' internal units (`z`).
#[derive(Clone, Debug, PartialEq)]
pub struct CoxFit {
    /// Coefficients.
    pub coef: Vec<f64>,
    /// Covariance matrix of the coefficients (inverse information at `coef`).
    pub var: Vec<Vec<f64>>,
    /// Log partial likelihood at 0 and at `coef`.
    pub loglik: [f64; 2],
    /// Score (log-rank) test statistic at 0.
    pub score: f64,
    /// Wald test statistic `β̂ᵀ I(β̂) β̂`.
    pub wald: f64,
    /// Newton-Raphson iterations.
    pub iter: usize,
    /// Whether the iterates converged.
    pub converged: bool,
}

/// Fits the model (see the module doc). `groups` are the distinct times of the `n` rows, all
/// covariates have `n` rows in the same order.
pub fn coxph(
    p: &mut Party,
    groups: &[TimeGroup],
    n: usize,
    cov: &[Covariate],
    ties: Ties,
) -> Result<CoxFit, CoxError> {
    coxph_fixed(p, groups, n, cov, ties, &vec![None; cov.len()])
}

/// [`coxph`] with some coefficients fixed (`fixed[j] = Some(b)`, internal units): R's
/// `offset(o)` is a covariate whose coefficient is fixed at 1. The others are estimated; the
/// fit (coefficients, covariance, score and Wald tests) is theirs, and `ℓ(0)` is the
/// likelihood with them at 0 and the fixed ones at their values, as R's. The evaluations
/// open the fixed covariates' score and information entries too (they are computed with the
/// others), so the caller applies the same rules to them as to a covariate.
pub fn coxph_fixed(
    p: &mut Party,
    groups: &[TimeGroup],
    n: usize,
    cov: &[Covariate],
    ties: Ties,
    fixed: &[Option<f64>],
) -> Result<CoxFit, CoxError> {
    if fixed.len() != cov.len() {
        return Err(CoxError::Invalid("one fixed flag per covariate".into()));
    }
    // Newton-Raphson at [`F`] bits, whose range holds the first steps (a Newton step from 0
    // overshoots), then one more step at the finer [`F_FINE`] bits from the fit, when its
    // weights allow: the last step's evaluation is what fixes the digits.
    let full = pass::Pass::new(p, groups, n, cov, ties, F)?;
    let full_fine = pass::Pass::new(p, groups, n, cov, ties, F_FINE)?;
    let mut pass = Free {
        pass: &full,
        fixed,
        null_loglik: full.null_loglik,
    };
    let k = fixed.iter().filter(|f| f.is_none()).count();
    if fixed.iter().any(Option::is_some) {
        // ℓ at the free coefficients' 0 with the fixed ones in: evaluated, not counted.
        let fine = Free {
            pass: &full_fine,
            ..pass
        };
        let (ev, _) = eval_near(p, (&pass, &fine), &vec![0.0; k])?;
        pass.null_loglik = ev.loglik.unwrap_or(f64::NAN);
    }
    let fine = Free {
        pass: &full_fine,
        ..pass
    };
    let (fit, fine_last) = newton(p, &pass, &fine, k)?;
    if !fit.converged || fine_last {
        return Ok(fit);
    }
    match fine.eval(p, &fit.coef, true) {
        Ok(ev) => polish(fit, &ev),
        Err(CoxError::Range { .. }) => Ok(fit),
        Err(other) => Err(other),
    }
}

/// A pass seen through the estimated coefficients: `fixed[j]` holds covariate `j`'s value
/// when it is fixed (an offset), and evaluations take and give the others only.
#[derive(Clone, Copy)]
struct Free<'a> {
    pass: &'a pass::Pass<'a>,
    fixed: &'a [Option<f64>],
    /// `ℓ` with the free coefficients at 0.
    null_loglik: f64,
}

impl Free<'_> {
    /// `U`, `I` (and `ℓ`) at the free coefficients `beta`.
    fn eval(&self, p: &mut Party, beta: &[f64], with_ln: bool) -> Result<pass::Eval, CoxError> {
        if self.fixed.iter().all(Option::is_none) {
            return self.pass.eval(p, beta, with_ln);
        }
        let mut it = beta.iter();
        let full: Vec<f64> = self
            .fixed
            .iter()
            .map(|f| f.unwrap_or_else(|| *it.next().expect("one per free coefficient")))
            .collect();
        let ev = self.pass.eval(p, &full, with_ln)?;
        let free: Vec<usize> = (0..self.fixed.len())
            .filter(|&j| self.fixed[j].is_none())
            .collect();
        Ok(pass::Eval {
            score: free.iter().map(|&i| ev.score[i]).collect(),
            info: free
                .iter()
                .map(|&i| free.iter().map(|&j| ev.info[i][j]).collect())
                .collect(),
            loglik: ev.loglik,
        })
    }
}

/// The Newton step from `fit` with the evaluation `ev` at its coefficients (see [`newton`]'s
/// last step): coefficients, covariance and `ℓ` at the finer bits.
fn polish(fit: CoxFit, ev: &pass::Eval) -> Result<CoxFit, CoxError> {
    let k = fit.coef.len();
    let var = invert(&ev.info).ok_or(CoxError::Singular)?;
    let step: Vec<f64> = (0..k)
        .map(|i| (0..k).map(|j| var[i][j] * ev.score[j]).sum())
        .collect();
    let gain: f64 = ev.score.iter().zip(&step).map(|(u, s)| u * s).sum::<f64>() / 2.0;
    let coef: Vec<f64> = fit.coef.iter().zip(&step).map(|(b, s)| b + s).collect();
    Ok(CoxFit {
        wald: quad(&coef, &ev.info),
        coef,
        var,
        loglik: [fit.loglik[0], ev.loglik.map_or(f64::NAN, |l| l + gain)],
        iter: fit.iter + 1,
        ..fit
    })
}

/// An evaluation with `ℓ` near the fit: at the `fine` bits when the weights allow (and
/// whether they did), else at the `pass`'s.
fn eval_near(
    p: &mut Party,
    (pass, fine): (&Free, &Free),
    beta: &[f64],
) -> Result<(pass::Eval, bool), CoxError> {
    match fine.eval(p, beta, true) {
        Ok(ev) => Ok((ev, true)),
        Err(CoxError::Range { .. }) => Ok((pass.eval(p, beta, true)?, false)),
        Err(other) => Err(other),
    }
}

/// Newton-Raphson from 0 with one [`pass::Pass`]; once near the fit (steps below 1e-2
/// standard errors), evaluations take `ℓ` and the `fine` bits when the weights allow. A step
/// that leaves the weights' range is halved. Also says whether the last evaluation was at the
/// fine bits.
fn newton(p: &mut Party, pass: &Free, fine: &Free, k: usize) -> Result<(CoxFit, bool), CoxError> {
    let mut beta = vec![0.0; k];
    let mut cur = pass.eval(p, &beta, false)?;
    let mut cur_fine = false;
    let mut inv = invert(&cur.info).ok_or(CoxError::Singular)?;
    let score = quad(&cur.score, &inv);
    let mut converged = false;
    let mut iter = 0;
    while iter < 20 {
        iter += 1;
        let mut step: Vec<f64> = (0..k)
            .map(|i| (0..k).map(|j| inv[i][j] * cur.score[j]).sum())
            .collect();
        // Converged when the step is below 1e-3 standard errors: Newton-Raphson converges
        // quadratically, so after taking it what is left is far below a standard error and
        // below the fixed-point noise of the score (a stricter rule would chase that noise).
        let moved = (0..k)
            .map(|j| step[j].abs() / inv[j][j].abs().sqrt().max(1e-300))
            .fold(0f64, f64::max);
        let along = |u: &[f64], s: &[f64]| u.iter().zip(s).map(|(a, b)| a * b).sum::<f64>();
        let last: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b + s).collect();
        if moved < 1e-3 {
            converged = true;
            if let (Some(ll), true) = (cur.loglik, moved < 1e-5) {
                // Take the last step without evaluating again: at under 1e-5 standard errors
                // from the optimum, I changes by less than its fixed-point noise, and ℓ gains
                // U·s/2 (exact for the quadratic, which is what is left).
                let fit = CoxFit {
                    wald: quad(&last, &cur.info),
                    coef: last,
                    var: inv,
                    loglik: [pass.null_loglik, ll + along(&cur.score, &step) / 2.0],
                    score,
                    iter,
                    converged,
                };
                return Ok((fit, cur_fine));
            }
            // Else evaluate once more at the step's end (below): I and ℓ where β̂ is.
            beta = last;
            break;
        }
        // Logarithms (for ℓ) only once the iterates are close: quadratic convergence then
        // makes the next step tiny, so this is probably the last evaluation.
        let with_ln = moved < 1e-2;
        // A step whose weights leave the fixed-point range (a Newton step from 0 overshoots)
        // is halved, as R halves a step that lowers the likelihood.
        let mut taken = last;
        let eval = |p: &mut Party, at: &[f64]| {
            if with_ln {
                eval_near(p, (pass, fine), at)
            } else {
                pass.eval(p, at, false).map(|ev| (ev, false))
            }
        };
        let (mut next, mut next_fine) = loop {
            match eval(p, &taken) {
                Err(CoxError::Range { .. }) if step.iter().any(|s| s.abs() > 1e-6) => {
                    step.iter_mut().for_each(|s| *s /= 2.0);
                    taken = beta.iter().zip(&step).map(|(b, s)| b + s).collect();
                }
                other => break other?,
            }
        };
        // Step halving while the likelihood would fall along the step. ℓ is concave, so the
        // trapezoid of its slopes at both ends (exact for a quadratic) estimates the change
        // without computing ℓ itself, which costs a logarithm per term.
        let mut halvings = 0;
        while along(&cur.score, &step) + along(&next.score, &step) < 0.0 && halvings < 10 {
            step.iter_mut().for_each(|s| *s /= 2.0);
            taken = beta.iter().zip(&step).map(|(b, s)| b + s).collect();
            (next, next_fine) = eval(p, &taken)?;
            halvings += 1;
        }
        beta = taken;
        cur = next;
        cur_fine = next_fine;
        inv = invert(&cur.info).ok_or(CoxError::Singular)?;
    }
    // Not converged, or converged before ℓ was computed: evaluate at the last iterate, and
    // take the Newton step from there without evaluating again. That iterate is within
    // 1e-3 standard errors of β̂, so the step's own error is of the order of its square
    // (quadratic convergence), where stopping at the iterate would leave up to 1e-3.
    let (fin, fin_fine) = eval_near(p, (pass, fine), &beta)?;
    let var = invert(&fin.info).ok_or(CoxError::Singular)?;
    let step: Vec<f64> = (0..k)
        .map(|i| (0..k).map(|j| var[i][j] * fin.score[j]).sum())
        .collect();
    let gain: f64 = fin.score.iter().zip(&step).map(|(u, s)| u * s).sum::<f64>() / 2.0;
    let coef: Vec<f64> = if converged {
        beta.iter().zip(&step).map(|(b, s)| b + s).collect()
    } else {
        beta
    };
    let gain = if converged { gain } else { 0.0 };
    let fit = CoxFit {
        wald: quad(&coef, &fin.info),
        coef,
        var,
        loglik: [pass.null_loglik, fin.loglik.map_or(f64::NAN, |l| l + gain)],
        score,
        iter,
        converged,
    };
    Ok((fit, fin_fine))
}

/// The sums of R's `cox.zph` test at the fitted `beta` (internal units), `g` the centred
/// time transform at each death time ([`zph`]): at [`F_FINE`] bits, or [`F`] when the
/// relative risks need the wider range.
#[allow(clippy::too_many_arguments)]
pub fn cox_zph(
    p: &mut Party,
    groups: &[TimeGroup],
    n: usize,
    cov: &[Covariate],
    ties: Ties,
    beta: &[f64],
    g: &[f64],
) -> Result<ZphSums, CoxError> {
    let fine = pass::Pass::new(p, groups, n, cov, ties, F_FINE)?;
    match fine.zph(p, beta, g) {
        Err(CoxError::Range { .. }) => pass::Pass::new(p, groups, n, cov, ties, F)?.zph(p, beta, g),
        other => other,
    }
}

/// `xᵀ A x`.
fn quad(x: &[f64], a: &[Vec<f64>]) -> f64 {
    (0..x.len())
        .map(|i| (0..x.len()).map(|j| x[i] * a[i][j] * x[j]).sum::<f64>())
        .sum()
}
