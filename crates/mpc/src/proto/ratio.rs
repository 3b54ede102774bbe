//! Quotients `a / b` of shared numbers of any scale, to a fixed-point result.
//!
//! The reciprocal of `proto::fixed` returns `1/x` with an absolute error of a few units of
//! `2^-f`, which is useless when `1/x` is small (e.g. `1/n` for an at-risk count `n`). Here
//! numerator and denominator are normalised by the *same* secret power of two before dividing:
//! with `p` the leading bit of `b` (A2B, prefix-OR, one-hot; as for the reciprocal) and
//! `C = 2^(k − p)`, `B = b C ∈ [2^k, 2^(k+1))` and `A = a C` exactly; both are brought to 32
//! bits, `1/m` for the mantissa `m = B / 2^32 ∈ [0.5, 1)` takes three Newton steps at `f` bits,
//! and `a / b = A · (1/m) / 2^32`. The error is a few units of `2^-f` of the result, whatever
//! the magnitudes of `a` and `b` (Catrina & Saxena, FC 2010, normalise then Newton).
//!
//! Requires `0 < b < 2^k` (`k <= 60`) and `|a / b| < 2^(28 − f)`; 47 rounds.
use crate::error::{MpcError, same_len};
use crate::party::Party;
use crate::share::AShares;

impl Party {
    /// `a / b` as fixed point with `f` fractional bits (see the module doc).
    pub fn ratio(&mut self, a: &AShares, b: &AShares, k: u32, f: u32) -> crate::Result<AShares> {
        same_len("ratio", a.len(), b.len())?;
        if !(1..=60).contains(&k) || !(4..=28).contains(&f) {
            return Err(MpcError::param(
                "ratio",
                format!("k = {k} not in 1..=60 or f = {f} not in 4..=28"),
            ));
        }
        let n = a.len();
        // One-hot leading bit of b, then C = 2^(k − p).
        let mut v = self.a2b(b)?;
        for s in [1u32, 2, 4, 8, 16, 32] {
            let shifted = v.map(|w| w >> s);
            v = self.or(&v, &shifted)?;
        }
        let onehot = v.xor(&v.map(|w| w >> 1));
        let c = self.b2a(&onehot.map(|w| w.reverse_bits() >> (63 - k)))?;
        let both = self.mul(&AShares::concat(&[b, a]), &AShares::concat(&[&c, &c]))?;
        // To 32 bits: B ∈ [2^31, 2^32).
        let both = if k > 31 {
            self.trunc_unbiased(&both, &vec![k - 31; 2 * n])?
        } else {
            both.scale(1 << (31 - k))
        };
        let (bb, aa) = (both.slice(0..n), both.slice(n..2 * n));
        let m = self.trunc_unbiased(&bb, &vec![32 - f; n])?;
        let y = self.mantissa_reciprocal(&m, f, 3)?;
        let q = self.mul(&aa, &y)?;
        self.trunc_unbiased(&q, &vec![32; n])
    }
}
