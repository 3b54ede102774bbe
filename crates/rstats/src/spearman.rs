//! The null distribution of Spearman's statistic `S = Σ d²` (R's `prho`), algorithm AS 89
//! (Best & Roberts 1975, *Appl. Statist.* 24(3), 377): exact by enumerating the `n!`
//! permutations up to `n = 9` (R's bound; AS 89 had 6), an Edgeworth series expansion
//! beyond. R's `cor.test` calls it for `n ≤ 1290` without ties and otherwise uses the
//! t approximation of `rho` with `n − 2` df ([`t_approx`]).

/// Up to this many values the probability is counted over all permutations.
const EXACT_UP_TO: usize = 9;

/// AS 89's Edgeworth coefficients.
const C: [f64; 12] = [
    0.2274, 0.2531, 0.1745, 0.0758, 0.1033, 0.3932, 0.0879, 0.0151, 0.0072, 0.0831, 0.0131, 4.6e-4,
];

/// AS 89: `P(S ≥ is)` (or `P(S < is)` when `lower`) for `n` untied pairs.
pub fn prho(n: usize, is: f64, lower: bool) -> f64 {
    let start = if lower { 0.0 } else { 1.0 };
    if n <= 1 || is <= 0.0 {
        return start;
    }
    let nf = n as f64;
    let max = nf * (nf * nf - 1.0) / 3.0;
    if is > max {
        return 1.0 - start;
    }
    if n <= EXACT_UP_TO {
        let (at_least, total) = count_at_least(n, is);
        let hits = if lower { total - at_least } else { at_least };
        return hits as f64 / total as f64;
    }
    let b = 1.0 / nf;
    let x = (6.0 * (is - 1.0) * b / (nf * nf - 1.0) - 1.0) * (1.0 / b - 1.0).sqrt();
    let y = x * x;
    let u = x
        * b
        * (C[0]
            + b * (C[1] + C[2] * b)
            + y * (-C[3] + b * (C[4] + C[5] * b)
                - y * b * (C[6] + C[7] * b - y * (C[8] - C[9] * b + y * b * (C[10] - C[11] * y)))));
    let y = u / (y / 2.0).exp();
    let normal = statrs::distribution::Normal::standard();
    use statrs::distribution::ContinuousCDF;
    let p = if lower {
        -y + normal.cdf(x)
    } else {
        y + normal.cdf(-x)
    };
    p.clamp(0.0, 1.0)
}

/// The number of permutations `π` of `n` with `Σ (i − π(i))² ≥ is`, and `n!` (Heap's
/// algorithm visits each permutation once).
fn count_at_least(n: usize, is: f64) -> (u64, u64) {
    let mut perm: Vec<i64> = (0..n as i64).collect();
    let score = |p: &[i64]| -> f64 {
        p.iter()
            .enumerate()
            .map(|(i, &v)| ((i as i64 - v) * (i as i64 - v)) as f64)
            .sum()
    };
    let (mut hits, mut total) = (u64::from(score(&perm) >= is), 1u64);
    let mut c = vec![0usize; n];
    let mut i = 1;
    while i < n {
        if c[i] < i {
            let j = if i % 2 == 0 { 0 } else { c[i] };
            perm.swap(j, i);
            hits += u64::from(score(&perm) >= is);
            total += 1;
            c[i] += 1;
            i = 1;
        } else {
            c[i] = 0;
            i += 1;
        }
    }
    (hits, total)
}

/// R's exact (AS 89) p-value of `S` for `alternative`.
pub fn p_value(s: f64, n: usize, alt: crate::Alt) -> f64 {
    // R: .Call(C_pRho, round(q) + 2 * lower.tail, n, lower.tail).
    let tail = |q: f64, lower: bool| prho(n, q.round() + if lower { 2.0 } else { 0.0 }, lower);
    let nf = n as f64;
    match alt {
        crate::Alt::Greater => tail(s, true),
        crate::Alt::Less => tail(s, false),
        crate::Alt::TwoSided => {
            let p = if s > (nf * nf * nf - nf) / 6.0 {
                tail(s, false)
            } else {
                tail(s, true)
            };
            (2.0 * p).min(1.0)
        }
    }
}

/// R's p-value from the t approximation of `rho` (with ties, `exact = FALSE` or
/// `n > 1290`): `r = 1 − S / den`, `den = (n³ − n)/6` (plus one with `continuity`),
/// `t = r / sqrt((1 − r²)/(n − 2))` on `n − 2` df.
pub fn t_approx(s: f64, n: usize, continuity: bool, alt: crate::Alt) -> f64 {
    let nf = n as f64;
    let den = nf * (nf * nf - 1.0) / 6.0 + if continuity { 1.0 } else { 0.0 };
    let tail = |lower: bool| {
        let r = 1.0 - s / den;
        let t = r / ((1.0 - r * r) / (nf - 2.0)).sqrt();
        // pt(t, n − 2, lower.tail = !lower)
        let d = statrs::distribution::StudentsT::new(0.0, 1.0, nf - 2.0);
        use statrs::distribution::ContinuousCDF;
        d.map_or(f64::NAN, |d| if lower { d.cdf(-t) } else { d.cdf(t) })
    };
    match alt {
        crate::Alt::Greater => tail(true),
        crate::Alt::Less => tail(false),
        crate::Alt::TwoSided => {
            let p = if s > (nf * nf * nf - nf) / 6.0 {
                tail(false)
            } else {
                tail(true)
            };
            (2.0 * p).min(1.0)
        }
    }
}
