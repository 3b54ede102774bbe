//! The Efron (or Breslow) sums one term at a time: per term `k` of a death time with `m`
//! deaths, `T_q = (m S_q − k D_q) / 2^s` for every column, one reciprocal of `T_0`, the
//! ratios `a_q = T_q / T_0` and `a_1 a_1ᵀ`; then summed per death time. The general path:
//! it holds whatever share of a risk set's weight dies at one time, at the price of a
//! reciprocal and `O(k²)` products per term (one term per death with Efron). The grouped
//! path (`grouped`) is the fast one.
use super::CoxError;
use super::columns::Slot;
use super::pass::{FH, Pass, Terms, WIDE, pairs, refine, zeros};
use sharestat_mpc::{AShares, Party};

impl Pass<'_> {
    /// The per-death-time sums of [`Terms`], term by term, from the risk-set and death sums
    /// `sums` (per distinct column: `S / 2^t`, then `D / 2^t`, one element per death time).
    pub(super) fn per_term(
        &self,
        p: &mut Party,
        sums: &AShares,
        dist: &[Slot],
        with_ln: bool,
        adaptive: bool,
    ) -> Result<Terms, CoxError> {
        let k = self.cov.len();
        let pr = pairs(k);
        let f = self.f;
        let g = self.times.len();
        let q = sums.len() / (2 * g);
        // All sums at f bits (those of w and w z_j carry wide_bits more).
        let nw = 2 * (k + 1) * g;
        let head = p.trunc_unbiased(&sums.slice(0..nw), &vec![WIDE; nw])?;
        let sums = &AShares::concat(&[&head, &sums.slice(nw..sums.len())]);
        let (s_of, d_of) = (
            |qi: usize| sums.slice(2 * qi * g..(2 * qi + 1) * g),
            |qi: usize| sums.slice((2 * qi + 1) * g..(2 * qi + 2) * g),
        );
        // Terms T_q = m S_q − k D_q (Efron, then / 2^s) or S_q (Breslow).
        let nt = self.terms.len();
        let mut ts = Vec::with_capacity(q);
        for qi in 0..q {
            let (s, d) = (s_of(qi), d_of(qi));
            let (sa, sb) = s.parts();
            let (da, db) = d.parts();
            let term = |x: &[u64], y: &[u64]| -> Vec<u64> {
                self.terms
                    .iter()
                    .map(|t| {
                        if !t.efron {
                            x[t.group]
                        } else {
                            let m = self.times[t.group].deaths as u64;
                            x[t.group]
                                .wrapping_mul(m)
                                .wrapping_sub(y[t.group].wrapping_mul(t.k as u64))
                        }
                    })
                    .collect()
            };
            ts.push(AShares::from_parts(term(sa, da), term(sb, db)));
        }
        let mut ts = AShares::concat(&ts.iter().collect::<Vec<_>>());
        if self.terms.iter().any(|t| t.s > 0) {
            let shifts: Vec<u32> = (0..q)
                .flat_map(|_| self.terms.iter().map(|t| t.s))
                .collect();
            ts = p.trunc_unbiased(&ts, &shifts)?;
        }
        let den = ts.slice(0..nt);
        let num = ts.slice(nt..q * nt);
        let block = |x: &AShares, i: usize| x.slice(i * nt..(i + 1) * nt);
        let (r, ln_den) = if with_ln {
            let (r, l) = p.recip_ln(&den, f)?;
            (r, Some(l))
        } else {
            (p.reciprocal_rough(&den, f)?, None)
        };
        let (r_hi, r_f) = refine(p, &den, &vec![0; nt], &r, f)?;
        // a_1 = N_1 r_hi (at FH bits, for the score), a_2 = N_2 r_f (at F bits).
        let (n1, n2) = (num.slice(0..k * nt), num.slice(k * nt..(q - 1) * nt));
        let r_rep = AShares::concat(&[&vec![&r_hi; k][..], &vec![&r_f; q - 1 - k][..]].concat());
        let a = p.mul(&AShares::concat(&[&n1, &n2]), &r_rep)?;
        let a = p.trunc_unbiased(&a, &vec![f; a.len()])?;
        let a_hi = a.slice(0..k * nt);
        let a2_own = a.slice(k * nt..a.len());
        let a_f = p.trunc_unbiased(&a_hi, &vec![FH - f; a_hi.len()])?;
        // a_2 of each pair: its own ratio, or an indicator's a_1 (d² = d).
        let a2 = AShares::concat(
            &(0..pr.len())
                .map(|i| match dist[k + i] {
                    Slot::Own(d) if d < k => block(&a_f, d),
                    Slot::Own(d) => block(&a2_own, d - k),
                    Slot::Zero => zeros(nt),
                })
                .collect::<Vec<_>>()
                .iter()
                .collect::<Vec<_>>(),
        );
        // a_1 a_1ᵀ per term.
        let (l, rr): (Vec<AShares>, Vec<AShares>) = pr
            .iter()
            .map(|&(j, kk)| (block(&a_f, j), block(&a_f, kk)))
            .unzip();
        let outer = p.mul(
            &AShares::concat(&l.iter().collect::<Vec<_>>()),
            &AShares::concat(&rr.iter().collect::<Vec<_>>()),
        )?;
        let outer = p.trunc_unbiased(&outer, &vec![f; outer.len()])?;
        let v = a2.sub(&outer);
        // Per death time: Σ over its terms, times their multiplicity.
        let ln_offset = self
            .terms
            .iter()
            .map(|t| {
                let g = &self.times[t.group];
                let ln = f64::from(g.t + t.s) * std::f64::consts::LN_2
                    - if t.efron { (g.deaths as f64).ln() } else { 0.0 };
                t.mult as f64 * ln
            })
            .sum();
        Ok(Terms {
            a_hi: self.to_groups(&a_hi),
            a_f: self.to_groups(&a_f),
            v: self.to_groups(&v),
            ln_den: ln_den.map(|l| self.to_groups(&l)),
            ln_offset,
            adaptive,
        })
    }

    /// `Σ_{t in g} mult_t x_t` per death time `g`, for each block of [`Pass::terms`]' length
    /// (local).
    fn to_groups(&self, x: &AShares) -> AShares {
        let (nt, g) = (self.terms.len(), self.times.len());
        let (a, b) = x.parts();
        let sum = |v: &[u64]| {
            let mut out = vec![0u64; v.len() / nt * g];
            for (blk, chunk) in v.chunks(nt).enumerate() {
                for (x, t) in chunk.iter().zip(&self.terms) {
                    let o = &mut out[blk * g + t.group];
                    *o = o.wrapping_add(x.wrapping_mul(t.mult));
                }
            }
            out
        };
        AShares::from_parts(sum(a), sum(b))
    }
}
