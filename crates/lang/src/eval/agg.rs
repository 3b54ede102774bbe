//! Aggregates: the only places where private data become public. Each applies the
//! disclosure rules first (`disclose.rs`), then reveals what its line below says.
//!
//! | function | reveals |
//! |---|---|
//! | `length`, `nrow` of a subset | the number of selected rows |
//! | `sum` | the sum |
//! | `mean` | `n` and the sum (divided in the clear, exactly) |
//! | `var`, `sd` | `n`, `Σx`, `Σx²` (exact integers; the variance is computed in the clear) |
//! | `median`, `quantile`, `summary` | `n` and the interpolated quantiles (not the order statistics around them), the mean for `summary` |
//! | `min`, `max`, `range` | those values (only with `allow_extremes`) |
//! | `freq`, `table` | the cell counts (each 0 or at least `min_cell`) |
//! | `cor` | `n`, `Σx`, `Σy`, `Σx²`, `Σy²`, `Σxy` |
//!
//! Without `na.rm = TRUE`, one more bit is revealed where values may be missing: whether any
//! selected value is `NA` (R then answers `NA`, or an error for quantiles).
use super::call::Args;
use super::value::{Kind, PrivTable, PrivVec, Public, Seg, Value, layout_rows};
use super::{EvalError, Evaluator, Result};
use crate::ast::{Expr, ExprKind};
use sharestat_mpc::AShares;
use sharestat_stats::Column;
use sharestat_stats::disclose::{Coins, small_nonzero};

/// What a numeric aggregate works on.
pub(crate) enum Input {
    /// The present, selected values (the column's `present` is the mask of rows used).
    Values(Column),
    /// `na.rm = FALSE` and some selected value is missing: the answer is `NA`.
    HasNa,
}

/// The evaluation of the aggregates' registry entries (`mean`, `var`, `sd`, `median`,
/// `quantile`, `sum`, `min`, `max`, `range`, `summary`, `freq`, `table`): one pipeline for the
/// rows used, the disclosure rules and the secure sums or order statistics.
pub(crate) fn aggregate_entry(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    ev.aggregate(e, a.function(), a, scope)
}

impl Evaluator<'_> {
    pub(crate) fn aggregate(
        &mut self,
        e: &Expr,
        name: &str,
        a: &Args<'_>,
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        if name == "var" {
            // R's second positional argument is `y` (a covariance), never `na.rm`.
            let why = "a covariance of two vectors is not available; cor(x, y) is";
            self.default_only(a, "y", scope, why)?;
        }
        let na_rm_slot = match name {
            "mean" | "var" | "sd" | "median" | "quantile" | "sum" | "min" | "max" | "range" => {
                a.get("na.rm")
            }
            _ => None,
        };
        let na_rm = match na_rm_slot {
            None => false,
            Some(v) => match self.eval_in(v, scope)? {
                Value::Pub(Public::Bool(b)) if b.len() == 1 => b[0] == Some(true),
                _ => return Err(EvalError::at(v, "na.rm must be TRUE or FALSE")),
            },
        };
        let dots = match name {
            "sum" | "min" | "max" | "range" | "table" => a.dots(),
            _ => Vec::new(),
        };
        let first = match name {
            "sum" | "min" | "max" | "range" | "table" => dots.first().copied(),
            "summary" => a.get("object"),
            _ => a.get("x"),
        }
        .ok_or_else(|| EvalError::at(e, format!("{name}() needs an argument")))?;
        if matches!(name, "sum" | "min" | "max" | "range") && dots.len() > 1 {
            return Err(EvalError::at(
                dots[1],
                format!("{name}() takes one vector here; combine with c() first"),
            ));
        }
        let x = self.eval_in(first, scope)?;
        if let (Value::Pub(Public::Surv(fit)), "summary") = (&x, name) {
            let times = match a.get("times") {
                Some(t) => match self.eval_in(t, scope)? {
                    Value::Pub(Public::Num { values, .. }) => {
                        values.into_iter().flatten().collect()
                    }
                    _ => return Err(EvalError::at(t, "times must be public numbers")),
                },
                None => Vec::new(),
            };
            return Ok(Value::Pub(super::surv_summary::summary_at(fit, &times)));
        }
        if let (Value::Pub(Public::Model(m)), "summary") = (&x, name) {
            // `summary(lm(...))` prints as R's `print.summary.lm`.
            return Ok(Value::Pub(Public::Model(Box::new(super::value::LmFit {
                summary: true,
                ..(**m).clone()
            }))));
        }
        if let (Value::Pub(Public::Aov(m)), "summary") = (&x, name) {
            return Ok(Value::Pub(Public::Aov(Box::new(
                sharestat_rstats::aov::Aov {
                    summary: true,
                    ..(**m).clone()
                },
            ))));
        }
        if let (Value::Pub(Public::Glm(m)), "summary") = (&x, name) {
            return Ok(Value::Pub(Public::Glm(Box::new(super::value::GlmFit {
                summary: true,
                ..(**m).clone()
            }))));
        }
        if let (Value::Pub(Public::Cox(fit)), "summary") = (&x, name) {
            return Ok(Value::Pub(Public::Cox(Box::new(super::cox::CoxModel {
                summary: true,
                ..(**fit).clone()
            }))));
        }
        if let Value::Pub(p) = &x {
            return public_aggregate(e, name, p);
        }
        match name {
            "freq" => self.freq(e, first, x, "no"),
            "table" => {
                let use_na = match a.get("useNA") {
                    None => "no".to_owned(),
                    Some(v) => match self.eval_in(v, scope)? {
                        Value::Pub(Public::Str(s)) if s.len() == 1 => {
                            s[0].clone().unwrap_or_default()
                        }
                        _ => {
                            return Err(EvalError::at(
                                v,
                                "useNA is \"no\", \"ifany\" or \"always\"",
                            ));
                        }
                    },
                };
                if !matches!(use_na.as_str(), "no" | "ifany" | "always") {
                    return Err(EvalError::at(e, "useNA is \"no\", \"ifany\" or \"always\""));
                }
                match dots.get(1) {
                    None => self.freq(e, first, x, &use_na),
                    Some(second) => {
                        let y = self.eval_in(second, scope)?;
                        self.table2(e, [first, second], x, y, &use_na)
                    }
                }
            }
            "summary" => match x {
                Value::Vec(v) if matches!(v.kind, Kind::Num { .. }) => self.summary(e, v),
                x @ Value::Vec(_) => self.freq(e, first, x, "no"),
                _ => Err(EvalError::at(
                    e,
                    "summary() of a table: use summary(t$column)",
                )),
            },
            _ => {
                let Value::Vec(v) = x else {
                    return Err(EvalError::at(first, format!("{name}() takes a vector")));
                };
                self.numeric(e, name, v, na_rm, a, scope)
            }
        }
    }

    /// The rows a numeric aggregate uses, after the subset rules and the `NA` test.
    pub(crate) fn input(&mut self, e: &Expr, v: PrivVec, na_rm: bool) -> Result<Input> {
        Ok(self.input_shaping(e, v, na_rm, false)?.0)
    }

    /// [`Self::input`], and with `shaping` the 0/1 shares of the rows that shape the
    /// aggregate, whose cell key perturbs a sum: the used rows where one additive part of the
    /// value spans them all, else the union of its parts' rows (`None`: every row); and for a
    /// logical in the perturbation mode, the coins of its count's noise
    /// ([`Self::check_support_coins`]).
    pub(crate) fn input_shaping(
        &mut self,
        e: &Expr,
        v: PrivVec,
        na_rm: bool,
        shaping: bool,
    ) -> Result<(Input, Option<AShares>, Option<Coins>)> {
        let scale = match v.kind {
            Kind::Num { scale } => scale,
            Kind::Bool | Kind::Date => 0,
            Kind::Cat { .. } => return Err(EvalError::at(e, "a categorical is not numeric")),
        };
        self.check_selection(e, &v.sel, &v.layout)?;
        if !na_rm && let Some(pm) = &v.present {
            let n = v.len() as u64;
            let missing = match &v.sel {
                None => pm.shares.sum().neg().add_const(self.p.id(), n),
                Some(s) => s.shares.sum().sub(&self.p.dot(&s.shares, &pm.shares)?),
            };
            if small_nonzero(self.p, &missing, &[n + 1])?[0] {
                return Ok((Input::HasNa, None, None));
            }
        }
        let used = self.and_mask(v.sel.clone(), v.present.clone())?;
        let (parts, coins) = self.check_support_coins(e, &v, &used)?;
        let partial = v.support.terms.iter().all(|t| t.rows.is_some()) && !parts.is_empty();
        let rows = match (shaping, partial) {
            (false, _) => None,
            (true, false) => used.as_ref().map(|m| m.shares.clone()),
            (true, true) => {
                let mut union = parts[0].shares.clone();
                for part in &parts[1..] {
                    let both = self.p.mul(&union, &part.shares)?;
                    union = union.add(&part.shares).sub(&both);
                }
                Some(union)
            }
        };
        let col = Column {
            values: v.data,
            present: used.map(|m| m.shares),
            scale,
        };
        Ok((Input::Values(col), rows, coins))
    }

    fn numeric(
        &mut self,
        e: &Expr,
        name: &str,
        v: PrivVec,
        na_rm: bool,
        a: &Args<'_>,
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        let date = v.kind == Kind::Date;
        let logical = v.kind == Kind::Bool;
        let probs = match name {
            "quantile" => match a.get("probs") {
                None => vec![0.0, 0.25, 0.5, 0.75, 1.0],
                Some(p) => match self.eval_in(p, scope)? {
                    Value::Pub(Public::Num { values, .. }) => {
                        let v: Vec<f64> = values.into_iter().flatten().collect();
                        if v.iter().any(|p| !(0.0..=1.0).contains(p)) {
                            return Err(EvalError::at(p, "probabilities must be between 0 and 1"));
                        }
                        v
                    }
                    _ => return Err(EvalError::at(p, "probs must be public numbers")),
                },
            },
            "median" => vec![0.5],
            "min" => vec![0.0],
            "max" => vec![1.0],
            "range" => vec![0.0, 1.0],
            _ => Vec::new(),
        };
        if name == "quantile"
            && let Some(t) = a.get("type")
            && !matches!(t.kind, ExprKind::Num(v) if v == 7.0)
            && !matches!(t.kind, ExprKind::Int(7))
        {
            return Err(EvalError::at(t, "only type = 7 (R's default) is available"));
        }
        if probs.iter().any(|&p| p == 0.0 || p == 1.0) {
            self.check_extremes(e, "the minimum or maximum")?;
        }
        let (layout, reversed, range) = (v.layout.clone(), v.support.reversed, *v.range);
        let noisy = !logical && self.perturbed() && matches!(name, "sum" | "mean" | "var" | "sd");
        if noisy {
            // Beyond 64 bits only without noise (the cell key's noise is added to one word).
            super::moments::check_sum(e, range, scale(&v), v.len())?;
        }
        if !probs.is_empty() {
            super::checks::check_key(e, range, scale(&v))?;
        }
        let (col, rows, coins) = self.input_shaping(e, v, na_rm, noisy)?;
        let col = match col {
            Input::HasNa if name == "quantile" => {
                return Err(EvalError::at(
                    e,
                    "missing values and NaN's not allowed if 'na.rm' is FALSE",
                ));
            }
            Input::HasNa => {
                let k = if name == "range" { 2 } else { 1 };
                return Ok(Value::Pub(Public::nums(vec![None; k])));
            }
            Input::Values(c) => c,
        };
        let out = match name {
            "sum" | "mean" | "var" | "sd" if let Some(rows) = &rows => {
                self.perturbed_moments(e, name, &col, range, rows, &layout)?
            }
            // Beyond 64 bits: exact in two parts (`wide.rs`).
            "sum" if super::moments::sum_is_wide(range, col.scale, col.len()) => {
                Public::num(self.wide_sum(e, &col, range.words(col.scale))? as f64 / col.unit())
            }
            "sum" => {
                // A logical's sum is a count: `input` checked it as one (`check_support`).
                let s = self.used_sum(&col)?;
                let s = if logical && self.perturbed() {
                    self.perturbed_count(&col, &s, &none(), coins, &layout)?[0]
                } else {
                    self.p.reveal(&s)?[0]
                };
                Public::num(s as i64 as f64 / col.unit())
            }
            "mean" if logical && self.perturbed() => {
                let s = self.used_sum(&col)?;
                let n = match &col.present {
                    Some(m) => m.sum(),
                    None => AShares::from_parts(vec![0], vec![0])
                        .add_const(self.p.id(), col.len() as u64),
                };
                let o = self.perturbed_count(&col, &s, &n, coins, &layout)?;
                Public::num(if o[1] > 0 {
                    o[0] as i64 as f64 / o[1] as f64
                } else {
                    f64::NAN
                })
            }
            "mean" | "var" | "sd" => {
                let (n, s, ss) = self.moments(e, &col, range, name != "mean")?;
                let unit = col.unit();
                let nf = n as f64;
                let r = match name {
                    "mean" if n > 0 => s as f64 / nf / unit,
                    "mean" => f64::NAN,
                    _ if n < 2 => return Ok(Value::Pub(Public::nums([None]))),
                    _ => {
                        let num = (ss * n as i128 - s * s) as f64;
                        let var = num / (nf * (nf - 1.0)) / (unit * unit);
                        if name == "sd" { var.sqrt() } else { var }
                    }
                };
                Public::num(r)
            }
            _ => {
                let bits = super::checks::key_bits(range, col.scale);
                let q = self.checked_quantiles(e, (&col, bits), &layout, reversed, &probs)?;
                let values: Vec<Option<f64>> = match q {
                    Some(q) => q.into_iter().map(Some).collect(),
                    None => vec![None; probs.len()],
                };
                if date {
                    return Ok(Value::Pub(Public::Str(
                        values
                            .iter()
                            .map(|v| v.map(|d| days_to_date(d.round() as i64)))
                            .collect(),
                    )));
                }
                let names = (name == "quantile").then(|| {
                    probs
                        .iter()
                        .map(|p| {
                            format!(
                                "{}%",
                                crate::display::fmt_num((p * 100.0 * 1e7).round() / 1e7)
                            )
                        })
                        .collect()
                });
                Public::Num { values, names }
            }
        };
        Ok(Value::Pub(out))
    }

    /// The count `trues` of a logical column (over its used rows) with its cell-key noise,
    /// opened, followed by the values of `exact` opened as they are. `coins`: those drawn in
    /// the rounds of the count's check (`check_support_coins`), whose rows are the used TRUE
    /// rows, those of `rows` below.
    fn perturbed_count(
        &mut self,
        col: &Column,
        trues: &AShares,
        exact: &AShares,
        coins: Option<Coins>,
        layout: &[Seg],
    ) -> Result<Vec<u64>> {
        if let Some(coins) = coins {
            return Ok(coins.open_noisy(self.p, trues, exact, self.noise_width())?);
        }
        let rows = match &col.present {
            Some(m) => self.p.mul(m, &col.values)?,
            None => col.values.clone(),
        };
        let ck = self.cell_key(&rows, layout)?;
        let noisy = self.perturb(trues, &ck)?;
        Ok(self.p.reveal(&AShares::concat(&[&noisy, exact]))?)
    }

    /// `Σx` over the used rows, as shares.
    fn used_sum(&mut self, col: &Column) -> Result<AShares> {
        Ok(match &col.present {
            Some(m) => self.p.dot(m, &col.values)?,
            None => col.values.sum(),
        })
    }

    /// `summary(x)`: the five numbers and the mean (min and max only with `allow_extremes`).
    fn summary(&mut self, e: &Expr, v: PrivVec) -> Result<Value> {
        let extremes = self.policy.allow_extremes;
        let (layout, reversed, range) = (v.layout.clone(), v.support.reversed, *v.range);
        super::checks::check_key(e, range, scale(&v))?;
        let col = match self.input(e, v, true)? {
            Input::Values(c) => c,
            Input::HasNa => unreachable!("na.rm"),
        };
        let probs: &[f64] = if extremes {
            &[0.0, 0.25, 0.5, 0.75, 1.0]
        } else {
            &[0.25, 0.5, 0.75]
        };
        let bits = super::checks::key_bits(range, col.scale);
        let q = self
            .checked_quantiles(e, (&col, bits), &layout, reversed, probs)?
            .unwrap_or(vec![f64::NAN; probs.len()]);
        let (n, s, _) = self.moments(e, &col, range, false)?;
        let mean = s as f64 / n as f64 / col.unit();
        let (min, max, q1, med, q3) = if extremes {
            (Some(q[0]), Some(q[4]), q[1], q[2], q[3])
        } else {
            (None, None, q[0], q[1], q[2])
        };
        Ok(Value::Pub(Public::Num {
            values: vec![min, Some(q1), Some(med), Some(mean), Some(q3), max],
            names: Some(
                ["Min.", "1st Qu.", "Median", "Mean", "3rd Qu.", "Max."]
                    .map(String::from)
                    .to_vec(),
            ),
        }))
    }

    /// `length(x)` / `nrow(t)`: public when nothing is selected, else a checked count.
    pub(crate) fn length(&mut self, e: &Expr, v: Value) -> Result<Value> {
        let (sel, layout) = match v {
            Value::Pub(p) => return Ok(Value::Pub(Public::num(p.len() as f64))),
            Value::Vec(v) => (v.sel, v.layout),
            Value::Table(t) => (t.sel, t.layout),
        };
        let Some(s) = sel else {
            return Ok(Value::Pub(Public::num(layout_rows(&layout) as f64)));
        };
        self.check_selection(e, &Some(s.clone()), &layout)?;
        let n = s.shares.sum();
        self.check_cells(e, &n, &["rows".to_owned()])?;
        let n = if self.perturbed() {
            let ck = self.cell_key(&s.shares, &layout)?;
            self.perturb(&n, &ck)?
        } else {
            n
        };
        Ok(Value::Pub(Public::num(self.p.reveal(&n)?[0] as f64)))
    }
}

/// The decimals of a numeric vector (0 for others).
pub(crate) fn scale(v: &PrivVec) -> u32 {
    match v.kind {
        Kind::Num { scale } => scale,
        _ => 0,
    }
}

/// The dimension name R gives a table argument: the name of a plain variable, else empty.
pub(crate) fn dim_name(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Ident(n) => n.clone(),
        _ => String::new(),
    }
}

pub(crate) fn days_to_date(d: i64) -> String {
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|e| e.checked_add_signed(chrono::TimeDelta::try_days(d)?))
        .map_or_else(|| format!("day {d}"), |x| x.format("%Y-%m-%d").to_string())
}

/// Aggregates of public values, computed in the clear.
fn public_aggregate(e: &Expr, name: &str, p: &Public) -> Result<Value> {
    let Public::Num { values, .. } = p else {
        return Err(EvalError::at(
            e,
            format!("{name}() of a public non-numeric value"),
        ));
    };
    let v: Vec<f64> = values.iter().flatten().copied().collect();
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let mut sorted = v.clone();
    sorted.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let h = (n - 1.0) * p;
        let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
        sorted[lo] + (h - h.floor()) * (sorted[hi] - sorted[lo])
    };
    Ok(Value::Pub(match name {
        "sum" => Public::num(v.iter().sum()),
        "mean" => Public::num(mean),
        "var" => Public::num(var),
        "sd" => Public::num(var.sqrt()),
        "median" if !v.is_empty() => Public::num(q(0.5)),
        "min" if !v.is_empty() => Public::num(sorted[0]),
        "max" if !v.is_empty() => Public::num(sorted[sorted.len() - 1]),
        "range" if !v.is_empty() => Public::nums([Some(sorted[0]), Some(sorted[sorted.len() - 1])]),
        _ => return Err(EvalError::at(e, format!("{name}() of this public value"))),
    }))
}

/// No shares.
fn none() -> AShares {
    AShares::from_parts(Vec::new(), Vec::new())
}
