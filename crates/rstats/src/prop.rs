//! R's `prop.test`: the test of one proportion against `p` (Wilson's score interval with
//! Yates' correction), or of the equality of `k` proportions (the chi-square test of the
//! `k x 2` table; for two groups the difference's Wald interval), with R's continuity
//! correction (`correct = TRUE`, for `k <= 2`) and R's one-sided p-values.
use crate::alternative::Alt;
use crate::htest::HTest;
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

/// `prop.test(x, n, p, alternative, conf.level, correct)` of public counts (`p`: one
/// probability, only for one group; `None`: 0.5 for one group, equality for several).
/// `data` is R's data name. `Err` says what R refuses.
pub fn prop_test(
    x: &[f64],
    n: &[f64],
    p: Option<f64>,
    alt: Alt,
    level: f64,
    correct: bool,
    data: String,
) -> Result<HTest, String> {
    let k = x.len();
    if k == 0 || k != n.len() {
        return Err("'x' and 'n' must have the same length".into());
    }
    if x.iter().zip(n).any(|(x, n)| *n <= 0.0 || *x < 0.0 || x > n) {
        return Err("elements of 'x' must be between 0 and those of 'n' (n > 0)".into());
    }
    if k > 2 && alt != Alt::TwoSided {
        return Err("alternative must be two.sided for more than two groups".into());
    }
    let normal = Normal::new(0.0, 1.0).map_err(|e| e.to_string())?;
    let est: Vec<f64> = x.iter().zip(n).map(|(x, n)| x / n).collect();
    let mut yates = if correct && k <= 2 { 0.5 } else { 0.0 };
    let z = normal.inverse_cdf(if alt == Alt::TwoSided {
        (1.0 + level) / 2.0
    } else {
        level
    });
    let (ci, pnull, delta) = if k == 1 {
        let p = p.unwrap_or(0.5);
        let (x, n, e) = (x[0], n[0], est[0]);
        yates = f64::min(yates, (x - n * p).abs());
        let z22n = z * z / (2.0 * n);
        let bound = |pc: f64, sign: f64| {
            (pc + z22n + sign * z * (pc * (1.0 - pc) / n + z22n / (2.0 * n)).sqrt())
                / (1.0 + 2.0 * z22n)
        };
        let pc = e + yates / n;
        let pu = if pc >= 1.0 { 1.0 } else { bound(pc, 1.0) };
        let pc = e - yates / n;
        let pl = if pc <= 0.0 { 0.0 } else { bound(pc, -1.0) };
        let ci = match alt {
            Alt::TwoSided => (pl.max(0.0), pu.min(1.0)),
            Alt::Less => (0.0, pu.min(1.0)),
            Alt::Greater => (pl.max(0.0), 1.0),
        };
        (Some(ci), p, e - p)
    } else {
        let pooled = x.iter().sum::<f64>() / n.iter().sum::<f64>();
        if k == 2 {
            let delta = est[0] - est[1];
            let inv: f64 = n.iter().map(|n| 1.0 / n).sum();
            yates = f64::min(yates, delta.abs() / inv);
            let width = z * est
                .iter()
                .zip(n)
                .map(|(e, n)| e * (1.0 - e) / n)
                .sum::<f64>()
                .sqrt()
                + yates * inv;
            let ci = match alt {
                Alt::TwoSided => ((delta - width).max(-1.0), (delta + width).min(1.0)),
                Alt::Less => (-1.0, (delta + width).min(1.0)),
                Alt::Greater => ((delta - width).max(-1.0), 1.0),
            };
            (Some(ci), pooled, delta)
        } else {
            (None, pooled, 0.0)
        }
    };
    if k > 1 && p.is_some() {
        return Err("p for several groups (given proportions) is not available".into());
    }
    let df = if k == 1 { 1.0 } else { (k - 1) as f64 };
    let stat: f64 = x
        .iter()
        .zip(n)
        .flat_map(|(x, n)| [(*x, n * pnull), (n - x, n * (1.0 - pnull))])
        .map(|(o, e)| ((o - e).abs() - yates).powi(2) / e)
        .sum();
    let pv = match alt {
        Alt::TwoSided => ChiSquared::new(df).map_or(f64::NAN, |c| c.sf(stat)),
        _ => {
            let z = delta.signum() * stat.sqrt();
            if alt == Alt::Less {
                normal.cdf(z)
            } else {
                normal.sf(z)
            }
        }
    };
    let method = format!(
        "{} {} continuity correction",
        if k == 1 {
            "1-sample proportions test".to_owned()
        } else {
            format!("{k}-sample test for equality of proportions")
        },
        if yates > 0.0 { "with" } else { "without" }
    );
    let alternative = if k == 1 {
        format!(
            "true p is {} {}",
            alt.words(),
            crate::format::signif(pnull, 7)
        )
    } else {
        alt.name().to_owned()
    };
    let estimate = if k == 1 {
        vec![("p".to_owned(), est[0])]
    } else {
        est.iter()
            .enumerate()
            .map(|(i, e)| (format!("prop {}", i + 1), *e))
            .collect()
    };
    Ok(HTest {
        method,
        data_name: data,
        statistic: Some(("X-squared".into(), stat)),
        parameter: vec![("df".into(), df)],
        p_value: pv,
        alternative,
        conf_int: ci.map(|(a, b)| (a, b, level)),
        estimate,
    })
}
