//! The Poisson model's sums that do not depend on the coefficients, made once per fit: R's
//! first iterate (from the starting means `y + 0.1`), the deviance's `Σ y ln y` and the
//! AIC's `Σ ln Γ(y + 1)`.
//!
//! One batch of logarithms (`Party::ln` at 26 bits, error `2^-22` each) of `y + 0.1`,
//! `max(y, 1)` (through one equality test `y = 0`) and `y + 1, ..., y + 7`, and one
//! reciprocal `r = 1/(y + 7)` (`Party::ratio`). Then `ln Γ(y + 1) = ln Γ(y + 7) − Σ_{j=1}^{6}
//! ln(y + j)` with Stirling's series at `z = y + 7 >= 7`,
//! `(z − ½) ln z − z + ½ ln 2π + r/12 − r³/360 + r⁵/1260` (its error below `1/(1680 z⁷)`,
//! 7e-10). The response must be integer counts below `2^20` (the caller checks the bounds).
use super::GlmError;
use super::design::{Design, F_X, bits};
use super::sums::{Split, dot_all, split_all, values};
use sharestat_mpc::fixed::encode;
use sharestat_mpc::{AShares, Party};

/// Fractional bits of the logarithms.
const F_LN: u32 = 26;
/// Fractional bits of the per-row `ln Γ(y + 1)`.
const F_G: u32 = 28;

/// The opened constants of a Poisson fit.
#[derive(Clone, Debug, PartialEq)]
pub struct Constants {
    /// `Σ y ln y` over the rows used.
    pub sum_ylny: f64,
    /// `Σ ln Γ(y + 1)`.
    pub sum_lgamma: f64,
    /// `Σ y`.
    pub sum_y: f64,
    /// Per design column `j`, `Σ x'_j (y + 0.1) ln(y + 0.1)` (R's first iterate).
    pub start: Vec<f64>,
}

impl Constants {
    /// Computes and opens the constants on the design's rows (see the module doc).
    pub fn new(p: &mut Party, d: &Design) -> Result<Constants, GlmError> {
        let me = p.id();
        if d.y_max >= 1 << 20 {
            return Err(GlmError::Range(
                "Poisson counts must be below 2^20 (1 048 576)".into(),
            ));
        }
        let y = &d.y;
        let n = y.len();
        let ybits = bits(d.y_max as f64) + 1;
        let zero = AShares::from_parts(vec![0; n], vec![0; n]);
        let is_zero = p.eq(y, &zero, ybits)?;
        let z_a = p.b2a_bits(&is_zero)?;
        let one = 1u64 << F_LN;
        let mut batch = vec![
            y.scale(one).add_const(me, encode(0.1, F_LN)),
            y.add(&z_a).scale(one),
        ];
        for j in 1..=7u64 {
            batch.push(y.add_const(me, j).scale(one));
        }
        let ln = p.ln(&AShares::concat(&batch.iter().collect::<Vec<_>>()), F_LN)?;
        let part = |i: usize| ln.slice(i * n..(i + 1) * n);
        let (ln_a, ln_b, ln_z) = (part(0), part(1), part(8));
        let z = y.add_const(me, 7);
        let ones = zero.add_const(me, 1);
        let r = p.ratio(&ones, &z, bits(d.y_max as f64 + 7.0), F_G)?;
        // y ln(y + 0.1), y ln max(y, 1), z ln z, r².
        let prods = p.mul_many(&[(y, &ln_a), (y, &ln_b), (&z, &ln_z), (&r, &r)])?;
        let r2 = p.trunc(&prods[3], F_G)?;
        let r3 = p.fx_mul(&r2, &r, F_G)?;
        let r5 = p.fx_mul(&r3, &r2, F_G)?;
        // g = (y + 0.1) ln(y + 0.1) at F_LN bits.
        let tenth = p.trunc(&ln_a.scale(encode(0.1, 20)), 20)?;
        let g = prods[0].add(&tenth);
        // ln Γ(y + 1) at F_G bits.
        let series = r
            .scale(encode(1.0 / 12.0, F_G))
            .sub(&r3.scale(encode(1.0 / 360.0, F_G)))
            .add(&r5.scale(encode(1.0 / 1260.0, F_G)));
        let series = p.trunc(&series, F_G)?;
        let up = 1u64 << (F_G - F_LN);
        let mut lg = prods[2]
            .scale(up)
            .sub(&ln_z.scale(up / 2))
            .sub(&z.scale(1 << F_G))
            .add_const(me, encode(0.5 * (2.0 * std::f64::consts::PI).ln(), F_G))
            .add(&series);
        for j in 2..8 {
            lg = lg.sub(&part(j).scale(up));
        }
        let gbits = bits(d.y_max as f64 * (d.y_max as f64 + 1.0).ln() + 1.0) + F_LN + 1;
        let lgbits = bits((d.y_max as f64 + 8.0) * (d.y_max as f64 + 8.0).ln() + 8.0) + F_G + 1;
        let splits = split_all(
            p,
            &[
                (&g, gbits, F_X + 1),
                (&lg, lgbits, 1),
                (&prods[1], gbits, 1),
            ],
            d.l,
        )?;
        let mut jobs: Vec<(&AShares, &Split)> = d.x.iter().map(|x| (x, &splits[0])).collect();
        jobs.extend([(&d.mask, &splits[1]), (&d.mask, &splits[2])]);
        let shares = dot_all(p, &jobs)?;
        let opened = p.reveal(&shares)?;
        let sums = values(&jobs, &opened);
        let k = d.x.len();
        let start = sums[..k]
            .iter()
            .map(|v| v * 2f64.powi(-((F_X + F_LN) as i32)))
            .collect();
        Ok(Constants {
            start,
            sum_lgamma: sums[k] * 2f64.powi(-(F_G as i32)),
            sum_ylny: sums[k + 1] * 2f64.powi(-(F_LN as i32)),
            // `Σ y` over the rows used is the design's `Gy[0][0]`, already open.
            sum_y: d.gy[0][0],
        })
    }

    /// The deviance from a pass's `Σ μ − Σ y η`: `2 (Σ y ln y − Σ y + Σ μ − Σ y η)`.
    pub fn deviance(&self, var: f64) -> f64 {
        2.0 * (self.sum_ylny - self.sum_y + var)
    }

    /// `−2 ℓ = 2 (Σ μ − Σ y η + Σ ln Γ(y + 1))`.
    pub fn minus_2_loglik(&self, var: f64) -> f64 {
        2.0 * (var + self.sum_lgamma)
    }
}
