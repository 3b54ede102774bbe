//! Count, sum, mean, variance and standard deviation of a column, with R's definitions
//! (`var` and `sd` with denominator `n - 1`; missing values removed as with `na.rm = TRUE`).
//!
//! **Reveals** the number of present values `n`, `Σx` and `Σx²` (the latter two determine and
//! are determined by the mean and variance given `n`, so nothing beyond the summary itself).
//! Cost: one multiplication round for `m∘x` (skipped for complete columns) and one dot product
//! round, then one reveal: 3 rounds, `n + 2` words per party.
//! Exactness: sums are exact in Z_2^64 while `Σx²` (in encoded units) stays below 2^63.
use crate::column::Column;
use sharestat_mpc::{AShares, Party};

/// A numeric summary.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// Present values.
    pub n: u64,
    /// Sum.
    pub sum: f64,
    /// Mean (NaN when `n = 0`).
    pub mean: f64,
    /// Sample variance (NaN when `n < 2`).
    pub var: f64,
    /// Sample standard deviation.
    pub sd: f64,
}

/// Summarises a column.
pub fn summary(p: &mut Party, col: &Column) -> sharestat_mpc::Result<Summary> {
    let x = &col.values;
    // Under a mask (missing values or a filter), Σx = Σ m∘x and Σx² = (m∘x)·x.
    let (n_sh, mx) = match &col.present {
        Some(m) => (m.sum(), p.mul(m, x)?),
        None => (
            AShares::from_parts(vec![0], vec![0]).add_const(p.id(), x.len() as u64),
            x.clone(),
        ),
    };
    let sq = p.dot(&mx, x)?;
    let opened = p.reveal(&AShares::concat(&[&n_sh, &mx.sum(), &sq]))?;
    let n = opened[0];
    let unit = col.unit();
    let sum_i = opened[1] as i64 as f64;
    let nf = n as f64;
    let mean = sum_i / nf / unit;
    // Exact in integers: var = (n Σx² - (Σx)²) / (n (n - 1)), in encoded units, then scaled.
    let var = if n >= 2 {
        let s = opened[1] as i64 as i128;
        let ss = opened[2] as i128;
        let num = (ss * n as i128 - s * s) as f64;
        num / (nf * (nf - 1.0)) / (unit * unit)
    } else {
        f64::NAN
    };
    Ok(Summary {
        n,
        sum: sum_i / unit,
        mean,
        var,
        sd: var.sqrt(),
    })
}
