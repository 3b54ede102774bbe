//! The test of proportional hazards of R's `cox.zph` (Grambsch & Therneau 1994, as computed
//! by `survival` 3.x: `cox.zph.R` and its C routine `zph1`), on the shares.
//!
//! For each covariate `j`, add the time-varying term `γ_j g(t) z_j` to the model (`g` the
//! centred transform of time, public: by default R's `"km"`, one minus the left-continuous
//! Kaplan-Meier curve of all rows) and test `γ = 0` by the score test at `(β̂, 0)`:
//!
//! - `U_γj = Σ_terms g_t (z_death − a_1)_j`: a sum over the death times' `z` and over the
//!   terms' weighted means `a_1` (the Schoenfeld residuals), with public weights `g_t`;
//! - the information in blocks `Σ V`, `Σ g V`, `Σ g² V`, `V = a_2 − a_1 a_1ᵀ` each term's
//!   weighted covariance (the same terms as the Cox fit's, `pass`).
//!
//! R sets the score of `β` to 0 (it is, at `β̂`); a term's statistic is `uᵀ I⁻¹ u` over all
//! `β` and that term's `γ`, the global one over all of them.
//!
//! **Reveals** `U_γ`, `Σ g V` and `Σ g² V` at `β̂` (`k + k(k+1)` aggregates over all rows,
//! besides the fit's own `Σ V`); nothing per row.
//!
//! **Precision**: `g` is encoded with `G` fractional bits, as many as keep
//! `deaths · max|z|² · 2^(f+G)` inside the ring (23 for R's `lung` at `f = 24`), and every
//! weighted sum is exact in the ring; the terms themselves carry the fit's fixed-point error.
use super::CoxError;
use super::pass::{Pass, pairs};
use sharestat_mpc::fixed::decode;
use sharestat_mpc::{AShares, Party};

/// The score and the information of the test.
#[derive(Clone, Debug, PartialEq)]
pub struct ZphSums {
    /// `U_γ`, one per covariate.
    pub u: Vec<f64>,
    /// The `2k × 2k` information: `β` first, then `γ`.
    pub imat: Vec<Vec<f64>>,
}

impl ZphSums {
    /// `uᵀ I⁻¹ u` over every `β` and the `γ` of `cols` (R's test of the term made of those
    /// coefficients), with the `β` scores set to 0; `None` when that block is singular.
    pub fn test(&self, cols: &[usize]) -> Option<f64> {
        let k = self.u.len();
        let idx: Vec<usize> = (0..k).chain(cols.iter().map(|c| k + c)).collect();
        let sub: Vec<Vec<f64>> = idx
            .iter()
            .map(|&i| idx.iter().map(|&j| self.imat[i][j]).collect())
            .collect();
        let inv = super::invert(&sub)?;
        let u: Vec<f64> = idx
            .iter()
            .map(|&i| if i < k { 0.0 } else { self.u[i - k] })
            .collect();
        Some(
            (0..u.len())
                .map(|i| (0..u.len()).map(|j| u[i] * inv[i][j] * u[j]).sum::<f64>())
                .sum(),
        )
    }
}

impl Pass<'_> {
    /// The sums of the test at `beta`, `g` one value per death time (in the order of the
    /// groups with deaths), centred and within `[-1, 1]`.
    pub(super) fn zph(&self, p: &mut Party, beta: &[f64], g: &[f64]) -> Result<ZphSums, CoxError> {
        let times = self.death_times();
        if g.len() != times.len() || g.iter().any(|v| v.is_nan() || v.abs() > 1.0) {
            return Err(CoxError::Invalid(format!(
                "cox.zph: {} time weights within [-1, 1] expected, got {}",
                times.len(),
                g.len()
            )));
        }
        let k = self.cov.len();
        let pr = pairs(k);
        let f = self.f();
        let t = self.terms(p, beta, false)?;
        let nt = times.len();
        let block = |x: &AShares, i: usize| x.slice(i * nt..(i + 1) * nt);
        let deaths: usize = times.iter().map(|d| d.1).sum();
        let zmax = self.cov.iter().fold(1f64, |m, c| m.max(c.max_abs()));
        let room = 61.0 - f64::from(f) - (deaths.max(1) as f64 * zmax * zmax).log2();
        let gb = room.floor().clamp(4.0, 30.0) as u32;
        let enc = |x: f64| (x * f64::from(gb).exp2()).round() as i64 as u64;
        let eg: Vec<u64> = g.iter().map(|&v| enc(v)).collect();
        let eg2: Vec<u64> = g.iter().map(|&v| enc(v * v)).collect();
        let mut out: Vec<AShares> = Vec::new();
        for j in 0..k {
            let mut death = AShares::from_parts(vec![0], vec![0]);
            for (ti, &(start, m)) in times.iter().enumerate() {
                death = death.add(&self.z_of(j).slice(start..start + m).sum().scale(eg[ti]));
            }
            let fitted = Pass::weighted_by(&block(&t.a_f, j), &eg);
            out.push(death.sub(&fitted));
        }
        for i in 0..pr.len() {
            let v = block(&t.v, i);
            out.push(v.sum());
            out.push(Pass::weighted_by(&v, &eg));
            out.push(Pass::weighted_by(&v, &eg2));
        }
        let opened = p.reveal(&AShares::concat(&out.iter().collect::<Vec<_>>()))?;
        let u: Vec<f64> = opened[..k].iter().map(|&v| decode(v, f + gb)).collect();
        let mut imat = vec![vec![0.0; 2 * k]; 2 * k];
        for (i, &(a, b)) in pr.iter().enumerate() {
            let at = k + 3 * i;
            let vals = [
                decode(opened[at], f),
                decode(opened[at + 1], f + gb),
                decode(opened[at + 2], f + gb),
            ];
            for (x, y) in [(a, b), (b, a)] {
                imat[x][y] = vals[0];
                imat[x][k + y] = vals[1];
                imat[k + x][y] = vals[1];
                imat[k + x][k + y] = vals[2];
            }
        }
        Ok(ZphSums { u, imat })
    }
}
