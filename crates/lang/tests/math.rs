//! Issue 14: math functions of private numbers and quotients of private vectors, against
//! plaintext on the fixture's encoded values, within each function's documented error
//! (`log`: 5e-7 absolute; `exp`, `sqrt`: 2e-7 relative, `x^p`: |p| times that; `x / y`:
//! 3e-8 relative; plus a few units of the result's last decimal place), and R's domain
//! refused where R would give `-Inf`, `NaN` or `Inf`.
mod support;

use support::Fixture;

const D: &str = "tm <- load(\"munich\")\ntr <- load(\"rome\")\nd <- rbind(tm, tr)\n";

/// The plaintext values of a numeric column over both sites (real units).
fn column(fx: &Fixture, name: &str, decimals: u32) -> Vec<f64> {
    let mut out = Vec::new();
    for site in &fx.sites {
        let c = site.columns.iter().position(|c| c.name == name).unwrap();
        out.extend(
            site.data[c]
                .iter()
                .map(|&w| w as i64 as f64 / 10f64.powi(decimals as i32)),
        );
    }
    out
}

fn num(fx: &Fixture, q: &str) -> f64 {
    fx.json(&format!("{D}{q}"))
        .as_f64()
        .unwrap_or_else(|| panic!("{q}"))
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn sd(v: &[f64]) -> f64 {
    let m = mean(v);
    (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() as f64 - 1.0)).sqrt()
}

/// `q`'s result within `abs + rel |want|` of `want`.
fn expect(fx: &Fixture, q: &str, want: f64, abs: f64, rel: f64) {
    within(q, num(fx, q), want, abs, rel);
}

/// `got` within `abs + rel |want|` of `want`.
fn within(q: &str, got: f64, want: f64, abs: f64, rel: f64) {
    let tol = abs + rel * want.abs();
    assert!(
        (got - want).abs() <= tol,
        "{q}: {got} vs {want} (error {:.1e}, allowed {tol:.1e})",
        (got - want).abs()
    );
}

#[test]
fn logarithms_match_plaintext_within_their_error() {
    let fx = Fixture::adrenal();
    let ptv = column(&fx, "ptv_cc", 1);
    let age = column(&fx, "age", 0);
    let ln: Vec<f64> = ptv.iter().map(|v| v.ln()).collect();
    expect(&fx, "mean(log(d$ptv_cc))", mean(&ln), 7e-7, 0.0);
    // An sd moves by at most the values' error.
    expect(&fx, "sd(log(d$ptv_cc))", sd(&ln), 1.4e-6, 0.0);
    type Case = (&'static str, fn(f64) -> f64, f64);
    let cases: [Case; 4] = [
        ("log10(d$age)", f64::log10, std::f64::consts::LOG10_E),
        ("log2(d$age)", f64::log2, std::f64::consts::LOG2_E),
        ("log(d$age, 3)", |v| v.ln() / 3f64.ln(), 0.9103),
        ("log1p(d$age)", f64::ln_1p, 1.0),
    ];
    for (q, f, c) in cases {
        let want = mean(&age.iter().map(|&v| f(v)).collect::<Vec<_>>());
        within(
            q,
            num(&fx, &format!("mean({q})")),
            want,
            5e-7 * c + 2e-7,
            0.0,
        );
    }
}

#[test]
fn exponentials_roots_and_powers_match_plaintext_within_their_error() {
    let fx = Fixture::adrenal();
    let age = column(&fx, "age", 0);
    let ptv = column(&fx, "ptv_cc", 1);
    let f = |v: &[f64], g: fn(f64) -> f64| mean(&v.iter().map(|&x| g(x)).collect::<Vec<_>>());
    let e = f(&age, |a| (a / 100.0).exp());
    expect(&fx, "mean(exp(d$age / 100))", e, 1e-9, 2e-7);
    let e = f(&age, |a| (-a / 10.0).exp());
    expect(&fx, "mean(exp(-d$age / 10))", e, 1e-11, 2e-7);
    let r = f(&ptv, f64::sqrt);
    expect(&fx, "mean(sqrt(d$ptv_cc))", r, 1e-9, 2e-7);
    expect(&fx, "mean(d$ptv_cc^0.5)", r, 1e-9, 2e-7);
    let p = f(&age, |a| a.powf(0.3));
    expect(&fx, "mean(d$age^0.3)", p, 1e-9, 2e-7);
    let p = f(&ptv, |a| a.powf(-1.5));
    expect(&fx, "mean(d$ptv_cc^-1.5)", p, 1e-9, 3e-7);
    // Whole powers are exact products.
    let cube = f(&age, |a| a * a * a);
    expect(&fx, "mean(d$age^3)", cube, 0.0, 1e-12);
    let inv = f(&age, |a| 1.0 / a);
    expect(&fx, "mean(d$age^-1)", inv, 1e-11, 3e-8);
}

#[test]
fn quotients_of_private_vectors_match_plaintext() {
    let fx = Fixture::adrenal();
    let ptv = column(&fx, "ptv_cc", 1);
    let gtv = column(&fx, "gtv_cc", 1);
    let age = column(&fx, "age", 0);
    let q: Vec<f64> = ptv.iter().zip(&gtv).map(|(p, g)| p / g).collect();
    // The dictionary allows quotients from 3e-5 to 30000 (7 decimal places keep the words
    // below 2^40): each keeps its relative precision, plus four units of 1e-7.
    expect(&fx, "mean(d$ptv_cc / d$gtv_cc)", mean(&q), 4e-7, 3e-8);
    // Its words reach 2^40: the squares are summed in three exact parts (`wide.rs`).
    expect(&fx, "sd(d$ptv_cc / d$gtv_cc)", sd(&q), 8e-7, 3e-8);
    expect(
        &fx,
        "var(100 / d$age)",
        sd(&age.iter().map(|a| 100.0 / a).collect::<Vec<_>>()).powi(2),
        1e-9,
        1e-7,
    );
    let lq: Vec<f64> = q.iter().map(|v| v.ln()).collect();
    expect(&fx, "sd(log(d$ptv_cc / d$gtv_cc))", sd(&lq), 2e-6, 0.0);
    let q: Vec<f64> = gtv.iter().zip(&ptv).map(|(g, p)| g / p).collect();
    expect(&fx, "mean(d$gtv_cc / d$ptv_cc)", mean(&q), 4e-7, 3e-8);
    let inv: Vec<f64> = age.iter().map(|a| 100.0 / a).collect();
    expect(&fx, "mean(100 / d$age)", mean(&inv), 1e-9, 3e-8);
    // A negative divisor: its sign is known from its bounds.
    let neg: Vec<f64> = ptv.iter().zip(&age).map(|(p, a)| p / (-a)).collect();
    expect(&fx, "mean(d$ptv_cc / (0 - d$age))", mean(&neg), 4e-9, 3e-8);
    // A quotient feeds further arithmetic with its proven bounds.
    let bmi: Vec<f64> = ptv.iter().zip(&gtv).map(|(p, g)| (p / g).ln()).collect();
    expect(&fx, "mean(log(d$ptv_cc / d$gtv_cc))", mean(&bmi), 1e-6, 0.0);
}

#[test]
fn outside_rs_domain_is_refused_with_what_r_would_give() {
    let fx = Fixture::adrenal();
    for (q, says) in [
        ("mean(log(d$age - 50))", "-Inf or NaN"),
        ("mean(sqrt(d$age - 50))", "NaN"),
        ("mean(d$ptv_cc / (d$age - 50))", "Inf or NaN"),
        ("mean(d$age^0.5 - (d$age - 60)^0.5)", "NaN"),
        ("mean(exp(d$age))", "exp() of a range"),
        ("mean(d$age^0)", "write 1 instead"),
    ] {
        let e = fx.refusal(&format!("{D}{q}"));
        assert!(e.contains(says), "{q}: {e}");
    }
    // Public values follow R: log(0) is -Inf, sqrt(-1) NaN.
    assert_eq!(
        fx.run(&format!("{D}log(0)")).unwrap().last().unwrap().value,
        fx.run("-Inf").unwrap()[0].value
    );
}

/// An attacker wraps a condition on one patient in a math function, hoping the function
/// hides which rows shape the value: the rows of each part still pass the subset rules, so
/// `sum(log(1 + ptv * (age > 90)))` is refused as `sum(ptv[age > 90])` is, and the same over
/// a large group runs.
#[test]
fn math_functions_keep_the_disclosure_rules_of_their_operand() {
    let fx = Fixture::adrenal();
    for q in [
        "sum(log(1 + d$ptv_cc * (d$age > 90)))",
        "sum(sqrt(d$ptv_cc * (d$age > 90)))",
        "mean(exp(d$age * (d$age > 90) / 100))",
        "sum(d$ptv_cc * (d$age > 90) / d$gtv_cc)",
    ] {
        let e = support::attack::refused(&fx, q);
        assert!(!e.is_empty(), "{q}");
    }
    support::attack::runs(&fx, "sum(log(1 + d$ptv_cc * (d$age > 50)))");
}
