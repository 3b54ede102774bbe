//! The design of a generalised linear model on shares, made once per fit.
//!
//! Every predictor (and the offset) is centred at a public word `c` and scaled by a public
//! power of two, `x' = (x − c) / 2^w` with `|x − c| < 2^w` from its proven bounds, so
//! `|x'| < 1`, held at [`F_X`] fractional bits: exact when `w <= F_X` (a shift), else rounded
//! to `2^-F_X` of the column's range (documented in `glm`'s module doc). The columns are then
//! masked (`m x'`, one multiplication round, exact: `m` is 0/1), so every later sum runs over
//! the rows used only, and the products `x'_j x'_k` of every pair (the "one" column `m` and
//! the offset included) are made once, rounded to `F_X` bits: each Newton pass needs only the
//! products of these with its weights. Opened here: `n`, `G = Σ x'_j x'_k` and
//! `Gy = Σ y x'_j x'_k` over the rows used (R's `XᵀX` and `Xᵀ diag(y) X`, which with the
//! first column give `Xᵀy`): R's first iteration, a least-squares fit from R's starting
//! means, needs nothing else.
use super::sums::{Split, dot_all, split_all, values};
use super::{GlmError, Input};
use sharestat_mpc::{AShares, Party};

/// Fractional bits of the scaled columns and of their products.
pub const F_X: u32 = 24;

/// How a column's real values map to its scaled one: `x = (x' 2^w + c) / 10^s`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Map {
    /// `w`: `|x − c| < 2^w` in words.
    pub width: u32,
    /// `c`, a word.
    pub centre: i64,
    /// `s`: decimals of the words.
    pub scale: u32,
}

impl Map {
    /// The column's proven word bounds `lo..=hi`, centred when `centre`.
    pub fn new(lo: i64, hi: i64, scale: u32, centre: bool) -> Map {
        let c = if centre {
            lo / 2 + hi / 2 + (lo % 2 + hi % 2) / 2
        } else {
            0
        };
        let half = (hi as i128 - c as i128)
            .abs()
            .max((lo as i128 - c as i128).abs());
        let width = (128 - (half as u128).leading_zeros()).max(1);
        Map {
            width,
            centre: c,
            scale,
        }
    }

    /// Real units per unit of `x'`: `2^w / 10^s`.
    pub fn unit(&self) -> f64 {
        2f64.powi(self.width as i32) / 10f64.powi(self.scale as i32)
    }

    /// The centre in real units.
    pub fn centre_real(&self) -> f64 {
        self.centre as f64 / 10f64.powi(self.scale as i32)
    }
}

/// The masked, scaled columns, their products and the opened cross-product sums.
pub struct Design {
    /// `[m, m x'_1, ..., m x'_q, (m o')]` at [`F_X`] bits.
    pub x: Vec<AShares>,
    /// Products of every pair `j <= k` of `x`, at [`F_X`] bits ([`pairs`] order).
    pub pairs: Vec<AShares>,
    /// The masked response words.
    pub y: AShares,
    /// The rows used (0/1).
    pub mask: AShares,
    /// Bits of the row count (sums of `2^l` terms).
    pub l: u32,
    /// The predictors' maps, and the offset's.
    pub maps: Vec<Map>,
    /// The offset's map, when there is one (its column is last in `x`).
    pub offset: Option<Map>,
    /// A public bound on the response's words.
    pub y_max: u64,
    /// Rows used.
    pub n: u64,
    /// `Σ x'_j x'_k` over `x`'s columns.
    pub g: Vec<Vec<f64>>,
    /// `Σ y x'_j x'_k`.
    pub gy: Vec<Vec<f64>>,
    /// Each Fisher-scoring pass also opens the quasi families' Pearson sums
    /// (`super::pearson`).
    pub pearson: bool,
}

/// Index pairs `(j, k)`, `j <= k`, of `p` columns, row by row.
pub fn pairs(p: usize) -> Vec<(usize, usize)> {
    (0..p).flat_map(|j| (j..p).map(move |k| (j, k))).collect()
}

/// Bits of a magnitude: the least `b` with `x < 2^b`.
pub fn bits(x: f64) -> u32 {
    if x < 1.0 {
        0
    } else {
        x.log2().floor() as u32 + 1
    }
}

/// A signed opened word as a real with `f` fractional bits.
pub fn real(v: u64, f: i32) -> f64 {
    v as i64 as f64 * 2f64.powi(-f)
}

impl Design {
    /// Scales, masks and multiplies the columns of `input`, and opens `n`, `G` and `Gy`.
    pub fn new(p: &mut Party, input: &Input) -> Result<Design, GlmError> {
        let rows = input.mask.len();
        let l = bits(rows.max(1) as f64);
        let me = p.id();
        let mut maps = Vec::new();
        let mut scaled = Vec::new();
        let mut cut = Vec::new(); // columns wider than F_X, rounded
        for c in input.cols.iter().chain(&input.offset) {
            let m = Map::new(c.lo, c.hi, c.scale, input.intercept);
            let t = c.words.add_const(me, (m.centre as u64).wrapping_neg());
            if m.width <= F_X {
                scaled.push(t.scale(1u64 << (F_X - m.width)));
            } else {
                cut.push((scaled.len(), m.width - F_X));
                scaled.push(t);
            }
            maps.push(m);
        }
        if !cut.is_empty() {
            let all = AShares::concat(&cut.iter().map(|&(i, _)| &scaled[i]).collect::<Vec<_>>());
            let d: Vec<u32> = cut
                .iter()
                .flat_map(|&(_, d)| std::iter::repeat_n(d, rows))
                .collect();
            let t = p.trunc_each(&all, &d)?;
            for (k, &(i, _)) in cut.iter().enumerate() {
                scaled[i] = t.slice(k * rows..(k + 1) * rows);
            }
        }
        let offset = input
            .offset
            .as_ref()
            .map(|_| maps.pop().expect("offset map"));
        // Mask every column and the response (one round).
        let mask = &input.mask;
        let mut muls: Vec<(&AShares, &AShares)> = scaled.iter().map(|s| (mask, s)).collect();
        muls.push((mask, &input.y));
        let mut masked = p.mul_many(&muls)?;
        let y = masked.pop().expect("masked response");
        let mut x = vec![mask.scale(1u64 << F_X)];
        x.extend(masked);
        let pr = pairs(x.len());
        let prods = p.mul_many(&pr.iter().map(|&(j, k)| (&x[j], &x[k])).collect::<Vec<_>>())?;
        let all = AShares::concat(&prods.iter().collect::<Vec<_>>());
        let t = p.trunc_each(&all, &vec![F_X; all.len()])?;
        let pairs: Vec<AShares> = (0..pr.len())
            .map(|i| t.slice(i * rows..(i + 1) * rows))
            .collect();
        // n, G and Gy.
        let ybits = bits(input.y_max as f64) + 1;
        let split = split_all(p, &[(&y, ybits, F_X + 1)], l)?;
        let jobs: Vec<(&AShares, &Split)> = pairs.iter().map(|q| (q, &split[0])).collect();
        let gy = dot_all(p, &jobs)?;
        let mut out: Vec<AShares> = vec![mask.sum()];
        out.extend(pairs.iter().map(|q| q.sum()));
        out.push(gy);
        let opened = p.reveal(&AShares::concat(&out.iter().collect::<Vec<_>>()))?;
        let gy_sums = values(&jobs, &opened[1 + pr.len()..]);
        let n = opened[0];
        let k = x.len();
        let mut g = vec![vec![0.0; k]; k];
        let mut gyv = vec![vec![0.0; k]; k];
        for (i, &(a, b)) in pr.iter().enumerate() {
            g[a][b] = real(opened[1 + i], F_X as i32);
            g[b][a] = g[a][b];
            gyv[a][b] = gy_sums[i] * 2f64.powi(-(F_X as i32));
            gyv[b][a] = gyv[a][b];
        }
        Ok(Design {
            x,
            pairs,
            y,
            mask: mask.clone(),
            l,
            maps,
            offset,
            y_max: input.y_max,
            n,
            g,
            gy: gyv,
            pearson: input.pearson,
        })
    }

    /// Whether some row used has its 0/1 `flag` set (one opened bit: the flags' sum over the
    /// rows used, compared with 0).
    pub fn any_flagged(&self, p: &mut Party, flag: &AShares) -> Result<bool, super::GlmError> {
        let count = p.dot(flag, &self.mask)?;
        let zero = AShares::from_parts(vec![0], vec![0]);
        let none = p.eq(&count, &zero, 32)?;
        Ok(!p.reveal_bits(&none)?[0])
    }

    /// Index in [`Design::pairs`] of the pair `(j, k)` of `x`'s columns.
    pub fn pair(&self, j: usize, k: usize) -> usize {
        let (j, k) = (j.min(k), j.max(k));
        let p = self.x.len();
        j * p - j * (j + 1) / 2 + k
    }

    /// Index in `x` of the offset's column.
    pub fn offset_col(&self) -> Option<usize> {
        self.offset.map(|_| self.x.len() - 1)
    }
}
