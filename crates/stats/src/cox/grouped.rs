//! The Efron sums of a death time in one go, instead of one reciprocal and `O(p²)` products
//! per death (issue 14: with ties, a Cox model at 10^6 rows has a term per death).
//!
//! At a death time with `m` deaths, risk-set sums `S_q` and death sums `D_q` (`q` the columns
//! `w`, `w z_j`, `w z_j z_k`), Efron's term `k = 0..m−1` has the ratios
//! `a_q(k) = (m S_q − k D_q) / (m S_0 − k D_0)`. With `ψ = D_0 / S_0` (the share of the risk
//! set's relative risk that dies), `x_k = k ψ / m`, `μ_q = S_q / S_0`, `ν_q = D_q / S_0`:
//! `a_q(k) = (μ_q − (k/m) ν_q) / (1 − x_k)`. Expanding `1/(1 − x) = Σ x^j`,
//! `1/(1 − x)² = Σ (j+1) x^j` and `−ln(1 − x) = Σ x^j / j`, with the public
//! `c_j = Σ_k (k/m)^j`:
//!
//! - `Σ_k a_q(k) = m (e0 μ_q − e1 ν_q)`, `e0 = Σ_j (c_j/m) ψ^j`, `e1 = Σ_j (c_{j+1}/m) ψ^j`;
//! - `Σ_k a_1(k) a_1(k)ᵀ = m (q0 μμᵀ − q1 (μνᵀ + νμᵀ) + q2 ννᵀ)`,
//!   `q_i = Σ_j (j+1) (c_{j+i}/m) ψ^j`;
//! - `Σ_k ln(S_0 − (k/m) D_0) = m (ln S_0 − λ)`, `λ = Σ_{j≥1} (c_j / (j m)) ψ^j`.
//!
//! Every coefficient lies in `[0, 1]` (`c_j <= m/(j+1)`, a left Riemann sum), so when
//! `ψ <= 1/2` the series' tails after [`J`] powers are below `2^-34`. Cost per death time:
//! one reciprocal (of `S_0`), [`J`] powers of `ψ` (six rounds of products) and `O(p²)`
//! products; nothing per death. Breslow's ties are the case `e0 = q0 = 1`, `e1 = q1 = q2 =
//! λ = 0` (one term, `m` times), as are Efron's times with one death.
//!
//! **Precision**: `μ`, `ν`, `ψ` at [`FH`] bits from the refined reciprocal; the series'
//! powers at [`FH`] bits (two-limb products, [`mul_fh`]), the coefficients in two parts (at
//! [`CB`] and [`CL`] bits, summed in two accumulators), so each series is within a few
//! `2^-34` of its value; `e0 μ` and `e1 ν` by two-limb products at [`FH`] bits; the
//! information at `f` bits, as in the per-term path.
//!
//! **Reveals** one bit per evaluation when some death time has two deaths or more: whether
//! at every such time at most half of the risk set's relative risk dies (`ψ <= 1/2`). If not,
//! the evaluation takes the per-term path (`per_term`), which holds any `ψ`.
use super::CoxError;
use super::columns::Slot;
use super::pass::{FH, Pass, Terms, WIDE, pairs, refine, zeros};
use sharestat_mpc::fixed::encode;
use sharestat_mpc::{AShares, Party};

/// Powers of `ψ` in the series: with `ψ <= 1/2` and coefficients in `[0, 1]` the tail is
/// below `2^-J`.
const J: usize = 34;

/// Fractional bits of the series' coefficients `C_j` (high part; `C_j ψ^j` summed over
/// `j >= 1` stays below 1, so below `2^(CB + FH)` in words).
const CB: u32 = 27;

/// Fractional bits of the low part of the coefficients, `C_j − C_hi` (below `2^-CB`).
const CL: u32 = 2 * CB;

/// Fractional bits of the high limb in [`mul_fh`].
const LIMB: u32 = 22;

/// The public coefficients of the six series for a death time with `m` terms, `j = 0..=J`:
/// `e0, e1, q0, q1, q2, λ` (made once per pass: they do not depend on `β`).
pub(super) fn coefficients(m: usize) -> [Vec<f64>; 6] {
    // c[j] = Σ_k (k/m)^j / m, j = 0..=J+2.
    let mut c = vec![0.0; J + 3];
    for k in 0..m {
        let x = k as f64 / m as f64;
        let mut pw = 1.0;
        for cj in c.iter_mut() {
            *cj += pw;
            pw *= x;
        }
    }
    c.iter_mut().for_each(|v| *v /= m as f64);
    let q = |i: usize| (0..=J).map(|j| (j + 1) as f64 * c[j + i]).collect();
    [
        c[..=J].to_vec(),
        c[1..=J + 1].to_vec(),
        q(0),
        q(1),
        q(2),
        (0..=J)
            .map(|j| if j == 0 { 0.0 } else { c[j] / j as f64 })
            .collect(),
    ]
}

/// `x y` at [`FH`] bits for `x`, `y` at [`FH`] bits and `|x| <= 1`: `x` in two limbs (its
/// [`LIMB`] high bits and the rest), so that neither product leaves the ring.
fn mul_fh(p: &mut Party, pairs: &[(&AShares, &AShares)]) -> Result<Vec<AShares>, CoxError> {
    let xs: Vec<&AShares> = pairs.iter().map(|t| t.0).collect();
    let x = AShares::concat(&xs);
    let n = x.len();
    let hi = p.trunc_unbiased(&x, &vec![FH - LIMB; n])?;
    let lo = x.sub(&hi.scale(1 << (FH - LIMB)));
    let ys: Vec<&AShares> = pairs.iter().map(|t| t.1).collect();
    let y = AShares::concat(&ys);
    let prod = p.mul(&AShares::concat(&[&hi, &lo]), &AShares::concat(&[&y, &y]))?;
    let shifts: Vec<u32> = [vec![LIMB; n], vec![FH; n]].concat();
    let t = p.trunc_unbiased(&prod, &shifts)?;
    let sum = t.slice(0..n).add(&t.slice(n..2 * n));
    let mut at = 0;
    Ok(pairs
        .iter()
        .map(|(a, _)| {
            let s = sum.slice(at..at + a.len());
            at += a.len();
            s
        })
        .collect())
}

impl Pass<'_> {
    /// The per-death-time sums of [`Terms`] by the series (see the module doc), from the
    /// risk-set and death sums `sums` (per distinct column: `S / 2^t`, then `D / 2^t`);
    /// `None` when some death time has `ψ > 1/2` (then the per-term path is needed).
    pub(super) fn grouped(
        &self,
        p: &mut Party,
        sums: &AShares,
        dist: &[Slot],
        with_ln: bool,
        adaptive: bool,
    ) -> Result<Option<Terms>, CoxError> {
        let me = p.id();
        let (k, f, g) = (self.cov.len(), self.f, self.times.len());
        let pr = pairs(k);
        let q = sums.len() / (2 * g);
        let s_of = |qi: usize| sums.slice(2 * qi * g..(2 * qi + 1) * g);
        let d_of = |qi: usize| sums.slice((2 * qi + 1) * g..(2 * qi + 2) * g);
        let ms: Vec<u64> = self.times.iter().map(|t| t.deaths as u64).collect();
        // 1. The sums of w and w z_j (at f + e bits) in two limbs: at f bits, and the rest.
        let e = vec![WIDE; g];
        let mut wide = vec![s_of(0), d_of(0)];
        wide.extend((1..=k).map(s_of));
        wide.extend((1..=k).map(d_of));
        let wide = AShares::concat(&wide.iter().collect::<Vec<_>>());
        let nw = 2 + 2 * k;
        let ew: Vec<u32> = (0..nw).flat_map(|_| e.iter().copied()).collect();
        let hi = p.trunc_unbiased(&wide, &ew)?;
        let scaled: Vec<u64> = ew.iter().map(|&b| 1u64 << b).collect();
        let lo = wide.sub(&hi.mul_public(&scaled));
        // 2. 1/S_0 (and ln S_0), refined to FH bits against S_0 at f + e bits.
        let s0 = hi.slice(0..g);
        let (r, ln_s) = if with_ln {
            let (r, l) = p.recip_ln(&s0, f)?;
            (r, Some(l))
        } else {
            (p.reciprocal_rough(&s0, f)?, None)
        };
        let (r_hi, r_f) = refine(p, &wide.slice(0..g), &e, &r, f)?;
        // 3. ψ, μ and ν of the covariates (FH bits; both limbs), the pair columns' (f bits).
        let own = q - 1 - k;
        let mut left = vec![hi.slice(g..nw * g), lo.slice(g..nw * g)];
        left.extend((k + 1..q).map(s_of));
        left.extend((k + 1..q).map(d_of));
        let right: Vec<&AShares> = std::iter::repeat_n(&r_hi, 2 * (nw - 1))
            .chain(std::iter::repeat_n(&r_f, 2 * own))
            .collect();
        let prod = p.mul(
            &AShares::concat(&left.iter().collect::<Vec<_>>()),
            &AShares::concat(&right),
        )?;
        let nr = (nw - 1) * g;
        let shifts: Vec<u32> = std::iter::repeat_n(f, nr)
            .chain(ew[g..].iter().map(|&b| f + b))
            .chain(std::iter::repeat_n(f, 2 * own * g))
            .collect();
        let t = p.trunc_unbiased(&prod, &shifts)?;
        let ratios = AShares::concat(&[
            &t.slice(0..nr).add(&t.slice(nr..2 * nr)),
            &t.slice(2 * nr..t.len()),
        ]);
        let blk = |i: usize| ratios.slice(i * g..(i + 1) * g);
        let psi = blk(0);
        let mu: Vec<AShares> = (0..k).map(|j| blk(1 + j)).collect();
        let nu: Vec<AShares> = (0..k).map(|j| blk(1 + k + j)).collect();
        let m2: Vec<AShares> = (0..own).map(|i| blk(1 + 2 * k + i)).collect();
        let n2: Vec<AShares> = (0..own).map(|i| blk(1 + 2 * k + own + i)).collect();
        // 3. The series, at FH bits.
        let coef = &self.series;
        let series_needed = self.efron && self.times.iter().any(|t| t.deaths > 1);
        // Per series: Σ_j C_hi ψ^j at CB + FH bits, Σ_j (C_j − C_hi) ψ^j at CL + FH bits.
        let mut acc: Vec<AShares> = (0..12).map(|_| zeros(g)).collect();
        if series_needed {
            if !self.psi_at_most_half(p, &psi)? {
                return Ok(None);
            }
            let powers = powers(p, &psi)?;
            for s in 0..6 {
                for (j, pw) in powers.iter().enumerate().skip(1) {
                    let (hi, lo): (Vec<u64>, Vec<u64>) = coef
                        .iter()
                        .map(|c| {
                            let hi = encode(c[s][j], CB);
                            let rest = c[s][j] - hi as f64 / f64::from(CB).exp2();
                            (hi, encode(rest, CL))
                        })
                        .unzip();
                    acc[2 * s] = acc[2 * s].add(&pw.mul_public(&hi));
                    acc[2 * s + 1] = acc[2 * s + 1].add(&pw.mul_public(&lo));
                }
            }
        }
        let shifts: Vec<u32> = (0..12)
            .flat_map(|i| std::iter::repeat_n(if i % 2 == 0 { CB } else { CL }, g))
            .collect();
        let acc = p.trunc_unbiased(&AShares::concat(&acc.iter().collect::<Vec<_>>()), &shifts)?;
        let ser: Vec<AShares> = (0..6)
            .map(|s| {
                let c0: Vec<u64> = coef.iter().map(|c| encode(c[s][0], FH)).collect();
                acc.slice(2 * s * g..(2 * s + 1) * g)
                    .add(&acc.slice((2 * s + 1) * g..(2 * s + 2) * g))
                    .add_public(me, &c0)
            })
            .collect();
        // 4. Σ a_1 = m (μ + (e0 − 1) μ − e1 ν), at FH bits.
        let e0r = ser[0].add_const(me, (1u64 << FH).wrapping_neg());
        let mut prs: Vec<(&AShares, &AShares)> = Vec::new();
        for j in 0..k {
            prs.push((&e0r, &mu[j]));
            prs.push((&ser[1], &nu[j]));
        }
        let pv = mul_fh(p, &prs)?;
        let a1: Vec<AShares> = (0..k)
            .map(|j| mu[j].add(&pv[2 * j]).sub(&pv[2 * j + 1]).mul_public(&ms))
            .collect();
        let a_hi = AShares::concat(&a1.iter().collect::<Vec<_>>());
        // 5. To f bits: Σ a_1, μ, ν, the series.
        let sers = AShares::concat(&ser.iter().collect::<Vec<_>>());
        let mus = AShares::concat(&mu.iter().chain(&nu).collect::<Vec<_>>());
        let low = p.trunc_unbiased(
            &AShares::concat(&[&a_hi, &mus, &sers]),
            &vec![FH - f; (3 * k + 6) * g],
        )?;
        let lb = |i: usize| low.slice(i * g..(i + 1) * g);
        let a_f = low.slice(0..k * g);
        let (muf, nuf): (Vec<AShares>, Vec<AShares>) = (
            (0..k).map(|j| lb(k + j)).collect(),
            (0..k).map(|j| lb(2 * k + j)).collect(),
        );
        let sf = |s: usize| lb(3 * k + s);
        let (e0, e1, q0, q1, q2, lam) = (sf(0), sf(1), sf(2), sf(3), sf(4), sf(5));
        // 6. Σ a_2 of the pair columns of their own, and α = q0 μ − q1 ν, β = q2 ν − q1 μ.
        let mut l: Vec<&AShares> = Vec::new();
        let mut r: Vec<&AShares> = Vec::new();
        for i in 0..own {
            l.extend([&e0, &e1]);
            r.extend([&m2[i], &n2[i]]);
        }
        for j in 0..k {
            l.extend([&q0, &q1, &q2, &q1]);
            r.extend([&muf[j], &nuf[j], &nuf[j], &muf[j]]);
        }
        let prod = p.mul(&AShares::concat(&l), &AShares::concat(&r))?;
        let pb = |i: usize| prod.slice(i * g..(i + 1) * g);
        let mut comb: Vec<AShares> = (0..own).map(|i| pb(2 * i).sub(&pb(2 * i + 1))).collect();
        for j in 0..k {
            let at = 2 * own + 4 * j;
            comb.push(pb(at).sub(&pb(at + 1)));
            comb.push(pb(at + 2).sub(&pb(at + 3)));
        }
        let comb = p.trunc_unbiased(
            &AShares::concat(&comb.iter().collect::<Vec<_>>()),
            &vec![f; (own + 2 * k) * g],
        )?;
        let cb = |i: usize| comb.slice(i * g..(i + 1) * g);
        let (alpha, beta): (Vec<AShares>, Vec<AShares>) = (
            (0..k).map(|j| cb(own + 2 * j)).collect(),
            (0..k).map(|j| cb(own + 2 * j + 1)).collect(),
        );
        // 7. Σ a_1 a_1ᵀ / m = μ_k α_j + ν_k β_j per pair.
        let mut l: Vec<&AShares> = Vec::new();
        let mut r: Vec<&AShares> = Vec::new();
        for &(j, kk) in &pr {
            l.extend([&muf[kk], &nuf[kk]]);
            r.extend([&alpha[j], &beta[j]]);
        }
        let prod = p.mul(&AShares::concat(&l), &AShares::concat(&r))?;
        let outer: Vec<AShares> = (0..pr.len())
            .map(|i| {
                prod.slice(2 * i * g..(2 * i + 1) * g)
                    .add(&prod.slice((2 * i + 1) * g..(2 * i + 2) * g))
            })
            .collect();
        let outer = p.trunc_unbiased(
            &AShares::concat(&outer.iter().collect::<Vec<_>>()),
            &vec![f; pr.len() * g],
        )?;
        let v: Vec<AShares> = (0..pr.len())
            .map(|i| {
                let a2 = match dist[k + i] {
                    Slot::Own(d) if d < k => a_f.slice(d * g..(d + 1) * g),
                    Slot::Own(d) => cb(d - k).mul_public(&ms),
                    Slot::Zero => zeros(g),
                };
                a2.sub(&outer.slice(i * g..(i + 1) * g).mul_public(&ms))
            })
            .collect();
        // 8. Σ ln den = m (ln S_0' − λ) + m t ln 2.
        let ln_den = ln_s.map(|l| l.sub(&lam).mul_public(&ms));
        let ln_offset = self
            .times
            .iter()
            .map(|t| t.deaths as f64 * f64::from(t.t) * std::f64::consts::LN_2)
            .sum();
        Ok(Some(Terms {
            a_hi,
            a_f,
            v: AShares::concat(&v.iter().collect::<Vec<_>>()),
            ln_den,
            ln_offset,
            adaptive,
        }))
    }

    /// Whether `ψ <= 1/2` at every death time with two deaths or more (one bit opened).
    fn psi_at_most_half(&self, p: &mut Party, psi: &AShares) -> Result<bool, CoxError> {
        let me = p.id();
        let multi: Vec<usize> = (0..self.times.len())
            .filter(|&i| self.times[i].deaths > 1)
            .collect();
        let ok = p.lt_public(
            &psi.gather(&multi),
            &vec![(1 << (FH - 1)) + 1; multi.len()],
            40,
        )?;
        Ok(p.none_set(&ok.not(me))?)
    }
}

/// `ψ^0..=ψ^J` at [`FH`] bits (`ψ^0` unused), by doubling: `ψ^(h+i) = ψ^h ψ^i`, for
/// `ψ <= 1/2`. A product of powers summing to 7 or more is below `2^-7`, so its words stay
/// below `2^61` at `2 FH` bits: one product and one truncation; the first ones take two limbs
/// ([`mul_fh`]).
fn powers(p: &mut Party, psi: &AShares) -> Result<Vec<AShares>, CoxError> {
    let g = psi.len();
    let mut pw: Vec<AShares> = vec![zeros(g), psi.clone()];
    while pw.len() <= J {
        let have = pw.len() - 1;
        let take = have.min(J - have);
        let top = pw[have].clone();
        if have + 1 >= 7 {
            let left: Vec<&AShares> = std::iter::repeat_n(&top, take).collect();
            let right: Vec<&AShares> = pw[1..=take].iter().collect();
            let prod = p.mul(&AShares::concat(&left), &AShares::concat(&right))?;
            let prod = p.trunc_unbiased(&prod, &vec![FH; prod.len()])?;
            pw.extend((0..take).map(|i| prod.slice(i * g..(i + 1) * g)));
        } else {
            let prs: Vec<(&AShares, &AShares)> = pw[1..=take].iter().map(|x| (&top, x)).collect();
            pw.extend(mul_fh(p, &prs)?);
        }
    }
    Ok(pw)
}
