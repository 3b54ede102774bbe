//! The binomial family with R's probit link, `μ = Φ(η)`: one Fisher-scoring evaluation on
//! shares and R's starting iterate.
//!
//! The link is symmetric, so everything is a function of `a = |η|` and the sign `s` of `η`.
//! With the upper tail `Q(a) = 1 − Φ(a)` and the inverse Mills ratio `R(a) = φ(a)/Q(a)`:
//! `φ(a) = Q R`, `μ(1 − μ) = Q (1 − Q)`, R's IRLS weight `μ'²/V(μ)` is `w = φ h` and the
//! score's per-row term `(y − μ) μ'/V(μ)` is `(y − μ) h`, where `h = R/(1 − Q)`. Per row, on
//! shares:
//!
//! - `u = log2(e) η` as for the logit (`pass::predictor`); `s` and `|u|` from one batch of sign
//!   bits, which also tells the rows with `|η| > A = −qnorm(ε) ≈ 8.13` (R's clamp of the
//!   probit's `η` in `binomial()$linkinv`, beyond which R's fit is no longer the model's): a
//!   used row there refuses the fit (one opened bit), where R warns that fitted probabilities
//!   are numerically 0 or 1; other rows are clamped to `A`;
//! - `Q`, `S = R − a` and `L = ln R` as polynomials of degree 31 in `x = 2a/A − 1`, made in R
//!   from `pnorm` and `dnorm` (`r/probit.R`, [`super::probit_poly`]: errors below 1e-12), by
//!   Estrin's scheme sharing the powers (`Party::polys`: five levels);
//! - `1/(2(1 − Q))` on `[1, 2]` by the logit's reciprocal (`pass::recip_1_2`), so
//!   `h = 2R · 1/(2(1 − Q))`;
//! - `μ = 1 − Q − s(1 − 2Q)`, `r = (y − μ) h`, `w = φ h`;
//! - the deviance `−2 Σ ln Φ(±η)` (the sign making it the probability of the observed
//!   response): where `y` agrees with `s` (`ln (1 − Q)`: one batch of `Party::ln_1_2` on
//!   `2(1 − Q) ∈ [1, 2]`), elsewhere `ln Q = −a²/2 − ln √(2π) − L` (no logarithm on shares).
//!
//! The link is not canonical: R's criterion on the deviances, as for the complementary
//! log-log (`super::iterate_deviance`).
//!
//! **Reveals** what the logit's evaluation reveals (the score, the information and the
//! deviance, aggregates over the rows used), and one bit: whether some used row has
//! `|η| > A`.
//!
//! Error: `x` carries one unit of `2^-28` (`a` times `2 ln 2/A`), which moves `R` by about
//! `2^-26`; the other steps a few units: per row a few `1e-8` at most, below 1e-6 relative in
//! the coefficients, their standard errors and the deviance (tested against R on `lung`).
use super::GlmError;
use super::design::Design;
use super::pass::{F_U, PassOut, open, predictor, recip_1_2};
use super::probit_poly::{A, L, Q, QNORM_3_4, S};
use sharestat_mpc::fixed::encode;
use sharestat_mpc::{AShares, Party};
use std::f64::consts::{LN_2, LOG2_E, PI};

/// R's starting iterate's weight and working response for a response of 0 and of 1
/// (`mustart = (y + ½)/2`, so `μ0` is ¼ or ¾, `η0 = ∓qnorm(¾)`): `(w0, z0)` each.
pub fn start_constants() -> [(f64, f64); 2] {
    super::start_of(|mu| {
        let eta = if mu > 0.5 { QNORM_3_4 } else { -QNORM_3_4 };
        (eta, (-eta * eta / 2.0).exp() / (2.0 * PI).sqrt())
    })
}

/// The score, the information and the deviance at `θ` (see the module doc).
pub fn evaluate(
    p: &mut Party,
    d: &Design,
    (cols, theta, kappa): (&[usize], &[f64], f64),
) -> Result<PassOut, GlmError> {
    let me = p.id();
    let one = 1u64 << F_U;
    let n = d.mask.len();
    let (u, _) = predictor(p, d, cols, theta, kappa)?;
    let width = (super::pass::u_width(theta, kappa) + 5).min(64);
    // s = [u < 0]; above = [u > A_u]; below = [u < −A_u], A_u = A log2(e).
    let a_u = encode(A * LOG2_E, F_U);
    let over_pos = u.neg().add_const(me, a_u);
    let over_neg = u.add_const(me, a_u);
    let bits = p.msb(&AShares::concat(&[&u, &over_pos, &over_neg]), width)?;
    let bits = p.b2a_bits(&bits)?;
    let (s, above, below) = (
        bits.slice(0..n),
        bits.slice(n..2 * n),
        bits.slice(2 * n..3 * n),
    );
    if d.any_flagged(p, &above.add(&below))? {
        return Err(GlmError::Range(format!(
            "fitted probabilities numerically 0 or 1 occurred (the probit's |η| above {A:.3}, \
             where R clamps it): the data are separated for this model"
        )));
    }
    // |u| = u − 2 s u, clamped to A_u on the rows beyond it (unused ones).
    let prods = p.mul_many(&[(&s, &u), (&above, &over_pos), (&below, &over_neg)])?;
    let a_c = u.sub(&prods[0].scale(2)).add(&prods[1]).add(&prods[2]);
    // x = 2a/A − 1 and a = ln 2 |u|, in one truncation.
    let cut = p.trunc(
        &AShares::concat(&[
            &a_c.scale(encode(2.0 * LN_2 / A, F_U)),
            &a_c.scale(encode(LN_2, F_U)),
        ]),
        F_U,
    )?;
    let (x, a) = (
        cut.slice(0..n).add_const(me, one.wrapping_neg()),
        cut.slice(n..2 * n),
    );
    let polys = p.polys(&x, &[&Q, &S, &L], F_U)?;
    let (q, ln_r) = (&polys[0], &polys[2]);
    let r_mills = a.add(&polys[1]);
    let one_q = q.neg().add_const(me, one);
    // s Q; a²; m s; m y s; φ = Q R (d.y is the masked response m y).
    let prods = p.mul_many(&[(&s, q), (&a, &a), (&d.mask, &s), (&d.y, &s), (q, &r_mills)])?;
    let cut = p.trunc(&AShares::concat(&[&prods[1], &prods[4]]), F_U)?;
    let (a2, phi) = (cut.slice(0..n), cut.slice(n..2 * n));
    let two_one_q = one_q.scale(2);
    let recip = recip_1_2(p, &two_one_q)?;
    let half_h = p.fx_mul(&r_mills, &recip, F_U)?;
    // y − μ = y − (1 − Q) − s (2Q − 1).
    let y = d.y.scale(one);
    let resid = y.sub(&one_q).sub(&prods[0].scale(2)).add(&s.scale(one));
    let prods2 = p.mul_many(&[(&resid, &half_h), (&phi, &half_h)])?;
    let cut = p.trunc(&AShares::concat(&[&prods2[0], &prods2[1]]), F_U - 1)?;
    let (r, w) = (cut.slice(0..n), cut.slice(n..2 * n));
    // The deviance: m [y agrees with s] ln(1 − Q) + m [disagrees] (−a²/2 − ln √(2π) − L).
    let m_agree = d.y.add(&prods[2]).sub(&prods[3].scale(2));
    let m_disagree = d.mask.sub(&m_agree);
    let ln_1_q = p.ln_1_2(&two_one_q, F_U)?.add_const(me, encode(-LN_2, F_U));
    let tail = a2
        .add(&ln_r.scale(2))
        .add_const(me, encode((2.0 * PI).ln(), F_U));
    let extra = [
        (&m_agree, 1, &ln_1_q, F_U + 2),
        (&m_disagree, 1, &tail, F_U + 8),
    ];
    let (score, info, ex) = open(p, d, cols, (&r, F_U + 5), (&w, F_U + 1), F_U, &extra)?;
    let f = 2f64.powi(-(F_U as i32));
    Ok(PassOut {
        score,
        info,
        dev: Some(-2.0 * ex[0] * f + ex[1] * f),
        pearson: None,
    })
}
