//! One Fisher-scoring evaluation of a GLM at a public iterate `θ`: the score `U`, the
//! information `I` and the deviance, computed on shares and opened (aggregates only).
//!
//! - **Linear predictor** in log2 units, `u = log2(e) (Σ_j θ_j x'_j + κ o')`: public
//!   coefficients times shared columns (local), one truncation to [`F_U`] bits.
//! - **Binomial, logit** ([`binomial`]): the sign `s` of `u` (one `msb`), `e = 2^-|u|` by
//!   `Party::pow2_window` (window `|u| < 31`; beyond it `e = 0`, i.e. `|η| > 21.5`, where
//!   `1/(1 + e)` is 1 within 5e-10), `ρ = 1/(1 + e)` on `[1, 2]` by a degree-15 polynomial
//!   (Estrin's scheme, `Party::poly`: few rounds) up to a few thousand rows, by Newton's
//!   iteration from a line beyond (fewer truncations); either leaves a few units of the fixed
//!   point's `2^-28`. Then `μ = s ? 1 − ρ : ρ`, the weight
//!   `w = μ(1 − μ) = ρ(1 − ρ)` and the residual `r = y − μ = y − ρ − s(1 − 2ρ)`. The deviance
//!   `2 Σ [softplus(η) − y η]` with `softplus(η) = max(η, 0) + ln(1 + e)` (one
//!   `Party::ln_1_2`: `1 + e ∈ [1, 2]`, no normalisation).
//! - **Poisson, log** ([`poisson`]): `μ = 2^u` by `Party::pow2_window` in a window of 32
//!   binary orders below the largest `u` the bounds allow (a row below it is refused by the
//!   caller, one opened bit), held as `μ 2^(F_P − M)` with `2^M` above every `μ` and `y`.
//!   `w = μ`, `r = y − μ`; the deviance's variable part `Σ μ − Σ y η`.
//! - **Sums**: `U_j = Σ x'_j r`, `I_jk = Σ w x'_j x'_k` from the design's products (one
//!   multiplication round; rounded per row only when `2^l` products would leave the ring).
use super::design::{Design, F_X, bits};
use super::sums::{Split, dot_all, split_all, values, words};
use super::{Family, GlmError};
use sharestat_mpc::fixed::encode;
use sharestat_mpc::{AShares, Party};

/// Fractional bits of the linear predictor (log2 units) and of the binomial means.
pub const F_U: u32 = 28;

/// Fractional bits of the Poisson means (below `2^M`, held as `μ 2^(F_P − M)`).
pub const F_P: u32 = 36;

/// What one evaluation opens.
#[derive(Clone, Debug, PartialEq)]
pub struct PassOut {
    /// Score, in the scaled columns' units.
    pub score: Vec<f64>,
    /// Fisher information.
    pub info: Vec<Vec<f64>>,
    /// Binomial: the deviance (when asked). Poisson: `Σ μ − Σ y η` (the caller adds the
    /// constants).
    pub dev: Option<f64>,
    /// With [`Design::pearson`], on a step: the Pearson sum `Σ w r²` and `Σ x'_j q` per column
    /// (`super::pearson`).
    pub pearson: Option<(f64, Vec<f64>)>,
}

/// The linear predictor `u = log2(e) η` at [`F_U`] bits, and a bound on `|u − u_0|` where `u_0`
/// is the intercept's part (`θ_0 log2 e`, 0 without one).
pub fn predictor(
    p: &mut Party,
    d: &Design,
    cols: &[usize],
    theta: &[f64],
    kappa: f64,
) -> Result<(AShares, f64), GlmError> {
    let mut coef: Vec<(usize, f64)> = cols
        .iter()
        .zip(theta)
        .map(|(&j, &t)| (j, t * std::f64::consts::LOG2_E))
        .collect();
    if let Some(o) = d.offset_col() {
        coef.push((o, kappa * std::f64::consts::LOG2_E));
    }
    let total: f64 = coef.iter().map(|(_, c)| c.abs()).sum();
    let spread: f64 = coef
        .iter()
        .filter(|(j, _)| *j != 0)
        .map(|(_, c)| c.abs())
        .sum();
    // q >= F_U − F_X + 1, so that the truncation below drops at least one bit.
    if !total.is_finite() || bits(total) > 61 - F_U - 1 {
        return Err(GlmError::Diverged);
    }
    let q = 61 - F_X - bits(total);
    let rows = d.mask.len();
    let mut acc = AShares::from_parts(vec![0; rows], vec![0; rows]);
    for (j, c) in coef {
        acc = acc.add(&d.x[j].scale(encode(c, q)));
    }
    let u = p.trunc(&acc, F_X + q - F_U)?;
    Ok((u, spread))
}

/// What an evaluation computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    /// The score and information (a Fisher-scoring step).
    Step,
    /// The step and the deviance.
    StepAndDeviance,
    /// The deviance only (at the last iterate: no reciprocal, no weights).
    Deviance,
}

/// [`PassOut`] at `theta` for `family`; the binomial deviance only when `want`ed (it takes
/// a logarithm per row; the Poisson's is free, and its evaluation always makes everything).
pub fn evaluate(
    p: &mut Party,
    d: &Design,
    family: Family,
    at: (&[usize], &[f64], f64),
    want: Want,
) -> Result<PassOut, GlmError> {
    match family {
        Family::Binomial => binomial(p, d, at, want),
        Family::Poisson => poisson(p, d, at),
        Family::BinomialCloglog => super::cloglog::evaluate(p, d, at),
        Family::BinomialProbit => super::probit::evaluate(p, d, at),
    }
}

/// The score, the information and the extra sums, opened.
pub(super) type Opened = (Vec<f64>, Vec<Vec<f64>>, Vec<f64>);

/// The opened score and information from the per-row residual `r` (below `2^rb`) and weight
/// `w` (below `2^wb`), both at `f` bits, and `extra` sums `Σ a b` (`(a, ab, b, bb)`: below
/// `2^ab`, `2^bb`), in units of their products' words.
pub(super) fn open(
    p: &mut Party,
    d: &Design,
    cols: &[usize],
    (r, rb): (&AShares, u32),
    (w, wb): (&AShares, u32),
    f: u32,
    extra: &[(&AShares, u32, &AShares, u32)],
) -> Result<Opened, GlmError> {
    let k = cols.len();
    let pr = super::design::pairs(k);
    let mut bs = vec![(r, rb, F_X + 1), (w, wb, F_X + 1)];
    bs.extend(extra.iter().map(|&(_, ab, b, bb)| (b, bb, ab)));
    let splits = split_all(p, &bs, d.l)?;
    let mut jobs: Vec<(&AShares, &Split)> = cols.iter().map(|&j| (&d.x[j], &splits[0])).collect();
    jobs.extend(
        pr.iter()
            .map(|&(a, b)| (&d.pairs[d.pair(cols[a], cols[b])], &splits[1])),
    );
    jobs.extend(extra.iter().zip(&splits[2..]).map(|(&(a, ..), s)| (a, s)));
    let shares = dot_all(p, &jobs)?;
    let opened = p.reveal(&shares)?;
    debug_assert_eq!(opened.len(), words(&jobs));
    let sums = values(&jobs, &opened);
    let unit = 2f64.powi(-((F_X + f) as i32));
    let score = sums[..k].iter().map(|v| v * unit).collect();
    let mut info = vec![vec![0.0; k]; k];
    for (i, &(a, b)) in pr.iter().enumerate() {
        info[a][b] = sums[k + i] * unit;
        info[b][a] = info[a][b];
    }
    Ok((score, info, sums[k + pr.len()..].to_vec()))
}

/// Bits that hold `u` at [`F_U`] bits with its sign, from the coefficients' bound.
pub(super) fn u_width(theta: &[f64], kappa: f64) -> u32 {
    (F_U + bits(u_bound(theta, kappa)) + 2).min(64)
}

/// The sign `s` of `u` (a `width`-bit signed number) as 0/1 shares, and `s u`.
fn sign_abs(p: &mut Party, u: &AShares, width: u32) -> Result<(AShares, AShares), GlmError> {
    let s = p.msb(u, width)?;
    let s_a = p.b2a_bits(&s)?;
    let su = p.mul(&s_a, u)?;
    Ok((s_a, su))
}

/// Binomial family, logit link.
fn binomial(
    p: &mut Party,
    d: &Design,
    (cols, theta, kappa): (&[usize], &[f64], f64),
    want: Want,
) -> Result<PassOut, GlmError> {
    let me = p.id();
    let one = 1u64 << F_U;
    let (u, _) = predictor(p, d, cols, theta, kappa)?;
    let width = u_width(theta, kappa);
    let (s_a, su) = sign_abs(p, &u, width)?;
    let abs = u.sub(&su.scale(2));
    // e = 2^-|u|, 0 beyond the window.
    let (e, out) = p.pow2_window(&abs.neg(), F_U, (-31, 31), (1.0, F_U as i64))?;
    let out_a = p.b2a_bits(&out)?;
    let e = e.sub(&p.mul(&out_a, &e)?);
    let x = e.add_const(me, one);
    // The deviance: 2 Σ m [(1 − s) u ln 2 + ln(1 + e) − y u ln 2].
    let dev_terms = if want == Want::Step {
        None
    } else {
        // x = 1 + e ∈ [1, 2]: the logarithm needs no normalisation.
        Some((u.sub(&su), p.ln_1_2(&x, F_U)?))
    };
    let mut extra = Vec::new();
    if let Some((pos, ln28)) = &dev_terms {
        extra.push((&d.mask, 1, pos, width));
        extra.push((&d.mask, 1, ln28, F_U + 1));
        extra.push((&d.y, 1, &u, width));
    }
    let dev_of = |ex: &[f64]| {
        let unit = 2f64.powi(-(F_U as i32));
        let ln2 = std::f64::consts::LN_2;
        2.0 * unit * (ln2 * ex[0] + ex[1] - ln2 * ex[2])
    };
    if want == Want::Deviance {
        let bs: Vec<(&AShares, u32, u32)> =
            extra.iter().map(|&(_, ab, b, bb)| (b, bb, ab)).collect();
        let splits = split_all(p, &bs, d.l)?;
        let jobs: Vec<(&AShares, &Split)> = extra
            .iter()
            .zip(&splits)
            .map(|(&(a, ..), s)| (a, s))
            .collect();
        let sums = dot_all(p, &jobs)?;
        let opened = p.reveal(&sums)?;
        let ex = values(&jobs, &opened);
        return Ok(PassOut {
            score: Vec::new(),
            info: Vec::new(),
            dev: Some(dev_of(&ex)),
            pearson: None,
        });
    }
    let rho = recip_1_2(p, &x)?;
    // w = ρ(1 − ρ), s(1 − 2ρ).
    let nu = rho.neg().add_const(me, one);
    let prods = p.mul_many(&[(&rho, &nu), (&s_a, &nu.sub(&rho))])?;
    let w = p.trunc(&prods[0], F_U)?;
    let y = d.y.scale(one);
    let r = y.sub(&rho).sub(&prods[1]);
    let terms = if d.pearson {
        Some(super::pearson::binomial_terms(
            p,
            d,
            F_U,
            (&abs, &s_a, &e, &rho),
        )?)
    } else {
        None
    };
    let first = extra.len();
    push_pearson(&mut extra, d, cols, terms.as_ref(), 57);
    let (score, info, ex) = open(p, d, cols, (&r, F_U + 1), (&w, F_U - 1), F_U, &extra)?;
    let dev = dev_terms.map(|_| dev_of(&ex));
    let pearson = terms.map(|_| pearson_of(&ex[first..]));
    Ok(PassOut {
        score,
        info,
        dev,
        pearson,
    })
}

/// The extra sums of the Pearson terms `(w r², q)` (below `2^bb`): `Σ m w r²`, then
/// `Σ x'_j q` for each of `cols`.
fn push_pearson<'a>(
    extra: &mut Vec<(&'a AShares, u32, &'a AShares, u32)>,
    d: &'a Design,
    cols: &[usize],
    terms: Option<&'a (AShares, AShares)>,
    bb: u32,
) {
    if let Some((pr, q)) = terms {
        extra.push((&d.mask, 1, pr, bb));
        extra.extend(cols.iter().map(|&j| (&d.x[j], F_X + 1, q, bb)));
    }
}

/// `(Σ w r², [Σ x'_j q])` in real units from the opened extra sums.
fn pearson_of(ex: &[f64]) -> (f64, Vec<f64>) {
    let f_q = super::pearson::F_Q as i32;
    let v = ex[1..]
        .iter()
        .map(|x| x * 2f64.powi(-(f_q + F_X as i32)))
        .collect();
    (ex[0] * 2f64.powi(-f_q), v)
}

/// A bound on `|u|` from the coefficients (`|x'| <= 1`).
fn u_bound(theta: &[f64], kappa: f64) -> f64 {
    (theta.iter().map(|t| t.abs()).sum::<f64>() + kappa.abs()) * std::f64::consts::LOG2_E + 1.0
}

/// Monomial coefficients (constant first) of the degree-15 Chebyshev interpolant of
/// `2/(v + 3)` (that is `1/x` for `v = 2x − 3`) on `[−1, 1]`, computed offline in R (the
/// Vandermonde system at the 16 Chebyshev nodes; maximum relative error 1.1e-12).
const RECIP_POLY: [f64; 16] = [
    0.666_666_666_665_914_9,
    -0.222_222_222_221_971_05,
    0.074_074_074_170_220_27,
    -0.024_691_358_056_752_634,
    0.008_230_450_664_735_831,
    -0.002_743_483_554_803_122_4,
    0.000_914_510_685_223_458_4,
    -0.000_304_836_895_590_679_6,
    0.000_101_548_785_001_504_46,
    -3.384_959_362_210_721_3e-5,
    1.141_869_415_616_038_7e-5,
    -3.806_233_403_319_690_4e-6,
    1.108_611_833_279_748e-6,
    -3.695_357_768_041_829e-7,
    2.217_220_688_022_192_3e-7,
    -7.390_779_845_670_226e-8,
];

/// `1/x` at [`F_U`] bits for `x ∈ [1, 2]` at [`F_U`] bits. Up to
/// `ESTRIN_MAX_ELEMENTS` rows, where rounds set the time: the polynomial above in
/// `v = 2x − 3` by Estrin's scheme (four levels of one product round and one truncation to
/// nearest; error the interpolant's 1.1e-12 and a few units `2^-F_U`). Beyond, where bytes
/// set it: the minimax line `24/17 − 8/17 x` (relative error at most 1/17), then three Newton
/// steps `y ← y (2 − x y)` (each squares the error: 3.5e-3, 1.2e-5, 1.5e-10): seven
/// truncations instead of eighteen, 62 rounds instead of 36.
pub(super) fn recip_1_2(p: &mut Party, x: &AShares) -> Result<AShares, GlmError> {
    let me = p.id();
    let f = F_U;
    if x.len() <= sharestat_mpc::proto::poly::ESTRIN_MAX_ELEMENTS {
        let v = x.scale(2).add_const(me, encode(-3.0, f));
        return Ok(p.poly(&v, &RECIP_POLY, f)?);
    }
    let slope = p.trunc(&x.scale(encode(8.0 / 17.0, f)), f)?;
    let mut y = slope.neg().add_const(me, encode(24.0 / 17.0, f));
    for _ in 0..3 {
        let t = p.fx_mul(x, &y, f)?;
        let two_minus = t.neg().add_const(me, 2u64 << f);
        y = p.fx_mul(&y, &two_minus, f)?;
    }
    Ok(y)
}

/// Poisson family, log link (see the module doc); `dev` is `Σ μ − Σ y η`.
fn poisson(
    p: &mut Party,
    d: &Design,
    (cols, theta, kappa): (&[usize], &[f64], f64),
) -> Result<PassOut, GlmError> {
    let (u, spread) = predictor(p, d, cols, theta, kappa)?;
    let centre = cols
        .iter()
        .position(|&j| j == 0)
        .map_or(0.0, |i| theta[i] * std::f64::consts::LOG2_E);
    let hi = centre + spread + 1.0;
    let lo = hi.ceil() as i64 - 31;
    let y_bits = bits(d.y_max as f64) + 1;
    let m = (lo + 32).max(i64::from(y_bits));
    if m > i64::from(F_P) || m - lo > 69 {
        return Err(GlmError::Range(format!(
            "the fitted means reach 2^{m}, or span more than 2^69; the secure exponential \
             holds means and counts below 2^{F_P}"
        )));
    }
    let shift = i64::from(F_P) - m;
    let (mu, out) = p.pow2_window(&u, F_U, (lo, 31), (1.0, shift))?;
    if hi - (lo as f64) > 31.0 {
        // Rows below the window would have their mean taken as 0: refuse instead.
        let out_a = p.b2a_bits(&out)?;
        if d.any_flagged(p, &out_a)? {
            return Err(GlmError::Range(
                "the fitted means span more than 2^31 (a covariate's effect is too strong \
                 for the secure exponential): rescale or group that covariate"
                    .into(),
            ));
        }
    }
    let y = d.y.scale(1u64 << shift);
    let r = y.sub(&mu);
    let width = u_width(theta, kappa);
    let f = F_P - m as u32;
    let terms = if d.pearson {
        Some(super::pearson::poisson_terms(
            p,
            d,
            F_U,
            (&u, (lo, hi)),
            (&mu, f),
        )?)
    } else {
        None
    };
    let mut extra = vec![(&d.mask, 1, &mu, F_P + 1), (&d.y, y_bits, &u, width)];
    let q_bits = (2 * i64::from(y_bits) - lo + i64::from(super::pearson::F_Q) + 2).clamp(1, 62);
    push_pearson(&mut extra, d, cols, terms.as_ref(), q_bits as u32);
    let (score, info, ex) = open(p, d, cols, (&r, F_P + 1), (&mu, F_P + 1), f, &extra)?;
    let sum_mu = ex[0] * 2f64.powi(-(f as i32));
    let sum_yu = ex[1] * 2f64.powi(-(F_U as i32));
    let dev = Some(sum_mu - std::f64::consts::LN_2 * sum_yu);
    let pearson = terms.map(|_| pearson_of(&ex[2..]));
    Ok(PassOut {
        score,
        info,
        dev,
        pearson,
    })
}
