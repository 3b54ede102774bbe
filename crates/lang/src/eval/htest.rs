//! Statistical tests (issue 6) from securely computed sufficient statistics; the p-values come
//! from `statrs`, never from hand-written distribution code.
//!
//! | test | computed securely, then revealed | in the clear |
//! |---|---|---|
//! | `t.test(y ~ g, data)`, `t.test(x, y)`, `t.test(x, mu =)`, `paired = TRUE` (in `ttest.rs`) | per group: `n`, `Σy`, `Σy²` (group sizes pass `min_cell` first); paired: those of `x − y` | Welch (default) or Student (`var.equal = TRUE`) t, df, p and interval of the asked `alternative` |
//! | `chisq.test(table(a, b))`, `chisq.test(a, b)` | the two-way table (cells pass `min_cell`) | Pearson's X², Yates' correction for 2x2 (`correct = TRUE`) |
//! | `fisher.test(table(a, b))` (2x2) | the table | exact p (hypergeometric, R's two-sided rule), conditional MLE odds ratio |
//!
//! `cor.test` and `wilcox.test` are whole modules of their own (`builtins/cor_test.rs`,
//! `builtins/wilcox_test.rs`); this module keeps what the tests share (`flag`, `data_arg`,
//! `model_data`, `usable`) and the t, chi-square and Fisher tests.
//!
//! Levels of a grouping factor are taken in the dictionary's order (R orders factors read
//! from text alphabetically, which can flip the sign of a two-sample t); levels without any
//! row are dropped, as R's `factor()` drops unused levels.
use super::call::Args;
use super::ttest::Alt;
use super::value::{HTest, PrivTable, PrivVec, Public, Table, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::{BinOp, Expr, ExprKind};
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// The two sides of a formula `lhs ~ rhs`.
pub(crate) fn formula(e: &Expr) -> Option<(&Expr, &Expr)> {
    match &e.kind {
        ExprKind::Binary {
            op: BinOp::Formula,
            lhs,
            rhs,
        } => Some((lhs, rhs)),
        _ => None,
    }
}

impl Evaluator<'_> {
    /// A public `TRUE`/`FALSE` or number argument, or the default.
    pub(crate) fn flag(
        &mut self,
        a: Option<&Expr>,
        scope: Option<&PrivTable>,
        default: f64,
    ) -> Result<f64> {
        let Some(v) = a else { return Ok(default) };
        match self.eval_in(v, scope)? {
            Value::Pub(Public::Bool(b)) if b.len() == 1 => b[0]
                .map(|b| f64::from(u8::from(b)))
                .ok_or_else(|| EvalError::at(v, "NA argument")),
            Value::Pub(Public::Num { values, .. }) if values.len() == 1 => {
                values[0].ok_or_else(|| EvalError::at(v, "NA argument"))
            }
            _ => Err(EvalError::at(v, "expected a public number or TRUE/FALSE")),
        }
    }

    /// R's `exact = NULL` (`None`: the test's own default) or `TRUE`/`FALSE`.
    pub(crate) fn exact_arg(
        &mut self,
        a: &Args<'_>,
        scope: Option<&PrivTable>,
    ) -> Result<Option<bool>> {
        match a.get("exact").filter(|v| !matches!(v.kind, ExprKind::Null)) {
            None => Ok(None),
            Some(v) => Ok(Some(self.flag(Some(v), scope, 0.0)? != 0.0)),
        }
    }

    /// `x` evaluated with the columns of `t` in scope and `t`'s selection applied.
    pub(crate) fn in_table(&mut self, x: &Expr, t: &PrivTable) -> Result<PrivVec> {
        match self.eval_in(x, Some(t))? {
            Value::Vec(v) => {
                let rows = super::value::layout_rows(&t.layout);
                if v.len() != rows {
                    return Err(EvalError::at(
                        x,
                        format!(
                            "`{x}` has {} values and the data {rows} rows: a formula's variables \
                             are the data's columns, or vectors of its rows",
                            v.len()
                        ),
                    ));
                }
                let sel = self.and_mask(v.sel.clone(), t.sel.clone())?;
                Ok(PrivVec { sel, ..v })
            }
            _ => Err(EvalError::at(x, "expected a column of the data")),
        }
    }

    /// The private table of a `data =` argument.
    pub(crate) fn data_arg(
        &mut self,
        e: &Expr,
        d: Option<&Expr>,
        scope: Option<&PrivTable>,
    ) -> Result<PrivTable> {
        let d = d.ok_or_else(|| EvalError::at(e, "a formula needs data = a table"))?;
        match self.eval_in(d, scope)? {
            Value::Table(t) => Ok(t),
            _ => Err(EvalError::at(d, "data must be a private table")),
        }
    }

    /// A model's rows: `data =` with `subset =` applied as R's `model.frame` applies it (the
    /// rows where the condition, among `data`'s columns, is `TRUE`; `NA` counts as `FALSE`),
    /// so that the model's aggregates pass the subset rules; and the call's text of both
    /// (`, data = d, subset = age > 50`), as R prints the call.
    pub(crate) fn model_data(
        &mut self,
        e: &Expr,
        a: &Args<'_>,
        scope: Option<&PrivTable>,
    ) -> Result<(PrivTable, String)> {
        let t = self.data_arg(e, a.get("data"), scope)?;
        let mut call = a
            .get("data")
            .map(|d| format!(", data = {d}"))
            .unwrap_or_default();
        match a.get("subset") {
            Some(cond) => {
                call.push_str(&format!(", subset = {cond}"));
                Ok((self.filter(cond, t, scope)?, call))
            }
            None => Ok((t, call)),
        }
    }

    pub(crate) fn htest(
        &mut self,
        e: &Expr,
        name: &str,
        a: &Args<'_>,
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        let x = a
            .get("x")
            .ok_or_else(|| EvalError::at(e, format!("{name}() needs x")))?;
        let test = match name {
            "t.test" => self.t_test(e, a, scope)?,
            _ => {
                let xv = super::suppress::whole_table(x, self.eval_in(x, scope)?, name)?;
                if name == "chisq.test"
                    && a.get("y").is_none()
                    && let Some(counts) = one_way_counts(&xv)
                {
                    let monte_carlo = "Monte Carlo p-values are not available";
                    self.default_only(a, "simulate.p.value", scope, monte_carlo)?;
                    let p = match a.get("p") {
                        Some(p) => match self.eval_in(p, scope)? {
                            Value::Pub(v) => Some(super::ops::numbers(p, &v)?),
                            _ => return Err(EvalError::at(p, "'p' must be public probabilities")),
                        },
                        None => None,
                    };
                    return Ok(Value::Pub(Public::Test(Box::new(usable(
                        e,
                        chisq_gof(e, &counts, p.as_deref(), x.to_string())?,
                    )?))));
                }
                let (t, data_name) = match (xv, a.get("y")) {
                    (Value::Pub(Public::Table(t)), _) if t.dims.len() == 2 => (t, x.to_string()),
                    (xv @ Value::Vec(_), Some(y)) => {
                        let yv = self.eval_in(y, scope)?;
                        let t = self.table2(e, [x, y], xv, yv, "no")?;
                        match super::suppress::whole_table(e, t, name)? {
                            Value::Pub(Public::Table(t)) => (t, format!("{x} and {y}")),
                            _ => return Err(EvalError::at(e, "expected a two-way table")),
                        }
                    }
                    _ => return Err(EvalError::at(x, "expected a two-way table or two vectors")),
                };
                let t = drop_empty(&t);
                let monte_carlo = "Monte Carlo p-values are not available (the p-value is exact \
                                   or from R's asymptotic distribution)";
                self.default_only(a, "simulate.p.value", scope, monte_carlo)?;
                if name == "chisq.test" {
                    let fit = "p = applies to a one-way table of counts (a goodness-of-fit test)";
                    self.default_only(a, "p", scope, fit)?;
                    let correct = self.flag(a.get("correct"), scope, 1.0)? != 0.0;
                    chisq_test(&t, correct, data_name)
                } else {
                    let level = self.level(a, scope)?;
                    let interval = self.flag(a.get("conf.int"), scope, 1.0)? != 0.0;
                    // R uses `alternative` in the 2 x 2 case only, as here.
                    let alt = self.alternative(a, scope)?;
                    fisher_test(e, &t, data_name, (interval.then_some(level), alt))?
                }
            }
        };
        Ok(Value::Pub(Public::Test(Box::new(usable(e, test)?))))
    }
}

/// R's errors for samples a test cannot use (too small, or constant).
pub(crate) fn usable(e: &Expr, t: HTest) -> Result<HTest> {
    let ok = t.parameter.iter().all(|(_, v)| v.is_finite() && *v > 0.0)
        && t.statistic.as_ref().is_none_or(|(_, v)| v.is_finite());
    if ok {
        Ok(t)
    } else {
        Err(EvalError::at(
            e,
            "not enough observations, or the data are essentially constant",
        ))
    }
}

/// A two-way table without its all-zero rows and columns.
pub(crate) fn drop_empty(t: &Table) -> Table {
    let (r, c) = (t.dims[0].1.len(), t.dims[1].1.len());
    let at = |i: usize, j: usize| t.counts[i * c + j];
    let rows: Vec<usize> = (0..r).filter(|&i| (0..c).any(|j| at(i, j) > 0)).collect();
    let cols: Vec<usize> = (0..c).filter(|&j| (0..r).any(|i| at(i, j) > 0)).collect();
    Table {
        dims: vec![
            (
                t.dims[0].0.clone(),
                rows.iter().map(|&i| t.dims[0].1[i].clone()).collect(),
            ),
            (
                t.dims[1].0.clone(),
                cols.iter().map(|&j| t.dims[1].1[j].clone()).collect(),
            ),
        ],
        counts: rows
            .iter()
            .flat_map(|&i| cols.iter().map(move |&j| at(i, j)))
            .collect(),
    }
}

pub(crate) fn chisq_test(t: &Table, correct: bool, data: String) -> HTest {
    let (r, c) = (t.dims[0].1.len(), t.dims[1].1.len());
    let x = |i: usize, j: usize| t.counts[i * c + j] as f64;
    let total: f64 = t.counts.iter().map(|&v| v as f64).sum();
    let row: Vec<f64> = (0..r).map(|i| (0..c).map(|j| x(i, j)).sum()).collect();
    let col: Vec<f64> = (0..c).map(|j| (0..r).map(|i| x(i, j)).sum()).collect();
    let yates = correct && r == 2 && c == 2;
    // (observed, expected) per cell.
    let cells: Vec<(f64, f64)> = row
        .iter()
        .enumerate()
        .flat_map(|(i, ri)| {
            col.iter()
                .enumerate()
                .map(move |(j, cj)| (x(i, j), ri * cj / total))
        })
        .collect();
    let half = if yates {
        cells
            .iter()
            .fold(0.5f64, |h, (o, ex)| h.min((o - ex).abs()))
    } else {
        0.0
    };
    let stat: f64 = cells
        .iter()
        .map(|(o, ex)| {
            let d = (o - ex).abs() - half;
            d * d / ex
        })
        .sum();
    let df = (r.saturating_sub(1) * c.saturating_sub(1)) as f64;
    let p = ChiSquared::new(df).map_or(f64::NAN, |d| 1.0 - d.cdf(stat));
    HTest {
        method: if yates {
            "Pearson's Chi-squared test with Yates' continuity correction"
        } else {
            "Pearson's Chi-squared test"
        }
        .into(),
        data_name: data,
        statistic: Some(("X-squared".into(), stat)),
        parameter: vec![("df".into(), df)],
        p_value: p,
        alternative: String::new(),
        conf_int: None,
        estimate: Vec::new(),
    }
}

/// The noncentral hypergeometric distribution on `lo, lo + 1, ...` at log odds ratio
/// `log_psi`, from the central log-probabilities `logs`: `(x, probability)` pairs.
fn noncentral(logs: &[f64], lo: u64, log_psi: f64) -> Vec<(u64, f64)> {
    let w: Vec<f64> = logs
        .iter()
        .enumerate()
        .map(|(i, l)| l + (lo + i as u64) as f64 * log_psi)
        .collect();
    let top = w.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let v: Vec<f64> = w.iter().map(|wi| (wi - top).exp()).collect();
    let all: f64 = v.iter().sum();
    v.iter()
        .enumerate()
        .map(|(i, vi)| (lo + i as u64, vi / all))
        .collect()
}

/// The odds ratio found by bisection on its log in `[-50, 50]`; `above(mid)` says whether the
/// answer lies above `mid` (R uses `uniroot`).
fn solve_odds_ratio(above: impl Fn(f64) -> bool) -> f64 {
    let (mut l, mut h) = (-50.0f64, 50.0f64);
    for _ in 0..200 {
        let mid = (l + h) / 2.0;
        if above(mid) { l = mid } else { h = mid }
    }
    ((l + h) / 2.0).exp()
}

/// The odds ratio at which `P(X >= a)` (`upper`) or `P(X <= a)` equals `alpha` (R's `ncp.L` /
/// `ncp.U`): `P(X >= a)` grows with the odds ratio, `P(X <= a)` falls.
fn or_limit(logs: &[f64], lo: u64, a: u64, upper: bool, alpha: f64) -> f64 {
    solve_odds_ratio(|log_psi| {
        let tail: f64 = noncentral(logs, lo, log_psi)
            .into_iter()
            .filter(|&(x, _)| if upper { x >= a } else { x <= a })
            .map(|(_, p)| p)
            .sum();
        (tail < alpha) == upper
    })
}

/// The counts of a public one-way table or vector of counts (`chisq.test(x, p =)`).
fn one_way_counts(v: &Value) -> Option<Vec<f64>> {
    match v {
        Value::Pub(Public::Table(t)) if t.dims.len() == 1 => {
            Some(t.counts.iter().map(|&c| c as f64).collect())
        }
        Value::Pub(Public::Num { values, .. }) if values.len() > 1 => {
            values.iter().copied().collect()
        }
        _ => None,
    }
}

/// R's goodness-of-fit `chisq.test(x, p =)`: `Σ (O − E)² / E` with `E = n p` (`p` uniform
/// by default), `k − 1` df.
fn chisq_gof(e: &Expr, counts: &[f64], p: Option<&[f64]>, data: String) -> Result<HTest> {
    let k = counts.len();
    if counts.iter().any(|c| *c < 0.0 || !c.is_finite()) {
        return Err(EvalError::at(
            e,
            "all entries of 'x' must be nonnegative and finite",
        ));
    }
    let uniform = vec![1.0 / k as f64; k];
    let p = p.unwrap_or(&uniform);
    if p.len() != k {
        return Err(EvalError::at(
            e,
            "'x' and 'p' must have the same number of elements",
        ));
    }
    if p.iter().any(|q| *q < 0.0) || (p.iter().sum::<f64>() - 1.0).abs() > 1e-8 {
        return Err(EvalError::at(
            e,
            "probabilities must be nonnegative and sum to 1",
        ));
    }
    let n: f64 = counts.iter().sum();
    let stat: f64 = counts
        .iter()
        .zip(p)
        .map(|(o, q)| (o - n * q).powi(2) / (n * q))
        .sum();
    let df = (k - 1) as f64;
    let pv = ChiSquared::new(df).map_or(f64::NAN, |d| 1.0 - d.cdf(stat));
    Ok(HTest {
        method: "Chi-squared test for given probabilities".into(),
        data_name: data,
        statistic: Some(("X-squared".into(), stat)),
        parameter: vec![("df".into(), df)],
        p_value: pv,
        alternative: String::new(),
        conf_int: None,
        estimate: Vec::new(),
    })
}

/// Student's t distribution function.
pub(crate) fn t_cdf(t: f64, df: f64) -> f64 {
    statrs::distribution::StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |d| d.cdf(t))
}

/// Fisher's exact test as R's; for a 2 x 2 table the p-value of the asked tail, the
/// conditional MLE odds ratio and, with `level`, its interval (one-sided: from 0, or to
/// infinity).
pub(crate) fn fisher_test(
    e: &Expr,
    t: &Table,
    data: String,
    (level, alt): (Option<f64>, Alt),
) -> Result<HTest> {
    if t.dims.len() != 2 {
        return Err(EvalError::at(e, "fisher.test() takes a two-way table"));
    }
    let (r, c) = (t.dims[0].1.len(), t.dims[1].1.len());
    if r != 2 || c != 2 {
        let p = super::fisher_rc::fisher_rc_p(&t.counts, r, c)
            .map_err(|m| EvalError::at(e, format!("fisher.test(): {m}")))?;
        return Ok(HTest {
            method: "Fisher's Exact Test for Count Data".into(),
            data_name: data,
            statistic: None,
            parameter: Vec::new(),
            p_value: p,
            alternative: "two.sided".into(),
            conf_int: None,
            estimate: Vec::new(),
        });
    }
    let [a, b, c, d] = [t.counts[0], t.counts[1], t.counts[2], t.counts[3]];
    let (m, n, k) = (a + b, c + d, a + c);
    let (lo, hi) = (k.saturating_sub(n), k.min(m));
    let ln_d = |x: u64| -> f64 {
        use statrs::function::factorial::ln_binomial;
        ln_binomial(m, x) + ln_binomial(n, k - x) - ln_binomial(m + n, k)
    };
    let logs: Vec<f64> = (lo..=hi).map(ln_d).collect();
    let obs = ln_d(a);
    // R: the probabilities no larger than the observed one (relative tolerance 1e-7); one
    // tail: P(X <= a) or P(X >= a) under the null.
    let tail = |keep: &dyn Fn(u64) -> bool| -> f64 {
        (lo..=hi)
            .zip(&logs)
            .filter(|(x, _)| keep(*x))
            .map(|(_, l)| l.exp())
            .sum::<f64>()
            .min(1.0)
    };
    let p = match alt {
        Alt::TwoSided => logs
            .iter()
            .filter(|&&l| l <= obs + (1.0f64 + 1e-7).ln())
            .map(|l| l.exp())
            .sum::<f64>()
            .min(1.0),
        Alt::Less => tail(&|x| x <= a),
        Alt::Greater => tail(&|x| x >= a),
    };
    // Conditional maximum likelihood odds ratio: E[X; psi] = a (noncentral hypergeometric).
    let or = if a == lo {
        0.0
    } else if a == hi {
        f64::INFINITY
    } else {
        solve_odds_ratio(|log_psi| {
            let mean: f64 = noncentral(&logs, lo, log_psi)
                .into_iter()
                .map(|(x, p)| x as f64 * p)
                .sum();
            mean < a as f64
        })
    };
    // The interval as R's: the odds ratios at which P(X >= a) and P(X <= a) are
    // (1 - level) / 2, or one of them 1 - level.
    let level_or = level.unwrap_or(0.95);
    let alpha = match alt {
        Alt::TwoSided => (1.0 - level_or) / 2.0,
        _ => 1.0 - level_or,
    };
    let lower = if a == lo || alt == Alt::Less {
        0.0
    } else {
        or_limit(&logs, lo, a, true, alpha)
    };
    let upper = if a == hi || alt == Alt::Greater {
        f64::INFINITY
    } else {
        or_limit(&logs, lo, a, false, alpha)
    };
    Ok(HTest {
        method: "Fisher's Exact Test for Count Data".into(),
        data_name: data,
        statistic: None,
        parameter: Vec::new(),
        p_value: p,
        alternative: format!("true odds ratio is {} 1", alt.words()),
        conf_int: level.map(|l| (lower, upper, l)),
        estimate: vec![("odds ratio".into(), or)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: usize, cols: usize, counts: &[u64]) -> Table {
        let names = |n: usize| (0..n).map(|i| i.to_string()).collect();
        Table {
            dims: vec![(String::new(), names(rows)), (String::new(), names(cols))],
            counts: counts.to_vec(),
        }
    }

    #[test]
    fn r_documentation_examples() {
        // ?chisq.test: M <- as.table(rbind(c(762, 327, 468), c(484, 239, 477)))
        // X-squared = 30.07, df = 2, p-value = 2.954e-07
        let t = chisq_test(
            &table(2, 3, &[762, 327, 468, 484, 239, 477]),
            true,
            String::new(),
        );
        assert_eq!(format!("{:.2}", t.statistic.unwrap().1), "30.07");
        assert!((t.p_value - 2.954e-07).abs() < 0.001e-07);
        // chisq.test(TeaTasting): Yates' correction, X-squared = 0.5, df = 1, p-value = 0.4795;
        // correct = FALSE: X-squared = 2, p-value = 0.1573.
        let tea = table(2, 2, &[3, 1, 1, 3]);
        let y = chisq_test(&tea, true, String::new());
        assert!(y.method.contains("Yates"));
        assert!((y.statistic.clone().unwrap().1 - 0.5).abs() < 1e-12);
        assert!((y.p_value - 0.4795).abs() < 0.00005, "{}", y.p_value);
        let y = chisq_test(&tea, false, String::new());
        assert!((y.statistic.clone().unwrap().1 - 2.0).abs() < 1e-12);
        assert!((y.p_value - 0.1573).abs() < 0.00005, "{}", y.p_value);
        // ?fisher.test: TeaTasting, p-value = 0.4857, odds ratio 6.408309
        let e = crate::parse_expr("x").unwrap();
        let f = fisher_test(
            &e,
            &table(2, 2, &[3, 1, 1, 3]),
            String::new(),
            (Some(0.95), Alt::TwoSided),
        )
        .unwrap();
        assert!((f.p_value - 0.4857).abs() < 0.00005);
        // R finds the conditional MLE with uniroot's default tolerance; ours is the exact root
        // (6.4083197), within 2e-6 relative of R's printed 6.408309.
        assert!(
            (f.estimate[0].1 / 6.408309 - 1.0).abs() < 1e-5,
            "{}",
            f.estimate[0].1
        );
        // fisher.test(TeaTasting, alternative = "greater"): 95% interval 0.3135693 to Inf, the
        // odds ratio where P(X >= 3) = 0.05 (the two-sided interval uses 0.025 at each end).
        let logs: Vec<f64> = [1.0f64, 16.0, 36.0, 16.0, 1.0]
            .iter()
            .map(|c| (c / 70.0).ln())
            .collect();
        let lower = or_limit(&logs, 0, 3, true, 0.05);
        // (R stops uniroot at its default tolerance: agreement to about 1e-5.)
        assert!((lower / 0.3135693 - 1.0).abs() < 1e-4, "{lower}");
        let (lo, hi, _) = f.conf_int.unwrap();
        assert!(lo < lower && hi > 6.4, "{lo} {hi}");
    }
}
