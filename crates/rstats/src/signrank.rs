//! The exact null distribution of Wilcoxon's signed-rank statistic `V` (R's `psignrank`).
//!
//! Under the null each of the ranks `1..n` is positive with probability one half, so the
//! number of ways to reach `V = k` is the number of subsets of `{1, ..., n}` summing to `k`:
//! the recurrence `c_i(k) = c_{i−1}(k) + c_{i−1}(k − i)` (Wilcoxon 1945; R's `csignrank`).
//! Counts are at most `2^n`, exact in `f64` below `n = 53`; R uses it below 50.

/// `P(V ≤ q)` for `n` non-zero differences without ties.
pub fn psignrank(q: f64, n: usize) -> f64 {
    let max = n * (n + 1) / 2;
    if q >= max as f64 {
        return 1.0;
    }
    let mut c = vec![0.0f64; max + 1];
    c[0] = 1.0;
    for i in 1..=n {
        for k in (i..=max).rev() {
            c[k] += c[k - i];
        }
    }
    crate::cumulative(&c, q)
}

/// R's exact p-value of `V` for `alternative` (`wilcox.test`'s `switch`).
pub fn p_value(v: f64, n: usize, alt: crate::Alt) -> f64 {
    alt.discrete_p(v, (n * (n + 1)) as f64 / 4.0, |q| psignrank(q, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_r() {
        // psignrank(3, 5) = 5/32; psignrank(10, 10) = 0.04199219 (= 43/1024).
        assert!((psignrank(3.0, 5) - 5.0 / 32.0).abs() < 1e-15);
        assert!((psignrank(10.0, 10) - 43.0 / 1024.0).abs() < 1e-15);
        assert_eq!(psignrank(15.0, 5), 1.0);
        // wilcox.test(c(1.5, 2.5, -0.5, 4, 3)): V = 14, p-value = 0.125.
        assert!((p_value(14.0, 5, crate::Alt::TwoSided) - 0.125).abs() < 1e-15);
    }
}
