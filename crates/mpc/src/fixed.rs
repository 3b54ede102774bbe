//! Fixed-point encoding of reals in Z_2^64.
//!
//! A real `v` is stored as the two's-complement integer `round(v * 2^f)`, `f` fractional bits.
//! The default is [`FRAC_BITS`] = 20 (resolution 2^-20 ≈ 9.5e-7).
//!
//! **Range.** Addition, subtraction and multiplication by public integers are exact while
//! `|v| < 2^(63-f)` (≈ 8.8e12 for `f = 20`). A product of two encoded values has `2f`
//! fractional bits before truncation and must satisfy `|v_x * v_y| < 2^(62-2f)` (≈ 4.2e6 for
//! `f = 20`, ≈ 1.1e9 for `f = 16`); choose `f` per computation accordingly.
//!
//! **Truncation** ([`Party::trunc`](crate::Party::trunc)) is deterministic, not probabilistic:
//! for any `|x| < 2^62` it returns `floor(x / 2^d)` or `floor(x / 2^d) - 1`: a fixed-point product is
//! below the exact product of the encoded operands by less than two units in the last place
//! (2^-f each), with no failure probability. (ABY3's share truncation
//! fails with probability about `2^(l_x + 1 - 64)`, too high for 64-bit rings at useful
//! precision, which is why this engine uses the carry-corrected variant in `proto::fixed`.)

/// Default number of fractional bits.
pub const FRAC_BITS: u32 = 20;

/// Encodes a real with `f` fractional bits (rounding to nearest).
pub fn encode(v: f64, f: u32) -> u64 {
    (v * (1u64 << f) as f64).round() as i64 as u64
}

/// Decodes a ring element with `f` fractional bits into a real.
pub fn decode(x: u64, f: u32) -> f64 {
    x as i64 as f64 / (1u64 << f) as f64
}

/// Encodes a slice of reals.
pub fn encode_all(v: &[f64], f: u32) -> Vec<u64> {
    v.iter().map(|&x| encode(x, f)).collect()
}

/// Decodes a slice of ring elements.
pub fn decode_all(x: &[u64], f: u32) -> Vec<f64> {
    x.iter().map(|&v| decode(v, f)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip() {
        for v in [0.0, 1.0, -1.5, 1234.5678, -0.000_01, 8.0e12, -8.0e12] {
            let e = decode(encode(v, FRAC_BITS), FRAC_BITS);
            assert!((e - v).abs() <= 0.5 / (1u64 << FRAC_BITS) as f64 * (1.0 + v.abs() * 1e-9));
        }
    }
}
