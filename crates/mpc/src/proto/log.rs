//! Fixed-point natural logarithm, sharing its normalisation with the reciprocal.
//!
//! `ln x` for `0 < x < 2^61` words (`2^(61-2f)` with the reciprocal): the normalisation (`proto::fixed`) gives
//! `x = m 2^(p + 1 - f)` with `m ∈ [0.5, 1)` and the leading bit `p` as a one-hot boolean word.
//! Then `ln x = ln m + (p + 1 - f) ln 2`:
//!
//! - `p` itself: bit `t` of `p` is the XOR of the one-hot bits at positions `j` with bit `t` of
//!   `j` set (exactly one one-hot bit is set), a local parity per share word; one B2A.
//! - `ln m`: `v = 4m - 3 ∈ [-1, 1)` (local, exact), and a degree-9 polynomial in `v` by
//!   Estrin's scheme (`proto::poly`; the Chebyshev interpolant of `ln((v + 3) / 4)`, converted
//!   to monomials; its own error is 6e-9, below the resolution 2^-f for `f <= 26`): four
//!   levels, each a round of products and one truncation with unbiased rounding.
//!
//! Error (tested): `|ln x̂ - ln x| <= 2^-(f-4)`, a few units in the last place.
//! Why hand-written: no crate offers protocols on our replicated shares; the construction is
//! the textbook one (normalise, then a polynomial on the mantissa, as in Aly & Smart,
//! "Benchmarking privacy preserving scientific operations", ACNS 2019).
use crate::error::MpcError;
use crate::party::Party;
use crate::share::AShares;

/// Monomial coefficients (constant first) of the Chebyshev interpolant of
/// `ln((v + 3) / 4)` on `[-1, 1]`, degree 9 (computed offline; max error 6.1e-9).
const LN_POLY: [f64; 10] = [
    -0.2876820766611724,
    0.33333333461362563,
    -0.05555534547843792,
    0.012345615118809961,
    -0.0030880839249061154,
    0.0008235513420340457,
    -0.00022406427021763877,
    6.393497450094542e-05,
    -2.4015301762148055e-05,
    7.152816629485415e-06,
];

/// Masks selecting the positions `j` (0..64) whose bit `t` is set, `t = 0..6`.
const POS_BIT: [u64; 6] = [
    0xAAAA_AAAA_AAAA_AAAA,
    0xCCCC_CCCC_CCCC_CCCC,
    0xF0F0_F0F0_F0F0_F0F0,
    0xFF00_FF00_FF00_FF00,
    0xFFFF_0000_FFFF_0000,
    0xFFFF_FFFF_0000_0000,
];

impl Party {
    /// `ln x` for shared fixed-point `x` with `0 < x < 2^61` as words (the reciprocal's
    /// bound does not apply: the normalisation may take the full width).
    pub fn ln(&mut self, x: &AShares, f: u32) -> crate::Result<AShares> {
        if f > 26 {
            return Err(MpcError::param("ln", format!("f = {f} above 26")));
        }
        let norm = self.normalize_k(x, f, 60)?;
        self.ln_of(&norm, x.len(), f)
    }

    /// `ln x` for shared fixed-point `x ∈ [1, 2]` (`f <= 28`), without the normalisation:
    /// `v = 2x − 3 ∈ [−1, 1]` and `ln x = ln((v + 3)/4) + ln 2`, the same polynomial (four
    /// levels of Estrin's scheme, about 36 rounds instead of the general logarithm's 90 or
    /// more). Error: the polynomial's 6.1e-9 plus a few units `2^-f`. Outside `[1, 2]` the
    /// result is meaningless.
    pub fn ln_1_2(&mut self, x: &AShares, f: u32) -> crate::Result<AShares> {
        if f > 28 {
            return Err(MpcError::param("ln_1_2", format!("f = {f} above 26")));
        }
        let me = self.id;
        let enc = |c: f64| crate::fixed::encode(c, f);
        let v = x.scale(2).add_const(me, enc(-3.0));
        let y = self.poly_eval(&v, &LN_POLY, f, true, &mut Vec::new())?;
        Ok(y.add_const(me, enc(std::f64::consts::LN_2)))
    }

    /// `(1/x, ln x)` from one bit decomposition.
    pub fn recip_ln(&mut self, x: &AShares, f: u32) -> crate::Result<(AShares, AShares)> {
        if f > 26 {
            return Err(MpcError::param("ln", format!("f = {f} above 26")));
        }
        let norm = self.normalize(x, f)?;
        let recip = self.reciprocal_of(&norm, f)?;
        let ln = self.ln_of(&norm, x.len(), f)?;
        Ok((recip, ln))
    }

    /// `ln x = ln m + (p + 1 - f) ln 2` from the normalisation of `n` elements.
    fn ln_of(
        &mut self,
        norm: &super::fixed::Normalized,
        n: usize,
        f: u32,
    ) -> crate::Result<AShares> {
        let me = self.id;
        // p from the one-hot word: parities of masked shares are shares of p's bits.
        let p_bool = norm.onehot.map(|w| {
            POS_BIT.iter().enumerate().fold(0u64, |acc, (t, mask)| {
                acc | (((w & mask).count_ones() as u64) & 1) << t
            })
        });
        let p = self.b2a(&p_bool)?;
        // v = 4m - 3, then Horner.
        let v = norm.m.scale(4).add_const(me, crate::fixed::encode(-3.0, f));
        let enc = |c: f64| crate::fixed::encode(c, f);
        debug_assert_eq!(v.len(), n);
        let y = self.poly_eval(&v, &LN_POLY, f, true, &mut Vec::new())?;
        // + (p + 1 - f) ln 2: p is an integer, ln 2 a public fixed-point constant.
        let ln2 = enc(std::f64::consts::LN_2);
        Ok(y.add(&p.scale(ln2))
            .add_const(me, ln2.wrapping_mul((1i64 - f as i64) as u64)))
    }
}
