//! Fixed-point powers of two, `m · 2^(y + shift)` for a shared fixed-point `y` (the base of
//! `exp`, `sqrt` and real powers on private values, issue 14).
//!
//! The textbook construction (split the exponent into its integer and fractional parts, a
//! power of two from the integer part's bits and a polynomial for the fraction: Aly & Smart,
//! "Benchmarking privacy preserving scientific operations", ACNS 2019, §4), on our sharings:
//!
//! 1. `y' = y − lo·2^f` (local), which the caller guarantees in `[0, 2^(f+5))`: its integer
//!    part `k = ⌊y' / 2^f⌋` has five bits. One A2B (8 rounds) gives every bit of `y'`; bits
//!    `f..f+5` are `k`'s, exactly (no truncation error), and are converted to the ring
//!    (`b2a_bits`, 2 rounds).
//! 2. The fraction `r = y' − k·2^f ∈ [0, 2^f)` (local, exact). `m·2^r` is a degree-7
//!    polynomial in `v = 2r − 1 ∈ [−1, 1)`: the Chebyshev interpolant of `2^((v+1)/2)` (its
//!    own error 6e-11), its coefficients multiplied by the public `m ∈ [1, 2)` (which is how a
//!    caller folds a decimal scale `10^s = 2^⌊s log2 10⌋ · m` in at no cost), by Estrin's
//!    scheme (`proto::poly`): three levels, each a round of products and one batched
//!    truncation; the levels' products carry the product tree of step 3.
//! 3. `2^k = Π_i (1 + b_i (2^(2^i) − 1))` over the five bits: a tree of four products
//!    (three levels, inside the polynomial's).
//! 4. `z = 2^k · m 2^r · 2^f < 2^61` (one product), then `z · 2^(lo + shift − f)`: a
//!    truncation that rounds down or up (so the result is never negative) when the exponent
//!    is negative, a public shift otherwise.
//!
//! Rounds: 8 + 2 + 3 · 3 + 1 + 2 = 22 with the cheap truncation, 50 with exact rounding
//! (the default: about six more per truncation, `proto::fixed`; 90 with Horner's rule).
//! Error (tested): the polynomial and its truncations of at most one unit `2^-f` each give a
//! relative error below `2^-(f-3)` (3e-8 at `f = 28`), plus two units of the result from the
//! final truncation (its floor and its `ε`).
//! Why hand-written: no crate offers protocols on our replicated shares.
use crate::error::MpcError;
use crate::party::Party;
use crate::share::{AShares, Bits};

/// Monomial coefficients (constant first) of the degree-7 Chebyshev interpolant of
/// `2^((v+1)/2)` on `[-1, 1]` (computed offline with numpy; max error 5.9e-11).
const POW2_POLY: [f64; 8] = [
    1.414_213_562_315_907_3,
    0.490_129_071_732_073_4,
    0.084_932_897_875_709_46,
    0.009_811_832_975_574_974,
    0.000_850_121_391_624_103_5,
    5.892_620_656_311_465e-5,
    3.418_359_494_133_938e-6,
    1.690_835_844_669_891_2e-7,
];

/// Bits of the integer part `k` (so `2^k < 2^32`).
const K_BITS: u32 = 5;

impl Party {
    /// `round(m · 2^(y/2^f + shift))` as shared integers, for shared fixed-point `y` (`f`
    /// fractional bits, `4 <= f <= 28`) with `lo <= y/2^f < lo + span + 1` (`span <= 31`),
    /// and a public `m ∈ [1, 2)`: the result stays below `2^(lo + span + 2 + shift)`, which
    /// must be at most `2^62`.
    pub fn pow2(
        &mut self,
        y: &AShares,
        f: u32,
        window: (i64, u32),
        m: f64,
        shift: i64,
    ) -> crate::Result<AShares> {
        Ok(self.pow2_inner(y, f, window, m, shift, false)?.0)
    }

    /// [`Party::pow2`] (`scale` its `(m, shift)`) for a `y` that may lie outside its window,
    /// with the secret bit, per
    /// element, of whether it does: `y/2^f` outside `[lo, lo + 32)` (the result is then
    /// meaningless). From the same bit decomposition: the OR of the bits of `y − lo·2^f` from
    /// `f + 5` up (a tree of bit-sliced ORs, 6 rounds and about 8 bytes per element), where a
    /// separate check would compare every element twice (a 64-bit comparison each).
    pub fn pow2_window(
        &mut self,
        y: &AShares,
        f: u32,
        (lo, span): (i64, u32),
        scale: (f64, i64),
    ) -> crate::Result<(AShares, Bits)> {
        match self.pow2_inner(y, f, (lo, span), scale.0, scale.1, true)? {
            (z, Some(out)) => Ok((z, out)),
            (_, None) => Err(MpcError::param("pow2_window", "no window bits")),
        }
    }

    fn pow2_inner(
        &mut self,
        y: &AShares,
        f: u32,
        (lo, span): (i64, u32),
        m: f64,
        shift: i64,
        window: bool,
    ) -> crate::Result<(AShares, Option<Bits>)> {
        if !(4..=28).contains(&f) || !(1.0..2.0).contains(&m) || span > 31 {
            return Err(MpcError::param(
                "pow2",
                format!("f = {f}, m = {m} or span = {span} out of range"),
            ));
        }
        let d = f as i64 - lo - shift; // the final truncation
        if d > 61 || lo + span as i64 + 2 + shift > 62 {
            return Err(MpcError::param(
                "pow2",
                format!("lo = {lo} and shift = {shift} put the result outside 2^-1..2^62"),
            ));
        }
        let me = self.id;
        let n = y.len();
        let one = 1u64 << f;
        let y = y.add_const(me, (lo as u64).wrapping_mul(one).wrapping_neg());
        // 1. The bits of k = floor(y' / 2^f).
        let b = self.a2b(&y)?;
        let (ba, bb) = b.parts();
        let nb = crate::bitslice::blocks(n);
        let width = if window { 64 } else { (f + K_BITS) as usize };
        let (pa, pb) = (
            crate::bitslice::to_planes(ba, width),
            crate::bitslice::to_planes(bb, width),
        );
        let plane = |j: usize| {
            crate::share::BShares::from_parts(
                pa[j * nb..(j + 1) * nb].to_vec(),
                pb[j * nb..(j + 1) * nb].to_vec(),
            )
        };
        let outside = if window {
            let mut planes: Vec<_> = ((f + K_BITS) as usize..64).map(plane).collect();
            while planes.len() > 1 {
                let half = planes.len() / 2;
                let l = crate::share::BShares::concat(&planes[..half].iter().collect::<Vec<_>>());
                let r = crate::share::BShares::concat(
                    &planes[half..2 * half].iter().collect::<Vec<_>>(),
                );
                let o = self.or(&l, &r)?;
                let mut next: Vec<_> = (0..half).map(|i| o.slice(i * nb..(i + 1) * nb)).collect();
                if planes.len() % 2 == 1 {
                    next.extend(planes.pop());
                }
                planes = next;
            }
            planes.pop().map(|w| Bits::from_words(w, n))
        } else {
            None
        };
        let kp: Vec<_> = (f as usize..(f + K_BITS) as usize).map(plane).collect();
        let bits = Bits::from_words(
            crate::share::BShares::concat(&kp.iter().collect::<Vec<_>>()),
            K_BITS as usize * n.div_ceil(64) * 64,
        );
        let kb = self.b2a_bits(&bits)?;
        // Bit j of element i sits at j * 64 * blocks + i.
        let stride = n.div_ceil(64) * 64;
        let bit = |j: u32| kb.slice(j as usize * stride..j as usize * stride + n);
        // 2. r = y' - k 2^f, v = 2r - 1 (fixed point).
        let mut k = AShares::from_parts(vec![0; n], vec![0; n]);
        for j in 0..K_BITS {
            k = k.add(&bit(j).scale(one << j));
        }
        let v = y.sub(&k).scale(2).add_const(me, one.wrapping_neg());
        // 3. The factors 1 + b_j (2^(2^j) - 1) of 2^k.
        let mut factors: Vec<AShares> = (0..K_BITS)
            .map(|j| bit(j).scale((1u64 << (1u64 << j)) - 1).add_const(me, 1))
            .collect();
        // m 2^r by Estrin's scheme, the product tree of 2^k riding along.
        let coeffs: Vec<f64> = POW2_POLY.iter().map(|c| c * m).collect();
        let q = self.poly_eval(&v, &coeffs, f, false, &mut factors)?;
        let p2k = factors.pop().expect("five factors reduce to one");
        // 4. z = 2^k · m 2^r 2^f, then the final power of two.
        let z = self.mul(&p2k, &q)?;
        let z = if d > 0 {
            // Rounded down or up (never below 0): `z < 2^61` leaves the room it needs.
            self.trunc_unbiased(&z, &vec![d as u32; n])?
        } else {
            z.scale(1u64 << (-d))
        };
        Ok((z, outside))
    }
}
