//! The per-row columns of the risk-set sums, `w z_j` and `w z_j z_k`, made with as few
//! truncations as the covariates allow (issue 14: most of a model's terms are factor levels).
//!
//! A 0/1 indicator (a factor level, a logical, `strata`-free dummies) is kept as its 0/1
//! share, so that:
//!
//! - `w · d` is exact at `w`'s fractional bits (no truncation);
//! - `d_j d_k` of two indicators is a product of 0/1 shares, exact, made once per pass, and
//!   `w d_j d_k` again exact;
//! - `d_j² = d_j`: the column `w d_j d_j` is `w d_j` itself, neither multiplied nor carried
//!   through the per-term steps ([`Columns::distinct`]);
//! - `w z d`, `z` numeric, is `(w z) · d` in a second round, exact once `w z` is;
//! - two indicators of one family (levels of one factor, or of one interaction of factors:
//!   never both 1 on a row, [`Covariate::family`]) have `d_j d_k = 0`: that column is 0, its
//!   ratio too, and nothing is computed for it.
//!
//! Only products with a numeric factor (`w z_j`, `w z_j z_k`) are truncated, with exact
//! rounding, so every column equals what the plain per-row product and truncation give.
use super::{Covariate, CoxError};
use sharestat_mpc::{AShares, Party};

/// How one column `w · c` is made.
enum Col {
    /// `c` at the pass's fractional bits: one product and one truncation per row.
    Frac(AShares),
    /// `c` a 0/1 share: one exact product.
    Bit(AShares),
    /// `c = z_num · d`: the column `num` (a numeric covariate's) times the 0/1 share `d`.
    Mixed { num: usize, bit: AShares },
    /// The same as column `j` (an indicator squared).
    Same(usize),
    /// Zero on every row (two levels of one factor).
    Zero,
}

/// Where the ratio `a` of one column comes from, after [`Columns::products`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Slot {
    /// The product at this index of [`Columns::products`]' output.
    Own(usize),
    /// Zero.
    Zero,
}

/// The `k + k(k+1)/2` columns of a pass: the covariates, then the pairs `j <= k` in the order
/// of `pass::pairs`.
pub(super) struct Columns {
    cols: Vec<Col>,
}

impl Columns {
    /// The columns for the covariates `cov`, whose values at the pass's `f` fractional bits
    /// are `z`.
    pub fn new(p: &mut Party, cov: &[Covariate], z: &[AShares], f: u32) -> Result<Self, CoxError> {
        let k = cov.len();
        let mut cols: Vec<Col> = (0..k)
            .map(|j| match cov[j].indicator() {
                Some(d) => Col::Bit(d.clone()),
                None => Col::Frac(z[j].clone()),
            })
            .collect();
        // Pairs: numeric ones are products made here (truncated), indicator ones too (exact);
        // `None` until then.
        let (mut frac, mut bits) = (Vec::new(), Vec::new());
        let mut pair_cols: Vec<Option<Col>> = Vec::new();
        for (i, (j, kk)) in super::pass::pairs(k).into_iter().enumerate() {
            let same_family = cov[j].family.is_some() && cov[j].family == cov[kk].family;
            pair_cols.push(match (cov[j].indicator(), cov[kk].indicator()) {
                (Some(_), Some(_)) if j == kk => Some(Col::Same(j)),
                (Some(_), Some(_)) if same_family => Some(Col::Zero),
                (Some(a), Some(b)) => {
                    bits.push((i, (a, b)));
                    None
                }
                (Some(d), None) => Some(Col::Mixed {
                    num: kk,
                    bit: d.clone(),
                }),
                (None, Some(d)) => Some(Col::Mixed {
                    num: j,
                    bit: d.clone(),
                }),
                (None, None) => {
                    frac.push((i, (&z[j], &z[kk])));
                    None
                }
            });
        }
        let pf: Vec<_> = frac.iter().map(|t| t.1).collect();
        let pb: Vec<_> = bits.iter().map(|t| t.1).collect();
        let (tf, tb) = products_split(p, &pf, &pb, f)?;
        for ((i, _), x) in frac.iter().zip(tf) {
            pair_cols[*i] = Some(Col::Frac(x));
        }
        for ((i, _), x) in bits.iter().zip(tb) {
            pair_cols[*i] = Some(Col::Bit(x));
        }
        cols.extend(pair_cols.into_iter().flatten());
        Ok(Columns { cols })
    }

    /// For each column, where its product is in [`Columns::products`]' output.
    pub fn distinct(&self) -> Vec<Slot> {
        let mut next = 0;
        let mut first = vec![Slot::Zero; self.cols.len()];
        for (i, c) in self.cols.iter().enumerate() {
            first[i] = match c {
                Col::Same(j) => first[*j],
                Col::Zero => Slot::Zero,
                _ => {
                    next += 1;
                    Slot::Own(next - 1)
                }
            };
        }
        first
    }

    /// `w · c` for every distinct column (in order), `w` at `f` fractional bits.
    pub fn products(&self, p: &mut Party, w: &AShares, f: u32) -> Result<Vec<AShares>, CoxError> {
        let n = w.len();
        let own: Vec<usize> = (0..self.cols.len())
            .filter(|&i| !matches!(self.cols[i], Col::Same(_) | Col::Zero))
            .collect();
        // Round 1: the fractional columns (truncated) and the 0/1 ones (exact).
        let frac: Vec<usize> = own
            .iter()
            .copied()
            .filter(|&i| matches!(self.cols[i], Col::Frac(_)))
            .collect();
        let bit: Vec<usize> = own
            .iter()
            .copied()
            .filter(|&i| matches!(self.cols[i], Col::Bit(_)))
            .collect();
        let with_w = |idx: &[usize]| -> Vec<(&AShares, &AShares)> {
            idx.iter()
                .filter_map(|&i| match &self.cols[i] {
                    Col::Frac(x) | Col::Bit(x) => Some((w, x)),
                    _ => None,
                })
                .collect()
        };
        let (tf, tb) = products_split(p, &with_w(&frac), &with_w(&bit), f)?;
        let mut out: Vec<Option<AShares>> = vec![None; self.cols.len()];
        for (&i, x) in frac.iter().chain(&bit).zip(tf.into_iter().chain(tb)) {
            out[i] = Some(x);
        }
        // Round 2: (w z) · d.
        let mixed: Vec<(usize, usize, &AShares)> = own
            .iter()
            .filter_map(|&i| match &self.cols[i] {
                Col::Mixed { num, bit } => Some((i, *num, bit)),
                _ => None,
            })
            .collect();
        if !mixed.is_empty() {
            let wz: Vec<&AShares> = mixed
                .iter()
                .map(|t| out[t.1].as_ref().expect("a numeric covariate's column"))
                .collect();
            let d: Vec<&AShares> = mixed.iter().map(|t| t.2).collect();
            let prod = p.mul(&AShares::concat(&wz), &AShares::concat(&d))?;
            for (x, t) in mixed.iter().enumerate() {
                out[t.0] = Some(prod.slice(x * n..(x + 1) * n));
            }
        }
        Ok(own
            .into_iter()
            .map(|i| out[i].take().expect("every own column made"))
            .collect())
    }
}

/// The products of `frac` (at `f` fractional bits each: truncated) and of `exact` (one factor
/// 0/1: kept as they are), in one multiplication batch.
fn products_split(
    p: &mut Party,
    frac: &[(&AShares, &AShares)],
    exact: &[(&AShares, &AShares)],
    f: u32,
) -> Result<(Vec<AShares>, Vec<AShares>), CoxError> {
    let all: Vec<_> = frac.iter().chain(exact).collect();
    let Some(first) = all.first() else {
        return Ok((Vec::new(), Vec::new()));
    };
    let n = first.0.len();
    let left: Vec<&AShares> = all.iter().map(|t| t.0).collect();
    let right: Vec<&AShares> = all.iter().map(|t| t.1).collect();
    let prod = p.mul(&AShares::concat(&left), &AShares::concat(&right))?;
    let nf = frac.len() * n;
    let tr = p.trunc_unbiased(&prod.slice(0..nf), &vec![f; nf])?;
    let split = |x: &AShares, count: usize, at: usize| -> Vec<AShares> {
        (0..count)
            .map(|i| x.slice(at + i * n..at + (i + 1) * n))
            .collect()
    };
    Ok((split(&tr, frac.len(), 0), split(&prod, exact.len(), nf)))
}
