//! The exact null distribution of the Wilcoxon rank-sum statistic `W` (R's `pwilcox`).
//!
//! `W` counts the pairs `(a, b)` of the two samples with `a > b`. Without ties, the number of
//! orderings of `m` A's and `n` B's with `W = u` satisfies Mann & Whitney's (1947) recurrence
//! on the largest element: it is an A (which beats all `j` B's: `u − j`) or a B.

/// `P(W ≤ q)` for samples of sizes `m` and `n` without ties.
pub fn pwilcox(q: f64, m: usize, n: usize) -> f64 {
    let max = m * n;
    if q >= max as f64 {
        return 1.0;
    }
    // prev[j][u]: arrangements of i A's and j B's with statistic u.
    let mut prev: Vec<Vec<f64>> = vec![vec![0.0; max + 1]; n + 1];
    for row in prev.iter_mut() {
        row[0] = 1.0;
    }
    for _i in 1..=m {
        let mut cur: Vec<Vec<f64>> = vec![vec![0.0; max + 1]; n + 1];
        for j in 0..=n {
            for u in 0..=max {
                let mut v = if u >= j { prev[j][u - j] } else { 0.0 };
                if j > 0 {
                    v += cur[j - 1][u];
                }
                cur[j][u] = v;
            }
        }
        prev = cur;
    }
    crate::cumulative(&prev[n], q)
}

/// Too long to tabulate exactly: R's default switches to the normal approximation at 50 per
/// group; a user's `exact = TRUE` beyond this many pairs is refused.
pub const MAX_EXACT_PAIRS: f64 = 1e7;

/// R's exact p-value of `W` for `alternative` (`wilcox.test`'s `switch`).
pub fn p_value(w: f64, m: usize, n: usize, alt: crate::Alt) -> f64 {
    alt.discrete_p(w, (m * n) as f64 / 2.0, |q| pwilcox(q, m, n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Alt;

    #[test]
    fn exact_rank_sum_p_values_match_r() {
        // wilcox.test(1:3, 4:6): W = 0, p = 0.1; wilcox.test(c(1, 5), c(2, 3, 4)): W = 3, p = 1.
        assert!((p_value(0.0, 3, 3, Alt::TwoSided) - 0.1).abs() < 1e-12);
        assert!((p_value(9.0, 3, 3, Alt::TwoSided) - 0.1).abs() < 1e-12);
        assert!((p_value(3.0, 2, 3, Alt::TwoSided) - 1.0).abs() < 1e-12);
        // wilcox.test(1:4, 5:10): W = 0, p = 2 / choose(10, 4) = 0.009524; one-sided half.
        assert!((p_value(0.0, 4, 6, Alt::TwoSided) - 2.0 / 210.0).abs() < 1e-12);
        assert!((p_value(0.0, 4, 6, Alt::Less) - 1.0 / 210.0).abs() < 1e-12);
        assert!((p_value(0.0, 4, 6, Alt::Greater) - 1.0).abs() < 1e-12);
    }
}
