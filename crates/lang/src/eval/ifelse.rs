//! `ifelse(test, yes, no)` on a private test: `no + test (yes - no)` row by row; two strings
//! make a categorical in R's level order.
use super::ops::{const_decimals, encode, rescale};
use super::range::{Bounds, Range};
use super::value::{Kind, PrivVec, Public, Support, Term, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use sharestat_mpc::AShares;

impl Evaluator<'_> {
    /// `ifelse(test, yes, no)` on a private test: `no + test (yes - no)`.
    pub(crate) fn ifelse(&mut self, e: &Expr, t: Value, y: Value, n: Value) -> Result<Value> {
        let Value::Vec(t) = t else {
            return Err(EvalError::at(e, "ifelse() here takes a private condition"));
        };
        if t.kind != Kind::Bool {
            return Err(EvalError::at(e, "ifelse() needs a logical condition"));
        }
        let me = self.p.id();
        let rows = t.len();
        let not_t = t.data.neg().add_const(me, 1);
        let base = PrivVec {
            onehot: None,
            ..t.clone()
        };
        match (y, n) {
            (Value::Pub(Public::Str(a)), Value::Pub(Public::Str(b)))
                if a.len() == 1 && b.len() == 1 =>
            {
                let (a, b) = (
                    a[0].clone().unwrap_or_default(),
                    b[0].clone().unwrap_or_default(),
                );
                let support = Support {
                    terms: vec![Term {
                        rows: None,
                        count: true,
                    }],
                    ordered: t.support.ordered(),
                    reversed: false,
                };
                if a == b {
                    let ones = self.ones(rows);
                    return Ok(Value::Vec(PrivVec {
                        kind: Kind::Cat { levels: vec![a] },
                        data: AShares::from_parts(vec![0; rows], vec![0; rows]),
                        onehot: Some(vec![ones]),
                        support: Support::constant(),
                        range: Range::point(0.0).into(),
                        ..base
                    }));
                }
                Ok(Value::Vec(PrivVec {
                    kind: Kind::Cat { levels: vec![a, b] },
                    data: not_t.clone(),
                    onehot: Some(vec![t.data.clone(), not_t]),
                    support,
                    range: Range::unit().into(),
                    ..base
                }))
            }
            (y, n) => {
                type Branch = (AShares, u32, Option<PrivVec>, Support, Bounds);
                let num = |s: &mut Self, v: Value| -> Result<Branch> {
                    match v {
                        Value::Vec(v) => {
                            let scale = match v.kind {
                                Kind::Num { scale } => scale,
                                Kind::Bool => 0,
                                _ => {
                                    return Err(EvalError::at(
                                        e,
                                        "ifelse() of numbers or two strings",
                                    ));
                                }
                            };
                            let (sup, range) = (v.support.clone(), v.range);
                            Ok((v.data.clone(), scale, Some(v), sup, range))
                        }
                        Value::Pub(Public::Num { values, .. }) if values.len() == 1 => {
                            let c = values[0].ok_or_else(|| EvalError::at(e, "NA in ifelse()"))?;
                            let d = const_decimals(c);
                            let z = AShares::from_parts(vec![0; rows], vec![0; rows]);
                            // A non-zero constant branch counts the rows that take it.
                            let sup = if c == 0.0 {
                                Support::constant()
                            } else {
                                Support {
                                    terms: vec![Term {
                                        rows: None,
                                        count: true,
                                    }],
                                    ordered: false,
                                    reversed: false,
                                }
                            };
                            let word = z.add_const(s.p.id(), encode(c, d));
                            Ok((word, d, None, sup, Range::point(c).into()))
                        }
                        _ => Err(EvalError::at(e, "ifelse() of numbers or two strings")),
                    }
                };
                let (yd, ys, yv, ysup, yr) = num(self, y)?;
                let (nd, ns, nv, nsup, nr) = num(self, n)?;
                // `test ? yes : no` is `test · yes + (1 - test) · no`: the parts of `yes` on
                // the TRUE rows and those of `no` on the others.
                let mut tm = self.new_mask(t.data.clone());
                tm.ordered = t.support.ordered();
                let mut fm = self.new_mask(not_t.clone());
                fm.ordered = tm.ordered;
                let on_true = Support::indicator(tm);
                let on_false = Support::indicator(fm);
                let a = self.product_support(e, &on_true, &ysup)?;
                let b = self.product_support(e, &on_false, &nsup)?;
                let support = a.union(&b);
                let s = ys.max(ns);
                let (yd, nd) = (rescale(&yd, ys, s), rescale(&nd, ns, s));
                let diff = yd.sub(&nd);
                let data = self.p.mul(&t.data, &diff)?.add(&nd);
                // `t (yes - no) + no`: the product's word is within the difference's range.
                let range = yr.hull(nr);
                super::checks::check_words(e, yr.minus(nr), s)?;
                let mut out = PrivVec {
                    kind: Kind::Num { scale: s },
                    data,
                    support,
                    range,
                    ..base
                };
                for v in [yv, nv].into_iter().flatten() {
                    out.present = self.and_mask(out.present.clone(), v.present.clone())?;
                    out.sel = self.and_mask(out.sel.clone(), v.sel.clone())?;
                }
                Ok(Value::Vec(out))
            }
        }
    }
}
