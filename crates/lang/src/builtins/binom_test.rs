//! `binom.test(x, n, p = 0.5, alternative = "two.sided", conf.level = 0.95)`: R's exact
//! binomial test of public counts — `x` successes of `n` trials, or `x = c(successes,
//! failures)`. Counts of patients come from the disclosure-controlled aggregates, as R users
//! write them: `binom.test(sum(d$event_death), nrow(d))`.
//!
//! A whole function in one module (issue 15): its registry entry and its evaluation; the
//! checker's rule for statistical functions (public arguments, a public result) applies.
//! Reveals nothing beyond its arguments. The p-value is R's (two-sided: the probabilities no
//! larger than the observed one's, relative tolerance 1e-7), the interval Clopper-Pearson's.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::eval::ttest::Alt;
use crate::eval::value::{HTest, PrivTable, Public, Value};
use crate::eval::{EvalError, Evaluator, Result};
use statrs::distribution::{Beta, Binomial, ContinuousCDF, Discrete, DiscreteCDF};

/// The entry of `binom.test`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "binom.test",
    params: &[
        Param::required("x"),
        Param::optional("n", "NULL"),
        Param::optional("p", "0.5"),
        Param::optional("alternative", "\"two.sided\""),
        Param::optional("conf.level", "0.95"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "binom.test(x, n, p = 0.5): R's exact binomial test of x successes in n trials (public counts, e.g. sum(d$event_death) and nrow(d)), or x = c(successes, failures); alternative, conf.level as R (Clopper-Pearson interval)",
    reveals: "nothing beyond its arguments (public counts)",
    check: None,
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let x = a
        .get("x")
        .ok_or_else(|| EvalError::at(e, "binom.test(x, n)"))?;
    let counts = public_numbers(ev, x, scope)?;
    let n_arg = a.get("n");
    let (k, n) = match (counts.as_slice(), n_arg) {
        ([s, f], _) => (*s, s + f),
        ([s], Some(n)) => match public_numbers(ev, n, scope)?.as_slice() {
            [n] => (*s, *n),
            _ => return Err(EvalError::at(n, "'n' must be one number of trials")),
        },
        ([_], None) => return Err(EvalError::at(e, "binom.test(x, n): give n, the trials")),
        _ => {
            return Err(EvalError::at(
                x,
                "'x' must be one count or c(successes, failures)",
            ));
        }
    };
    let whole = |v: f64| v >= 0.0 && v.fract() == 0.0 && v < 1e15;
    if !whole(k) || !whole(n) || k > n || n < 1.0 {
        return Err(EvalError::at(
            x,
            "'x' and 'n' must be whole numbers with 0 <= x <= n and n >= 1",
        ));
    }
    let p = ev.flag(a.get("p"), scope, 0.5)?;
    if !(0.0..=1.0).contains(&p) {
        return Err(EvalError::at(
            e,
            "'p' must be a single number between 0 and 1",
        ));
    }
    let alt = ev.alternative(a, scope)?;
    let level = ev.level(a, scope)?;
    let data_name = match n_arg {
        Some(n) if counts.len() == 1 => format!("{x} and {n}"),
        _ => x.to_string(),
    };
    Ok(Value::Pub(Public::Test(Box::new(binom_test(
        k as u64, n as u64, p, alt, level, data_name,
    )))))
}

/// A public argument's numbers.
fn public_numbers(ev: &mut Evaluator<'_>, v: &Expr, scope: Option<&PrivTable>) -> Result<Vec<f64>> {
    match ev.eval_in(v, scope)? {
        Value::Pub(Public::Num { values, .. }) => values
            .into_iter()
            .map(|x| x.ok_or_else(|| EvalError::at(v, "missing count")))
            .collect(),
        Value::Pub(_) => Err(EvalError::at(v, "expected counts (numbers)")),
        _ => Err(EvalError::at(
            v,
            "binom.test() takes counts: count the patients first, e.g. \
             binom.test(sum(d$event_death), nrow(d))",
        )),
    }
}

/// R's `binom.test` of `k` successes in `n` trials against `p`.
fn binom_test(k: u64, n: u64, p: f64, alt: Alt, level: f64, data: String) -> HTest {
    let b = Binomial::new(p, n).ok();
    let pmf = |x: u64| b.as_ref().map_or(f64::NAN, |b| b.pmf(x));
    // P(X <= x), and P(X >= x) as R's pbinom(x - 1, lower.tail = FALSE).
    let below = |x: u64| b.as_ref().map_or(f64::NAN, |b| b.cdf(x));
    let above = |x: u64| if x == 0 { 1.0 } else { 1.0 - below(x - 1) };
    let pv = match alt {
        Alt::Less => below(k),
        Alt::Greater => above(k),
        Alt::TwoSided if p == 0.0 => f64::from(u8::from(k == 0)),
        Alt::TwoSided if p == 1.0 => f64::from(u8::from(k == n)),
        Alt::TwoSided => {
            let d = pmf(k) * (1.0 + 1e-7);
            let m = n as f64 * p;
            if (k as f64 - m).abs() < 1e-12 * m.max(1.0) {
                1.0
            } else if (k as f64) < m {
                let y = (m.ceil() as u64..=n).filter(|&i| pmf(i) <= d).count() as u64;
                below(k) + above(n - y + 1)
            } else {
                let y = (0..=m.floor() as u64).filter(|&i| pmf(i) <= d).count() as u64;
                (if y == 0 { 0.0 } else { below(y - 1) }) + above(k)
            }
        }
    }
    .min(1.0);
    let (kf, nf) = (k as f64, n as f64);
    let qbeta = |q: f64, a: f64, b: f64| Beta::new(a, b).map_or(f64::NAN, |d| d.inverse_cdf(q));
    let lower = |alpha: f64| {
        if k == 0 {
            0.0
        } else {
            qbeta(alpha, kf, nf - kf + 1.0)
        }
    };
    let upper = |alpha: f64| {
        if k == n {
            1.0
        } else {
            qbeta(1.0 - alpha, kf + 1.0, nf - kf)
        }
    };
    let (lo, hi) = match alt {
        Alt::Less => (0.0, upper(1.0 - level)),
        Alt::Greater => (lower(1.0 - level), 1.0),
        Alt::TwoSided => (lower((1.0 - level) / 2.0), upper((1.0 - level) / 2.0)),
    };
    HTest {
        method: "Exact binomial test".into(),
        data_name: data,
        statistic: Some(("number of successes".into(), kf)),
        parameter: vec![("number of trials".into(), nf)],
        p_value: pv,
        alternative: format!(
            "true probability of success is {} {}",
            alt.words(),
            crate::display::fmt_num(p)
        ),
        conf_int: Some((lo, hi, level)),
        estimate: vec![("probability of success".into(), kf / nf)],
    }
}
