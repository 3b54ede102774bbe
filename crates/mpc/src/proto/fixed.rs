//! Fixed-point arithmetic: truncation, multiplication, reciprocal and division.
//!
//! **Truncation** `x >> d` (2 rounds; party 0 sends 2 words per element, the others 1).
//! Shift `x' = x + 2^62` into `[0, 2^63)` (requires `|x| < 2^62`). Write `x' = a + b - c 2^64`
//! with `a = x'_0 + x'_1` (known to party 0), `b = x'_2` (known to parties 1 and 2) and carry
//! `c`. Because the top bit of `x'` is 0, `c = msb(a) | msb(b)` exactly (the "known MSB"
//! observation used in SIRNN/Cheetah-style truncation). With `α = msb(a)`, `β = msb(b)`:
//!
//! `x' >> d = (a >> d) + (b >> d) - 2^(64-d) (α + β - αβ) - ε`, `ε ∈ {0, 1}`.
//!
//! Party 0 inputs `α = r + (α - r)` (`r` shared with party 2, `α - r` sent to party 1), so
//! `αβ = rβ + (α - r)β` splits into a term party 2 knows and one party 1 knows. Each party now
//! holds one term of a 3-out-of-3 sharing, which is reshared. Result: `floor(x / 2^d) - ε`,
//! error at most one unit, **no failure probability** for `|x| < 2^62`.
//!
//! **Unbiased rounding.** With `a` uniformly random (a fresh sharing), `ε = 1` exactly when the
//! low `d` bits of `a` and `b` carry, which happens with probability `1 - (x mod 2^d + 1) / 2^d`;
//! so `E[trunc(x)] = x / 2^d - 1 + 2^-d`. Adding one unit `2^d` first gives a stochastic
//! rounding with mean `x / 2^d + 2^-d`: [`trunc_unbiased`](Party::trunc_unbiased), used where
//! millions of truncated terms are summed (the Cox model's risk-set sums).
//!
//! **Exact rounding** (the default, [`Party::set_exact_rounding`]): the dropped carry `ε`
//! of the low `d` bits of `a + b` is computed by the MSB circuit of `proto::compare` on
//! those bits alone (`Party::low_carry`: party 0's `d` bit planes in, a carry tree of
//! `⌈log2 (d+1)⌉` AND layers) and added back in the truncation's own round (its 3-out-of-3
//! sharing from the bit-to-arithmetic conversion of `proto::convert`). `trunc` is then
//! `floor(x / 2^d)` exactly (its callers' floor-or-one-less contract holds, as floor
//! divisions need), `trunc_unbiased` `floor(x / 2^d + 1/2)` (round to nearest, with
//! `x + 2^(d−1)` in place of `x`): results depend on the secret alone, not on the shares, so
//! reruns of a query give identical words (issue 14). Cost:
//! `3 + ⌈log2 (d+1)⌉` rounds instead of 2, and about `(d + 1)/64 · 4` words more per element
//! (party 0 also sends one word per element for the carry's conversion).
//!
//! **Reciprocal** `1/x` for `0 < x < 2^(K+1-f)`, `K = 60 - f` (2^21 for `f = 20`), 47 rounds:
//! bit-decompose `x`, prefix-OR to find its leading bit `p`, build `C = 2^(K-p)` by a bit
//! reversal (local) and B2A, normalise `m = x C 2^-(K-f+1) ∈ [0.5, 1)`, run three Newton steps
//! `y <- y (2 - m y)` from `y0 = 2.9142 - 2m` (relative error 0.086 -> 7.4e-3 -> 5.4e-5 ->
//! 3e-9, below the fixed-point resolution), and rescale `1/x = y C 2^-(K-f+1)`.
//! Error bound (tested): `|ŷ - 1/x| <= 2^-(f-4) max(1, 1/x)`: a few units in the last place of
//! the normalised mantissa, scaled by the result's magnitude when `1/x > 1`.
//! **Division** `a / b = a * (1/b)` adds one truncation.
use crate::error::{MpcError, same_len};
use crate::party::{Party, PartyId};
use crate::share::{AShares, BShares, Bits};

/// `x = m 2^(p + 1 - f)` with `m` in `[0.5, 1)`: the normalisation shared by the reciprocal
/// and the logarithm.
pub(crate) struct Normalized {
    /// The mantissa `m` (fixed point, `f` bits).
    pub m: AShares,
    /// `C = 2^(K - p)`, arithmetic.
    pub c: AShares,
    /// `K - f + 1`: `m = x C 2^-shift`.
    pub shift: u32,
    /// Boolean one-hot word with bit `p` set.
    pub onehot: BShares,
}

impl Party {
    /// `floor(x / 2^d)` or one less, for `|x| < 2^62` and `1 <= d <= 62`.
    pub fn trunc(&mut self, x: &AShares, d: u32) -> crate::Result<AShares> {
        self.trunc_each(x, &vec![d; x.len()])
    }

    /// [`trunc`](Party::trunc) with its own shift `d[i]` for each element.
    pub fn trunc_each(&mut self, x: &AShares, d: &[u32]) -> crate::Result<AShares> {
        self.trunc_offset(x, d, |_| 0, false)
    }

    /// `trunc_each(x + off)` for a public offset `off(i)`, without copying `x`. With exact
    /// rounding, `floor(x / 2^d)` (or, `nearest`, `floor(x / 2^d + 1/2)`) exactly instead.
    fn trunc_offset(
        &mut self,
        x: &AShares,
        d: &[u32],
        off: impl Fn(usize) -> u64,
        nearest: bool,
    ) -> crate::Result<AShares> {
        same_len("trunc_each", x.len(), d.len())?;
        if let Some(bad) = d.iter().find(|d| !(1..=62).contains(*d)) {
            return Err(MpcError::param(
                "trunc",
                format!("shift {bad} not in 1..=62"),
            ));
        }
        if self.exact {
            // Exactly: the carry the cheap protocol drops, computed and added back (see the
            // module doc); floor, or round to nearest for the unbiased truncation.
            let half = |i: usize| if nearest { 1u64 << (d[i] - 1) } else { 0 };
            let carry = self.low_carry(x, d, half)?;
            return self.trunc_core(x, d, half, Some(&carry));
        }
        self.trunc_core(x, d, off, None)
    }

    /// The truncation protocol (module doc) of `x + off`, plus `carry` when given: its
    /// 3-out-of-3 additive sharing is formed in the same round as the truncation's terms.
    fn trunc_core(
        &mut self,
        x: &AShares,
        d: &[u32],
        off: impl Fn(usize) -> u64,
        carry: Option<&Bits>,
    ) -> crate::Result<AShares> {
        let n = x.len();
        // The shift into [0, 2^63) (and `off`) belong to component x_0: only party 0's sum
        // `a = x_0 + x_1` sees them; parties 1 and 2 use `x_2` alone.
        let hi = |d: u32| 1u64 << (64 - d);
        self.net.round();
        let t: Vec<u64> = match self.id.index() {
            0 => {
                let a: Vec<u64> =
                    x.a.iter()
                        .zip(&x.b)
                        .enumerate()
                        .map(|(i, (p, q))| {
                            p.wrapping_add(*q)
                                .wrapping_add(1 << 62)
                                .wrapping_add(off(i))
                        })
                        .collect();
                let r = self.rand.own.words(n);
                let masked: Vec<u64> = a
                    .iter()
                    .zip(&r)
                    .map(|(v, r)| (v >> 63).wrapping_sub(*r))
                    .collect();
                self.net.send(PartyId::ALL[1], &masked)?;
                a.iter()
                    .zip(d)
                    .map(|(&v, &d)| {
                        (v >> d)
                            .wrapping_sub((v >> 63).wrapping_mul(hi(d)))
                            .wrapping_sub(1 << (62 - d))
                    })
                    .collect()
            }
            1 => {
                let alpha1 = self.net.recv(PartyId::ALL[0], n)?;
                x.b.iter()
                    .zip(&alpha1)
                    .zip(d)
                    .map(|((&b, &a1), &d)| {
                        let beta = b >> 63;
                        (b >> d)
                            .wrapping_sub(beta.wrapping_mul(hi(d)))
                            .wrapping_add(beta.wrapping_mul(a1).wrapping_mul(hi(d)))
                    })
                    .collect()
            }
            _ => {
                let r = self.rand.next.words(n);
                x.a.iter()
                    .zip(&r)
                    .zip(d)
                    .map(|((&b, &r), &d)| (b >> 63).wrapping_mul(r).wrapping_mul(hi(d)))
                    .collect()
            }
        };
        let t = match carry {
            Some(c) => {
                let bit = self.b2a_bits_additive(c)?;
                t.iter()
                    .zip(&bit)
                    .map(|(a, b)| a.wrapping_add(*b))
                    .collect()
            }
            None => t,
        };
        self.reshare(t)
    }

    /// Truncation as unbiased stochastic rounding: `x / 2^d` rounded down or up, with mean
    /// `x / 2^d` (see the module doc), for `|x| < 2^62 - 2^d`. Sums of many truncated values
    /// then carry no drift, which fixed-point statistics over many rows need.
    pub fn trunc_unbiased(&mut self, x: &AShares, d: &[u32]) -> crate::Result<AShares> {
        same_len("trunc_unbiased", x.len(), d.len())?;
        self.trunc_offset(x, d, |i| 1u64 << d[i].min(62), true)
    }

    /// Fixed-point product with `f` fractional bits: `trunc(x * y, f)`. 3 rounds.
    pub fn fx_mul(&mut self, x: &AShares, y: &AShares, f: u32) -> crate::Result<AShares> {
        let z = self.mul(x, y)?;
        self.trunc(&z, f)
    }

    /// Fixed-point reciprocal `1/x` for `0 < x < 2^(61-2f)` reals (see module doc).
    pub fn reciprocal(&mut self, x: &AShares, f: u32) -> crate::Result<AShares> {
        let norm = self.normalize(x, f)?;
        self.reciprocal_of(&norm, f)
    }

    /// [`reciprocal`](Party::reciprocal) with two Newton steps instead of three: relative
    /// error about 5.4e-5, for callers that refine the result themselves (6 rounds fewer).
    pub fn reciprocal_rough(&mut self, x: &AShares, f: u32) -> crate::Result<AShares> {
        let norm = self.normalize(x, f)?;
        let y = self.mantissa_reciprocal(&norm.m, f, 2)?;
        let yc = self.mul(&y, &norm.c)?;
        self.trunc(&yc, norm.shift)
    }

    /// Bit-decomposes `x` and scales it into `[0.5, 1)` (the first half of the reciprocal).
    pub(crate) fn normalize(&mut self, x: &AShares, f: u32) -> crate::Result<Normalized> {
        // C = 2^(K - p) keeps x*C < 2^(K+1) and the reciprocal's y*C < 2^62.
        self.normalize_k(x, f, 60 - f)
    }

    /// [`normalize`](Party::normalize) for `0 < x < 2^(k+1)` (words): `C = 2^(k - p)`.
    pub(crate) fn normalize_k(&mut self, x: &AShares, f: u32, k: u32) -> crate::Result<Normalized> {
        if !(4..=28).contains(&f) || !(f..=60).contains(&k) {
            return Err(MpcError::param(
                "reciprocal",
                format!("f = {f} not in 4..=28 or k = {k} not in f..=60"),
            ));
        }
        // Leading bit p of x: prefix-OR downwards, then v ^ (v >> 1) is one-hot at p.
        let mut v = self.a2b(x)?;
        for s in [1u32, 2, 4, 8, 16, 32] {
            let shifted = v.map(|w| w >> s);
            v = self.or(&v, &shifted)?;
        }
        let onehot = v.xor(&v.map(|w| w >> 1));
        // C = 2^(K - p): move bit p to bit K - p (bits above K fall off: x out of range).
        let c_bool = onehot.map(|w| w.reverse_bits() >> (63 - k));
        let c = self.b2a(&c_bool)?;
        let shift = k - f + 1;
        let xc = self.mul(x, &c)?;
        // Unbiased rounding: `ln m` (proto::log) is summed over many terms by callers.
        let m = self.trunc_unbiased(&xc, &vec![shift; xc.len()])?;
        Ok(Normalized {
            m,
            c,
            shift,
            onehot,
        })
    }

    /// `1/x` from its normalisation: Newton-Raphson from the linear start y0 = 2.9142 - 2m.
    pub(crate) fn reciprocal_of(&mut self, norm: &Normalized, f: u32) -> crate::Result<AShares> {
        let y = self.mantissa_reciprocal(&norm.m, f, 3)?;
        let yc = self.mul(&y, &norm.c)?;
        self.trunc(&yc, norm.shift)
    }

    /// `1/m` for a mantissa `m ∈ [0.5, 1)`: Newton steps from `2.9142 − 2m` (relative error
    /// 0.086, then 7.4e-3, 5.4e-5, 3e-9).
    pub(crate) fn mantissa_reciprocal(
        &mut self,
        m: &AShares,
        f: u32,
        steps: usize,
    ) -> crate::Result<AShares> {
        let me = self.id;
        let two = 2u64 << f;
        let mut y = m
            .scale(2)
            .neg()
            .add_const(me, crate::fixed::encode(2.9142, f));
        for _ in 0..steps {
            let e = self.fx_mul(m, &y, f)?;
            let corr = e.neg().add_const(me, two);
            y = self.fx_mul(&y, &corr, f)?;
        }
        Ok(y)
    }

    /// Fixed-point division `a / b` for `b > 0` in the reciprocal's range.
    pub fn div(&mut self, a: &AShares, b: &AShares, f: u32) -> crate::Result<AShares> {
        same_len("div", a.len(), b.len())?;
        let inv = self.reciprocal(b, f)?;
        self.fx_mul(a, &inv, f)
    }
}
