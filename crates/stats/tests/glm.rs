//! `glm::fit` on shares against R's algorithm run in plain `f64` (IRLS from R's starting
//! means, R's convergence rule): coefficients, standard errors, deviances and iterations.
use sharestat_mpc::AShares;
use sharestat_mpc::harness::{Keys, run_in_memory};
use sharestat_mpc::prg::Prg;
use sharestat_mpc::proto::io::deal;
use sharestat_stats::glm::{Column, Family, Fit, Input, fit};
use sharestat_stats::linalg::invert;
use statrs::distribution::{Continuous, ContinuousCDF, Normal};

/// The standard normal distribution (the probit link).
fn normal() -> Normal {
    Normal::standard()
}

/// A deterministic pseudo-random stream in [0, 1).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// R's `glm.fit` in plain arithmetic: (coef, se, deviance, iter) on rows `x` (intercept
/// first), response `y`, offset `o`, and R's Pearson statistic of a quasi family
/// (`summary.glm`: the last iteration's weights, the residuals at the fit).
type Plain = (Vec<f64>, Vec<f64>, f64, usize, f64);
fn plain(family: Family, x: &[Vec<f64>], y: &[f64], o: &[f64]) -> Plain {
    let p = x[0].len();
    let dev_of = |mu: &[f64]| -> f64 {
        y.iter()
            .zip(mu)
            .map(|(&y, &m)| match family {
                Family::Binomial | Family::BinomialCloglog | Family::BinomialProbit => {
                    -2.0 * (if y > 0.5 { m.ln() } else { (1.0 - m).ln() })
                }
                _ => 2.0 * (if y > 0.0 { y * (y / m).ln() } else { 0.0 } - (y - m)),
            })
            .sum()
    };
    let mut mu: Vec<f64> = y
        .iter()
        .map(|&y| match family {
            Family::Binomial | Family::BinomialCloglog | Family::BinomialProbit => (y + 0.5) / 2.0,
            _ => y + 0.1,
        })
        .collect();
    let mut eta: Vec<f64> = mu
        .iter()
        .map(|&m| match family {
            Family::Binomial => (m / (1.0 - m)).ln(),
            Family::BinomialCloglog => (-(1.0 - m).ln()).ln(),
            Family::BinomialProbit => normal().inverse_cdf(m),
            _ => m.ln(),
        })
        .collect();
    let mut devold = dev_of(&mu);
    let mut weights = vec![0.0; y.len()];
    for iter in 1..=25 {
        let mut xtwx = vec![vec![0.0; p]; p];
        let mut xtwz = vec![0.0; p];
        for i in 0..y.len() {
            let (w, z) = match family {
                Family::Binomial => {
                    let w = mu[i] * (1.0 - mu[i]);
                    (w, eta[i] - o[i] + (y[i] - mu[i]) / w)
                }
                Family::BinomialCloglog => {
                    let me = eta[i].exp() * (-eta[i].exp()).exp();
                    (
                        me * me / (mu[i] * (1.0 - mu[i])),
                        eta[i] - o[i] + (y[i] - mu[i]) / me,
                    )
                }
                Family::BinomialProbit => {
                    let me = normal().pdf(eta[i]);
                    (
                        me * me / (mu[i] * (1.0 - mu[i])),
                        eta[i] - o[i] + (y[i] - mu[i]) / me,
                    )
                }
                _ => (mu[i], eta[i] - o[i] + (y[i] - mu[i]) / mu[i]),
            };
            weights[i] = w;
            for a in 0..p {
                xtwz[a] += w * x[i][a] * z;
                for b in 0..p {
                    xtwx[a][b] += w * x[i][a] * x[i][b];
                }
            }
        }
        let cov = invert(&xtwx).unwrap();
        let beta: Vec<f64> = (0..p)
            .map(|a| (0..p).map(|b| cov[a][b] * xtwz[b]).sum())
            .collect();
        for i in 0..y.len() {
            eta[i] = o[i] + (0..p).map(|a| x[i][a] * beta[a]).sum::<f64>();
            mu[i] = match family {
                Family::Binomial => 1.0 / (1.0 + (-eta[i]).exp()),
                Family::BinomialCloglog => -(-eta[i].exp()).exp_m1(),
                Family::BinomialProbit => normal().cdf(eta[i]),
                _ => eta[i].exp(),
            };
        }
        let dev = dev_of(&mu);
        if (dev - devold).abs() / (dev.abs() + 0.1) < 1e-8 {
            let se = (0..p).map(|a| cov[a][a].sqrt()).collect();
            let pearson = (0..y.len())
                .map(|i| {
                    let d = match family {
                        Family::Binomial => mu[i] * (1.0 - mu[i]),
                        Family::BinomialCloglog => eta[i].exp() * (1.0 - mu[i]),
                        Family::BinomialProbit => normal().pdf(eta[i]),
                        _ => mu[i],
                    };
                    weights[i] * ((y[i] - mu[i]) / d).powi(2)
                })
                .sum();
            return (beta, se, dev, iter, pearson);
        }
        devold = dev;
    }
    panic!("the plain iteration did not converge")
}

/// The secure fit of `cols` (words at `scales` decimals), `y` and `offset` over all rows.
fn secure(
    family: Family,
    cols: &[(Vec<i64>, u32)],
    y: &[u64],
    offset: Option<(Vec<i64>, u32)>,
) -> Fit {
    let mut prg = Prg::new([7; 16]);
    let mut share = |v: &[i64]| deal(&v.iter().map(|&w| w as u64).collect::<Vec<_>>(), &mut prg);
    let dealt: Vec<[AShares; 3]> = cols.iter().map(|(c, _)| share(c)).collect();
    let dealt_y = share(&y.iter().map(|&v| v as i64).collect::<Vec<_>>());
    let dealt_o = offset.as_ref().map(|(o, _)| share(o));
    let ones = share(&vec![1; y.len()]);
    let bound = |c: &[i64]| (*c.iter().min().unwrap(), *c.iter().max().unwrap());
    let out = run_in_memory(Keys::Seeded([9; 16]), |p| {
        let i = p.id().index();
        let column = |sh: &[AShares; 3], c: &[i64], s: u32| {
            let (lo, hi) = bound(c);
            Column {
                words: sh[i].clone(),
                scale: s,
                lo,
                hi,
            }
        };
        let input = Input {
            family,
            intercept: true,
            cols: cols
                .iter()
                .zip(&dealt)
                .map(|((c, s), sh)| column(sh, c, *s))
                .collect(),
            offset: offset
                .as_ref()
                .zip(dealt_o.as_ref())
                .map(|((o, s), sh)| column(sh, o, *s)),
            y: dealt_y[i].clone(),
            y_max: *y.iter().max().unwrap(),
            mask: ones[i].clone(),
            epsilon: 1e-8,
            max_iter: 25,
            pearson: true,
        };
        Ok(fit(p, &input).unwrap_or_else(|e| panic!("glm: {e}")))
    })
    .expect("secure fit");
    assert_eq!(out[0], out[1]);
    out[0].clone()
}

fn near(got: f64, want: f64, rel: f64, what: &str) {
    assert!(
        (got - want).abs() <= rel * want.abs().max(1e-3),
        "{what}: got {got}, plain {want}"
    );
}

fn check(family: Family, cols: &[(Vec<i64>, u32)], y: &[u64], offset: Option<(Vec<i64>, u32)>) {
    let n = y.len();
    let x: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            let mut r = vec![1.0];
            r.extend(
                cols.iter()
                    .map(|(c, s)| c[i] as f64 / 10f64.powi(*s as i32)),
            );
            r
        })
        .collect();
    let o: Vec<f64> = (0..n)
        .map(|i| {
            offset
                .as_ref()
                .map_or(0.0, |(c, s)| c[i] as f64 / 10f64.powi(*s as i32))
        })
        .collect();
    let yf: Vec<f64> = y.iter().map(|&v| v as f64).collect();
    let (beta, se, dev, iter, pearson) = plain(family, &x, &yf, &o);
    let got = secure(family, cols, y, offset);
    assert_eq!(got.iter, iter, "iterations");
    assert!(got.converged);
    for j in 0..beta.len() {
        near(got.coef[j], beta[j], 1e-6, &format!("coef {j}"));
        near(got.cov[j][j].sqrt(), se[j], 1e-6, &format!("se {j}"));
    }
    near(got.deviance, dev, 1e-6, "deviance");
    // The quasi families' statistic (the complementary log-log link has none here).
    if !matches!(family, Family::BinomialCloglog | Family::BinomialProbit) {
        near(
            got.pearson.expect("pearson"),
            pearson,
            1e-6,
            "R's Pearson statistic",
        );
    }
}

#[test]
fn logistic_matches_plain_irls() {
    logistic(300);
}

/// At 2^15 rows and more the score's and information's sums would leave the ring as single
/// dot products: they are summed in exact parts (`glm::sums`).
#[test]
fn logistic_matches_plain_irls_when_sums_are_split() {
    logistic(40_000);
}

/// The complementary log-log link (R's criterion on the deviances), with few rows (Estrin's
/// polynomials) and many (Horner's rule, Newton's reciprocal, split sums).
#[test]
fn complementary_log_log_matches_plain_irls() {
    for n in [300, 40_000] {
        let mut r = Lcg(17);
        let age: Vec<i64> = (0..n).map(|_| 40 + (r.next() * 45.0) as i64).collect();
        let sex: Vec<i64> = (0..n).map(|_| i64::from(r.next() < 0.4)).collect();
        let y: Vec<u64> = (0..n)
            .map(|i| {
                let eta = -3.5 + 0.04 * age[i] as f64 - 0.6 * sex[i] as f64;
                u64::from(r.next() < 1.0 - (-eta.exp()).exp())
            })
            .collect();
        check(Family::BinomialCloglog, &[(age, 0), (sex, 0)], &y, None);
    }
}

/// The probit link (R's criterion on the deviances), with few rows (Estrin's polynomials) and
/// many (Horner's rule, Newton's reciprocal, split sums); some rows far in the tails.
#[test]
fn probit_matches_plain_irls() {
    for n in [300, 40_000] {
        let mut r = Lcg(23);
        let age: Vec<i64> = (0..n).map(|_| 40 + (r.next() * 45.0) as i64).collect();
        let sex: Vec<i64> = (0..n).map(|_| i64::from(r.next() < 0.4)).collect();
        let dose: Vec<i64> = (0..n).map(|_| (r.next() * 9000.0) as i64).collect(); // 2 decimals
        let y: Vec<u64> = (0..n)
            .map(|i| {
                let eta = -4.0 + 0.07 * age[i] as f64 - 0.5 * sex[i] as f64
                    + 0.02 * dose[i] as f64 / 100.0;
                u64::from(r.next() < normal().cdf(eta))
            })
            .collect();
        check(
            Family::BinomialProbit,
            &[(age, 0), (sex, 0), (dose, 2)],
            &y,
            None,
        );
    }
}

fn logistic(n: usize) {
    let mut r = Lcg(11);
    let age: Vec<i64> = (0..n).map(|_| 40 + (r.next() * 45.0) as i64).collect();
    let dose: Vec<i64> = (0..n).map(|_| (r.next() * 9000.0) as i64).collect(); // 2 decimals
    let sex: Vec<i64> = (0..n).map(|_| i64::from(r.next() < 0.4)).collect();
    let y: Vec<u64> = (0..n)
        .map(|i| {
            let eta =
                -3.0 + 0.04 * age[i] as f64 + 0.01 * dose[i] as f64 / 100.0 - 0.8 * sex[i] as f64;
            u64::from(r.next() < 1.0 / (1.0 + (-eta).exp()))
        })
        .collect();
    check(Family::Binomial, &[(age, 0), (dose, 2), (sex, 0)], &y, None);
}

#[test]
fn poisson_with_offset_matches_plain_irls() {
    let mut r = Lcg(5);
    let n = 250;
    let group: Vec<i64> = (0..n).map(|_| i64::from(r.next() < 0.5)).collect();
    let age: Vec<i64> = (0..n).map(|_| 300 + (r.next() * 500.0) as i64).collect(); // 1 decimal
    let logt: Vec<i64> = (0..n).map(|_| (r.next() * 3000.0) as i64).collect(); // 3 decimals
    let y: Vec<u64> = (0..n)
        .map(|i| {
            let mu = (-1.0
                + 0.5 * group[i] as f64
                + 0.01 * age[i] as f64 / 10.0
                + logt[i] as f64 / 1000.0)
                .exp();
            // A Poisson draw by inversion.
            let (mut k, mut pk, u) = (0u64, (-mu).exp(), r.next());
            let mut c = pk;
            while u > c && k < 200 {
                k += 1;
                pk *= mu / k as f64;
                c += pk;
            }
            k
        })
        .collect();
    check(
        Family::Poisson,
        &[(group, 0), (age, 1)],
        &y,
        Some((logt, 3)),
    );
}
