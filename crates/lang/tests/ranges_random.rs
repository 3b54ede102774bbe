//! Issue 14's property over random dictionaries: two decimal columns with random declared
//! ranges (negative, zero-based, tiny or wide) and random decimals (0 to 6), data that
//! include each range's extremes, and the arithmetic the issue found wrong (a quotient by a
//! constant then `var`, days to months, `x * x` then `var`, products, correlations), at up
//! to a few hundred rows and once at 10^6. Each result is compared with exact integer (or
//! double-precision two-pass) arithmetic on the same rows: within its documented error, or
//! refused with a reason it states — never a wrong number.
mod support;

use proptest::prelude::*;
use support::{Fixture, open_policy};

/// A column: decimals and its declared range as words (`value · 10^decimals`).
#[derive(Clone, Debug)]
struct Col {
    decimals: u32,
    lo: i64,
    hi: i64,
}

/// A random declared range: from a negative, zero or tiny positive bound to one up to
/// `10^6`, at 0 to 6 decimals.
fn column() -> impl Strategy<Value = Col> {
    (0u32..=6, 0u32..=6, 0u32..=6, 0u8..3).prop_map(|(decimals, k_lo, k_hi, kind)| {
        let unit = 10i64.pow(decimals);
        let hi = 10i64.pow(k_hi) * unit;
        let lo = match kind {
            0 => -(10i64.pow(k_lo)) * unit,
            1 => 0,
            _ => 1,
        };
        Col {
            decimals,
            lo: lo.min(hi - 1),
            hi,
        }
    })
}

/// `w / 10^d` as the CSV's decimal text.
fn text(w: i64, d: u32) -> String {
    if d == 0 {
        return w.to_string();
    }
    let p = 10i64.pow(d);
    let sign = if w < 0 { "-" } else { "" };
    let a = w.unsigned_abs();
    format!(
        "{sign}{}.{:0w$}",
        a / p as u64,
        a % p as u64,
        w = d as usize
    )
}

/// The dictionary, the CSV and each column's words: rows 0 and 1 hold each range's extremes,
/// the others values drawn from `seed` across the range.
fn study(cols: &[Col], n: usize, seed: u64) -> (String, String, Vec<Vec<i64>>) {
    let mut dict = String::from("study = \"r\"\ntitle = \"random ranges\"\n\n[sites.a]\n");
    let names = ["a", "b"];
    for (c, name) in cols.iter().zip(names) {
        let p = 10f64.powi(c.decimals as i32);
        dict.push_str(&format!(
            "\n[[columns]]\nname = \"{name}\"\ntype = \"decimal\"\ndecimals = {}\nmin = {}\n\
             max = {}\nrequired = true\n",
            c.decimals,
            c.lo as f64 / p,
            c.hi as f64 / p
        ));
    }
    let mut state = seed | 1;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let words: Vec<Vec<i64>> = cols
        .iter()
        .map(|c| {
            (0..n)
                .map(|r| match r {
                    0 => c.lo,
                    1 => c.hi,
                    _ => c.lo + (next() % (c.hi - c.lo + 1) as u64) as i64,
                })
                .collect()
        })
        .collect();
    let mut csv = String::from("a,b\n");
    for (x, y) in words[0].iter().zip(&words[1]) {
        csv.push_str(&format!(
            "{},{}\n",
            text(*x, cols[0].decimals),
            text(*y, cols[1].decimals)
        ));
    }
    (dict, csv, words)
}

/// Sample variance, two-pass, and the bound on its error from per-value errors `e`.
fn var(v: &[f64], e: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    let budget = v
        .iter()
        .zip(e)
        .map(|(x, e)| 2.0 * (x - m).abs() * e + e * e)
        .sum::<f64>()
        / (n - 1.0);
    (var, budget)
}

/// Pearson's r, two-pass.
fn cor(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let syy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    sxy / (sxx * syy).sqrt()
}

/// Refusals that say why.
const REASONS: &[&str] = &[
    "beyond what a 64-bit word holds",
    "even in 128 bits",
    "cannot be computed within",
    "cannot be held at a fixed",
    "a sum of",
    "the squares of",
    "multiplies by a constant",
    "decimal places (at most",
    "is too large to represent",
];

/// Runs each `(query, want, budget)` (`want` `None`: R's `NA`) and checks it against the
/// plaintext: within `budget` plus `1e-9` of its scale, or refused with a reason. Gives the
/// refusals.
fn check(fx: &Fixture, cases: &[(String, Option<f64>, f64)]) -> Result<Vec<String>, TestCaseError> {
    let mut refused = Vec::new();
    for (q, want, budget) in cases {
        let src = format!("d <- load(\"a\")\n{q}");
        match fx.run(&src) {
            Ok(out) => {
                let got = sharestat_lang::eval::render::to_json(&out.last().unwrap().value);
                match want {
                    Some(w) => {
                        let got = got.as_f64().unwrap_or(f64::NAN);
                        prop_assert!(
                            (got - w).abs() <= budget + 1e-9 * w.abs().max(1e-9),
                            "{q}: {got} but exactly {w} (documented error {budget:.2e})"
                        );
                    }
                    None => prop_assert!(got.is_null(), "{q}: {got}, R gives NA"),
                }
            }
            Err(e) => {
                prop_assert!(
                    REASONS.iter().any(|r| e.contains(r)),
                    "{q}: refused without a reason it states: {e}"
                );
                refused.push(e);
            }
        }
    }
    Ok(refused)
}

/// The queries and their plaintext answers for columns `a`, `b` with words `w`.
fn cases(cols: &[Col], w: &[Vec<i64>]) -> Vec<(String, Option<f64>, f64)> {
    let real = |j: usize| -> Vec<f64> {
        let p = 10f64.powi(cols[j].decimals as i32);
        w[j].iter().map(|&x| x as f64 / p).collect()
    };
    let (a, b) = (real(0), real(1));
    let n = a.len() as f64;
    // Exact integer moments of `a`.
    let (s1, s2): (i128, i128) = w[0].iter().fold((0, 0), |(s, q), &x| {
        (s + x as i128, q + (x as i128) * (x as i128))
    });
    let pa = 10f64.powi(2 * cols[0].decimals as i32);
    let var_a = ((n as i128 * s2 - s1 * s1) as f64) / (n * (n - 1.0)) / pa;
    let mean_a = s1 as f64 / n / 10f64.powi(cols[0].decimals as i32);
    let zero = vec![0.0; a.len()];
    // Quotients by a constant: 1e-7 relative per value, plus a unit of the 12th place.
    let q_err = |v: &[f64]| {
        v.iter()
            .map(|x| 1e-7 * x.abs() + 1e-12)
            .collect::<Vec<f64>>()
    };
    let a3: Vec<f64> = a.iter().map(|x| x / 3.0).collect();
    let months: Vec<f64> = a.iter().map(|x| x / 30.4375).collect();
    let b12: Vec<f64> = b.iter().map(|x| x / 12.0).collect();
    let ab: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x * y).collect();
    let aa: Vec<f64> = a.iter().map(|x| x * x).collect();
    let (v3, e3) = var(&a3, &q_err(&a3));
    let (v12, e12) = var(&b12, &q_err(&b12));
    let (vab, _) = var(&ab, &zero);
    let (vaa, _) = var(&aa, &zero);
    let mean_m = months.iter().sum::<f64>() / n;
    let mean_abs_m = months.iter().map(|x| x.abs()).sum::<f64>() / n;
    let sd12 = v12.sqrt();
    // The product's exact sum (beyond 64 bits at 10^6 rows of wide products).
    let sab: i128 = w[0]
        .iter()
        .zip(&w[1])
        .map(|(&x, &y)| x as i128 * y as i128)
        .sum();
    let pab = 10f64.powi((cols[0].decimals + cols[1].decimals) as i32);
    let r = cor(&a, &b);
    let r_ab = cor(&a, &ab);
    vec![
        ("mean(d$a)".into(), Some(mean_a), 0.0),
        ("var(d$a)".into(), Some(var_a), 0.0),
        ("var(d$a / 3)".into(), Some(v3), e3),
        (
            "mean(d$a / 30.4375)".into(),
            Some(mean_m),
            1e-7 * mean_abs_m + 1e-12,
        ),
        (
            "sd(d$b / 12)".into(),
            Some(sd12),
            e12 / (2.0 * sd12.max(1e-300)),
        ),
        ("sum(d$a * d$b)".into(), Some(sab as f64 / pab), 0.0),
        ("mean(d$a * d$b)".into(), Some(sab as f64 / n / pab), 0.0),
        ("var(d$a * d$b)".into(), Some(vab), 1e-9 * vab),
        ("var(d$a * d$a)".into(), Some(vaa), 1e-9 * vaa),
        ("cor(d$a, d$b)".into(), Some(r), 1e-9),
        ("cor(d$a, d$a * d$b)".into(), Some(r_ab), 1e-9),
    ]
}

/// Days to months then Kaplan-Meier, the case: `survfit(Surv(b / 30.4375, a > m))`
/// (for `b`'s range from 0 or above) keeps every row and event, and its table is the
/// plaintext's (event times within 1e-7 relative, `n.risk`, `n.event` exact, `surv` exact
/// ratios of counts); or refused with a reason.
fn check_survfit(fx: &Fixture, cols: &[Col], w: &[Vec<i64>]) -> Result<(), TestCaseError> {
    if cols[1].lo < 0 {
        return Ok(());
    }
    let mid = (cols[0].lo + cols[0].hi) / 2;
    let m = text(mid, cols[0].decimals);
    let q = format!("survfit(Surv(b / 30.4375, a > {m}) ~ 1, data = d)");
    let out = match fx.run(&format!("d <- load(\"a\")\n{q}")) {
        Ok(out) => sharestat_lang::eval::render::to_json(&out.last().unwrap().value),
        Err(e) => {
            prop_assert!(REASONS.iter().any(|r| e.contains(r)), "{q}: {e}");
            return Ok(());
        }
    };
    let curve = if out.is_array() { &out[0] } else { &out };
    let n = w[1].len();
    let events: Vec<bool> = w[0].iter().map(|&x| x > mid).collect();
    prop_assert_eq!(curve["n"].as_u64(), Some(n as u64), "{}: n", q);
    let d = events.iter().filter(|e| **e).count();
    prop_assert_eq!(curve["events"].as_f64(), Some(d as f64), "{}: events", q);
    // Plaintext Kaplan-Meier over the distinct event times.
    let mut rows: Vec<(i64, bool)> = w[1].iter().copied().zip(events).collect();
    rows.sort();
    let (mut at_risk, mut surv, mut i) = (n, 1.0f64, 0);
    let mut want = Vec::new();
    while i < rows.len() {
        let t = rows[i].0;
        let k = rows[i..].iter().take_while(|r| r.0 == t).count();
        let dead = rows[i..i + k].iter().filter(|r| r.1).count();
        if dead > 0 {
            surv *= 1.0 - dead as f64 / at_risk as f64;
            let days = t as f64 / 10f64.powi(cols[1].decimals as i32);
            want.push((days / 30.4375, at_risk, dead, surv));
        }
        at_risk -= k;
        i += k;
    }
    let table = curve["table"].as_array().cloned().unwrap_or_default();
    prop_assert_eq!(table.len(), want.len(), "{}: event times", q);
    for (row, (t, r, dead, s)) in table.iter().zip(want) {
        let got = row["time"].as_f64().unwrap_or(f64::NAN);
        prop_assert!(
            (got - t).abs() <= 1e-7 * t.abs() + 1e-9,
            "{}: time {} vs {}",
            q,
            got,
            t
        );
        prop_assert_eq!(
            row["n_risk"].as_u64(),
            Some(r as u64),
            "{}: n.risk at {}",
            q,
            t
        );
        prop_assert_eq!(
            row["n_event"].as_u64(),
            Some(dead as u64),
            "{}: n.event at {}",
            q,
            t
        );
        let got = row["surv"].as_f64().unwrap_or(f64::NAN);
        prop_assert!((got - s).abs() <= 1e-12, "{}: surv {} vs {}", q, got, s);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn aggregates_over_random_ranges_are_right_or_refused(
        cols in prop::collection::vec(column(), 2),
        n in 12usize..300,
        seed in any::<u64>(),
    ) {
        let (dict, csv, words) = study(&cols, n, seed);
        let fx = Fixture::from_csv(&dict, &csv, open_policy());
        check(&fx, &cases(&cols, &words))?;
        check_survfit(&fx, &cols, &words)?;
    }
}

/// The same at 10^6 rows, on ranges where each of these runs (none may be refused): a
/// quotient's squares and a product's squares summed beyond 64 bits, a correlation with a
/// product; and the range that leaves even those, refused with its reason.
#[test]
fn aggregates_at_a_million_rows_are_right_or_refused() {
    let cols = [
        Col {
            decimals: 2,
            lo: -1000 * 100,
            hi: 1000 * 100,
        },
        Col {
            decimals: 1,
            lo: 0,
            hi: 500 * 10,
        },
    ];
    let (dict, csv, words) = study(&cols, 1_000_000, 0x5eed);
    let fx = Fixture::from_csv(&dict, &csv, open_policy());
    let all = cases(&cols, &words);
    let refused = check(&fx, &all).unwrap();
    assert!(
        refused.is_empty(),
        "at 10^6 rows these all run: {refused:?}"
    );
    // Four decimals over ±10^5 times two decimals up to 10^4: a product of 10^9 at 6
    // decimals, whose sum over 10^6 rows leaves 64 bits.
    let cols = [
        Col {
            decimals: 4,
            lo: -100_000 * 10_000,
            hi: 100_000 * 10_000,
        },
        Col {
            decimals: 2,
            lo: 0,
            hi: 10_000 * 100,
        },
    ];
    let (dict, csv, words) = study(&cols, 1_000_000, 0x5eed);
    let fx = Fixture::from_csv(&dict, &csv, open_policy());
    let product: Vec<_> = cases(&cols, &words)
        .into_iter()
        .filter(|c| {
            [
                "var(d$a * d$b)",
                "var(d$a)",
                "sum(d$a * d$b)",
                "mean(d$a * d$b)",
            ]
            .contains(&c.0.as_str())
        })
        .collect();
    let refused = check(&fx, &product).unwrap();
    // The product's sum and mean run (two parts beyond 64 bits, exact); its variance, whose
    // squares leave even 128 bits, may be refused with its reason.
    assert!(
        refused.iter().all(|e| e.contains("var(d$a * d$b)")),
        "{refused:?}"
    );
}
