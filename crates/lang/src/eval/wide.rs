//! Sums of squares beyond 64 bits (issue 14): `Σc²` of centred words `|c| < 2^W` over `n`
//! rows, exact, when `n 2^(2W)` leaves the ring but `W + log2 n <= 60`.
//!
//! Each word is split exactly into `c = h 2^s + l` (`h` the engine's truncation of `c`,
//! `floor(c / 2^s) - ε`; `l = c - h 2^s ∈ [0, 2^(s+1))`, so the identity holds whatever `ε`),
//! and `Σc² = 2^(2s) S1 + 2^(s+1) S2 + S3` with `S1 = Σh²`, `S2 = Σhl`, `S3 = Σl²`, each
//! within the ring for `s = ⌊(60 - log2 n) / 2⌋`. The three are not opened: the parties
//! open `T mod 2^64` (the same combination in the ring, exact) and an estimate
//! `E ≈ T / 2^(64-g)` made from `S1, S2, S3` by public shifts and truncations (error below
//! `6 · 2^(64-g) < 2^63`); `T` is the one value of the form `k 2^64 + (T mod 2^64)` within
//! that error of `E 2^(64-g)`. So the release is `T`, as with 64-bit squares, and the
//! variance is exact; `E`'s truncation noise (below a unit of `2^-(g-3)` of the 64-bit word)
//! carries no more than the released `T` up to that noise.
//! It replaces the truncated squares of `moments.rs` (whose error bound refused variances of
//! values much narrower than their proven range, such as quotients and exponentials).
//!
//! Plain sums `Σx` whose `n max|x|` leaves 64 bits (a product of 10^9 at 6 decimals over
//! 10^6 rows) take the same road with two parts ([`Wide::linear`]): `x = h 2^s + l`,
//! `T = 2^s Σh + Σl`, each sum within the ring; the release is `T` exactly.

use sharestat_mpc::AShares;

/// A wide sum `T = Σ_k 2^(e_k) S_k` to open: its parts `S_k` (one-element shares, each within
/// the ring) with their exponents `e_k`, and the `g` of its estimate.
pub(crate) struct WideSum {
    pub parts: Vec<(AShares, u32)>,
    pub g: u32,
}

impl super::Evaluator<'_> {
    /// For each wide sum: shares of `T mod 2^64` (exact, local) and of the estimate
    /// `E ≈ T / 2^(64−g)` (each part by a public shift, or truncated; the truncations of all
    /// sums in one batch).
    pub(crate) fn wide_words(
        &mut self,
        sums: &[WideSum],
    ) -> super::Result<(Vec<AShares>, Vec<AShares>)> {
        let zero = || AShares::from_parts(vec![0], vec![0]);
        let (mut lows, mut est) = (Vec::new(), Vec::new());
        let (mut cut, mut by, mut owner) = (Vec::new(), Vec::new(), Vec::new());
        for (k, sum) in sums.iter().enumerate() {
            let (mut low, mut e) = (zero(), zero());
            for (v, x) in &sum.parts {
                low = low.add(&v.scale(1u64 << x));
                let shift = *x as i32 - (64 - sum.g as i32);
                if shift >= 0 {
                    e = e.add(&v.scale(1u64 << shift));
                } else {
                    cut.push(v);
                    by.push((-shift) as u32);
                    owner.push(k);
                }
            }
            lows.push(low);
            est.push(e);
        }
        if !cut.is_empty() {
            let t = self.p.trunc_each(&AShares::concat(&cut), &by)?;
            for (i, &k) in owner.iter().enumerate() {
                est[k] = est[k].add(&t.slice(i..i + 1));
            }
        }
        Ok((lows, est))
    }
}

impl super::Evaluator<'_> {
    /// `Σx` of the used values of `col` (words within `±mag`), exact beyond 64 bits
    /// ([`Wide::linear`]); the parties open `T mod 2^64` and the estimate only.
    pub(crate) fn wide_sum(
        &mut self,
        e: &crate::ast::Expr,
        col: &sharestat_stats::Column,
        mag: f64,
    ) -> super::Result<i128> {
        let n = col.len();
        let w = Wide::linear(mag, n).ok_or_else(|| {
            super::EvalError::at(
                e,
                format!(
                    "a sum of `{e}` over {n} rows cannot be held even in 122 bits; scale the \
                     values down or round them"
                ),
            )
        })?;
        let x = &col.values;
        let h = self.p.trunc(x, w.s)?;
        let l = x.sub(&h.scale(1u64 << w.s));
        let (sh, sl) = match &col.present {
            Some(m) => {
                let both = self
                    .p
                    .mul(&AShares::concat(&[m, m]), &AShares::concat(&[&h, &l]))?;
                (both.slice(0..n).sum(), both.slice(n..2 * n).sum())
            }
            None => (h.sum(), l.sum()),
        };
        let sum = WideSum {
            parts: vec![(sh, w.s), (sl, 0)],
            g: w.g,
        };
        let (low, est) = self.wide_words(&[sum])?;
        let o = self.p.reveal(&AShares::concat(&[&low[0], &est[0]]))?;
        Ok(w.total(o[0], o[1] as i64))
    }
}

/// The split of a wide sum of squares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Wide {
    /// Bits of the low part: `c = h 2^s + l`.
    pub s: u32,
    /// Fractional bits of the estimate `E ≈ T / 2^(64-g)`.
    pub g: u32,
}

impl Wide {
    /// The split for centred words of magnitude at most `half` over `rows` rows, or `None`
    /// when even 128 bits in three parts cannot hold them.
    pub(crate) fn new(half: f64, rows: usize) -> Option<Wide> {
        let w = (half + 1.0).log2().ceil() as i32;
        let l = (rows.max(2) as f64).log2().ceil() as i32;
        if w + l > 60 {
            return None;
        }
        let s = (60 - l) / 2;
        if 2 * (w - s + 1) + l > 62 || s < 1 {
            return None;
        }
        Some(Wide {
            s: s as u32,
            g: (123 - 2 * w - l).min(62) as u32,
        })
    }

    /// The split for a plain sum of words within `±mag` over `rows` rows: `Σh` and `Σl`
    /// (with `l ∈ [0, 2^(s+1))`) each below `2^62` in magnitude, or `None` beyond 122 bits
    /// (`w + 2 log2 n > 122`, never for words below `2^62` and up to `2^30` rows).
    pub(crate) fn linear(mag: f64, rows: usize) -> Option<Wide> {
        let w = (mag + 1.0).log2().ceil() as i32;
        let l = (rows.max(2) as f64).log2().ceil() as i32;
        // Σl < n 2^(s+1) <= 2^62; |Σh| <= n (2^(w-s) + 1) <= 2^62.
        let s = 61 - l;
        if !(1..=62).contains(&s) || w + l - 61 > s {
            return None;
        }
        // |T| < 2^(w+l): the estimate `T / 2^(64-g)` stays below 2^61.
        Some(Wide {
            s: s as u32,
            g: (125 - w - l).clamp(2, 62) as u32,
        })
    }

    /// The weights `2^e` of `S1`, `S2`, `S3` in `T`.
    pub(crate) fn weights(&self) -> [u32; 3] {
        [2 * self.s, self.s + 1, 0]
    }

    /// `T mod 2^64` from the three sums (wrapping, as the parties compute it on shares):
    /// for tests.
    #[cfg(test)]
    fn low(&self, [s1, s2, s3]: [u64; 3]) -> u64 {
        s1.wrapping_shl(2 * self.s)
            .wrapping_add(s2.wrapping_shl(self.s + 1))
            .wrapping_add(s3)
    }

    /// `T` from `T mod 2^64` and the estimate `E ≈ T / 2^(64-g)`.
    pub(crate) fn total(&self, low: u64, estimate: i64) -> i128 {
        let approx = i128::from(estimate) << (64 - self.g);
        let k = (approx - i128::from(low) + (1i128 << 63)) >> 64;
        (k << 64) + i128::from(low)
    }

    /// The estimate from exact `S1, S2, S3` (each term floored, as a truncation may be):
    /// for tests.
    #[cfg(test)]
    fn estimate(&self, s: [i128; 3]) -> i64 {
        self.weights()
            .iter()
            .zip(s)
            .map(|(&w, v)| {
                let e = w as i32 - (64 - self.g as i32);
                if e >= 0 { v << e } else { (v >> -e) - 1 }
            })
            .sum::<i128>() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sum_of_squares_beyond_the_ring_is_recovered_exactly() {
        // Words up to 2^40 (quotients at 7 decimals) over up to 10^6 rows.
        for (half, n) in [
            (1.1e12, 48usize),
            (2f64.powi(40) - 1.0, 1_000_000),
            (3e9, 100),
        ] {
            let w = Wide::new(half, n).expect("fits");
            let rows: Vec<i128> = (0..n.min(5000))
                .map(|i| {
                    let f = ((i * 7919) % 1000) as f64 / 999.0;
                    ((2.0 * f - 1.0) * half) as i128
                })
                .collect();
            let (mut s, mut t) = ([0i128; 3], 0i128);
            for &c in &rows {
                let h = c.div_euclid(1 << w.s) - (c & 1); // an ε that varies
                let l = c - h * (1 << w.s);
                assert!((0..1 << (w.s + 1)).contains(&l));
                s[0] += h * h;
                s[1] += h * l;
                s[2] += l * l;
                t += c * c;
            }
            let low = w.low(s.map(|v| v as u64));
            assert_eq!(low, t as u64);
            assert_eq!(w.total(low, w.estimate(s)), t, "half {half} n {n}");
        }
        // Plain sums: words up to 2^61 over 10^6 rows, with every `ε`.
        for (mag, n) in [(2f64.powi(61), 1usize << 20), (1e15, 1_000_000), (3e18, 48)] {
            let w = Wide::linear(mag, n).expect("fits");
            let (mut sh, mut sl, mut t) = (0i128, 0i128, 0i128);
            for i in 0..n.min(5000) {
                let f = ((i * 7919) % 1000) as f64 / 999.0;
                let c = ((2.0 * f - 1.0) * mag) as i128;
                let h = c.div_euclid(1 << w.s) - (c & 1);
                sh += h;
                sl += c - h * (1 << w.s);
                t += c;
            }
            // Scaled to `n` rows as the worst case would be: the parts stay in the ring.
            assert!(sh.abs() * (n as i128) / (n.min(5000) as i128) < 1 << 62);
            let low = (sh as u64).wrapping_shl(w.s).wrapping_add(sl as u64);
            assert_eq!(low, t as u64);
            let shift = w.s as i32 - (64 - w.g as i32);
            let est = if shift >= 0 {
                sh << shift
            } else {
                (sh >> -shift) - 1
            } + (sl >> (64 - w.g))
                - 1;
            assert_eq!(w.total(low, est as i64), t, "mag {mag} n {n}");
        }
        // Beyond 128 bits in three parts: none.
        assert_eq!(Wide::new(2f64.powi(50), 1 << 20), None);
    }
}
