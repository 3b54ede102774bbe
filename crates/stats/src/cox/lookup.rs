//! The weights' factors of a numeric covariate as table lookups (issue 14: Cox at 10^6 rows).
//!
//! A numeric covariate is `z = Σ_b w_b d_b` over its bits, and its part of the weight is
//! `Π_b (lo_b + (hi_b − lo_b) d_b)`, `lo_b = e^(−a_b/2)`, `hi_b = e^(a_b/2)`, `a_b = β w_b`:
//! one product and one truncation per bit, per row and per evaluation. Here the bits are cut
//! into groups of at most three; each group's `2^k` patterns get one-hot 0/1 shares `e_v`
//! once per pass (exact products of bits: one for two bits, four more for three), and at
//! every evaluation the group's factor is the table `Σ_v T_v e_v`, `T_v = Π_b (lo_b or hi_b)`
//! by the pattern's bits: local, exact up to one rounding of `T_v`. An 8-bit covariate then
//! enters the product tree as 3 factors instead of 8.
use super::{Covariate, CoxError};
use sharestat_mpc::fixed::encode;
use sharestat_mpc::{AShares, Party};

/// Bits per group.
const GROUP: usize = 3;

/// One group: covariate `cov`'s bits `bits[0..k]`, and the one-hot shares of its `2^k`
/// patterns (pattern `v` has bit `i` of `v` for `bits[i]`).
struct Group {
    cov: usize,
    bits: Vec<usize>,
    onehot: Vec<AShares>,
}

/// The groups of every numeric covariate (of two bits or more).
pub(super) struct BitGroups {
    groups: Vec<Group>,
}

impl BitGroups {
    /// Cuts the numeric covariates' bits into groups and makes their one-hot patterns.
    pub fn new(p: &mut Party, cov: &[Covariate]) -> Result<Self, CoxError> {
        let me = p.id();
        let mut groups: Vec<Group> = Vec::new();
        for (j, c) in cov.iter().enumerate() {
            if c.indicator().is_some() || c.bits.len() < 2 {
                continue;
            }
            let idx: Vec<usize> = (0..c.bits.len()).collect();
            for chunk in idx.chunks(GROUP) {
                groups.push(Group {
                    cov: j,
                    bits: chunk.to_vec(),
                    onehot: Vec::new(),
                });
            }
        }
        let bit = |g: &Group, i: usize| &cov[g.cov].bits[g.bits[i]];
        // Round 1: d0 d1 of every group of two bits or more.
        let pairs: Vec<usize> = (0..groups.len())
            .filter(|&i| groups[i].bits.len() >= 2)
            .collect();
        let l: Vec<&AShares> = pairs.iter().map(|&i| bit(&groups[i], 0)).collect();
        let r: Vec<&AShares> = pairs.iter().map(|&i| bit(&groups[i], 1)).collect();
        let prod = match pairs.is_empty() {
            true => AShares::from_parts(Vec::new(), Vec::new()),
            false => p.mul(&AShares::concat(&l), &AShares::concat(&r))?,
        };
        for (x, &gi) in pairs.iter().enumerate() {
            let g = &groups[gi];
            let (d0, d1) = (bit(g, 0), bit(g, 1));
            let n = d0.len();
            let both = prod.slice(x * n..(x + 1) * n);
            // Patterns of (d0, d1): 00, 10, 01, 11 (v = d0 + 2 d1).
            let e0 = d0.add(d1).sub(&both).neg().add_const(me, 1);
            let onehot = vec![e0, d0.sub(&both), d1.sub(&both), both];
            groups[gi].onehot = onehot;
        }
        for g in groups.iter_mut().filter(|g| g.bits.len() == 1) {
            let d = &cov[g.cov].bits[g.bits[0]];
            g.onehot = vec![d.neg().add_const(me, 1), d.clone()];
        }
        // Round 2: the third bit times each pattern of the first two.
        let triples: Vec<usize> = (0..groups.len())
            .filter(|&i| groups[i].bits.len() == 3)
            .collect();
        if !triples.is_empty() {
            let mut l: Vec<&AShares> = Vec::new();
            let mut r: Vec<&AShares> = Vec::new();
            for &gi in &triples {
                let g = &groups[gi];
                for e in &g.onehot {
                    l.push(e);
                    r.push(&cov[g.cov].bits[g.bits[2]]);
                }
            }
            let prod = p.mul(&AShares::concat(&l), &AShares::concat(&r))?;
            let mut at = 0;
            for &gi in &triples {
                let n = groups[gi].onehot[0].len();
                let with: Vec<AShares> = (0..4)
                    .map(|v| prod.slice((at + v) * n..(at + v + 1) * n))
                    .collect();
                at += 4;
                let without: Vec<AShares> =
                    (0..4).map(|v| groups[gi].onehot[v].sub(&with[v])).collect();
                groups[gi].onehot = without.into_iter().chain(with).collect();
            }
        }
        Ok(BitGroups { groups })
    }

    /// Whether covariate `j`'s bits are grouped here.
    pub fn covers(&self, j: usize) -> bool {
        self.groups.iter().any(|g| g.cov == j)
    }

    /// One factor per group at `beta`, `f` fractional bits: `Σ_v T_v e_v` (local).
    pub fn factors(&self, cov: &[Covariate], beta: &[f64], f: u32) -> Vec<AShares> {
        self.groups
            .iter()
            .map(|g| {
                let c = &cov[g.cov];
                let mut out = g.onehot[0].scale(0);
                for (v, e) in g.onehot.iter().enumerate() {
                    let t: f64 = g
                        .bits
                        .iter()
                        .enumerate()
                        .map(|(i, &b)| {
                            let a = beta[g.cov] * c.weights[b];
                            if v >> i & 1 == 1 {
                                (a / 2.0).exp()
                            } else {
                                (-a / 2.0).exp()
                            }
                        })
                        .product();
                    out = out.add(&e.scale(encode(t, f)));
                }
                out
            })
            .collect()
    }
}
