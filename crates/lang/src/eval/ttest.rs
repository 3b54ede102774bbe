//! `t.test` as R's: one-sample, two-sample (Welch, or Student with `var.equal = TRUE`) and
//! paired (`paired = TRUE`: the one-sample test of `x − y` over the rows where both are
//! present, R's `complete.cases`), each with `alternative` (`"two.sided"`, `"less"`,
//! `"greater"`, abbreviated as R's `match.arg` allows), `mu` and `conf.level`.
//!
//! Computed securely and revealed: per sample `n`, `Σx`, `Σx²` (`moments.rs`; for a paired
//! test those of the differences); in the clear: the estimate, its standard error, the t
//! statistic `(estimate − mu) / se`, df, the p-value of the asked tail and the interval as
//! R's (`estimate ± qt(1 − α/2) se` two-sided, one bound at `qt(level)` one-sided, the other
//! infinite).
use super::call::Args;
use super::htest::formula;
use super::value::{HTest, PrivTable, PrivVec, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::{BinOp, Expr};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// R's `alternative` (`sharestat_rstats`).
pub(crate) use sharestat_rstats::Alt;

/// A sample's label, `n`, `Σx`, `Σx²` (in words) and unit (`10^decimals`).
type Sample = (String, u64, i128, i128, f64);

impl Evaluator<'_> {
    /// `alternative =` of `a` (R's `"two.sided"` when not given).
    pub(crate) fn alternative(&mut self, a: &Args<'_>, scope: Option<&PrivTable>) -> Result<Alt> {
        let Some(v) = a.get("alternative") else {
            return Ok(Alt::TwoSided);
        };
        match self.eval_in(v, scope)? {
            Value::Pub(super::value::Public::Str(s)) if s.len() == 1 => {
                s[0].as_deref().and_then(Alt::parse)
            }
            _ => None,
        }
        .ok_or_else(|| {
            EvalError::at(
                v,
                "'alternative' is \"two.sided\", \"less\" or \"greater\" (or a prefix of one)",
            )
        })
    }

    /// `t.test(...)` with every argument of its registry entry (module doc).
    pub(crate) fn t_test(
        &mut self,
        e: &Expr,
        a: &Args<'_>,
        scope: Option<&PrivTable>,
    ) -> Result<HTest> {
        let x = a
            .get("x")
            .ok_or_else(|| EvalError::at(e, "t.test(x) needs x"))?;
        let var_equal = self.flag(a.get("var.equal"), scope, 0.0)? != 0.0;
        let paired = self.flag(a.get("paired"), scope, 0.0)? != 0.0;
        let opts = Opts {
            mu: self.flag(a.get("mu"), scope, 0.0)?,
            level: self.level(a, scope)?,
            alt: self.alternative(a, scope)?,
        };
        if let Some((lhs, rhs)) = formula(x) {
            if paired {
                return Err(EvalError::at(
                    x,
                    "paired = TRUE with a formula: give the two measurements, \
                     t.test(x, y, paired = TRUE)",
                ));
            }
            let t = self.data_arg(e, a.get("data"), scope)?;
            let (y, g) = (self.in_table(lhs, &t)?, self.in_table(rhs, &t)?);
            let groups = self.group_moments(e, y.clone(), g)?;
            let unit = 10f64.powi(super::agg::scale(&y) as i32);
            let [g1, g2] = groups.as_slice() else {
                return Err(EvalError::at(
                    rhs,
                    "grouping factor must have exactly 2 levels",
                ));
            };
            let s1 = (g1.0.clone(), g1.1, g1.2, g1.3, unit);
            let s2 = (g2.0.clone(), g2.1, g2.2, g2.3, unit);
            let mut t = two_sample(&s1, &s2, var_equal, opts);
            t.data_name = format!("{lhs} by {rhs}");
            t.alternative = format!(
                "true difference in means between group {} and group {} is {} {}",
                g1.0,
                g2.0,
                opts.alt.words(),
                num(opts.mu)
            );
            return Ok(t);
        }
        let xv = self.t_sample(x, scope)?;
        let Some(y) = a.get("y") else {
            let s = self.sample_moments(e, xv, "x")?;
            let mut t = one_sample(&s, opts);
            t.data_name = x.to_string();
            return Ok(t);
        };
        let yv = self.t_sample(y, scope)?;
        if paired {
            // The differences over the rows where both are present (R's complete.cases).
            let parts = [(x, &Value::Vec(xv.clone())), (y, &Value::Vec(yv.clone()))];
            super::ops::same_lengths(e, &parts)?;
            let d = match self.binary(e, BinOp::Sub, Value::Vec(xv), Value::Vec(yv))? {
                Value::Vec(d) => d,
                _ => {
                    return Err(EvalError::at(
                        e,
                        "t.test(): the differences are not private",
                    ));
                }
            };
            let s = self.sample_moments(e, d, "x - y")?;
            let mut t = one_sample(&s, opts);
            t.method = "Paired t-test".into();
            t.data_name = format!("{x} and {y}");
            t.estimate = vec![("mean difference".into(), t.estimate[0].1)];
            t.alternative = format!(
                "true mean difference is {} {}",
                opts.alt.words(),
                num(opts.mu)
            );
            return Ok(t);
        }
        let s1 = self.sample_moments(e, xv, "x")?;
        let s2 = self.sample_moments(e, yv, "y")?;
        let mut t = two_sample(&s1, &s2, var_equal, opts);
        t.data_name = format!("{x} and {y}");
        t.estimate = vec![
            ("mean of x".into(), t.estimate[0].1),
            ("mean of y".into(), t.estimate[1].1),
        ];
        t.alternative = format!(
            "true difference in means is {} {}",
            opts.alt.words(),
            num(opts.mu)
        );
        Ok(t)
    }

    /// A sample of `t.test`: a private numeric vector.
    fn t_sample(&mut self, x: &Expr, scope: Option<&PrivTable>) -> Result<PrivVec> {
        match self.eval_in(x, scope)? {
            Value::Vec(v) => Ok(v),
            _ => Err(EvalError::at(x, "t.test() of a private numeric vector")),
        }
    }

    /// `n`, `Σx`, `Σx²` of the present values of `v` (with the cell-key method, with their
    /// noise: a perturbed subset's degrees of freedom must not count it exactly).
    fn sample_moments(&mut self, e: &Expr, v: PrivVec, label: &str) -> Result<Sample> {
        let unit = 10f64.powi(super::agg::scale(&v) as i32);
        let (range, layout) = (v.range, v.layout.clone());
        let perturbed = self.perturbed();
        let (n, s1, s2) = match self.input_shaping(e, v, true, perturbed)? {
            (super::agg::Input::Values(c), Some(rows), _) => {
                self.perturbed_raw(e, &c, *range, &rows, &layout, true)?
            }
            (super::agg::Input::Values(c), None, _) => self.moments(e, &c, *range, true)?,
            (super::agg::Input::HasNa, ..) => {
                return Err(EvalError::at(
                    e,
                    "t.test(): missing values were not removed",
                ));
            }
        };
        Ok((label.to_owned(), n, s1, s2, unit))
    }
}

/// `mu`, `conf.level` and `alternative`.
#[derive(Clone, Copy, Debug)]
struct Opts {
    mu: f64,
    level: f64,
    alt: Alt,
}

fn num(x: f64) -> String {
    crate::display::fmt_num(x)
}

fn mean_var(s: &Sample) -> (f64, f64) {
    let (_, n, s1, s2, unit) = s;
    let nf = *n as f64;
    let mean = *s1 as f64 / nf / unit;
    let var = (s2 * *n as i128 - s1 * s1) as f64 / (nf * (nf - 1.0)) / (unit * unit);
    (mean, var)
}

/// The t statistic of `estimate` against `mu`, its p-value in the asked tail and the interval
/// at `level`, as R's `t.test` computes them.
fn tail(estimate: f64, se: f64, df: f64, o: Opts) -> (f64, f64, (f64, f64, f64)) {
    let t = (estimate - o.mu) / se;
    let Ok(d) = StudentsT::new(0.0, 1.0, df) else {
        return (t, f64::NAN, (f64::NAN, f64::NAN, o.level));
    };
    let (p, lo, hi) = match o.alt {
        Alt::TwoSided => {
            let q = d.inverse_cdf(1.0 - (1.0 - o.level) / 2.0);
            (2.0 * d.cdf(-t.abs()), estimate - q * se, estimate + q * se)
        }
        Alt::Less => {
            let q = d.inverse_cdf(o.level);
            (d.cdf(t), f64::NEG_INFINITY, estimate + q * se)
        }
        Alt::Greater => {
            let q = d.inverse_cdf(o.level);
            (d.sf(t), estimate - q * se, f64::INFINITY)
        }
    };
    (t, p, (lo, hi, o.level))
}

fn one_sample(s: &Sample, o: Opts) -> HTest {
    let (m, v) = mean_var(s);
    let se = (v / s.1 as f64).sqrt();
    let df = s.1 as f64 - 1.0;
    let (t, p, ci) = tail(m, se, df, o);
    HTest {
        method: "One Sample t-test".into(),
        data_name: String::new(),
        statistic: Some(("t".into(), t)),
        parameter: vec![("df".into(), df)],
        p_value: p,
        alternative: format!("true mean is {} {}", o.alt.words(), num(o.mu)),
        conf_int: Some(ci),
        estimate: vec![("mean of x".into(), m)],
    }
}

fn two_sample(g1: &Sample, g2: &Sample, var_equal: bool, o: Opts) -> HTest {
    let (m1, v1) = mean_var(g1);
    let (m2, v2) = mean_var(g2);
    let (n1, n2) = (g1.1 as f64, g2.1 as f64);
    let (se, df) = if var_equal {
        let df = n1 + n2 - 2.0;
        let sp = ((n1 - 1.0) * v1 + (n2 - 1.0) * v2) / df;
        ((sp * (1.0 / n1 + 1.0 / n2)).sqrt(), df)
    } else {
        let (a, b) = (v1 / n1, v2 / n2);
        (
            (a + b).sqrt(),
            (a + b).powi(2) / (a * a / (n1 - 1.0) + b * b / (n2 - 1.0)),
        )
    };
    let (t, p, ci) = tail(m1 - m2, se, df, o);
    HTest {
        method: if var_equal {
            " Two Sample t-test"
        } else {
            "Welch Two Sample t-test"
        }
        .into(),
        data_name: String::new(),
        statistic: Some(("t".into(), t)),
        parameter: vec![("df".into(), df)],
        p_value: p,
        alternative: String::new(),
        conf_int: Some(ci),
        estimate: vec![
            (format!("mean in group {}", g1.0), m1),
            (format!("mean in group {}", g2.0), m2),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternatives_as_match_arg_reads_them() {
        assert_eq!(Alt::parse("two.sided"), Some(Alt::TwoSided));
        assert_eq!(Alt::parse("t"), Some(Alt::TwoSided));
        assert_eq!(Alt::parse("g"), Some(Alt::Greater));
        assert_eq!(Alt::parse("le"), Some(Alt::Less));
        assert_eq!(Alt::parse(""), None);
        assert_eq!(Alt::parse("bigger"), None);
    }
}
