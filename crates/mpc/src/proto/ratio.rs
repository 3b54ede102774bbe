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
        let (bb, aa) = self.normalise_pair(a, b, k)?;
        let m = self.trunc_unbiased(&bb, &vec![32 - f; n])?;
        let y = self.mantissa_reciprocal(&m, f, 3)?;
        let q = self.mul(&aa, &y)?;
        self.trunc_unbiased(&q, &vec![32; n])
    }
}

impl Party {
    /// `(B, A) = (b C, a C)` brought to 32 bits (`B ∈ [2^31, 2^32)`), for the one-hot
    /// leading bit `p` of `b` and `C = 2^(k − p)`: A2B, prefix-OR, B2A, one product.
    fn normalise_pair(
        &mut self,
        a: &AShares,
        b: &AShares,
        k: u32,
    ) -> crate::Result<(AShares, AShares)> {
        let n = a.len();
        let mut v = self.a2b(b)?;
        for s in [1u32, 2, 4, 8, 16, 32] {
            let shifted = v.map(|w| w >> s);
            v = self.or(&v, &shifted)?;
        }
        let onehot = v.xor(&v.map(|w| w >> 1));
        let c = self.b2a(&onehot.map(|w| w.reverse_bits() >> (63 - k)))?;
        let both = self.mul(&AShares::concat(&[b, a]), &AShares::concat(&[&c, &c]))?;
        let both = if k > 31 {
            self.trunc_unbiased(&both, &vec![k - 31; 2 * n])?
        } else {
            both.scale(1 << (31 - k))
        };
        Ok((both.slice(0..n), both.slice(n..2 * n)))
    }
}

/// Fractional bits of the reciprocal in [`Party::quotient`].
const Q_BITS: u32 = 28;

impl Party {
    /// `m · (a / b) · 2^e` with a relative error below `2^-25` *per element*
    /// (plus four units of the result), for `0 < b < 2^k` (`k <= 47`), `|a / b| < 2^13`, a
    /// public `m ∈ [1, 2)` and `-2 <= e <= 40`. 48 rounds.
    ///
    /// As [`Party::ratio`] (one normalisation `C` for both, `B = b C ∈ [2^31, 2^32)`,
    /// `A = a C` to the same scale), but the reciprocal of the mantissa takes 28 fractional
    /// bits, `m` is folded into it (`y' = y · m`, one public product and a truncation, so a
    /// decimal scale costs no precision), and `A · y'` is formed in two halves of `y'`
    /// (`A < 2^45` and `y' < 2^30` would overflow one word): `A y' = 2^15 A y_hi + A y_lo`,
    /// each product truncated on its own. The quotient then keeps its relative precision
    /// whatever its magnitude, as long as the result's words hold it.
    pub fn quotient(
        &mut self,
        a: &AShares,
        b: &AShares,
        k: u32,
        (m, e): (f64, i32),
    ) -> crate::Result<AShares> {
        same_len("quotient", a.len(), b.len())?;
        if !(1..=47).contains(&k) || !(1.0..2.0).contains(&m) || !(-2..=40).contains(&e) {
            return Err(MpcError::param(
                "quotient",
                format!("k = {k}, m = {m} or e = {e} out of range"),
            ));
        }
        let n = a.len();
        let (bb, aa) = self.normalise_pair(a, b, k)?;
        // m_real = B / 2^32 at 28 bits, y = 2^28 / m_real.
        let mm = self.trunc_unbiased(&bb, &vec![32 - Q_BITS; n])?;
        let y = self.mantissa_reciprocal(&mm, Q_BITS, 3)?;
        let y = self.trunc(&y.scale((m * 2f64.powi(31)).round() as u64), 31)?;
        let hi = self.trunc(&y, 15)?;
        let lo = y.sub(&hi.scale(1 << 15));
        let p = self.mul_many(&[(&aa, &hi), (&aa, &lo)])?;
        // a / b · m = A y' / 2^60.
        let s = (60 - e) as u32;
        let d: Vec<u32> = std::iter::repeat_n(s - 15, n)
            .chain(std::iter::repeat_n(s, n))
            .collect();
        let t = self.trunc_each(&AShares::concat(&[&p[0], &p[1]]), &d)?;
        Ok(t.slice(0..n).add(&t.slice(n..2 * n)))
    }
}
