//! Covariates of a Cox model as shared bits with public weights.
//!
//! A covariate `z` is kept both as a fixed-point vector (for the risk-set sums of `w z`) and
//! as bits `d_b` with public weights `w_b`, `z = Σ_b w_b d_b` exactly, from which the weights
//! `exp(β z)` are products of affine factors (see `cox::pass`).
//!
//! - A 0/1 indicator (a factor level or a logical) is one bit of weight 1.
//! - A numeric column is centred at a public `c` and scaled by a public power of two:
//!   `z = (x − c) / 2^e`. If every row has `|x − c| < 2^(B−1)` (checked securely; only the
//!   pass/fail bit is opened), its `B` low bits in two's complement are the bits, bit `b`
//!   weighing `2^(b−e)` and the sign bit `−2^(B−1−e)`. Powers of two keep `z` exact.
use super::{CoxError, F};
use sharestat_mpc::bitslice::{blocks, to_planes};
use sharestat_mpc::{AShares, BShares, Bits, Party};

/// Width of the range comparisons (values below `2^47` in magnitude).
const CMP_BITS: u32 = 48;

/// One covariate, rows in the model's order.
#[derive(Clone, Debug)]
pub struct Covariate {
    /// `z` as fixed point with [`F`] fractional bits.
    pub z: AShares,
    /// Arithmetic 0/1 shares of the bits.
    pub bits: Vec<AShares>,
    /// Their public weights: `z = Σ weights[b] · bits[b]`.
    pub weights: Vec<f64>,
    /// For an indicator: its family, if any. Two indicators of one family are never both 1
    /// on a row (the levels of one factor, or of one interaction of factors), so their
    /// product is 0 and is not computed. A wrong family gives wrong numbers: set it only
    /// where the construction proves it.
    pub family: Option<usize>,
}

impl Covariate {
    /// The sum of the bits' weights' magnitudes (the span of `z` the bits can express).
    pub fn bound(&self) -> f64 {
        self.weights.iter().map(|w| w.abs()).sum()
    }

    /// The 0/1 share of an indicator covariate (one bit of weight 1), `None` for a numeric one.
    pub fn indicator(&self) -> Option<&AShares> {
        match (&self.bits[..], &self.weights[..]) {
            ([d], [w]) if *w == 1.0 => Some(d),
            _ => None,
        }
    }

    /// The largest `|z|` the bits can express: the larger of the positive weights' sum and
    /// the negative ones'.
    pub fn max_abs(&self) -> f64 {
        let pos: f64 = self.weights.iter().filter(|w| **w > 0.0).sum();
        let neg: f64 = -self.weights.iter().filter(|w| **w < 0.0).sum::<f64>();
        pos.max(neg)
    }
}

/// A 0/1 indicator covariate.
pub fn dummy_covariate(d: AShares) -> Covariate {
    Covariate {
        z: d.scale(1 << F),
        bits: vec![d],
        weights: vec![1.0],
        family: None,
    }
}

/// The numeric covariate `(x − center) / 2^e` (`x` encoded integers, `e <= F + 20`; above
/// `F`, `z` is the words truncated by `2^(e − F)`, within `2^-F` of the bits' value) on
/// `width` bits; `Ok(None)` when some row is outside `|x − center| < 2^(width−1)` (only
/// that fact is opened).
pub fn numeric_covariate(
    p: &mut Party,
    x: &AShares,
    center: i64,
    e: u32,
    width: u32,
) -> Result<Option<Covariate>, CoxError> {
    if e > F + 20 || !(2..=40).contains(&width) {
        return Err(CoxError::Invalid(format!(
            "numeric covariate: e = {e} above {} or width {width} not in 2..=40",
            F + 20
        )));
    }
    let me = p.id();
    let n = x.len();
    let d = x.add_const(me, (center as u64).wrapping_neg());
    // Outside: d < −2^(B−1)  or  d >= 2^(B−1).
    let half = 1u64 << (width - 1);
    let below = p.msb(&d.add_const(me, half), CMP_BITS)?;
    let not_above = p.msb(&d.add_const(me, half.wrapping_neg()), CMP_BITS)?;
    let inside = Bits::from_words(p.and(below.not(me).words(), not_above.words())?, n);
    if !p.none_set(&inside.not(me))? {
        return Ok(None);
    }
    // The low `width` bits as planes, then to arithmetic 0/1.
    let words = p.a2b(&d)?;
    let (wa, wb) = words.parts();
    let (pa, pb) = (to_planes(wa, width as usize), to_planes(wb, width as usize));
    let nb = blocks(n);
    let all = p.b2a_bits(&Bits::from_words(
        BShares::from_parts(pa, pb),
        width as usize * nb * 64,
    ))?;
    let bits = (0..width as usize)
        .map(|j| all.slice(j * nb * 64..j * nb * 64 + n))
        .collect();
    let weights = (0..width)
        .map(|b| {
            let w = 2f64.powi(b as i32 - e as i32);
            if b == width - 1 { -w } else { w }
        })
        .collect();
    let z = if e > F {
        p.trunc_unbiased(&d, &vec![e - F; n])?
    } else {
        d.scale(1 << (F - e))
    };
    Ok(Some(Covariate {
        z,
        bits,
        weights,
        family: None,
    }))
}
