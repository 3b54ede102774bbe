//! The binomial family with R's complementary log-log link, `μ = 1 − exp(−exp(η))`: one
//! Fisher-scoring evaluation on shares and R's starting iterate.
//!
//! With `t = e^η` and `g = e^-t = 1 − μ`, R's IRLS weight `μ'²/V(μ)` is `w = t g h` and the
//! score's per-row term `(y − μ) μ'/V(μ)` is `(y − μ) h`, where
//! `h = t/(1 − e^-t) = t/μ` (from `μ' = t g`, `V = μ g`). Per row, on shares:
//!
//! - `u = log2(e) η` as for the logit (`pass::predictor`);
//! - `t = 2^u` by `Party::pow2_window` on `u ∈ [−26, 6)`: below, `t` is taken as 0 (`μ` below
//!   1.4e-8: the row's weight and its `μ` are 0 within that); above (`μ` within 1e-27 of 1)
//!   the fit is refused (one opened bit), where R warns that fitted probabilities are
//!   numerically 1;
//! - `g = 2^(−t log2 e)` by `Party::pow2_window` on `[−31, 1)` (0 below: `g < 5e-10`);
//! - `h`: for `t < 1` (one sign bit) Bernoulli's series `1 + t/2 + t²/12 − t⁴/720 + ...` to
//!   `t^10` (error below 6e-10, `Party::poly`); for `t >= 1` `2t · 1/(2μ)` with `2μ ∈ [1.26, 2]`
//!   by the logit's reciprocal on `[1, 2]`; one selection;
//! - the deviance `−2 Σ [y ln μ − (1 − y) t]` with `ln μ = η − ln h` for `t < 1`
//!   (`h ∈ [1, 1.59]`) and `ln(2μ) − ln 2` for `t >= 1`: one batch of `Party::ln_1_2`.
//!
//! The link is not canonical, so the observed and the expected information differ and the
//! Newton decrement does not predict the deviance's change: the iteration here uses R's own
//! criterion on the deviances, computed at every iterate (`super::iterate_deviance`).
//!
//! **Reveals** what the logit's evaluation reveals (the score, the information and the
//! deviance, aggregates over the rows used), and one bit: whether some fitted probability is
//! within 1e-27 of 1.
use super::GlmError;
use super::design::Design;
use super::pass::{F_U, PassOut, open, predictor, recip_1_2};
use sharestat_mpc::fixed::encode;
use sharestat_mpc::{AShares, Party};

/// Bernoulli's series of `t/(1 − e^-t)` (constant first) to `t^10`.
const H_SERIES: [f64; 11] = [
    1.0,
    0.5,
    1.0 / 12.0,
    0.0,
    -1.0 / 720.0,
    0.0,
    1.0 / 30_240.0,
    0.0,
    -1.0 / 1_209_600.0,
    0.0,
    1.0 / 47_900_160.0,
];

/// The window of `u = log2(e) η`: `[U_LO, U_LO + 32)`.
const U_LO: i64 = -26;

/// R's starting iterate's weight and working response for a response of 0 and of 1
/// (`mustart = (y + ½)/2`, so `μ0` is ¼ or ¾): `(w0, z0)` each.
pub fn start_constants() -> [(f64, f64); 2] {
    super::start_of(|mu| {
        let t = -(1.0 - mu).ln();
        (t.ln(), t * (1.0 - mu))
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
    let u_bits = super::pass::u_width(theta, kappa);
    // t = 2^u at F_U bits: 0 below the window, the fit refused when a row is above it.
    let (t, out) = p.pow2_window(&u, F_U, (U_LO, 31), (1.0, i64::from(F_U)))?;
    let out_a = p.b2a_bits(&out)?;
    let below = p.msb(&u.add_const(me, encode(-(U_LO as f64), F_U)), u_bits)?;
    let below_a = p.b2a_bits(&below)?;
    let cut_t = p.mul_many(&[(&out_a, &below_a.neg().add_const(me, 1)), (&out_a, &t)])?;
    if d.any_flagged(p, &cut_t[0])? {
        return Err(GlmError::Range(
            "fitted probabilities numerically 1 occurred (the complementary log-log's η \
             above 4.1): the data are separated for this model"
                .into(),
        ));
    }
    let t = t.sub(&cut_t[1]);
    // g = e^-t = 2^(−t log2 e), 0 below 2^-31.
    let v = p.trunc(&t.scale(encode(std::f64::consts::LOG2_E, F_U)), F_U)?;
    let (g, g_out) = p.pow2_window(&v.neg(), F_U, (-31, 31), (1.0, i64::from(F_U)))?;
    let g_out = p.b2a_bits(&g_out)?;
    let g = g.sub(&p.mul(&g_out, &g)?);
    let mu = g.neg().add_const(me, one);
    // h: the series below t = 1, 2t · 1/(2μ) from 1 on; each branch's argument kept in its
    // domain on the other branch's rows (t there 0, 2μ there 2).
    let small = p.msb(&t.add_const(me, one.wrapping_neg()), F_U + 8)?;
    let small = p.b2a_bits(&small)?;
    let two_mu = mu.scale(2);
    let args = p.mul_many(&[(&small, &t), (&small, &two_mu.neg().add_const(me, 2 * one))])?;
    let (t_small, x_large) = (args[0].clone(), two_mu.add(&args[1]));
    let h_small = p.poly(&t_small, &H_SERIES, F_U)?;
    let recip = recip_1_2(p, &x_large)?;
    let h_large = p.fx_mul(&t.scale(2), &recip, F_U)?;
    let h = h_large.add(&p.mul(&small, &h_small.sub(&h_large))?);
    // w = t g h, r = (y − μ) h.
    let y = d.y.scale(one);
    let prods = p.mul_many(&[(&t, &g), (&y.sub(&mu), &h), (&small, &u)])?;
    let cut = p.trunc(&AShares::concat(&[&prods[0], &prods[1]]), F_U)?;
    let (tg, r) = (cut.slice(0..n), cut.slice(n..2 * n));
    let w = p.fx_mul(&tg, &h, F_U)?;
    // ln μ = η − ln h below t = 1 (h_small in [1, 1.59]), ln(2μ) − ln 2 from 1 on (x_large in
    // [1.26, 2]); the other branch's argument is 1 (h_small of t = 0, x_large's 2 made 1).
    let a2 = x_large.sub(&small.scale(one));
    let lns = p.ln_1_2(&AShares::concat(&[&h_small, &a2]), F_U)?;
    let (ln_h, ln_2mu) = (lns.slice(0..n), lns.slice(n..2 * n));
    let not_small = small.neg().add_const(me, 1);
    // y ln μ = ln 2 · y small u + y (ln 2μ − (1 − small) ln 2 − ln h).
    let ln2 = encode(std::f64::consts::LN_2, F_U);
    let rest = ln_2mu.sub(&not_small.scale(ln2)).sub(&ln_h);
    let small_u = &prods[2];
    // The sums: score, information, Σ y ln μ, Σ (1 − y) t over the rows used.
    let my = d.mask.sub(&d.y); // d.y is masked: m (1 − y)
    let extra = [
        (&d.y, 1, small_u, u_bits),
        (&d.y, 1, &rest, F_U + 3),
        (&my, 1, &t, F_U + 7),
    ];
    let (score, info, ex) = open(p, d, cols, (&r, F_U + 8), (&w, F_U + 1), F_U, &extra)?;
    let f = 2f64.powi(-(F_U as i32));
    let y_ln_mu = (std::f64::consts::LN_2 * ex[0] + ex[1]) * f;
    let t_fail = ex[2] * f;
    Ok(PassOut {
        score,
        info,
        dev: Some(-2.0 * (y_ln_mu - t_fail)),
        pearson: None,
    })
}

/// Whether some fitted probability is within `10 ε` of 0 or 1 (R's test for the binomial
/// family, `ε` the double precision): `η < ln(10 ε)` or `η > ln(−ln(10 ε))`. One opened bit.
pub fn boundary(
    p: &mut Party,
    d: &Design,
    cols: &[usize],
    theta: &[f64],
    kappa: f64,
) -> Result<bool, GlmError> {
    let me = p.id();
    let eps = 10.0 * f64::EPSILON;
    let (u, _) = predictor(p, d, cols, theta, kappa)?;
    let lo = eps.ln() * std::f64::consts::LOG2_E; // u below: μ < 10 ε
    let hi = (-eps.ln()).ln() * std::f64::consts::LOG2_E; // u above: μ > 1 − 10 ε
    // m (u − lo) < 0 on a used row, or m (hi − u) < 0.
    let low = u.add_const(me, encode(-lo, F_U));
    let high = u.neg().add_const(me, encode(hi, F_U));
    let prods = p.mul_many(&[(&d.mask, &low), (&d.mask, &high)])?;
    let bits = p.msb(&AShares::concat(&[&prods[0], &prods[1]]), 64)?;
    Ok(!p.none_set(&bits)?)
}
