//! The exact null distribution of Kendall's statistic `T` (R's `pkendall`), and R's normal
//! approximation with ties.
//!
//! Without ties, `T` is the number of concordant pairs, `n(n−1)/2` minus the number of
//! inversions of a random permutation. The number of permutations of `n` with `k` inversions
//! (the Mahonian numbers) satisfies `I(n, k) = Σ_{j=0}^{min(k, n−1)} I(n−1, k−j)`: the largest
//! element placed `j` places from the end makes `j` inversions (Kendall 1938).
//!
//! With ties (or `exact = FALSE`, or `n ≥ 50`), R uses the normal approximation of
//! `S = C − D` with the tie-corrected variance (Kendall & Gibbons 1990, as R's
//! `cor.test`), from the tie runs' sums `Σt(t−1)`, `Σt(t−1)(t−2)`, `Σt(t−1)(2t+5)`.

/// `P(T ≤ q)` for `n` untied pairs of values.
pub fn pkendall(q: f64, n: usize) -> f64 {
    let max = n * n.saturating_sub(1) / 2;
    if q >= max as f64 {
        return 1.0;
    }
    let mut c = vec![0.0f64; max + 1];
    c[0] = 1.0;
    let mut top = 0;
    for m in 2..=n {
        // I(m, k) = Σ_{j<m} I(m−1, k−j): a running window sum over the previous row.
        top += m - 1;
        let prev = c.clone();
        let mut window = 0.0;
        for k in 0..=top {
            window += prev[k];
            if k >= m {
                window -= prev[k - m];
            }
            c[k] = window;
        }
    }
    crate::cumulative(&c, q)
}

/// R's exact p-value of `T` for `alternative` (`cor.test`'s `switch`).
pub fn p_value(t: f64, n: usize, alt: crate::Alt) -> f64 {
    alt.discrete_p(t, (n * n.saturating_sub(1)) as f64 / 4.0, |q| {
        pkendall(q, n)
    })
}

/// The tie sums of one variable: `Σt(t−1)`, `Σt(t−1)(t−2)`, `Σt(t−1)(2t+5)` over its runs of
/// equal values (`t` the run's length).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Ties {
    /// `Σ t(t−1)`.
    pub pairs: f64,
    /// `Σ t(t−1)(t−2)`.
    pub triples: f64,
    /// `Σ t(t−1)(2t+5)`.
    pub var: f64,
}

/// R's normal approximation: `z = S / sqrt(var S)` for `S = τ_b sqrt((T0 − T1)(T0 − T2))`,
/// with R's continuity correction `sign(S)(|S| − 1)` when `continuity`.
pub fn z(s: f64, n: f64, x: Ties, y: Ties, continuity: bool) -> f64 {
    let v0 = n * (n - 1.0) * (2.0 * n + 5.0);
    let v1 = x.pairs * y.pairs;
    let v2 = x.triples * y.triples;
    let var = (v0 - x.var - y.var) / 18.0
        + v1 / (2.0 * n * (n - 1.0))
        + v2 / (9.0 * n * (n - 1.0) * (n - 2.0));
    let s = if continuity {
        s.signum() * (s.abs() - 1.0)
    } else {
        s
    };
    s / var.sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mahonian_counts() {
        // Permutations of 4 by inversions: 1 3 5 6 5 3 1 (24 in all).
        let cdf: Vec<f64> = (0..7).map(|q| pkendall(q as f64, 4) * 24.0).collect();
        let want = [1.0, 4.0, 9.0, 15.0, 20.0, 23.0, 24.0];
        for (a, b) in cdf.iter().zip(want) {
            assert!((a - b).abs() < 1e-9, "{cdf:?}");
        }
        // cor.test(1:5, c(2, 1, 4, 3, 5), method = "kendall"): T = 8, p = 0.2333333.
        assert!((p_value(8.0, 5, crate::Alt::TwoSided) - 0.233_333_333_333_333_3).abs() < 1e-12);
    }
}
