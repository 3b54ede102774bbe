//! Issue 14's property: random arithmetic over the fixture's numeric columns (with their
//! dictionary ranges and decimals, constants small, large and with many decimals), then an
//! aggregate. Each result is compared with exact rational arithmetic on the same rows: it is
//! either within its documented error (each quotient by a constant within 1e-7 relative,
//! propagated through the expression, plus 1e-6 of the terms' scale for the aggregate) or
//! refused with a message that says why — never a wrong number.
mod support;

use proptest::prelude::*;
use support::Fixture;

/// Numeric columns with their decimals.
const COLS: &[(&str, u32)] = &[
    ("age", 0),
    ("gtv_cc", 1),
    ("ptv_cc", 1),
    ("follow_up_months", 1),
    ("bed10_gy", 1),
    ("fractions", 0),
    ("conformity_index", 2),
];

/// An expression, rendered for the language and evaluated exactly.
#[derive(Clone, Debug)]
enum E {
    Col(usize),
    Const(i64, u32),
    Add(Box<E>, Box<E>),
    Sub(Box<E>, Box<E>),
    Mul(Box<E>, Box<E>),
    Div(Box<E>, i64, u32),
    Abs(Box<E>),
    Min(Box<E>, i64, u32),
    Floor(Box<E>),
}

fn render_const(v: i64, d: u32) -> String {
    let s = (v as f64 / 10f64.powi(d as i32)).to_string();
    if v < 0 { format!("({s})") } else { s }
}

impl E {
    fn render(&self) -> String {
        match self {
            E::Col(i) => format!("d${}", COLS[*i].0),
            E::Const(v, d) => render_const(*v, *d),
            E::Add(a, b) => format!("({} + {})", a.render(), b.render()),
            E::Sub(a, b) => format!("({} - {})", a.render(), b.render()),
            E::Mul(a, b) => format!("({} * {})", a.render(), b.render()),
            E::Div(a, v, d) => format!("({} / {})", a.render(), render_const(*v, *d)),
            E::Abs(a) => format!("abs({})", a.render()),
            E::Min(a, v, d) => format!("pmin({}, {})", a.render(), render_const(*v, *d)),
            E::Floor(a) => format!("floor({})", a.render()),
        }
    }

    fn private(&self) -> bool {
        match self {
            E::Col(_) => true,
            E::Const(..) => false,
            E::Add(a, b) | E::Sub(a, b) | E::Mul(a, b) => a.private() || b.private(),
            E::Div(a, ..) | E::Abs(a) | E::Min(a, ..) | E::Floor(a) => a.private(),
        }
    }

    /// The exact value at a row and the documented bound on the error of its computed value
    /// (a quotient by a constant is within `DIVISION_ERROR` relative; the rest is exact).
    /// `None`: the rationals overflowed i128, or a floor of an inexact value lies within its
    /// error of an integer; the case is skipped.
    fn eval(&self, row: &[Q]) -> Option<(Q, f64)> {
        Some(match self {
            E::Col(i) => (row[*i], 0.0),
            E::Const(v, d) => (Q::dec(*v, *d), 0.0),
            E::Add(a, b) => {
                let ((x, ex), (y, ey)) = (a.eval(row)?, b.eval(row)?);
                (x.add(y)?, ex + ey)
            }
            E::Sub(a, b) => {
                let ((x, ex), (y, ey)) = (a.eval(row)?, b.eval(row)?);
                (x.add(y.neg())?, ex + ey)
            }
            E::Mul(a, b) => {
                let ((x, ex), (y, ey)) = (a.eval(row)?, b.eval(row)?);
                (x.mul(y)?, x.f().abs() * ey + y.f().abs() * ex + ex * ey)
            }
            E::Div(a, v, d) => {
                let (x, ex) = a.eval(row)?;
                let c = Q::dec(*v, *d);
                let q = x.mul(c.inv()?)?;
                (q, q.f().abs() * DIVISION_ERROR + ex / c.f().abs())
            }
            E::Abs(a) => {
                let (x, ex) = a.eval(row)?;
                (if x.n < 0 { x.neg() } else { x }, ex)
            }
            E::Min(a, v, d) => {
                let ((x, ex), c) = (a.eval(row)?, Q::dec(*v, *d));
                (if x.add(c.neg())?.n < 0 { x } else { c }, ex)
            }
            E::Floor(a) => {
                let (x, ex) = a.eval(row)?;
                let f = x.n.div_euclid(x.d);
                let gap = (x.f() - f as f64).min(f as f64 + 1.0 - x.f());
                if ex > 0.0 && gap <= ex * 2.0 {
                    return None;
                }
                (Q::new(f, 1)?, 0.0)
            }
        })
    }
}

/// `sharestat_lang`'s bound on a quotient's relative error (`ops::DIVISION_ERROR`).
const DIVISION_ERROR: f64 = 1e-7;

/// An exact rational `n / d`, `d > 0`, in lowest terms.
#[derive(Clone, Copy, Debug)]
struct Q {
    n: i128,
    d: i128,
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

impl Q {
    fn new(n: i128, d: i128) -> Option<Q> {
        if d == 0 {
            return None;
        }
        let g = gcd(n, d).max(1);
        let s = if d < 0 { -1 } else { 1 };
        Some(Q {
            n: s * n / g,
            d: s * d / g,
        })
    }
    fn dec(v: i64, decimals: u32) -> Q {
        Q::new(v as i128, 10i128.pow(decimals)).expect("non-zero")
    }
    fn add(self, o: Q) -> Option<Q> {
        let n = self
            .n
            .checked_mul(o.d)?
            .checked_add(o.n.checked_mul(self.d)?)?;
        Q::new(n, self.d.checked_mul(o.d)?)
    }
    fn neg(self) -> Q {
        Q {
            n: -self.n,
            d: self.d,
        }
    }
    fn mul(self, o: Q) -> Option<Q> {
        Q::new(self.n.checked_mul(o.n)?, self.d.checked_mul(o.d)?)
    }
    fn inv(self) -> Option<Q> {
        Q::new(self.d, self.n)
    }
    fn f(self) -> f64 {
        self.n as f64 / self.d as f64
    }
}

fn constant() -> impl Strategy<Value = (i64, u32)> {
    prop_oneof![
        (1i64..200, Just(0u32)),
        (1i64..2000, Just(1u32)),
        (1i64..100_000, Just(4u32)),
        Just((304_375, 4)),
        Just((1_000_000, 0)),
        Just((7, 0)),
        Just((3, 0)),
        Just((12, 0)),
    ]
}

fn expr() -> impl Strategy<Value = E> {
    let leaf = prop_oneof![
        3 => (0..COLS.len()).prop_map(E::Col),
        1 => constant().prop_map(|(v, d)| E::Const(v, d)),
    ];
    leaf.prop_recursive(3, 10, 2, |inner| {
        let b = |e: E| Box::new(e);
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(move |(x, y)| E::Add(b(x), b(y))),
            (inner.clone(), inner.clone()).prop_map(move |(x, y)| E::Sub(b(x), b(y))),
            (inner.clone(), inner.clone()).prop_map(move |(x, y)| E::Mul(b(x), b(y))),
            (inner.clone(), constant()).prop_map(move |(x, (v, d))| E::Div(b(x), v, d)),
            inner.clone().prop_map(move |x| E::Abs(b(x))),
            (inner.clone(), constant()).prop_map(move |(x, (v, d))| E::Min(b(x), v, d)),
            inner.prop_map(move |x| E::Floor(b(x))),
        ]
    })
}

/// The fixture's rows as exact rationals of the columns of [`COLS`].
fn rows(fx: &Fixture) -> Vec<Vec<Q>> {
    let mut out = Vec::new();
    for site in &fx.sites {
        let idx: Vec<usize> = COLS
            .iter()
            .map(|(c, _)| site.columns.iter().position(|x| x.name == *c).unwrap())
            .collect();
        for r in 0..site.rows {
            out.push(
                idx.iter()
                    .zip(COLS)
                    .map(|(&i, (_, d))| Q::dec(site.data[i][r] as i64, *d))
                    .collect(),
            );
        }
    }
    out
}

/// A row's exact value and its error bound.
type Valued = (Q, f64);

/// Messages a refusal may give: each says why.
const REASONS: &[&str] = &[
    "beyond what a 64-bit word holds",
    "even in 128 bits",
    "max_leverage",
    "min_cell",
    "cannot be computed within 1e-6",
    "cannot be computed within 1e-7",
    "secure comparison",
    "a sum of",
    "is exact only for values",
    "decimal places (at most",
    "more digits than ordering",
    "multiplies by a constant",
    // The disclosure rules on the parts a comparison makes (e.g. an empty `x < c`).
    "refused by disclosure control",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, max_global_rejects: 1 << 20, ..ProptestConfig::default() })]

    #[test]
    fn every_aggregate_is_right_within_its_error_or_refused_with_a_reason(
        x in expr(),
        agg in prop::sample::select(&["sum", "mean", "var"][..]),
    ) {
        prop_assume!(x.private());
        let fx = Fixture::open();
        let data = rows(&fx);
        let vals: Option<Vec<(Q, f64)>> = data.iter().map(|r| x.eval(r)).collect();
        let Some(vals) = vals else { return Ok(()) };
        let errs: Vec<f64> = vals.iter().map(|v| v.1).collect();
        let vals: Vec<Q> = vals.into_iter().map(|v| v.0).collect();
        let q = format!("{agg}({})", x.render());
        let src = format!("d <- rbind(load(\"munich\"), load(\"rome\"))\n{q}");
        match fx.run(&src) {
            Ok(out) => {
                let got = sharestat_lang::eval::render::to_json(&out.last().unwrap().value)
                    .as_f64()
                    .unwrap_or(f64::NAN);
                let n = vals.len() as f64;
                let fl: Vec<f64> = vals.iter().map(|v| v.f()).collect();
                let mean = fl.iter().sum::<f64>() / n;
                let total_err: f64 = errs.iter().sum();
                let (want, scale, budget) = match agg {
                    "sum" => (fl.iter().sum::<f64>(), fl.iter().map(|v| v.abs()).sum::<f64>(), total_err),
                    "mean" => (mean, fl.iter().map(|v| v.abs()).sum::<f64>() / n, total_err / n),
                    _ => {
                        let v = fl.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
                        let m2 = fl.iter().map(|v| v * v).sum::<f64>() / n;
                        let b = fl
                            .iter()
                            .zip(&errs)
                            .map(|(v, e)| 2.0 * (v - mean).abs() * e + e * e)
                            .sum::<f64>()
                            / (n - 1.0);
                        (v, v.max(m2 * 1e-9), b)
                    }
                };
                prop_assert!(
                    (got - want).abs() <= budget + 1e-6 * scale.max(1e-9) + 1e-9,
                    "{q}: {got} but exactly {want} (documented error {budget:.2e})"
                );
            }
            Err(e) => {
                prop_assert!(
                    REASONS.iter().any(|r| e.contains(r)),
                    "{q}: refused without a reason it states: {e}"
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, max_global_rejects: 1 << 20, ..ProptestConfig::default() })]

    /// `cor` of two exact expressions (no quotients): its cross-products are exact whatever
    /// their size (beyond 64 bits in parts, `wide_gram.rs`), so r is plaintext's within
    /// rounding, or the query is refused with a reason.
    #[test]
    fn cor_of_exact_expressions_is_exact_or_refused(x in expr(), y in expr()) {
        prop_assume!(x.private() && y.private());
        let fx = Fixture::open();
        let data = rows(&fx);
        let pairs: Option<Vec<(Valued, Valued)>> =
            data.iter().map(|r| Some((x.eval(r)?, y.eval(r)?))).collect();
        let Some(pairs) = pairs else { return Ok(()) };
        prop_assume!(pairs.iter().all(|(a, b)| a.1 == 0.0 && b.1 == 0.0));
        let (a, b): (Vec<f64>, Vec<f64>) = pairs.iter().map(|(a, b)| (a.0.f(), b.0.f())).unzip();
        let n = a.len() as f64;
        let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
        let sab: f64 = a.iter().zip(&b).map(|(p, q)| (p - ma) * (q - mb)).sum();
        let saa: f64 = a.iter().map(|p| (p - ma).powi(2)).sum();
        let sbb: f64 = b.iter().map(|q| (q - mb).powi(2)).sum();
        let q = format!("cor({}, {})", x.render(), y.render());
        let src = format!("d <- rbind(load(\"munich\"), load(\"rome\"))\n{q}");
        match fx.run(&src) {
            Ok(out) => {
                let got = sharestat_lang::eval::render::to_json(&out.last().unwrap().value)
                    .as_f64();
                // A constant (in exact arithmetic: f64's sums leave a residue) has no r.
                let spread = |v: &[f64], s: f64| s > 1e-12 * v.iter().map(|x| x * x).sum::<f64>();
                if spread(&a, saa) && spread(&b, sbb) {
                    let want = sab / (saa * sbb).sqrt();
                    let got = got.unwrap_or(f64::NAN);
                    prop_assert!((got - want).abs() <= 1e-9, "{q}: {got} but exactly {want}");
                }
            }
            Err(e) => {
                prop_assert!(
                    REASONS.iter().any(|r| e.contains(r)),
                    "{q}: refused without a reason it states: {e}"
                );
            }
        }
    }
}
