//! Factors as R makes them (issue 14): `factor(x, levels =, labels =)`, `as.factor(x)`,
//! `droplevels(f)`, `as.numeric(f)` / `as.integer(f)` (the level codes) and
//! `as.character(f)`.
//!
//! - A private factor is re-leveled through its level indicators (local): levels named in
//!   `levels =` keep theirs, new ones are empty, and rows of a level left out become `NA`, as
//!   in R. `labels =` renames the levels (one label per level; labels that merge levels are
//!   refused by name).
//! - A private number becomes a factor through `levels =` (its values, each row compared
//!   securely with each level: `x == v`); R's default, the sorted distinct values, would
//!   depend on the data, so it is refused with what to write instead. A logical gives the
//!   levels `FALSE`, `TRUE`.
//! - `factor(f)` without `levels =`, and `droplevels(f)`, drop the levels no selected row
//!   has. **Reveals** one bit per level (whether it is empty), after the small-cell rule on
//!   the levels' counts (a level with fewer than `min_cell` rows is refused, as `table`).
//! - `as.numeric(f)` is the level's position `1..k` (private); `as.character(f)` is the
//!   factor itself (private text is kept as a categorical).
use super::call::Args;
use super::value::{Kind, PrivTable, PrivVec, Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::{BinOp, Expr};
use crate::display::fmt_num;
use sharestat_mpc::AShares;

/// A public vector argument as level names (`c(1, 2)` gives `"1"`, `"2"`, as R's
/// `as.character`), with the numbers when they are numbers.
fn level_names(v: &Value) -> Option<(Vec<String>, Option<Vec<f64>>)> {
    match v {
        Value::Pub(Public::Str(s)) => s
            .iter()
            .cloned()
            .collect::<Option<Vec<_>>>()
            .map(|s| (s, None)),
        Value::Pub(Public::Num { values, .. }) => {
            let nums: Option<Vec<f64>> = values.iter().copied().collect();
            nums.map(|n| (n.iter().map(|&x| fmt_num(x)).collect(), Some(n)))
        }
        Value::Pub(Public::Bool(b)) => b
            .iter()
            .map(|x| {
                x.map(|t| {
                    if t {
                        "TRUE".to_owned()
                    } else {
                        "FALSE".to_owned()
                    }
                })
            })
            .collect::<Option<Vec<_>>>()
            .map(|s| (s, None)),
        _ => None,
    }
}

/// `1` on the rows that have one of the levels (the sum of exclusive 0/1 indicators), local.
fn any_level(cols: &[AShares], n: usize) -> AShares {
    cols.iter()
        .fold(AShares::from_parts(vec![0; n], vec![0; n]), |a, c| a.add(c))
}

impl Evaluator<'_> {
    /// `factor(x, levels, labels)` and `as.factor(x)`.
    pub(crate) fn factor_call(
        &mut self,
        e: &Expr,
        a: &Args<'_>,
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        let x = a.get("x").ok_or_else(|| EvalError::at(e, "factor(x)"))?;
        let v = match self.eval_in(x, scope)? {
            Value::Vec(v) => v,
            _ => {
                return Err(EvalError::at(
                    x,
                    "factor() takes a private column here (public values are strings already)",
                ));
            }
        };
        // `as.factor(x)` has no `levels` or `labels`: R's defaults.
        let factor = a.function() == "factor";
        let levels = match if factor { a.get("levels") } else { None } {
            Some(l) => {
                let lv = self.eval_in(l, scope)?;
                Some(level_names(&lv).ok_or_else(|| {
                    EvalError::at(l, "levels must be public strings or numbers, without NA")
                })?)
            }
            None => None,
        };
        let labels = match if factor { a.get("labels") } else { None } {
            Some(l) => {
                let lv = self.eval_in(l, scope)?;
                Some((
                    l,
                    level_names(&lv)
                        .ok_or_else(|| EvalError::at(l, "labels must be public strings"))?
                        .0,
                ))
            }
            None => None,
        };
        let mut f = match (&v.kind, levels) {
            (Kind::Cat { .. }, None) => self.drop_empty_levels(e, v)?,
            (Kind::Cat { levels: old }, Some((new, _))) => {
                let old = old.clone();
                let oh = self.onehot(e, &v)?;
                let zeros = AShares::from_parts(vec![0; v.len()], vec![0; v.len()]);
                let cols: Vec<AShares> = new
                    .iter()
                    .map(|l| {
                        old.iter()
                            .position(|o| o == l)
                            .map_or(zeros.clone(), |i| oh[i].clone())
                    })
                    .collect();
                let kept = new.iter().filter(|l| old.contains(l)).count();
                let present = if kept < old.len() {
                    // Rows of a level left out become NA.
                    let m = self.new_mask(any_level(&cols, v.len()));
                    self.and_mask(v.present.clone(), Some(m))?
                } else {
                    v.present.clone()
                };
                PrivVec {
                    kind: Kind::Cat { levels: new },
                    data: AShares::from_parts(Vec::new(), Vec::new()),
                    onehot: Some(cols),
                    present,
                    ..v
                }
            }
            (Kind::Bool, None) => {
                let one = self.ones(v.len()).sub(&v.data);
                PrivVec {
                    kind: Kind::Cat {
                        levels: vec!["FALSE".into(), "TRUE".into()],
                    },
                    onehot: Some(vec![one, v.data.clone()]),
                    data: AShares::from_parts(Vec::new(), Vec::new()),
                    ..v
                }
            }
            (Kind::Num { .. } | Kind::Bool, Some((names, nums))) => {
                let mut cols = Vec::new();
                for (i, name) in names.iter().enumerate() {
                    let level = match (&nums, &v.kind) {
                        (Some(n), _) => Value::Pub(Public::Num {
                            values: vec![Some(n[i])],
                            names: None,
                        }),
                        (None, Kind::Bool) => Value::Pub(Public::Bool(vec![Some(name == "TRUE")])),
                        _ => {
                            return Err(EvalError::at(
                                e,
                                format!("level {name:?} is not a number, as the values are"),
                            ));
                        }
                    };
                    match self.binary(x, BinOp::Eq, Value::Vec(v.clone()), level)? {
                        Value::Vec(d) => cols.push(d.data),
                        _ => return Err(EvalError::at(x, "expected a private column")),
                    }
                }
                // Made by comparing numbers: its counts follow the stricter cell rule.
                let mut m = self.new_mask(any_level(&cols, v.len()));
                m.ordered = matches!(v.kind, Kind::Num { .. });
                let present = self.and_mask(v.present.clone(), Some(m))?;
                PrivVec {
                    kind: Kind::Cat { levels: names },
                    data: AShares::from_parts(Vec::new(), Vec::new()),
                    onehot: Some(cols),
                    present,
                    ..v
                }
            }
            (Kind::Num { .. }, None) => {
                return Err(EvalError::at(
                    e,
                    format!(
                        "factor() of private numbers needs levels = c(...): R's default, the \
                         distinct values, would come from the patients' data (e.g. \
                         factor({x}, levels = c(0, 1, 2)))"
                    ),
                ));
            }
            (Kind::Date, _) => return Err(EvalError::at(x, "factor() of dates is not available")),
        };
        if let Some((at, labels)) = labels {
            let Kind::Cat { levels } = &f.kind else {
                unreachable!("a factor")
            };
            let mut seen = labels.clone();
            seen.sort();
            seen.dedup();
            if labels.len() != levels.len() || seen.len() != labels.len() {
                return Err(EvalError::at(
                    at,
                    format!(
                        "labels must name each of the {} levels once (labels that merge levels are not available)",
                        levels.len()
                    ),
                ));
            }
            f.kind = Kind::Cat { levels: labels };
        }
        Ok(Value::Vec(f))
    }

    /// `droplevels(f)`, and `factor(f)`: the levels no selected, present row has are dropped
    /// (see the module doc).
    pub(crate) fn drop_empty_levels(&mut self, e: &Expr, v: PrivVec) -> Result<PrivVec> {
        let Kind::Cat { levels } = &v.kind else {
            return Err(EvalError::at(e, "droplevels() takes a factor"));
        };
        let levels = levels.clone();
        let oh = self.onehot(e, &v)?;
        let used = self.and_mask(v.sel.clone(), v.present.clone())?;
        let m = self.mask_or_ones(&used, v.len());
        let pairs: Vec<(&AShares, &AShares)> = oh.iter().map(|c| (c, &m)).collect();
        let counts = self.p.dot_many(&pairs)?;
        self.check_cells(e, &counts, &levels)?;
        let zero = AShares::from_parts(vec![0; levels.len()], vec![0; levels.len()]);
        let empty = self.p.eq(&counts, &zero, 64)?;
        let empty = self.p.reveal_bits(&empty)?;
        let keep: Vec<usize> = (0..levels.len()).filter(|&i| !empty[i]).collect();
        Ok(PrivVec {
            kind: Kind::Cat {
                levels: keep.iter().map(|&i| levels[i].clone()).collect(),
            },
            data: AShares::from_parts(Vec::new(), Vec::new()),
            onehot: Some(keep.iter().map(|&i| oh[i].clone()).collect()),
            ..v
        })
    }

    /// `droplevels`, `as.numeric`, `as.integer` or `as.character` of `x`.
    pub(crate) fn factor_fn(&mut self, e: &Expr, name: &str, x: Value) -> Result<Value> {
        match (name, x) {
            ("droplevels", Value::Vec(v)) => Ok(Value::Vec(self.drop_empty_levels(e, v)?)),
            ("droplevels", _) => Err(EvalError::at(e, "droplevels() takes a private factor")),
            ("as.character", x) => self.as_character(e, x),
            (_, x) => self.as_numeric(e, x),
        }
    }

    /// `as.numeric(x)` / `as.integer(x)`: a factor's level positions `1..k`; numbers and
    /// logical values as they are (`TRUE` is 1).
    pub(crate) fn as_numeric(&mut self, e: &Expr, x: Value) -> Result<Value> {
        match x {
            Value::Vec(v) => match &v.kind {
                Kind::Cat { levels } => {
                    let k = levels.len();
                    let oh = self.onehot(e, &v)?;
                    let mut codes = AShares::from_parts(vec![0; v.len()], vec![0; v.len()]);
                    for (i, c) in oh.iter().enumerate() {
                        codes = codes.add(&c.scale(i as u64 + 1));
                    }
                    let range = super::range::Bounds::with_missing(
                        super::range::Range::new(1.0, k as f64),
                        0.0,
                    );
                    Ok(Value::Vec(PrivVec {
                        kind: Kind::Num { scale: 0 },
                        data: codes,
                        onehot: None,
                        range,
                        ..v
                    }))
                }
                Kind::Bool => Ok(Value::Vec(PrivVec {
                    kind: Kind::Num { scale: 0 },
                    ..v
                })),
                Kind::Num { .. } => Ok(Value::Vec(v)),
                Kind::Date => Err(EvalError::at(e, "as.numeric() of dates is not available")),
            },
            Value::Pub(p @ Public::Num { .. }) => Ok(Value::Pub(p)),
            _ => Err(EvalError::at(
                e,
                "as.numeric() takes numbers, logical values or a factor",
            )),
        }
    }

    /// `as.character(x)`: a private factor stays one (see the module doc).
    pub(crate) fn as_character(&mut self, e: &Expr, x: Value) -> Result<Value> {
        match x {
            Value::Vec(v) if matches!(v.kind, Kind::Cat { .. }) => {
                // Private text stays categorical; its levels are what R's `table` or
                // `factor` of a character vector makes: the values sorted as R sorts
                // text (letters compared without case first, as the usual locales do).
                let Kind::Cat { levels } = &v.kind else {
                    unreachable!("matched a categorical")
                };
                let mut order: Vec<usize> = (0..levels.len()).collect();
                order.sort_by_key(|&i| text_key(&levels[i]));
                let onehot = self.onehot(e, &v)?;
                let levels = order.iter().map(|&i| levels[i].clone()).collect();
                let onehot = order.iter().map(|&i| onehot[i].clone()).collect();
                Ok(Value::Vec(PrivVec {
                    kind: Kind::Cat { levels },
                    data: sharestat_mpc::AShares::from_parts(Vec::new(), Vec::new()),
                    onehot: Some(onehot),
                    ..v
                }))
            }
            Value::Pub(p @ Public::Str(_)) => Ok(Value::Pub(p)),
            Value::Pub(Public::Num { values, .. }) => Ok(Value::Pub(Public::Str(
                values.iter().map(|v| v.map(fmt_num)).collect(),
            ))),
            _ => Err(EvalError::at(
                e,
                "as.character() of private numbers is not available: make a factor with factor(x, levels = c(...))",
            )),
        }
    }
}

/// The key by which R's `table`/`factor` order text (letters compared without case first, as
/// the usual locales do); the checker orders text levels by it too.
pub(crate) fn text_key(s: &str) -> (String, String) {
    (s.to_lowercase(), s.to_owned())
}
