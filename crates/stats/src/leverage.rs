//! Cross-products of a model's columns and the **leverage rule** (issue 13): whether any row's
//! hat value `h_i = x_iᵀ (XᵀX)⁻¹ x_i` exceeds a public bound, revealing only that one bit.
//!
//! `h_i` is the weight of row `i`'s own response in its fitted value (`ŷ_i = h_i y_i + ...`);
//! `Σ h_i = p` and `h_i <= 1`, with `h_i = 1` exactly when a regressor isolates the row (any
//! column that is zero but on that row, however it was built: `pmax(age - 90, 0)`, a power
//! that dwarfs the others). A 0/1 dummy whose group has `k` rows gives its rows `h = 1/k`.
//!
//! **Protocol.** With the design `X = [1, x_1, ..., x_q]` over the rows of the shared mask `m`
//! and its cross-products `XᵀX` already revealed ([`gram`]; `lm` reveals them anyway, `coxph`
//! reveals them for this rule):
//! 1. In the clear: shift each column by its rounded mean `a_j` (exact integers, so
//!    `M = X'ᵀX'` follows exactly from `XᵀX` in `i128`; the hat values do not change, as the
//!    intercept spans the shift), equilibrate, Cholesky-factor `M = R Rᵀ` and invert the
//!    triangle: `h_i = |W x'_i|²` with `W = R⁻¹`.
//! 2. Locally: `z_k = Σ_j W_kj x'_ij`, a linear map with public coefficients encoded at
//!    `F_k` fractional bits (as many as the ring allows, at most 60). On the rows used,
//!    `z_k² <= h_i <= 1`, so `z_k` fits whatever the data's magnitudes: ring arithmetic wraps
//!    in intermediate terms but the result is exact modulo rounding of the coefficients.
//! 3. `z_0 = W_00 = 1/sqrt(n)` is public; truncate every other `z_k` to [`F`] bits
//!    (2 rounds), square (1 round), sum locally: `h_i - W_00²` at `2F` bits, below `2^41` on
//!    the rows used.
//! 4. `[h_i > bound]` by one sign-bit extraction (`Party::msb`, 44 bits), times `m` (bit
//!    injection, 3 rounds), summed; `[Σ >= 1]` by one more comparison, and only that bit is
//!    opened. Rows outside `m` may hold anything (missing values, unselected rows): their bits
//!    are multiplied by 0.
//!
//! **Error.** The coefficients' rounding adds at most `Σ_j |x'_ij| 2^-(F_k+1)` to `z_k`, and
//! `|x'_ij| <= sqrt(M_jj)` on the rows used (a public bound), so the error of `h_i` is bounded
//! publicly; [`exceeds`] refuses ([`LeverageError::Precision`]) when it is above `1e-4`, and
//! otherwise compares `h_i` with `bound` at that precision (rows within `1e-4` of the bound
//! may fall on either side).
//!
//! Why hand-written: this is an MPC protocol over our own shares; no crate fits.
use sharestat_mpc::{AShares, MpcError, Party};

/// Fractional bits of `z` and (doubled) of `h`.
pub const F: u32 = 20;

/// The revealed cross-products of columns `c_0..c_q` (integers, each scaled by its own
/// `10^s`) over the rows of a mask.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gram {
    /// Rows in the mask.
    pub n: u64,
    /// `Σ m c_j`.
    pub sums: Vec<i128>,
    /// `Σ m c_j c_k` (symmetric).
    pub cross: Vec<Vec<i128>>,
}

impl Gram {
    /// The Gram of the columns but `j` (the intercept's sums stay: `n`).
    pub fn without(&self, j: usize) -> Gram {
        let keep = |v: &[i128]| -> Vec<i128> {
            v.iter()
                .enumerate()
                .filter(|&(i, _)| i != j)
                .map(|(_, x)| *x)
                .collect()
        };
        Gram {
            n: self.n,
            sums: keep(&self.sums),
            cross: self
                .cross
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != j)
                .map(|(_, r)| keep(r))
                .collect(),
        }
    }

    /// `XᵀX` in real units for the design of an intercept (first) and the columns (scaled
    /// by `10^scales[j]`).
    pub fn design(&self, scales: &[u32]) -> Vec<Vec<f64>> {
        let k = scales.len() + 1;
        let unit = |i: usize| {
            if i == 0 {
                1.0
            } else {
                10f64.powi(scales[i - 1] as i32)
            }
        };
        let entry = |i: usize, j: usize| match (i, j) {
            (0, 0) => self.n as f64,
            (0, j) => self.sums[j - 1] as f64 / unit(j),
            (i, 0) => self.sums[i - 1] as f64 / unit(i),
            (i, j) => self.cross[i - 1][j - 1] as f64 / (unit(i) * unit(j)),
        };
        (0..k)
            .map(|i| (0..k).map(|j| entry(i, j)).collect())
            .collect()
    }
}

/// Why the leverage rule could not be applied.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LeverageError {
    /// The secure computation failed.
    #[error(transparent)]
    Engine(#[from] MpcError),
    /// The predictors are collinear (no hat values exist).
    #[error("the predictors are collinear")]
    Singular,
    /// The columns' magnitudes are too far apart to compute hat values to `1e-4`.
    #[error(
        "hat values cannot be computed to 1e-4 in the ring: predictor {column} has values too \
         large for its spread (rescale it)"
    )]
    Precision {
        /// Index of the predictor (0-based, intercept excluded).
        column: usize,
    },
}

/// `Σ m`, `Σ m c_j` and `Σ m c_j c_k` (`j <= k`) of `cols` over the rows of `mask` (all rows
/// when `None`): one multiplication round for `m ∘ c_j` and one dot-product round, then one
/// opening. **Reveals** exactly these numbers.
pub fn gram(p: &mut Party, cols: &[&AShares], mask: Option<&AShares>) -> Result<Gram, MpcError> {
    let q = cols.len();
    let masked: Vec<AShares> = match mask {
        Some(m) => {
            let pairs: Vec<(&AShares, &AShares)> = cols.iter().map(|c| (m, *c)).collect();
            p.mul_many(&pairs)?
        }
        None => cols.iter().map(|c| (*c).clone()).collect(),
    };
    let index: Vec<(usize, usize)> = (0..q).flat_map(|i| (i..q).map(move |j| (i, j))).collect();
    let pairs: Vec<(&AShares, &AShares)> =
        index.iter().map(|&(i, j)| (&masked[i], cols[j])).collect();
    let rows = cols.first().map_or(0, |c| c.len() as u64);
    let mut all: Vec<AShares> = mask.map(AShares::sum).into_iter().collect();
    all.extend(masked.iter().map(AShares::sum));
    all.push(p.dot_many(&pairs)?);
    let o = p.reveal(&AShares::concat(&all.iter().collect::<Vec<_>>()))?;
    let (n, o) = match mask {
        Some(_) => (o[0], &o[1..]),
        None => (rows, &o[..]),
    };
    let val = |w: u64| i128::from(w as i64);
    let mut cross = vec![vec![0; q]; q];
    for (t, &(i, j)) in index.iter().enumerate() {
        cross[i][j] = val(o[q + t]);
        cross[j][i] = cross[i][j];
    }
    Ok(Gram {
        n,
        sums: o[..q].iter().map(|&w| val(w)).collect(),
        cross,
    })
}

/// Whether some row of `mask` has a hat value above `bound`, for the design of an intercept
/// and `cols` (integers scaled by `10^scales[j]`, the first `cols.len()` columns of `g`).
/// Reveals one bit (see the module doc); `Ok(false)` when no row exceeds it.
pub fn exceeds(
    p: &mut Party,
    cols: &[&AShares],
    scales: &[u32],
    mask: Option<&AShares>,
    g: &Gram,
    bound: f64,
) -> Result<bool, LeverageError> {
    let rows = cols.first().map_or(0, |c| c.len());
    if g.n == 0 || rows == 0 {
        return Ok(false);
    }
    let plan = Plan::new(g, scales, cols.len())?;
    let me = p.id();
    // z_0 = W_00 is the same public number on every row (the intercept's 1/sqrt(n)); the
    // others: z_k = Σ_j G_kj x'_j + c_k at 2^F_k, then truncated to 2^F.
    let mut z = Vec::with_capacity(cols.len());
    let mut shifts = Vec::new();
    for (k, row) in plan.coef.iter().enumerate().skip(1) {
        let mut acc = AShares::from_parts(vec![0; rows], vec![0; rows]).add_const(me, row[0]);
        for (j, c) in cols.iter().enumerate().take(k) {
            let shifted = c.add_const(me, (plan.shift[j] as i64 as u64).wrapping_neg());
            acc = acc.add(&shifted.scale(row[j + 1]));
        }
        z.push(acc);
        shifts.extend(std::iter::repeat_n(plan.bits[k] - F, rows));
    }
    let z = p.trunc_each(&AShares::concat(&z.iter().collect::<Vec<_>>()), &shifts)?;
    let sq = p.mul(&z, &z)?;
    let mut h = sq.slice(0..rows);
    for k in 1..cols.len() {
        h = h.add(&sq.slice(k * rows..(k + 1) * rows));
    }
    // [bound - W_00² - Σ z_k² < 0], times the mask, counted; only [count >= 1] is opened.
    let rest = bound.clamp(0.0, 2.0) - plan.w[0][0] * plan.w[0][0];
    let b = (rest * f64::from(2 * F).exp2()).round() as i64 as u64;
    let over = p.msb(&h.neg().add_const(me, b), 2 * F + 4)?;
    let over = match mask {
        Some(m) => p.bit_inject(&over, m)?,
        None => p.b2a_bits(&over)?,
    };
    let none = p.lt_public(&over.sum(), &[1], 40)?;
    Ok(!p.reveal_bits(&none)?[0])
}

/// The public side: shifts, the triangle `W` and its encoding.
struct Plan {
    /// `a_j`, the rounded mean of column `j` in its scaled units.
    shift: Vec<i128>,
    /// `W` (lower triangular, `(q+1) x (q+1)`, intercept first), in real units.
    w: Vec<Vec<f64>>,
    /// Ring coefficients: `coef[k][0]` the constant, `coef[k][j+1]` that of column `j`.
    coef: Vec<Vec<u64>>,
    /// `F_k` of each `z_k`.
    bits: Vec<u32>,
}

impl Plan {
    fn new(g: &Gram, scales: &[u32], q: usize) -> Result<Plan, LeverageError> {
        let n = i128::from(g.n);
        let shift: Vec<i128> = (0..q)
            .map(|j| (g.sums[j] as f64 / g.n as f64).round() as i128)
            .collect();
        // M = X'ᵀX' exactly (intercept first), then in real units.
        let mut mi = vec![vec![0i128; q + 1]; q + 1];
        mi[0][0] = n;
        for j in 0..q {
            mi[0][j + 1] = g.sums[j] - n * shift[j];
            mi[j + 1][0] = mi[0][j + 1];
            for k in 0..q {
                mi[j + 1][k + 1] = g.cross[j][k] - shift[j] * g.sums[k] - shift[k] * g.sums[j]
                    + n * shift[j] * shift[k];
            }
        }
        let unit = |j: usize| {
            if j == 0 {
                1.0
            } else {
                10f64.powi(scales[j - 1] as i32)
            }
        };
        let m: Vec<Vec<f64>> = (0..=q)
            .map(|j| {
                (0..=q)
                    .map(|k| mi[j][k] as f64 / (unit(j) * unit(k)))
                    .collect()
            })
            .collect();
        let w = inverse_cholesky(&m).ok_or(LeverageError::Singular)?;
        // |x'_ij| <= sqrt(M_jj) on the rows used (scaled units), 1 for the intercept.
        let reach: Vec<f64> = (0..=q)
            .map(|j| {
                if j == 0 {
                    1.0
                } else {
                    (mi[j][j] as f64).sqrt()
                }
            })
            .collect();
        let mut coef = Vec::new();
        let mut bits = Vec::new();
        let mut err_h = 0.0;
        for (k, row) in w.iter().enumerate() {
            let g_k: Vec<f64> = (0..=k).map(|j| row[j] / unit(j)).collect();
            let top = g_k.iter().fold(0f64, |s, v| s.max(v.abs())).max(1e-300);
            let f_k = (62.0 - top.log2().ceil()).min(60.0).floor();
            let column = k.saturating_sub(1);
            if f_k < f64::from(F + 1) {
                return Err(LeverageError::Precision { column });
            }
            let scale = f_k.exp2();
            let mut enc = vec![0u64; q + 1];
            for (j, v) in g_k.iter().enumerate() {
                enc[j] = ((v * scale).round() as i64) as u64;
            }
            // Rounding of the coefficients, plus the truncation to F bits.
            let err = 0.5 * reach[..=k].iter().sum::<f64>() / scale + (-f64::from(F)).exp2();
            if k > 0 {
                // z_0 is used as the public number it is.
                err_h += 2.0 * err + err * err;
            }
            if err_h > 1e-4 {
                return Err(LeverageError::Precision { column });
            }
            coef.push(enc);
            bits.push(f_k as u32);
        }
        Ok(Plan {
            shift,
            w,
            coef,
            bits,
        })
    }
}

/// `W = R⁻¹` for the Cholesky factor `M = R Rᵀ` (lower triangular), computed on the
/// equilibrated matrix for accuracy; `None` when `M` is not positive definite.
pub fn inverse_cholesky(m: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = m.len();
    let d: Vec<f64> = (0..n).map(|i| m[i][i].sqrt()).collect();
    if d.iter().any(|v| !(v.is_finite() && *v > 0.0)) {
        return None;
    }
    let mut r = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = m[i][j] / (d[i] * d[j]) - (0..j).map(|k| r[i][k] * r[j][k]).sum::<f64>();
            if i == j {
                if s <= 1e-10 {
                    return None;
                }
                r[i][i] = s.sqrt();
            } else {
                r[i][j] = s / r[j][j];
            }
        }
    }
    // Forward substitution for R⁻¹, then undo the equilibration: W = R⁻¹ D⁻¹.
    let mut w = vec![vec![0.0; n]; n];
    for c in 0..n {
        let mut col = vec![0.0; n];
        for i in c..n {
            let s = f64::from(u8::from(i == c)) - (c..i).map(|k| r[i][k] * col[k]).sum::<f64>();
            col[i] = s / r[i][i];
        }
        for (row, v) in w.iter_mut().zip(col) {
            row[c] = v / d[c];
        }
    }
    Some(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharestat_mpc::harness::{Keys, run_in_memory};
    use sharestat_mpc::prg::Prg;
    use sharestat_mpc::proto::io::deal;

    /// Plaintext hat values of the rows of `mask` for an intercept and `cols` (real units).
    fn hat_values(cols: &[Vec<f64>], mask: &[bool]) -> Vec<f64> {
        // Centred (the intercept spans the shift), so that the plaintext inverse is accurate.
        let used = mask.iter().filter(|&&b| b).count() as f64;
        let mean: Vec<f64> = cols
            .iter()
            .map(|c| {
                (0..mask.len())
                    .filter(|&i| mask[i])
                    .map(|i| c[i])
                    .sum::<f64>()
                    / used
            })
            .collect();
        let rows: Vec<Vec<f64>> = (0..mask.len())
            .filter(|&i| mask[i])
            .map(|i| {
                let centred = cols.iter().zip(&mean).map(|(c, m)| c[i] - m);
                std::iter::once(1.0).chain(centred).collect()
            })
            .collect();
        let k = cols.len() + 1;
        let mut m = vec![vec![0.0; k]; k];
        for r in &rows {
            for j in 0..k {
                for l in 0..k {
                    m[j][l] += r[j] * r[l];
                }
            }
        }
        let inv = crate::linalg::invert(&m).unwrap();
        rows.iter()
            .map(|r| {
                (0..k)
                    .map(|j| (0..k).map(|l| r[j] * inv[j][l] * r[l]).sum::<f64>())
                    .sum()
            })
            .collect()
    }

    /// Runs the rule on integer columns (scaled by `10^scales`) over `mask`, at `bound`.
    fn secure(cols: &[Vec<i64>], scales: &[u32], mask: Option<&[bool]>, bound: f64) -> bool {
        let out = run_in_memory(Keys::Seeded([3; 16]), |p| {
            let me = p.id().index();
            let mut prg = Prg::new([5; 16]);
            let sh: Vec<AShares> = cols
                .iter()
                .map(|c| {
                    let v: Vec<u64> = c.iter().map(|&x| x as u64).collect();
                    deal(&v, &mut prg)[me].clone()
                })
                .collect();
            let m = mask.map(|m| {
                let v: Vec<u64> = m.iter().map(|&b| u64::from(b)).collect();
                deal(&v, &mut prg)[me].clone()
            });
            let refs: Vec<&AShares> = sh.iter().collect();
            let g = gram(p, &refs, m.as_ref())?;
            Ok(exceeds(p, &refs, scales, m.as_ref(), &g, bound))
        })
        .unwrap();
        out[0].as_ref().map(|b| *b).unwrap()
    }

    /// Deterministic pseudo-random integers in `[-r, r]`.
    fn noise(seed: u64, n: usize, r: i64) -> Vec<i64> {
        let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                (s % (2 * r as u64 + 1)) as i64 - r
            })
            .collect()
    }

    #[test]
    fn the_bit_matches_plaintext_hat_values() {
        let n = 60;
        // A column with a large mean (2 decimals), a skewed one with one outlier, a dummy;
        // rows outside the mask hold garbage far beyond any used row.
        let mut a: Vec<i64> = noise(1, n, 500).iter().map(|v| 12_345_600 + v).collect();
        let mut b: Vec<i64> = noise(2, n, 30).iter().map(|v| v.abs() * v.abs()).collect();
        b[7] = 9_000;
        let c: Vec<i64> = (0..n as i64).map(|i| i64::from(i % 3 == 0)).collect();
        let mask: Vec<bool> = (0..n).map(|i| i % 11 != 4).collect();
        for i in (0..n).filter(|&i| !mask[i]) {
            a[i] = 1 << 50;
            b[i] = -(1 << 45);
        }
        let real = [
            a.iter().map(|&v| v as f64 / 100.0).collect::<Vec<_>>(),
            b.iter().map(|&v| v as f64).collect(),
            c.iter().map(|&v| v as f64).collect(),
        ];
        let top = hat_values(&real, &mask).into_iter().fold(0.0, f64::max);
        assert!(top > 0.5 && top < 0.99, "{top}");
        let cols = [a, b, c];
        for (bound, want) in [(top - 1e-3, true), (top + 1e-3, false)] {
            assert_eq!(
                secure(&cols, &[2, 0, 0], Some(&mask), bound),
                want,
                "{bound}"
            );
        }
        // Without the outlier's column the largest hat value is far lower.
        let low = hat_values(&[real[0].clone(), real[2].clone()], &mask)
            .into_iter()
            .fold(0.0, f64::max);
        let two = [cols[0].clone(), cols[2].clone()];
        assert!(!secure(&two, &[2, 0], Some(&mask), low + 1e-3));
        assert!(secure(&two, &[2, 0], Some(&mask), low - 1e-3));
    }

    #[test]
    fn a_column_isolating_one_row_has_hat_value_one() {
        let n = 40;
        let x: Vec<i64> = (0..n).map(|i| i64::from(i == 17)).collect();
        let y: Vec<i64> = noise(4, n, 1000);
        assert!(secure(&[x.clone(), y.clone()], &[0, 1], None, 0.999));
        // Unmasked and masked agree; a mask that drops the isolated row leaves it harmless.
        let mask: Vec<bool> = (0..n).map(|i| i != 17).collect();
        let out = run_in_memory(Keys::Seeded([4; 16]), |p| {
            let me = p.id().index();
            let mut prg = Prg::new([6; 16]);
            let sy = deal(&y.iter().map(|&v| v as u64).collect::<Vec<_>>(), &mut prg)[me].clone();
            let m = deal(
                &mask.iter().map(|&b| u64::from(b)).collect::<Vec<_>>(),
                &mut prg,
            )[me]
                .clone();
            let g = gram(p, &[&sy], Some(&m))?;
            Ok(exceeds(p, &[&sy], &[1], Some(&m), &g, 0.5).unwrap())
        })
        .unwrap();
        assert!(!out[0]);
    }

    /// `h_i = |W x_i|²` equals the hat values from the textbook formula.
    #[test]
    fn inverse_cholesky_gives_hat_values() {
        let x: Vec<[f64; 3]> = (0..9)
            .map(|i| [1.0, f64::from(i) * 1.5 + 40.0, f64::from((i * 7) % 5)])
            .collect();
        let mut m = vec![vec![0.0; 3]; 3];
        for r in &x {
            for j in 0..3 {
                for k in 0..3 {
                    m[j][k] += r[j] * r[k];
                }
            }
        }
        let w = inverse_cholesky(&m).unwrap();
        let inv = crate::linalg::invert(&m).unwrap();
        for r in &x {
            let z: Vec<f64> = (0..3)
                .map(|k| (0..3).map(|j| w[k][j] * r[j]).sum())
                .collect();
            let h: f64 = z.iter().map(|v| v * v).sum();
            let direct: f64 = (0..3)
                .map(|j| (0..3).map(|k| r[j] * inv[j][k] * r[k]).sum::<f64>())
                .sum();
            assert!((h - direct).abs() < 1e-12, "{h} vs {direct}");
        }
        assert!(inverse_cholesky(&[vec![1.0, 1.0], vec![1.0, 1.0]]).is_none());
    }
}
