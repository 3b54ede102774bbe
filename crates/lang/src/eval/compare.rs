//! Comparisons, logic and `%in%` on private vectors: the engine's bit-sliced less-than and
//! equality on `CMP_BITS`-bit values, each checked against the operands' proven ranges
//! (`checks.rs`) and turned into a 0/1 share (`b2a_bits`); comparing a categorical with a
//! level reads its one-hot column, with no communication at all. `&` is a multiplication,
//! `|` is `a + b - ab`, `!` is `1 - a`.
use super::checks::check_comparable;
use super::ops::{CMP_BITS, const_decimals, encode, numbers, rescale};
use super::range::Range;
use super::support::Via;
use super::value::{Kind, PrivVec, Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::{BinOp, Expr};
use sharestat_mpc::{AShares, Bits};

impl Evaluator<'_> {
    pub(crate) fn bool_result(
        &mut self,
        e: &Expr,
        x: &PrivVec,
        y: Option<&PrivVec>,
        bits: Bits,
    ) -> Result<Value> {
        let data = self.p.b2a_bits(&bits)?;
        let number = |v: &PrivVec| matches!(v.kind, Kind::Num { .. } | Kind::Date);
        let ordered = number(x) || y.is_some_and(number);
        Ok(Value::Vec(self.derived(
            e,
            x,
            y,
            (Kind::Bool, Range::unit().into()),
            data,
            Via::Indicator { ordered },
        )?))
    }

    pub(crate) fn compare(&mut self, e: &Expr, op: BinOp, l: Value, r: Value) -> Result<Value> {
        let me = self.p.id();
        match (l, r) {
            (Value::Vec(x), Value::Vec(y)) => {
                if let (Kind::Cat { levels: a }, Kind::Cat { levels: b }) = (&x.kind, &y.kind)
                    && a != b
                {
                    return Err(EvalError::at(e, "categoricals with different levels"));
                }
                let (sx, sy) = match (&x.kind, &y.kind) {
                    (Kind::Cat { .. }, _) | (_, Kind::Cat { .. }) => (0, 0),
                    _ => (self.scale_of(e, &x)?, self.scale_of(e, &y)?),
                };
                let s = sx.max(sy);
                check_comparable(e, x.range.minus(y.range), s)?;
                let (cx, cy) = (self.codes(&x), self.codes(&y));
                let (a, b) = (rescale(&cx, sx, s), rescale(&cy, sy, s));
                let bits = match op {
                    BinOp::Lt => self.p.lt(&a, &b, CMP_BITS)?,
                    BinOp::Le => self.p.le(&a, &b, CMP_BITS)?,
                    BinOp::Gt => self.p.lt(&b, &a, CMP_BITS)?,
                    BinOp::Ge => self.p.le(&b, &a, CMP_BITS)?,
                    BinOp::Eq => self.p.eq(&a, &b, CMP_BITS)?,
                    _ => self.p.eq(&a, &b, CMP_BITS)?.not(me),
                };
                self.bool_result(e, &x, Some(&y), bits)
            }
            (l, r) => {
                let flipped = matches!(l, Value::Pub(_));
                let (Value::Vec(x), Value::Pub(c)) = (if flipped { (r, l) } else { (l, r) }) else {
                    return Err(EvalError::at(e, "cannot compare these values"));
                };
                let op = if flipped {
                    match op {
                        BinOp::Lt => BinOp::Gt,
                        BinOp::Gt => BinOp::Lt,
                        BinOp::Le => BinOp::Ge,
                        BinOp::Ge => BinOp::Le,
                        o => o,
                    }
                } else {
                    op
                };
                self.compare_const(e, op, x, c)
            }
        }
    }

    pub(crate) fn compare_const(
        &mut self,
        e: &Expr,
        op: BinOp,
        x: PrivVec,
        c: Public,
    ) -> Result<Value> {
        let me = self.p.id();
        let eq_ne = matches!(op, BinOp::Eq | BinOp::Ne);
        match (&x.kind, &c) {
            (Kind::Cat { .. }, Public::Str(_) | Public::Num { .. }) if eq_ne && c.len() == 1 => {
                // A number is compared with the labels as text, as R compares factors.
                let level = match &c {
                    Public::Str(s) => s[0].clone().unwrap_or_default(),
                    Public::Num { values, .. } => {
                        values[0].map(crate::display::fmt_num).unwrap_or_default()
                    }
                    _ => unreachable!("matched above"),
                };
                let hit = self.level_indicator(e, &x, &level)?;
                let data = if op == BinOp::Eq {
                    hit
                } else {
                    hit.neg().add_const(me, 1)
                };
                self.logical(e, &x, None, data)
            }
            (Kind::Bool, Public::Bool(b)) if eq_ne && b.len() == 1 && b[0].is_some() => {
                let want = b[0] == Some(true);
                let data = if want == (op == BinOp::Eq) {
                    x.data.clone()
                } else {
                    x.data.neg().add_const(me, 1)
                };
                self.logical(e, &x, None, data)
            }
            (Kind::Date, Public::Str(s)) if s.len() == 1 => {
                let text = s[0].clone().unwrap_or_default();
                let d = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
                    EvalError::at(e, format!("{text:?} is not a date (YYYY-MM-DD)"))
                })?;
                let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("date");
                let days = d.signed_duration_since(epoch).num_days() as f64;
                self.compare_num(e, op, x, 0, &[days])
            }
            (Kind::Num { .. } | Kind::Bool | Kind::Date, Public::Num { .. } | Public::Bool(_)) => {
                let c = numbers(e, &c)?;
                let sx = self.scale_of(e, &x)?;
                self.compare_num(e, op, x, sx, &c)
            }
            _ => Err(EvalError::at(e, "cannot compare these values")),
        }
    }

    pub(crate) fn compare_num(
        &mut self,
        e: &Expr,
        op: BinOp,
        x: PrivVec,
        sx: u32,
        c: &[f64],
    ) -> Result<Value> {
        let me = self.p.id();
        let n = x.len();
        if c.len() != 1 && c.len() != n {
            return Err(EvalError::at(e, "compare with one public value"));
        }
        let s = sx.max(c.iter().map(|&v| const_decimals(v)).max().unwrap_or(0));
        for &v in c {
            check_comparable(e, x.range.minus(Range::point(v)), s)?;
        }
        let xs = rescale(&x.data, sx, s);
        let cc = |plus: u64| -> Vec<u64> {
            (0..n)
                .map(|i| encode(c[i % c.len()], s).wrapping_add(plus))
                .collect()
        };
        let bits = match op {
            BinOp::Lt => self.p.lt_public(&xs, &cc(0), CMP_BITS)?,
            BinOp::Le => self.p.lt_public(&xs, &cc(1), CMP_BITS)?,
            BinOp::Gt => self.p.lt_public(&xs, &cc(1), CMP_BITS)?.not(me),
            BinOp::Ge => self.p.lt_public(&xs, &cc(0), CMP_BITS)?.not(me),
            _ => {
                let neg: Vec<u64> = cc(0).iter().map(|v| v.wrapping_neg()).collect();
                let d = xs.add_public(me, &neg);
                let zero = AShares::from_parts(vec![0; n], vec![0; n]);
                let eq = self.p.eq(&d, &zero, CMP_BITS)?;
                if op == BinOp::Eq { eq } else { eq.not(me) }
            }
        };
        self.bool_result(e, &x, None, bits)
    }

    /// 0/1 shares of `x == level` for a categorical (its one-hot column when stored).
    pub(crate) fn level_indicator(
        &mut self,
        e: &Expr,
        x: &PrivVec,
        level: &str,
    ) -> Result<AShares> {
        let Kind::Cat { levels } = &x.kind else {
            return Err(EvalError::at(e, "not a categorical"));
        };
        let Some(i) = levels.iter().position(|l| l == level) else {
            return Err(EvalError::at(
                e,
                format!("{level:?} is not a level; levels are {}", levels.join(", ")),
            ));
        };
        if let Some(oh) = &x.onehot {
            return Ok(oh[i].clone());
        }
        let n = x.len();
        let d = x.data.add_const(self.p.id(), (i as u64).wrapping_neg());
        let zero = AShares::from_parts(vec![0; n], vec![0; n]);
        let bits = self.p.eq(&d, &zero, CMP_BITS)?;
        let hit = self.p.b2a_bits(&bits)?;
        // A missing value is stored as 0, which would match level 0.
        match &x.present {
            Some(m) => Ok(self.p.mul(&hit, &m.shares)?),
            None => Ok(hit),
        }
    }

    /// One-hot columns of a categorical, computed once.
    pub(crate) fn onehot(&mut self, e: &Expr, x: &PrivVec) -> Result<Vec<AShares>> {
        if let Some(oh) = &x.onehot {
            return Ok(oh.clone());
        }
        let Kind::Cat { levels } = &x.kind else {
            return Err(EvalError::at(e, "not a categorical"));
        };
        let mut out = Vec::with_capacity(levels.len());
        for l in levels.clone() {
            out.push(self.level_indicator(e, x, &l)?);
        }
        Ok(out)
    }

    pub(crate) fn logic(&mut self, e: &Expr, op: BinOp, l: Value, r: Value) -> Result<Value> {
        let and = matches!(op, BinOp::And | BinOp::AndAnd);
        match (l, r) {
            (Value::Vec(a), Value::Vec(b)) => {
                if a.kind != Kind::Bool || b.kind != Kind::Bool {
                    return Err(EvalError::at(e, "`&` and `|` take logical values"));
                }
                let ab = self.p.mul(&a.data, &b.data)?;
                let data = if and {
                    ab
                } else {
                    a.data.add(&b.data).sub(&ab)
                };
                self.logical(e, &a, Some(&b), data)
            }
            (Value::Vec(a), Value::Pub(Public::Bool(c)))
            | (Value::Pub(Public::Bool(c)), Value::Vec(a))
                if c.len() == 1 && a.kind == Kind::Bool =>
            {
                let t = c[0] == Some(true);
                let n = a.len();
                let data = match (and, t) {
                    (true, true) | (false, false) => a.data.clone(),
                    (true, false) => AShares::from_parts(vec![0; n], vec![0; n]),
                    (false, true) => self.ones(n),
                };
                self.logical(e, &a, None, data)
            }
            _ => Err(EvalError::at(e, "`&` and `|` take logical values")),
        }
    }

    /// `x %in% c(...)` with public values on the right.
    pub(crate) fn within(&mut self, e: &Expr, l: Value, r: Value) -> Result<Value> {
        let (Value::Vec(x), Value::Pub(set)) = (l, r) else {
            return Err(EvalError::at(
                e,
                "%in% takes a private vector and public values",
            ));
        };
        let n = x.len();
        let mut acc = AShares::from_parts(vec![0; n], vec![0; n]);
        match (&x.kind, &set) {
            (Kind::Cat { .. }, Public::Str(_) | Public::Num { .. }) => {
                let levels: Vec<String> = match &set {
                    Public::Str(s) => s.iter().flatten().cloned().collect(),
                    Public::Num { values, .. } => values
                        .iter()
                        .flatten()
                        .map(|v| crate::display::fmt_num(*v))
                        .collect(),
                    _ => unreachable!("matched above"),
                };
                let mut seen = Vec::new();
                for l in &levels {
                    if !seen.contains(l) {
                        seen.push(l.clone());
                        acc = acc.add(&self.level_indicator(e, &x, l)?);
                    }
                }
            }
            (Kind::Num { .. } | Kind::Date | Kind::Bool, Public::Num { .. }) => {
                let mut c = numbers(e, &set)?;
                c.sort_by(f64::total_cmp);
                c.dedup();
                let sx = self.scale_of(e, &x)?;
                let s = sx.max(c.iter().map(|&v| const_decimals(v)).max().unwrap_or(0));
                let xs = rescale(&x.data, sx, s);
                let me = self.p.id();
                let diffs: Vec<AShares> = c
                    .iter()
                    .map(|&v| xs.add_const(me, encode(v, s).wrapping_neg()))
                    .collect();
                let all = AShares::concat(&diffs.iter().collect::<Vec<_>>());
                let zero = AShares::from_parts(vec![0; all.len()], vec![0; all.len()]);
                let bits = self.p.eq(&all, &zero, CMP_BITS)?;
                let hits = self.p.b2a_bits(&bits)?;
                for k in 0..c.len() {
                    acc = acc.add(&hits.slice(k * n..(k + 1) * n));
                }
            }
            _ => return Err(EvalError::at(e, "%in% needs values of the vector's kind")),
        }
        // As in R, `NA %in% s` is FALSE, never NA: missing rows become 0, not missing.
        // (One-hot columns are 0 there already.)
        if let (Some(m), false) = (&x.present, matches!(x.kind, Kind::Cat { .. })) {
            acc = self.p.mul(&acc, &m.shares)?;
        }
        let ordered = matches!(x.kind, Kind::Num { .. } | Kind::Date);
        let via = Via::Indicator { ordered };
        let mut out = self.derived(e, &x, None, (Kind::Bool, Range::unit().into()), acc, via)?;
        out.present = None;
        Ok(Value::Vec(out))
    }
}
