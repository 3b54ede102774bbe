//! One secure evaluation of the Cox score, information and log partial likelihood at a
//! public `β` (the inner step of Newton-Raphson; the formulas are those of R's `coxfit6`).
//!
//! With rows sorted by time (deaths first within a time) and `w = Π_b (c0_b + c1_b d_b)`:
//!
//! 1. factors (local), product tree: `⌈log2 F⌉` multiplications with unbiased truncation;
//! 2. `w z_j` and `w z_j z_k` (one multiplication batch; `z_j z_k` made once);
//! 3. per death time `g` (local suffix sums): `S_q` over the risk set, `D_q` over the deaths,
//!    both divided by `2^t_g`, `t_g = ⌊log2 n_risk⌋` (one truncation batch);
//! 4. per term (Efron: `k = 0..m−1`; Breslow: one, weighted `m`): `T_q = m S_q − k D_q`
//!    divided by `2^s`, `s = ⌊log2 m (n_risk − k)⌋ − t`, so that `T_0` is about the mean
//!    weight, well inside the reciprocal's range;
//! 5. `1/T_0` (and `ln T_0` in the last evaluation only), refined by one Newton step at 34
//!    fractional bits (`r + r (1 − T_0 r)`); ratios `a_q = T_q / T_0`, `U -= a_1`,
//!    `I += a_2 − a_1 a_1ᵀ`, `ℓ -= ln den`;
//! 6. open `U`, `I`, `ℓ`.
//!
//! The constant `Π_b exp(−β w_b / 2)` in `w` cancels in every ratio, and in `ℓ` against the
//! same constant in `Σ_deaths β z` (accounted for in the clear).
use super::columns::Columns;
use super::lookup::BitGroups;
use super::{Covariate, CoxError, F, Ties, TimeGroup};
use sharestat_mpc::fixed::{decode, encode};
use sharestat_mpc::{AShares, Party};

/// Fractional bits of the corrected ratios that enter the score (`a_1 = N_1 r` is formed at
/// `f + FH` bits, so `|a_1|`, a weighted mean of a covariate, must stay below `2^(61−f−FH)`:
/// 64 at `f = 22`, 16 at `f = 24`).
pub(super) const FH: u32 = 34;

/// A death time, with its public shifts.
pub(super) struct DeathTime {
    pub start: usize,
    pub deaths: usize,
    /// One past the last row of its stratum.
    pub end: usize,
    /// `⌊log2 n_risk⌋`, at least 1.
    pub t: u32,
}

/// One term of the likelihood (a denominator).
pub(super) struct Term {
    pub group: usize,
    /// Efron's `k`.
    pub k: usize,
    /// Multiplicity (Breslow: the deaths; Efron: 1).
    pub mult: u64,
    /// Second shift `s` (0: none).
    pub s: u32,
    /// An Efron term (`T_0 = (m S_0 − k D_0) / 2^s`).
    pub efron: bool,
}

/// Per-death-time shares at one `β` ([`Pass::terms`]): each block has one element per death
/// time, the sum over its terms (Efron: `k = 0..m−1`; Breslow: one, times `m`).
pub(super) struct Terms {
    /// `Σ a_1` per covariate, at [`FH`] bits.
    pub a_hi: AShares,
    /// `Σ a_1` per covariate, at `f` bits.
    pub a_f: AShares,
    /// `Σ (a_2 − a_1 a_1ᵀ)` per pair `j <= k` (the order of [`pairs`]), at `f` bits.
    pub v: AShares,
    /// `Σ ln` of the terms' denominators, at `f` bits, when asked; the true sum is this
    /// plus [`Terms::ln_offset`] (the public shifts).
    pub ln_den: Option<AShares>,
    /// See [`Terms::ln_den`].
    pub ln_offset: f64,
    /// Whether the weights took the adaptive path.
    pub adaptive: bool,
}

/// The result of one evaluation.
#[derive(Clone, Debug)]
pub(super) struct Eval {
    pub score: Vec<f64>,
    pub info: Vec<Vec<f64>>,
    /// Only when asked for (it costs a logarithm per term).
    pub loglik: Option<f64>,
}

/// Everything about the data that does not change with `β`.
pub(super) struct Pass<'a> {
    pub(super) cov: &'a [Covariate],
    /// Fractional bits of this pass (`F` or more: the covariates' `z` are scaled up).
    pub(super) f: u32,
    /// Efron's ties (else Breslow's).
    pub(super) efron: bool,
    /// Each covariate's `z` at `f` fractional bits.
    z: Vec<AShares>,
    pub(super) times: Vec<DeathTime>,
    pub(super) terms: Vec<Term>,
    /// The columns `z_j`, `z_j z_k` of the per-row products.
    cols: Columns,
    /// The numeric covariates' bits as one-hot patterns of small groups.
    bit_groups: BitGroups,
    /// Per death time, the coefficients of the grouped Efron sums' series
    /// (`grouped::coefficients`; Breslow's are those of one term).
    pub(super) series: Vec<[Vec<f64>; 6]>,
    /// `Σ_deaths z_j`.
    sz: Vec<AShares>,
    deaths: usize,
    /// `ℓ(0)` from the public counts.
    pub null_loglik: f64,
}

fn ilog2(v: usize) -> u32 {
    (usize::BITS - 1 - v.max(1).leading_zeros()).max(1)
}

pub(super) fn zeros(n: usize) -> AShares {
    AShares::from_parts(vec![0; n], vec![0; n])
}

/// Extra fractional bits of the risk-set and death sums of `w` and `w z_j` (beyond the
/// pass's `f`): they are kept as `S / 2^(t − WIDE)`. Dividing by the whole `2^t` would leave
/// `S / 2^t` within `2^-f` of its value, and the score of a death time with `m` deaths is
/// `m` such ratios: the error would grow with `m`.
pub(super) const WIDE: u32 = 10;

/// `x_i / 2^s_i` (exact rounding) for `s_i > 0`, `x_i 2^-s_i` for `s_i <= 0`.
pub(super) fn rescale(p: &mut Party, x: &AShares, s: &[i32]) -> Result<AShares, CoxError> {
    let down: Vec<usize> = (0..s.len()).filter(|&i| s[i] > 0).collect();
    let up: Vec<u64> = s.iter().map(|&v| 1u64 << (-v).max(0)).collect();
    let mut out = x.mul_public(&up);
    if !down.is_empty() {
        let shifts: Vec<u32> = down.iter().map(|&i| s[i] as u32).collect();
        let t = p.trunc_unbiased(&x.gather(&down), &shifts)?;
        let (mut a, mut b) = out.into_parts();
        let (ta, tb) = t.parts();
        for (j, &i) in down.iter().enumerate() {
            a[i] = ta[j];
            b[i] = tb[j];
        }
        out = AShares::from_parts(a, b);
    }
    Ok(out)
}

/// The reciprocal `r ≈ 1/x` (at `f` bits, of `x` rounded to `f` bits) refined by one Newton
/// step against `x` at `f + e_i` bits: `r_hi = r + r (1 − x r)` at [`FH`] bits, and `r_hi`
/// rounded to `f` bits.
pub(super) fn refine(
    p: &mut Party,
    x: &AShares,
    e: &[u32],
    r: &AShares,
    f: u32,
) -> Result<(AShares, AShares), CoxError> {
    let (me, n) = (p.id(), x.len());
    let one: Vec<u64> = e.iter().map(|&b| 1u64 << (2 * f + b)).collect();
    let d = p.mul(x, r)?.neg().add_public(me, &one);
    let shifts: Vec<u32> = e.iter().map(|&b| f + b - 8).collect();
    let e = p.trunc_unbiased(&d, &shifts)?;
    let c = p.mul(r, &e)?;
    let c = p.trunc_unbiased(&c, &vec![2 * f + 8 - FH; n])?;
    let r_hi = r.scale(1 << (FH - f)).add(&c);
    let r_f = p.trunc_unbiased(&r_hi, &vec![FH - f; n])?;
    Ok((r_hi, r_f))
}

/// The pairs `(j, k)`, `j <= k`, in the order of the packed information matrix.
pub(super) fn pairs(p: usize) -> Vec<(usize, usize)> {
    (0..p).flat_map(|j| (j..p).map(move |k| (j, k))).collect()
}

impl<'a> Pass<'a> {
    pub fn new(
        p: &mut Party,
        groups: &[TimeGroup],
        n: usize,
        cov: &'a [Covariate],
        ties: Ties,
        f: u32,
    ) -> Result<Self, CoxError> {
        if !(F..=F + 4).contains(&f) {
            return Err(CoxError::Invalid(format!(
                "fractional bits {f} not in {F}..={}",
                F + 4
            )));
        }
        let z: Vec<AShares> = cov.iter().map(|c| c.z.scale(1 << (f - F))).collect();
        let times: Vec<DeathTime> = groups
            .iter()
            .filter(|g| g.deaths > 0)
            .map(|g| DeathTime {
                start: g.start,
                deaths: g.deaths,
                end: g.end.min(n),
                t: ilog2(g.end.min(n) - g.start),
            })
            .collect();
        let mut terms = Vec::new();
        let mut null_loglik = 0.0;
        for (gi, g) in times.iter().enumerate() {
            let at_risk = (g.end - g.start) as f64;
            match ties {
                Ties::Breslow => {
                    terms.push(Term {
                        group: gi,
                        k: 0,
                        mult: g.deaths as u64,
                        s: 0,
                        efron: false,
                    });
                    null_loglik -= g.deaths as f64 * at_risk.ln();
                }
                Ties::Efron => {
                    for k in 0..g.deaths {
                        terms.push(Term {
                            group: gi,
                            k,
                            mult: 1,
                            // T_0 ≈ m (n_risk − k) ĝ / 2^(t+s): scaled to about the mean weight.
                            s: (ilog2(g.deaths * (g.end - g.start - k)) as i64 - i64::from(g.t))
                                .max(1) as u32,
                            efron: true,
                        });
                        null_loglik -= (at_risk - k as f64).ln();
                    }
                }
            }
        }
        let cols = Columns::new(p, cov, &z, f)?;
        let bit_groups = BitGroups::new(p, cov)?;
        let efron = ties == Ties::Efron;
        let series = times
            .iter()
            .map(|t| super::grouped::coefficients(if efron { t.deaths } else { 1 }))
            .collect();
        let sz = z
            .iter()
            .map(|c| {
                let mut s = zeros(1);
                for g in &times {
                    s = s.add(&c.slice(g.start..g.start + g.deaths).sum());
                }
                s
            })
            .collect();
        let deaths = times.iter().map(|g| g.deaths).sum();
        Ok(Pass {
            cov,
            f,
            efron,
            z,
            times,
            terms,
            cols,
            bit_groups,
            series,
            sz,
            deaths,
            null_loglik,
        })
    }

    /// The largest weight exponent `A` the steps after the weights allow: with `Z` the
    /// largest `|z|`, products of two values need `e^A Z² < 2^(62−2F)`, the reciprocal
    /// `4 e^A < 2^(61−2F)`, the sums over `n` rows `n e^A Z² 2^F < 2^62` (one bit of margin
    /// each).
    fn allowed_exponent(&self, n: usize) -> f64 {
        let zmax = self.cov.iter().fold(1f64, |m, c| m.max(c.max_abs()));
        let z2 = (zmax * zmax).log2();
        let f = self.f;
        let bits = f64::from(59 - 2 * f)
            .min(f64::from(61 - 2 * f) - z2)
            .min(f64::from(61 - f) - z2 - (n.max(1) as f64).log2());
        bits * std::f64::consts::LN_2
    }

    /// Whether the weights at `beta` need the adaptive path: their worst case over the
    /// covariates' ranges, `A = Σ |β_j| bound_j / 2`, is beyond [`Self::allowed_exponent`].
    fn needs_adaptive(&self, beta: &[f64], n: usize) -> bool {
        let a: f64 = beta
            .iter()
            .zip(self.cov)
            .map(|(b, c)| b.abs() * c.bound() / 2.0)
            .sum();
        a > self.allowed_exponent(n)
    }

    /// The adaptive weights (issue 14): `w_i = exp(β z_i)` from the linear predictor by one
    /// `Party::pow2_window`, whose own bit decomposition checks that every `β z_i` lies in
    /// the window `[(h − 32) ln 2, h ln 2)`, `h = ⌊A log2 e⌋` for the [`Self::allowed_exponent`] `A`.
    /// The check opens one bit: that the largest relative risk at this public `β` is below
    /// `e^A` and the smallest above `2^-32` of it (`U`, `I` and `ℓ`, opened at every
    /// iterate, say far more). The worst case over every covariate's range refuses models
    /// that R fits (a Karnofsky score with a treatment and a cell type; the Mayo model's
    /// logarithms): the extremes of several covariates rarely meet in one patient. Refused
    /// only when the check fails.
    fn adaptive_weights(&self, p: &mut Party, beta: &[f64]) -> Result<AShares, CoxError> {
        use std::f64::consts::LOG2_E;
        let n = self.cov[0].z.len();
        let a = self.allowed_exponent(n);
        // y = β·z log2(e) with 28 fractional bits: Σ_j M_j z_j / 2^t, z_j at F bits.
        let worst: f64 = beta
            .iter()
            .zip(self.cov)
            .map(|(b, c)| b.abs() * c.bound() * LOG2_E)
            .sum::<f64>()
            .max(1.0);
        let t = ((61.0 - worst.log2() - 28.0).floor() as i32 - 1).clamp(1, 40) as u32;
        let mut acc = zeros(n);
        for (c, &b) in self.z.iter().zip(beta) {
            let m = (b * LOG2_E * f64::from(28 - self.f + t).exp2()).round() as i64;
            acc = acc.add(&c.scale(m as u64));
        }
        let y = p.trunc(&acc, t)?;
        // The window of pow2: 32 powers of two below 2^(A log2 e), checked on pow2's own bit
        // decomposition.
        let hi = (a * LOG2_E).floor() as i64;
        let (w, out) = p.pow2_window(&y, 28, (hi - 32, 31), (1.0, i64::from(self.f)))?;
        if !p.none_set(&out)? {
            let worst = (0..beta.len())
                .max_by(|&i, &j| {
                    (beta[i].abs() * self.cov[i].bound())
                        .total_cmp(&(beta[j].abs() * self.cov[j].bound()))
                })
                .unwrap_or(0);
            return Err(CoxError::Range {
                covariate: worst,
                coef: beta.get(worst).copied().unwrap_or(0.0),
            });
        }
        Ok(w)
    }

    /// `w = exp(β z − const)` for every row.
    fn weights(&self, p: &mut Party, beta: &[f64]) -> Result<AShares, CoxError> {
        let me = p.id();
        // The indicators of one family (never two on a row) make one factor, affine in them:
        // Π_j (lo_j + (hi_j − lo_j) d_j) = L + Σ_j d_j L (e^(a_j) − 1), L = Π_j lo_j.
        let mut families: Vec<(usize, Vec<(&AShares, f64)>)> = Vec::new();
        let mut fs = self.bit_groups.factors(self.cov, beta, self.f);
        for (j, (c, &b)) in self.cov.iter().zip(beta).enumerate() {
            if self.bit_groups.covers(j) {
                continue;
            }
            if let (Some(d), Some(fam)) = (c.indicator(), c.family) {
                match families.iter_mut().find(|(f, _)| *f == fam) {
                    Some((_, members)) => members.push((d, b)),
                    None => families.push((fam, vec![(d, b)])),
                }
                continue;
            }
            for (d, &w) in c.bits.iter().zip(&c.weights) {
                let a = b * w;
                let (lo, hi) = ((-a / 2.0).exp(), (a / 2.0).exp());
                fs.push(
                    d.scale(encode(hi - lo, self.f))
                        .add_const(me, encode(lo, self.f)),
                );
            }
        }
        for (_, members) in &families {
            let l: f64 = members.iter().map(|(_, a)| (-a / 2.0).exp()).product();
            let mut factor = members[0].0.scale(0).add_const(me, encode(l, self.f));
            for (d, a) in members {
                factor = factor.add(&d.scale(encode(l * (a.exp() - 1.0), self.f)));
            }
            fs.push(factor);
        }
        while fs.len() > 1 {
            let n = fs[0].len();
            let half = fs.len() / 2;
            let left: Vec<&AShares> = fs.iter().step_by(2).take(half).collect();
            let right: Vec<&AShares> = fs.iter().skip(1).step_by(2).take(half).collect();
            let prod = p.mul(&AShares::concat(&left), &AShares::concat(&right))?;
            let prod = p.trunc_unbiased(&prod, &vec![self.f; prod.len()])?;
            let mut next: Vec<AShares> =
                (0..half).map(|i| prod.slice(i * n..(i + 1) * n)).collect();
            if fs.len() % 2 == 1 {
                next.push(fs.pop().expect("odd factor"));
            }
            fs = next;
        }
        Ok(fs.pop().expect("at least one covariate"))
    }

    /// `U`, `I` and `ℓ` at `beta` (see the module doc).
    pub fn eval(&self, p: &mut Party, beta: &[f64], with_ln: bool) -> Result<Eval, CoxError> {
        let k = self.cov.len();
        let pr = pairs(k);
        let f = self.f;
        let t = self.terms(p, beta, with_ln)?;
        let g = self.times.len();
        let block = |x: &AShares, i: usize| x.slice(i * g..(i + 1) * g);
        let mut out: Vec<AShares> = Vec::new();
        for j in 0..k {
            let sum = block(&t.a_hi, j).sum();
            out.push(self.sz[j].scale(1 << (FH - f)).sub(&sum));
        }
        for i in 0..pr.len() {
            out.push(block(&t.v, i).sum());
        }
        if let Some(ln_den) = &t.ln_den {
            out.push(self.loglik_shares(p, beta, ln_den)?);
        }
        let opened = p.reveal(&AShares::concat(&out.iter().collect::<Vec<_>>()))?;
        let score: Vec<f64> = opened[..k].iter().map(|&v| decode(v, FH)).collect();
        let mut info = vec![vec![0.0; k]; k];
        for (i, &(j, kk)) in pr.iter().enumerate() {
            let v = decode(opened[k + i], f);
            info[j][kk] = v;
            info[kk][j] = v;
        }
        let loglik = t
            .ln_den
            .as_ref()
            .map(|_| self.loglik_public(beta, opened[k + pr.len()], &t));
        Ok(Eval {
            score,
            info,
            loglik,
        })
    }

    /// Each term's weighted means `a_1` (at [`FH`] and at `f` bits) and weighted covariance
    /// `a_2 − a_1 a_1ᵀ` (at `f` bits), and `ln` of its denominator when asked, at `beta`.
    pub(super) fn terms(
        &self,
        p: &mut Party,
        beta: &[f64],
        with_ln: bool,
    ) -> Result<Terms, CoxError> {
        let n = self.cov[0].z.len();
        let adaptive = self.needs_adaptive(beta, n);
        let w = if adaptive {
            self.adaptive_weights(p, beta)?
        } else {
            self.weights(p, beta)?
        };
        // V = [w, w z_1.., w z_j z_k..], the distinct columns only.
        let f = self.f;
        let dist = self.cols.distinct();
        let vs: Vec<AShares> = std::iter::once(w.clone())
            .chain(self.cols.products(p, &w, f)?)
            .collect();
        let q = vs.len();
        // Risk-set and death sums per death time, divided by 2^t.
        let mut sums = Vec::with_capacity(q);
        for v in &vs {
            let (a, b) = v.parts();
            let suffix = |x: &[u64]| {
                let mut s = vec![0u64; n + 1];
                for i in (0..n).rev() {
                    s[i] = s[i + 1].wrapping_add(x[i]);
                }
                s
            };
            let (sa, sb) = (suffix(a), suffix(b));
            let pick = |s: &[u64], death: bool| -> Vec<u64> {
                self.times
                    .iter()
                    .map(|t| {
                        if death {
                            s[t.start].wrapping_sub(s[t.start + t.deaths])
                        } else {
                            s[t.start].wrapping_sub(s[t.end])
                        }
                    })
                    .collect()
            };
            sums.push(AShares::from_parts(pick(&sa, false), pick(&sb, false)));
            sums.push(AShares::from_parts(pick(&sa, true), pick(&sb, true)));
        }
        // Those of `w` and `w z_j` keep `wide_bits` more bits (the score's precision).
        let k = self.cov.len();
        let shifts: Vec<i32> = (0..2 * q)
            .flat_map(|c| {
                let wide = if c < 2 * (k + 1) { WIDE as i32 } else { 0 };
                self.times.iter().map(move |t| t.t as i32 - wide)
            })
            .collect();
        let sums = rescale(
            p,
            &AShares::concat(&sums.iter().collect::<Vec<_>>()),
            &shifts,
        )?;
        match self.grouped(p, &sums, &dist, with_ln, adaptive)? {
            Some(t) => Ok(t),
            None => self.per_term(p, &sums, &dist, with_ln, adaptive),
        }
    }

    /// Fractional bits of this pass.
    pub(super) fn f(&self) -> u32 {
        self.f
    }

    /// Covariate `j`'s `z` at this pass's bits.
    pub(super) fn z_of(&self, j: usize) -> &AShares {
        &self.z[j]
    }

    /// `(first row, deaths)` of each death time.
    pub(super) fn death_times(&self) -> Vec<(usize, usize)> {
        self.times.iter().map(|t| (t.start, t.deaths)).collect()
    }

    /// `Σ_g w_g x_g` over the death times, for public integer weights (local).
    pub(super) fn weighted_by(x: &AShares, w: &[u64]) -> AShares {
        let (a, b) = x.parts();
        let dot = |v: &[u64]| {
            v.iter()
                .zip(w)
                .fold(0u64, |s, (x, w)| s.wrapping_add(x.wrapping_mul(*w)))
        };
        AShares::from_parts(vec![dot(a)], vec![dot(b)])
    }

    /// The shared part of `ℓ`: `Σ_j β_j Σ_deaths z_j − Σ ln T_0` (`β` public, at as many bits
    /// as the range allows).
    fn loglik_shares(
        &self,
        p: &mut Party,
        beta: &[f64],
        ln_den: &AShares,
    ) -> Result<AShares, CoxError> {
        let mut bz = zeros(1);
        for (j, &b) in beta.iter().enumerate() {
            if b == 0.0 {
                continue;
            }
            let bound = (self.deaths.max(1) as f64)
                * self.cov[j].bound().max(1.0)
                * 2f64.powi(self.f as i32);
            let fb = (61.0 - (bound * b.abs().max(1e-9)).log2())
                .floor()
                .clamp(1.0, 40.0) as u32;
            let t = p.trunc_unbiased(&self.sz[j].scale(encode(b, fb)), &[fb])?;
            bz = bz.add(&t);
        }
        Ok(bz.sub(&ln_den.sum()))
    }

    /// `ℓ` from its opened shared part: minus the weights' constant, minus the shifts of each
    /// denominator (`den = T_0 2^(t+s) / m` for Efron, `T_0 2^t` for Breslow).
    fn loglik_public(&self, beta: &[f64], opened: u64, t: &Terms) -> f64 {
        // The factors' weights carry exp(−Σ β w_b / 2); the adaptive ones none.
        let shift_const: f64 = if t.adaptive {
            0.0
        } else {
            beta.iter()
                .zip(self.cov)
                .map(|(b, c)| b * c.weights.iter().sum::<f64>() / 2.0)
                .sum()
        };
        decode(opened, self.f) - self.deaths as f64 * shift_const - t.ln_offset
    }
}
