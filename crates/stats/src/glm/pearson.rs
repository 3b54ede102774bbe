//! The dispersion of the quasi families (R's `quasibinomial`, `quasipoisson`): R's
//! `summary.glm` estimates it as `Σ w r² / (n − p)` with `w` the working weights of the last
//! least-squares fit (computed at the iterate *before* the last, `θ_{k−1}`) and `r` the
//! working residuals at the last iterate `θ_k`. The coefficients are those of `binomial` and
//! `poisson`.
//!
//! Per row at `θ_{k−1}`, with `Δη = (θ_k − θ_{k−1})ᵀ x'` and `r_k = r + r' Δη + O(Δη²)`
//! (`r' = dr/dη = −1 − r μ''/μ'`):
//!
//! `Σ w r_k² = Σ w r² − 2 (θ_k − θ_{k−1})ᵀ Σ x' w r (1 + r μ''/μ') + O(Δη²)`,
//!
//! so each Fisher-scoring pass opens, besides the score and information, the Pearson sum
//! `P = Σ w r²` and the vector `V_j = Σ x'_j q` with `q = w r (1 + r μ''/μ')`, and the fit
//! takes `P − 2 Δθᵀ V` from the pass at `θ_{k−1}` (checked in R on `lung`: within 3e-8 of
//! `summary.glm`'s, where the Pearson statistic at `θ_k` alone is 1.7e-6 to 1e-4 away).
//!
//! - **Binomial, logit**: with `e = 2^-|u|`, `a = 2^|u|`, `ρ = 1/(1 + e)` and `mis` = 1 where
//!   the observed outcome is the less likely one (`y ≠ [η ≥ 0]`): `w r² = mis ? a : e` and
//!   `q = (2y − 1)(mis ? a − ρ : e − eρ)` (from `w r² = (y − μ)²/(μ(1 − μ))`,
//!   `q = y(1 − μ)²/μ − (1 − y) μ²/(1 − μ)`). `a` by `Party::pow2_window` on `[0, 32)`: a row
//!   with `|η| ≥ 22.18` is refused (one opened bit), its term would swamp the statistic.
//! - **Poisson, log**: `w r² = y²/μ − 2y + μ`, `q = y²/μ − y`, with `1/μ = 2^-u` by
//!   `Party::pow2_window` in the means' window.
//!
//! The terms are held at [`F_Q`] fractional bits (unbiased rounding); the sums are exact.
//! **Reveals**, per pass: `P` and `V` (aggregates over all rows used, as the score).
use super::GlmError;
use super::design::{Design, bits};
use sharestat_mpc::{AShares, Party};

/// Fractional bits of the Pearson terms.
pub const F_Q: u32 = 24;

/// The binomial's per-row `w r²` and `q` at [`F_Q`] bits, from `|u|` (at `f_u` bits), the
/// sign bit `s` of `u` (0/1), `e = 2^-|u|` and `ρ` (both at `f_u` bits).
pub fn binomial_terms(
    p: &mut Party,
    d: &Design,
    f_u: u32,
    (abs, s, e, rho): (&AShares, &AShares, &AShares, &AShares),
) -> Result<(AShares, AShares), GlmError> {
    let me = p.id();
    let (a, out) = p.pow2_window(abs, f_u, (0, 31), (1.0, i64::from(F_Q)))?;
    let out = p.b2a_bits(&out)?;
    if d.any_flagged(p, &out)? {
        return Err(GlmError::Range(
            "a patient's observed outcome had a fitted probability below 2.3e-10 (|η| > 22): \
             the quasi-binomial dispersion would be that one patient's; check the model for \
             (quasi-)separation"
                .into(),
        ));
    }
    let prods = p.mul_many(&[(&d.y, s), (e, rho)])?;
    // The less likely outcome was observed where y = s (s = 1 when η < 0): 1 − (y ⊕ s).
    let mis = prods[0].scale(2).sub(&d.y).sub(s).add_const(me, 1);
    let n = e.len();
    let cut = p.trunc_unbiased(
        &AShares::concat(&[e, rho, &prods[1]]),
        &[
            vec![f_u - F_Q; n],
            vec![f_u - F_Q; n],
            vec![2 * f_u - F_Q; n],
        ]
        .concat(),
    )?;
    let (e, rho, erho) = (
        cut.slice(0..n),
        cut.slice(n..2 * n),
        cut.slice(2 * n..3 * n),
    );
    let match_q = e.sub(&erho);
    let sel = p.mul_many(&[(&mis, &a.sub(&e)), (&mis, &a.sub(&rho).sub(&match_q))])?;
    let pearson = e.add(&sel[0]);
    let q_abs = match_q.add(&sel[1]);
    let sign = d.y.scale(2).add_const(me, u64::MAX); // 2y − 1
    let q = p.mul(&sign, &q_abs)?;
    Ok((pearson, q))
}

/// The Poisson's per-row `w r²` and `q` at [`F_Q`] bits, from `u` (at `f_u` bits, within
/// `[lo, hi]` on the rows used) and `μ` (words at `f_mu` bits).
pub fn poisson_terms(
    p: &mut Party,
    d: &Design,
    f_u: u32,
    (u, (lo, hi)): (&AShares, (i64, f64)),
    (mu, f_mu): (&AShares, u32),
) -> Result<(AShares, AShares), GlmError> {
    // 1/μ = 2^-u with -u in [-hi, -lo]: the window from floor(-hi).
    let lo_inv = (-hi).floor() as i64;
    let y_bits = i64::from(bits(d.y_max as f64));
    if 2 * y_bits - lo + i64::from(F_Q) > 60 || lo_inv > 5 {
        return Err(GlmError::Range(format!(
            "counts up to {} against fitted means down to 2^{lo}: y²/μ cannot be held for the \
             quasi-Poisson dispersion",
            d.y_max
        )));
    }
    let (inv, _) = p.pow2_window(&u.neg(), f_u, (lo_inv, 31), (1.0, i64::from(F_Q)))?;
    let yy = p.mul(&d.y, &d.y)?;
    let t = p.mul(&yy, &inv)?; // y²/μ at F_Q bits
    let mu_q = if f_mu > F_Q {
        p.trunc_unbiased(mu, &vec![f_mu - F_Q; mu.len()])?
    } else {
        mu.scale(1u64 << (F_Q - f_mu))
    };
    let y_q = d.y.scale(1u64 << F_Q);
    let pearson = t.sub(&y_q.scale(2)).add(&mu_q);
    let q = t.sub(&y_q);
    Ok((pearson, q))
}
