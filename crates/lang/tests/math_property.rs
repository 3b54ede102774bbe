//! Issue 14's property for the math functions: random expressions of the fixture's numeric
//! columns through `log`, `sqrt`, `exp`, real powers and quotients of private vectors, then
//! an aggregate. Each result is compared with double-precision plaintext on the same rows:
//! within the documented error (`log` 5e-7 absolute, `exp`/`sqrt` 2e-7 relative, `x^p`
//! `|p|` times that, `x / y` 3e-8 relative, a quotient by a constant 1e-7, each plus a few
//! units of the result's last decimal place, and the operands' errors propagated by the
//! functions' derivatives) or refused with a reason it states — never a wrong number.
mod support;

use proptest::prelude::*;
use support::Fixture;

/// Numeric columns: name, decimals, dictionary bounds.
const COLS: &[(&str, u32, f64, f64)] = &[
    ("age", 0, 18.0, 110.0),
    ("gtv_cc", 1, 0.1, 2000.0),
    ("ptv_cc", 1, 0.1, 3000.0),
    ("fractions", 0, 1.0, 10.0),
    ("bed10_gy", 1, 0.0, 200.0),
    ("conformity_index", 2, 0.0, 3.0),
];

#[derive(Clone, Debug)]
enum E {
    Col(usize),
    Add(Box<E>, f64),
    Scale(Box<E>, f64),
    Log(Box<E>),
    Sqrt(Box<E>),
    Exp(Box<E>),
    Pow(Box<E>, f64),
    Quot(Box<E>, Box<E>),
}

/// A value's bound: every row's value and error lie within.
#[derive(Clone, Copy)]
struct B {
    lo: f64,
    hi: f64,
}

impl B {
    fn mag(self) -> f64 {
        self.lo.abs().max(self.hi.abs())
    }
}

/// The largest last-place unit of a function's result bounded by `mag` (its decimals keep
/// words below 2^40, at most 12; a logarithm takes 7).
fn unit(mag: f64, log: bool) -> f64 {
    let u = (20.0 * mag / 2f64.powi(40)).max(1e-12);
    if log { u.max(1e-7) } else { u }
}

impl E {
    fn render(&self) -> String {
        match self {
            E::Col(i) => format!("d${}", COLS[*i].0),
            E::Add(a, c) => format!("({} + {c})", a.render()),
            E::Scale(a, c) => format!("({} / {c})", a.render()),
            E::Log(a) => format!("log({})", a.render()),
            E::Sqrt(a) => format!("sqrt({})", a.render()),
            E::Exp(a) => format!("exp({})", a.render()),
            E::Pow(a, p) => format!("({})^{p}", a.render()),
            E::Quot(a, b) => format!("({} / {})", a.render(), b.render()),
        }
    }

    /// The bound of the value (from the dictionary), `None` outside a function's domain.
    fn bound(&self) -> Option<B> {
        Some(match self {
            E::Col(i) => B {
                lo: COLS[*i].2,
                hi: COLS[*i].3,
            },
            E::Add(a, c) => {
                let b = a.bound()?;
                B {
                    lo: b.lo + c,
                    hi: b.hi + c,
                }
            }
            E::Scale(a, c) => {
                let b = a.bound()?;
                B {
                    lo: b.lo / c,
                    hi: b.hi / c,
                }
            }
            E::Log(a) => {
                let b = a.bound()?;
                (b.lo > 0.0).then(|| B {
                    lo: b.lo.ln() - 1e-6,
                    hi: b.hi.ln() + 1e-6,
                })?
            }
            E::Sqrt(a) => {
                let b = a.bound()?;
                (b.lo >= 0.0).then(|| B {
                    lo: 0.0,
                    hi: b.hi.sqrt() * 1.01,
                })?
            }
            E::Exp(a) => {
                let b = a.bound()?;
                B {
                    lo: 0.0,
                    hi: b.hi.exp() * 1.01,
                }
            }
            E::Pow(a, p) if p.fract() == 0.0 && *p > 0.0 => {
                // Whole powers are products: any sign (R: (-5)^3 is -125).
                let b = a.bound()?;
                let (x, y) = (b.lo.powf(*p), b.hi.powf(*p));
                let m = b.mag().powf(*p);
                let lo = if b.lo < 0.0 && b.hi > 0.0 && *p % 2.0 == 0.0 {
                    0.0
                } else {
                    x.min(y)
                };
                // (Written as `lo.min(-m * 0)` before, which is -0.0 for a positive base: a
                // power in a denominator then looked as if it could be 0.)
                B {
                    lo: if *p % 2.0 == 1.0 && b.lo < 0.0 {
                        lo.min(-m)
                    } else {
                        lo
                    },
                    hi: if *p % 2.0 == 0.0 {
                        x.max(y).max(m)
                    } else {
                        x.max(y)
                    },
                }
            }
            E::Pow(a, p) if p.fract() == 0.0 => {
                let b = a.bound()?;
                (b.lo > 0.0 || b.hi < 0.0).then(|| {
                    let m = b.lo.abs().min(b.hi.abs()).powf(*p);
                    B { lo: -m, hi: m }
                })?
            }
            E::Pow(a, p) => {
                let b = a.bound()?;
                (b.lo > 0.0).then(|| {
                    let (x, y) = (b.lo.powf(*p), b.hi.powf(*p));
                    B {
                        lo: x.min(y),
                        hi: x.max(y) * 1.01,
                    }
                })?
            }
            E::Quot(a, b) => {
                // The quotient's bound from the corners (a divisor of one sign): a symmetric
                // bound made a quotient in a denominator look as if it could be 0, so that
                // the outer quotient had no bound and the model's last-place unit fell to
                // 1e-12, below the four units of the last place the quotient documents.
                let (x, y) = (a.bound()?, b.bound()?);
                (y.lo > 0.0 || y.hi < 0.0).then(|| {
                    let c = [x.lo / y.lo, x.lo / y.hi, x.hi / y.lo, x.hi / y.hi];
                    B {
                        lo: c.iter().copied().fold(f64::INFINITY, f64::min),
                        hi: c.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    }
                })?
            }
        })
    }

    /// The value at a row and a bound on the error of its computed value.
    fn eval(&self, row: &[f64]) -> Option<(f64, f64)> {
        let u = |l: bool| unit(self.bound().map_or(0.0, B::mag), l);
        Some(match self {
            E::Col(i) => (row[*i], 0.0),
            E::Add(a, c) => {
                let (x, e) = a.eval(row)?;
                (x + c, e)
            }
            E::Scale(a, c) => {
                let (x, e) = a.eval(row)?;
                (x / c, (x / c).abs() * 1e-7 + e / c.abs())
            }
            E::Log(a) => {
                let (x, e) = a.eval(row)?;
                if x - e <= 0.0 {
                    return None;
                }
                (x.ln(), 5e-7 + e / (x - e) + 2.0 * u(true))
            }
            E::Sqrt(a) => {
                let (x, e) = a.eval(row)?;
                let r = x.sqrt();
                let prop = (x + e).sqrt() - (x - e).max(0.0).sqrt();
                (r, r * 2e-7 + prop + 2.0 * u(false))
            }
            E::Exp(a) => {
                let (x, e) = a.eval(row)?;
                let r = x.exp();
                (r, r * (2e-7 + e.exp_m1() * 1.01) + 2.0 * u(false))
            }
            E::Pow(a, p) => {
                let (x, e) = a.eval(row)?;
                let whole = p.fract() == 0.0;
                if (whole && x.abs() - e <= 0.0 && *p < 0.0) || (!whole && x - e <= 0.0) {
                    return None;
                }
                let r = x.powf(*p);
                let prop = ((x + e).powf(*p) - (x - e).powf(*p)).abs();
                (r, r.abs() * 2e-7 * p.abs().max(1.0) + prop + 2.0 * u(false))
            }
            E::Quot(a, b) => {
                // A denominator of one sign (negative ones are negated, as R divides them);
                // one that can be 0 is outside the domain.
                let ((x, ex), (y, ey)) = (a.eval(row)?, b.eval(row)?);
                if y.abs() - ey <= 0.0 {
                    return None;
                }
                let q = x / y;
                (
                    q,
                    q.abs() * 3e-8 + (ex + q.abs() * ey) / (y.abs() - ey) + 4.0 * u(false),
                )
            }
        })
    }
}

fn expr() -> impl Strategy<Value = E> {
    let leaf = (0..COLS.len()).prop_map(E::Col);
    leaf.prop_recursive(3, 8, 2, |inner| {
        let b = |e: E| Box::new(e);
        prop_oneof![
            (inner.clone(), prop::sample::select(&[1.0, 0.5, -20.0][..]))
                .prop_map(move |(x, c)| E::Add(b(x), c)),
            (
                inner.clone(),
                prop::sample::select(&[10.0, 100.0, 30.4375][..])
            )
                .prop_map(move |(x, c)| E::Scale(b(x), c)),
            inner.clone().prop_map(move |x| E::Log(b(x))),
            inner.clone().prop_map(move |x| E::Sqrt(b(x))),
            inner.clone().prop_map(move |x| E::Exp(b(x))),
            (
                inner.clone(),
                prop::sample::select(&[3.0, -1.0, 0.5, 1.5, -0.5][..])
            )
                .prop_map(move |(x, p)| E::Pow(b(x), p)),
            (inner.clone(), inner).prop_map(move |(x, y)| E::Quot(b(x), b(y))),
        ]
    })
}

/// The fixture's rows, in real units, of the columns of [`COLS`].
fn rows(fx: &Fixture) -> Vec<Vec<f64>> {
    let mut out = Vec::new();
    for site in &fx.sites {
        let idx: Vec<usize> = COLS
            .iter()
            .map(|c| site.columns.iter().position(|x| x.name == c.0).unwrap())
            .collect();
        for r in 0..site.rows {
            out.push(
                idx.iter()
                    .zip(COLS)
                    .map(|(&i, c)| site.data[i][r] as i64 as f64 / 10f64.powi(c.1 as i32))
                    .collect(),
            );
        }
    }
    out
}

/// Messages a refusal may give: each says why.
const REASONS: &[&str] = &[
    "where R",
    "cannot be held at a fixed",
    "beyond what a 64-bit word holds",
    "cannot be computed within",
    "a sum of",
    "decimal places (at most",
    "multiplies by a constant",
    "the squares of",
    "is too large to represent",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_function_is_right_within_its_error_or_refused_with_a_reason(
        x in expr(),
        agg in prop::sample::select(&["sum", "mean", "var"][..]),
    ) {
        let fx = Fixture::open();
        let q = format!("{agg}({})", x.render());
        let src = format!("d <- rbind(load(\"munich\"), load(\"rome\"))\n{q}");
        let vals: Option<Vec<(f64, f64)>> = rows(&fx).iter().map(|r| x.eval(r)).collect();
        match fx.run(&src) {
            Ok(out) => {
                // A result where the plaintext leaves R's domain would be a wrong number.
                let vals = vals.expect("computed although outside the domain");
                let got = sharestat_lang::eval::render::to_json(&out.last().unwrap().value)
                    .as_f64()
                    .unwrap_or(f64::NAN);
                let n = vals.len() as f64;
                let mean = vals.iter().map(|v| v.0).sum::<f64>() / n;
                let err: f64 = vals.iter().map(|v| v.1).sum();
                let (want, budget) = match agg {
                    "sum" => (mean * n, err),
                    "mean" => (mean, err / n),
                    _ => {
                        let v = vals.iter().map(|v| (v.0 - mean).powi(2)).sum::<f64>() / (n - 1.0);
                        let b = vals
                            .iter()
                            .map(|(v, e)| 2.0 * (v - mean).abs() * e + e * e)
                            .sum::<f64>()
                            / (n - 1.0);
                        (v, b)
                    }
                };
                prop_assert!(
                    (got - want).abs() <= budget + 1e-9 * want.abs() + 1e-12,
                    "{q}: {got} but {want} (documented error {budget:.2e})"
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
