//! Cross-products of a model's columns beyond 64 bits (issue 14): the `XᵀX`, `Xᵀy` and
//! `yᵀy` of `lm` and the design of `coxph`'s leverage rule, exact, when a product of two
//! columns summed over the rows could leave the ring (`I(age^2)` with age at 4 decimals:
//! `Σ (age²)²` has 16 decimals and reaches 2^89 units).
//!
//! When every `n · |x_i| · |x_j|` fits (the usual case) this is [`gram`] unchanged. Otherwise:
//! 1. Each column is centred at its proven range's midpoint `c_j` (exact, local):
//!    `t_j = x_j − c_j`, `|t_j| < 2^(w_j)`, refused unless `w_j + log2 n <= 60` (then every
//!    `Σ t_j` is exact in the ring) and `w_j <= 2s` (below: the high parts' products fit).
//! 2. A column with `w_j > s = ⌊(60 − log2 n) / 2⌋` is split exactly as in `wide.rs`:
//!    `t = h 2^s + l`, `h` the engine's truncation, `l ∈ [0, 2^(s+1))`.
//! 3. A pair whose `n 2^(w_i + w_j)` fits is one dot product, as before. Another's
//!    `T = Σ t_i t_j` is the sum of the parts' products `2^(e_a + e_b) Σ a b` (each within
//!    the ring); the parties open `T mod 2^64` and an estimate `E ≈ T / 2^(64−g)`, and `T` is
//!    the one value of the form `k 2^64 + (T mod 2^64)` within `E`'s error (`Wide::total`;
//!    `g = min(62, 123 − w_i − w_j − log2 n)`, error below `8 · 2^(64−g) < 2^63`).
//! 4. In the clear, exact in `i128`: `Σ x_j = Σ t_j + n c_j`,
//!    `Σ x_i x_j = T_ij + c_j Σ t_i + c_i Σ t_j + n c_i c_j`.
//!
//! **Reveals** the same `n`, `Σ x`, `Σ x_i x_j` as [`gram`] (they follow from each other and
//! from the public centres), plus each estimate's truncation noise (below a unit of
//! `2^-(g-3)` of the word `T / 2^(64-g)`). Costs two more rounds (the split's truncation)
//! and, per wide pair, at most four dot products and their truncations.
use super::moments::{centred_half, check_products};
use super::range::{Range, show};
use super::wide::{Wide, WideSum};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use sharestat_mpc::AShares;
use sharestat_stats::leverage::{Gram, gram};

/// A column of the design: its expression (for messages), proven range and decimals.
pub(crate) type Var = (String, Range, u32);

/// Bits of a magnitude: the least `w` with `x < 2^w`.
fn bits(x: f64) -> i32 {
    (x + 1.0).log2().ceil() as i32
}

/// One part of a centred column: its shares, its weight `2^e` in `t`, `|part| < 2^b`.
struct Part {
    shares: AShares,
    e: u32,
    b: i32,
}

impl Evaluator<'_> {
    /// The cross-products of `cols` (described by `vars`) over the rows of `mask`, exact
    /// whatever their size, or refused naming the column whose values are too wide even for
    /// 128 bits (see the module doc).
    pub(crate) fn gram_checked(
        &mut self,
        e: &Expr,
        vars: &[Var],
        cols: &[&AShares],
        mask: Option<&AShares>,
    ) -> Result<Gram> {
        let rows = cols.first().map_or(0, |c| c.len());
        if check_products(e, vars, rows).is_ok() {
            return Ok(gram(self.p, cols, mask)?);
        }
        let l = bits(rows.max(2) as f64 - 1.0);
        let s = ((60 - l) / 2).max(1) as u32;
        let mut centre = Vec::new();
        let mut w = Vec::new();
        for (name, range, scale) in vars {
            let c = range.centre_word(*scale);
            let wj = bits(centred_half(*range, *scale, c));
            // Every `Σ t` exact (`w + log2 n <= 60`), and the high parts' products within the
            // ring (`2 (w - s + 1) + log2 n <= 62`, i.e. `w <= 2s`).
            if wj + l > 60 || wj > 2 * s as i32 {
                return Err(EvalError::at(
                    e,
                    format!(
                        "in `{e}`, `{name}` (values up to {} at {scale} decimal places) is too \
                         wide for its products over {rows} rows to be summed even in 128 bits; \
                         scale it down or round it",
                        show(range.mag())
                    ),
                ));
            }
            centre.push(c);
            w.push(wj);
        }
        let me = self.p.id();
        let t: Vec<AShares> = cols
            .iter()
            .zip(&centre)
            .map(|(c, &m)| c.add_const(me, (m as u64).wrapping_neg()))
            .collect();
        // The wide columns' split, in one truncation.
        let wide: Vec<usize> = (0..t.len()).filter(|&j| w[j] > s as i32).collect();
        let cut = AShares::concat(&wide.iter().map(|&j| &t[j]).collect::<Vec<_>>());
        let h = self.p.trunc(&cut, s)?;
        let mut parts: Vec<Vec<Part>> = Vec::new();
        for (j, tj) in t.iter().enumerate() {
            parts.push(match wide.iter().position(|&k| k == j) {
                Some(k) => {
                    let hj = h.slice(k * rows..(k + 1) * rows);
                    let lj = tj.sub(&hj.scale(1u64 << s));
                    vec![
                        Part {
                            shares: hj,
                            e: s,
                            b: w[j] - s as i32 + 1,
                        },
                        Part {
                            shares: lj,
                            e: 0,
                            b: s as i32 + 1,
                        },
                    ]
                }
                None => vec![Part {
                    shares: tj.clone(),
                    e: 0,
                    b: w[j],
                }],
            });
        }
        // The masked parts (rows outside the mask count 0).
        let masked: Vec<Vec<AShares>> = match mask {
            Some(m) => {
                let flat: Vec<(&AShares, &AShares)> =
                    parts.iter().flatten().map(|p| (m, &p.shares)).collect();
                let mut out = self.p.mul_many(&flat)?.into_iter();
                parts
                    .iter()
                    .map(|ps| ps.iter().map(|_| out.next().expect("one each")).collect())
                    .collect()
            }
            None => parts
                .iter()
                .map(|ps| ps.iter().map(|p| p.shares.clone()).collect())
                .collect(),
        };
        // Every pair's dot products: one for a pair that fits, one per pair of parts else.
        let q = t.len();
        let pairs: Vec<(usize, usize)> = (0..q).flat_map(|i| (i..q).map(move |j| (i, j))).collect();
        let fits = |i: usize, j: usize| w[i] + w[j] + l <= 62;
        let mut dots: Vec<(&AShares, &AShares)> = Vec::new();
        for &(i, j) in &pairs {
            if fits(i, j) {
                continue;
            }
            for (a, pa) in parts[i].iter().enumerate() {
                for pb in &parts[j] {
                    if pa.b + pb.b + l > 62 {
                        return Err(EvalError::at(
                            e,
                            format!("in `{e}`, a product's part cannot be held in 64 bits"),
                        ));
                    }
                    dots.push((&masked[i][a], &pb.shares));
                }
            }
        }
        // The plain pairs on the whole centred columns (masked `t_i` from its parts).
        let mt: Vec<AShares> = masked
            .iter()
            .zip(&parts)
            .map(|(ms, ps)| {
                ms.iter()
                    .zip(ps)
                    .map(|(m, p)| m.scale(1u64 << p.e))
                    .reduce(|a, b| a.add(&b))
                    .expect("a part")
            })
            .collect();
        for &(i, j) in &pairs {
            if fits(i, j) {
                dots.push((&mt[i], &t[j]));
            }
        }
        let s_all = self.p.dot_many(&dots)?;
        // Per wide pair: T mod 2^64 and the estimate.
        let mut next = 0;
        let mut wide_sums = Vec::new();
        for &(i, j) in &pairs {
            if fits(i, j) {
                continue;
            }
            let g = (123 - w[i] - w[j] - l).min(62);
            if g < 6 {
                return Err(EvalError::at(
                    e,
                    format!("in `{e}`, a product's sum cannot be recovered beyond 64 bits"),
                ));
            }
            let mut terms = Vec::new();
            for pa in &parts[i] {
                for pb in &parts[j] {
                    terms.push((s_all.slice(next..next + 1), pa.e + pb.e));
                    next += 1;
                }
            }
            wide_sums.push(WideSum {
                parts: terms,
                g: g as u32,
            });
        }
        let (lows, est) = self.wide_words(&wide_sums)?;
        let count = match mask {
            Some(m) => m.sum(),
            None => zero().add_const(me, rows as u64),
        };
        let plain = s_all.slice(next..s_all.len());
        let mut open = vec![&count];
        let sums: Vec<AShares> = mt.iter().map(AShares::sum).collect();
        open.extend(sums.iter());
        open.push(&plain);
        open.extend(lows.iter());
        open.extend(est.iter());
        let o = self.p.reveal(&AShares::concat(&open))?;
        let n = o[0];
        let st: Vec<i128> = o[1..=q].iter().map(|&v| i128::from(v as i64)).collect();
        let mut rest = o[q + 1..].iter();
        let mut tt = vec![vec![0i128; q]; q];
        for &(i, j) in &pairs {
            if fits(i, j) {
                tt[i][j] = i128::from(*rest.next().expect("a plain sum") as i64);
            }
        }
        let wide_pairs: Vec<(usize, usize)> = pairs
            .iter()
            .copied()
            .filter(|&(i, j)| !fits(i, j))
            .collect();
        let lows: Vec<u64> = rest.by_ref().take(wide_pairs.len()).copied().collect();
        for (k, (&(i, j), low)) in wide_pairs.iter().zip(lows).enumerate() {
            let estimate = *rest.next().expect("an estimate") as i64;
            tt[i][j] = Wide {
                s,
                g: wide_sums[k].g,
            }
            .total(low, estimate);
        }
        uncentre(n, &centre, &st, &tt)
            .ok_or_else(|| EvalError::at(e, format!("in `{e}`, a cross-product exceeds 127 bits")))
    }
}

/// No shares but a zero.
fn zero() -> AShares {
    AShares::from_parts(vec![0], vec![0])
}

/// The Gram of the columns from that of their centred values (`tt` upper triangle);
/// `None` when an entry exceeds 127 bits.
fn uncentre(n: u64, c: &[i64], st: &[i128], tt: &[Vec<i128>]) -> Option<Gram> {
    let nn = i128::from(n);
    let q = c.len();
    let c: Vec<i128> = c.iter().map(|&v| i128::from(v)).collect();
    let sums = (0..q)
        .map(|j| nn.checked_mul(c[j])?.checked_add(st[j]))
        .collect::<Option<Vec<i128>>>()?;
    let mut cross = vec![vec![0i128; q]; q];
    for i in 0..q {
        for j in i..q {
            let v = tt[i][j]
                .checked_add(c[j].checked_mul(st[i])?)?
                .checked_add(c[i].checked_mul(st[j])?)?
                .checked_add(nn.checked_mul(c[i])?.checked_mul(c[j])?)?;
            cross[i][j] = v;
            cross[j][i] = v;
        }
    }
    Some(Gram { n, sums, cross })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncentring_gives_the_columns_cross_products() {
        // x = [3, 5, 10], y = [1, -2, 4], centred at 4 and 1.
        let (x, y) = ([3i128, 5, 10], [1i128, -2, 4]);
        let (cx, cy) = (4i64, 1i64);
        let tx: Vec<i128> = x.iter().map(|v| v - i128::from(cx)).collect();
        let ty: Vec<i128> = y.iter().map(|v| v - i128::from(cy)).collect();
        let dot = |a: &[i128], b: &[i128]| a.iter().zip(b).map(|(p, q)| p * q).sum::<i128>();
        let tt = vec![vec![dot(&tx, &tx), dot(&tx, &ty)], vec![0, dot(&ty, &ty)]];
        let st = [tx.iter().sum::<i128>(), ty.iter().sum::<i128>()];
        let g = uncentre(3, &[cx, cy], &st, &tt).unwrap();
        assert_eq!(g.sums, vec![18, 3]);
        assert_eq!(g.cross[0][0], dot(&x, &x));
        assert_eq!(g.cross[0][1], dot(&x, &y));
        assert_eq!(g.cross[1][0], dot(&x, &y));
        assert_eq!(g.cross[1][1], dot(&y, &y));
    }
}
