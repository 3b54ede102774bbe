//! Secure Cox regression against a plain floating-point implementation of R's `coxfit6`
//! (Newton-Raphson, Efron or Breslow ties) on random data with many tied times and censoring.
// The reference follows the textbook formulas index by index, on purpose.
#![allow(clippy::needless_range_loop)]
use sharestat_mpc::harness::{Keys, run_in_memory};
use sharestat_mpc::prg::Prg;
use sharestat_mpc::proto::io::deal;
use sharestat_stats::cox::{Ties, TimeGroup, coxph, dummy_covariate, numeric_covariate};

/// Rows `(time, event, covariates)`.
type Rows = Vec<(u32, bool, Vec<f64>)>;

/// Plain Cox fit: coefficients, covariance, log-likelihoods at 0 and at the fit.
fn plain(rows: &Rows, ties: Ties) -> (Vec<f64>, Vec<Vec<f64>>, [f64; 2]) {
    let p = rows[0].2.len();
    let eval = |beta: &[f64]| {
        let (mut u, mut info, mut ll) = (vec![0.0; p], vec![vec![0.0; p]; p], 0.0);
        let eta = |r: &(u32, bool, Vec<f64>)| -> f64 { (0..p).map(|j| beta[j] * r.2[j]).sum() };
        let mut times: Vec<u32> = rows.iter().filter(|r| r.1).map(|r| r.0).collect();
        times.dedup();
        for t in times {
            let risk: Vec<_> = rows.iter().filter(|r| r.0 >= t).collect();
            let dead: Vec<_> = rows.iter().filter(|r| r.0 == t && r.1).collect();
            let sums = |set: &[&(u32, bool, Vec<f64>)]| {
                let mut s0 = 0.0;
                let mut s1 = vec![0.0; p];
                let mut s2 = vec![vec![0.0; p]; p];
                for r in set {
                    let w = eta(r).exp();
                    s0 += w;
                    for j in 0..p {
                        s1[j] += w * r.2[j];
                        for k in 0..p {
                            s2[j][k] += w * r.2[j] * r.2[k];
                        }
                    }
                }
                (s0, s1, s2)
            };
            let (s0, s1, s2) = sums(&risk);
            let (d0, d1, d2) = sums(&dead);
            let m = dead.len();
            for r in &dead {
                ll += eta(r);
                for j in 0..p {
                    u[j] += r.2[j];
                }
            }
            let (terms, mult) = match ties {
                Ties::Efron => (m, 1.0),
                Ties::Breslow => (1, m as f64),
            };
            for k in 0..terms {
                let phi = if matches!(ties, Ties::Efron) {
                    k as f64 / m as f64
                } else {
                    0.0
                };
                let den = s0 - phi * d0;
                ll -= mult * den.ln();
                let a1: Vec<f64> = (0..p).map(|j| (s1[j] - phi * d1[j]) / den).collect();
                for j in 0..p {
                    u[j] -= mult * a1[j];
                    for kk in 0..p {
                        info[j][kk] +=
                            mult * ((s2[j][kk] - phi * d2[j][kk]) / den - a1[j] * a1[kk]);
                    }
                }
            }
        }
        (u, info, ll)
    };
    let mut beta = vec![0.0; p];
    let ll0 = eval(&beta).2;
    for _ in 0..30 {
        let (u, info, _) = eval(&beta);
        let inv = sharestat_stats::cox::invert(&info).unwrap();
        for j in 0..p {
            beta[j] += (0..p).map(|k| inv[j][k] * u[k]).sum::<f64>();
        }
    }
    let (_, info, ll) = eval(&beta);
    (
        beta.clone(),
        sharestat_stats::cox::invert(&info).unwrap(),
        [ll0, ll],
    )
}

/// Random rows: integer times 1..=25 (many ties), ~70% events, an integer "age" and a 0/1
/// indicator, both with an effect.
fn random_rows(n: usize, seed: u64) -> Rows {
    let mut s = seed;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut rows: Rows = (0..n)
        .map(|_| {
            let age = (40.0 + 40.0 * next()).round();
            let d = f64::from(u8::from(next() < 0.4));
            let hazard = (0.03 * (age - 60.0) + 0.7 * d).exp();
            let t = (-next().ln() / hazard * 8.0).ceil().clamp(1.0, 25.0) as u32;
            (t, next() < 0.7, vec![age, d])
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    rows
}

fn secure(
    rows: &Rows,
    ties: Ties,
    center: i64,
    e: u32,
    width: u32,
) -> sharestat_stats::cox::CoxFit {
    let n = rows.len();
    let groups = time_groups(rows);
    let mut prg = Prg::new([7; 16]);
    let age = deal_column(rows, 0, &mut prg);
    let ind = deal_column(rows, 1, &mut prg);
    let out = run_in_memory(Keys::Seeded([5; 16]), |p| {
        let i = p.id().index();
        let a = numeric_covariate(p, &age[i], center, e, width).map_err(to_mpc)?;
        let cov = vec![a.expect("in range"), dummy_covariate(ind[i].clone())];
        coxph(p, &groups, n, &cov, ties).map_err(to_mpc)
    })
    .expect("secure fit");
    assert_eq!(out[0], out[1]);
    assert_eq!(out[1], out[2]);
    out[0].clone()
}

/// The distinct times of the sorted rows, with their deaths.
fn time_groups(rows: &Rows) -> Vec<TimeGroup> {
    let n = rows.len();
    let mut groups: Vec<TimeGroup> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if i == 0 || rows[i - 1].0 != r.0 {
            groups.push(TimeGroup {
                start: i,
                deaths: 0,
                end: n,
            });
        }
        if r.1 {
            groups.last_mut().unwrap().deaths += 1;
        }
    }
    groups
}

/// Shares of covariate `j` of every row (as integers).
fn deal_column(rows: &Rows, j: usize, prg: &mut Prg) -> [sharestat_mpc::AShares; 3] {
    let v: Vec<u64> = rows.iter().map(|r| r.2[j] as i64 as u64).collect();
    deal(&v, prg)
}

fn to_mpc(e: sharestat_stats::cox::CoxError) -> sharestat_mpc::MpcError {
    panic!("cox: {e}")
}

fn check(rows: &Rows, ties: Ties) {
    let mean = rows.iter().map(|r| r.2[0]).sum::<f64>() / rows.len() as f64;
    let e = 4; // age scaled by 1/16
    let fit = secure(rows, ties, mean.round() as i64, e, 7);
    let (coef, var, ll) = plain(rows, ties);
    let scale = [2f64.powi(e as i32), 1.0];
    for j in 0..2 {
        let got = fit.coef[j] / scale[j];
        let se_got = fit.var[j][j].sqrt() / scale[j];
        let se = var[j][j].sqrt();
        assert!(
            (got - coef[j]).abs() <= 1e-5 * se,
            "{ties:?} coef {j}: {got} vs {}",
            coef[j]
        );
        assert!(
            (se_got - se).abs() <= 1e-5 * se,
            "{ties:?} se {j}: {se_got} vs {se}"
        );
    }
    for (g, w) in fit.loglik.iter().zip(ll) {
        assert!(
            (g - w).abs() <= 1e-6 * w.abs(),
            "{ties:?} loglik {g} vs {w}"
        );
    }
    assert!(fit.converged);
}

#[test]
fn efron_matches_plain_fit() {
    for seed in [1u64, 2, 3] {
        check(&random_rows(150, seed * 7919), Ties::Efron);
    }
}

/// Many deaths per time and at most a small share of each risk set dying at once: Efron's
/// sums take the grouped path (one series per death time, `cox::grouped`).
#[test]
fn efron_with_many_ties_per_time_matches_plain_fit() {
    let mut rows = random_rows(1200, 4242);
    // Times 1..=8 for the events, the censored ones at 9 (a large risk set to the end).
    for (i, r) in rows.iter_mut().enumerate() {
        if r.1 {
            r.0 = 1 + (r.0 * 7 + i as u32) % 8;
        } else {
            r.0 = 9;
        }
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    check(&rows, Ties::Efron);
    check(&rows, Ties::Breslow);
}

/// The last time of death takes every row still at risk (three deaths, `ψ = 1`): the grouped
/// path's series does not hold there, so the evaluations take the per-term path.
#[test]
fn efron_when_a_whole_risk_set_dies_matches_plain_fit() {
    let mut rows = random_rows(300, 99);
    for (age, d) in [(50.0, 0.0), (61.0, 1.0), (72.0, 0.0)] {
        rows.push((40, true, vec![age, d]));
    }
    check(&rows, Ties::Efron);
}

/// A three-level factor as two indicators of one family: its weights are one factor affine in
/// them (`pass::weights`) and their product column is never computed (`columns.rs`).
#[test]
fn a_factor_family_matches_plain_fit() {
    // Rows: (time, event, [age, level b, level c]) with the level drawn from the second
    // covariate of random_rows and the age.
    let rows: Rows = random_rows(400, 777)
        .into_iter()
        .enumerate()
        .map(|(i, (t, e, z))| {
            let level = (i * 7 + z[0] as usize) % 3;
            let b = f64::from(u8::from(level == 1));
            let c = f64::from(u8::from(level == 2));
            (t, e, vec![z[0], b, c])
        })
        .collect();
    let (coef, var, ll) = plain(&rows, Ties::Efron);
    let n = rows.len();
    let groups = time_groups(&rows);
    let mut prg = Prg::new([7; 16]);
    let cols: Vec<_> = (0..3).map(|j| deal_column(&rows, j, &mut prg)).collect();
    let out = run_in_memory(Keys::Seeded([5; 16]), |p| {
        let i = p.id().index();
        let age = numeric_covariate(p, &cols[0][i], 60, 4, 7).map_err(to_mpc)?;
        let mut cov = vec![age.expect("in range")];
        for c in &cols[1..] {
            cov.push(sharestat_stats::cox::Covariate {
                family: Some(3),
                ..dummy_covariate(c[i].clone())
            });
        }
        coxph(p, &groups, n, &cov, Ties::Efron).map_err(to_mpc)
    })
    .expect("secure fit");
    let fit = &out[0];
    let scale = [16.0, 1.0, 1.0];
    for j in 0..3 {
        let se = var[j][j].sqrt();
        let got = fit.coef[j] / scale[j];
        assert!(
            (got - coef[j]).abs() <= 1e-5 * se,
            "coef {j}: {got} vs {}",
            coef[j]
        );
        let se_got = fit.var[j][j].sqrt() / scale[j];
        assert!((se_got - se).abs() <= 1e-5 * se, "se {j}: {se_got} vs {se}");
    }
    assert!(
        (fit.loglik[1] - ll[1]).abs() <= 1e-6 * ll[1].abs(),
        "{:?} vs {ll:?}",
        fit.loglik
    );
}

#[test]
fn breslow_matches_plain_fit() {
    check(&random_rows(150, 31), Ties::Breslow);
}

#[test]
fn out_of_range_covariate_is_reported() {
    let rows = random_rows(40, 5);
    let mut prg = Prg::new([7; 16]);
    let age = deal_column(&rows, 0, &mut prg);
    let out = run_in_memory(Keys::Seeded([5; 16]), |p| {
        let i = p.id().index();
        // width 4: |age − 60| < 8 fails for most rows.
        Ok(numeric_covariate(p, &age[i], 60, 0, 4)
            .map_err(to_mpc)?
            .is_none())
    })
    .unwrap();
    assert_eq!(out, [true; 3]);
}
