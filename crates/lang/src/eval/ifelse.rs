//! `ifelse(test, yes, no)` on a private test: `no + test (yes - no)` row by row; two strings
//! make a categorical with R's levels of text (sorted as `table` sorts them), and so does a private categorical branch with a
//! string or another categorical (`ifelse(e == "0", "0", ifelse(e == "1", "1", "2+"))`, as
//! R users recode): each level's indicator is `no_L + test (yes_L − no_L)`, the levels those
//! of `yes` then the new ones of `no`, and a row is missing where the branch it takes is.
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
                let cat = Value::Vec(PrivVec {
                    kind: Kind::Cat { levels: vec![a, b] },
                    data: not_t.clone(),
                    onehot: Some(vec![t.data.clone(), not_t]),
                    support,
                    range: Range::unit().into(),
                    ..base
                });
                // R's ifelse() gives text, whose levels (table, factor) sort as text does.
                self.as_character(e, cat)
            }
            (y, n) if is_cat(&y) || is_cat(&n) => self.ifelse_cat(e, &t, y, n, base),
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

/// A private categorical.
fn is_cat(v: &Value) -> bool {
    matches!(
        v,
        Value::Vec(PrivVec {
            kind: Kind::Cat { .. },
            ..
        })
    )
}

/// A branch of a categorical `ifelse`: its levels, their indicators, its present mask and
/// whether its levels come from comparisons with query-chosen values.
type CatBranch = (
    Vec<String>,
    Vec<AShares>,
    Option<AShares>,
    bool,
    Option<super::value::Mask>,
);

impl Evaluator<'_> {
    fn cat_branch(&mut self, e: &Expr, v: Value, rows: usize) -> Result<CatBranch> {
        match v {
            Value::Pub(Public::Str(s)) if s.len() == 1 => {
                let Some(s) = s[0].clone() else {
                    return Err(EvalError::at(e, "NA in ifelse()"));
                };
                Ok((vec![s], vec![self.ones(rows)], None, false, None))
            }
            Value::Vec(v) if matches!(v.kind, Kind::Cat { .. }) => {
                let Kind::Cat { levels } = v.kind.clone() else {
                    unreachable!("matched a categorical")
                };
                let oh = self.onehot(e, &v)?;
                let present = v.present.as_ref().map(|m| m.shares.clone());
                Ok((levels, oh, present, v.support.ordered(), v.sel))
            }
            _ => Err(EvalError::at(
                e,
                "ifelse() with a categorical branch takes a string or a categorical as the other",
            )),
        }
    }

    /// `ifelse(test, yes, no)` where a branch is a private categorical (module doc).
    fn ifelse_cat(
        &mut self,
        e: &Expr,
        t: &PrivVec,
        y: Value,
        n: Value,
        base: PrivVec,
    ) -> Result<Value> {
        let rows = t.len();
        let (yl, yo, yp, yord, ysel) = self.cat_branch(e, y, rows)?;
        let (nl, no, np, nord, nsel) = self.cat_branch(e, n, rows)?;
        let mut levels = yl.clone();
        levels.extend(nl.iter().filter(|l| !yl.contains(l)).cloned());
        let zero = AShares::from_parts(vec![0; rows], vec![0; rows]);
        let pick = |ls: &[String], oh: &[AShares], l: &String| {
            ls.iter()
                .position(|x| x == l)
                .map_or(zero.clone(), |i| oh[i].clone())
        };
        let ones = self.ones(rows);
        // One batch of products: every level's `test (yes_L − no_L)`, and the present mask's.
        let mut diffs: Vec<(AShares, AShares)> = levels
            .iter()
            .map(|l| (pick(&yl, &yo, l), pick(&nl, &no, l)))
            .collect();
        let with_present = yp.is_some() || np.is_some();
        if with_present {
            diffs.push((yp.unwrap_or_else(|| ones.clone()), np.unwrap_or(ones)));
        }
        let d: Vec<AShares> = diffs.iter().map(|(a, b)| a.sub(b)).collect();
        let pairs: Vec<(&AShares, &AShares)> = d.iter().map(|x| (&t.data, x)).collect();
        let prods = self.p.mul_many(&pairs)?;
        let mut oh: Vec<AShares> = prods
            .iter()
            .zip(&diffs)
            .map(|(p, (_, b))| p.add(b))
            .collect();
        let mut present = base.present.clone();
        if with_present {
            let p = oh.pop().expect("the present mask's product");
            let m = self.new_mask(p);
            present = self.and_mask(present, Some(m))?;
        }
        let mut sel = self.and_mask(base.sel.clone(), ysel)?;
        sel = self.and_mask(sel, nsel)?;
        let mut code = zero;
        for (i, o) in oh.iter().enumerate().skip(1) {
            code = code.add(&o.scale(i as u64));
        }
        let k = levels.len();
        let cat = Value::Vec(PrivVec {
            kind: Kind::Cat { levels },
            data: code,
            onehot: Some(oh),
            present,
            sel,
            support: Support {
                terms: vec![Term {
                    rows: None,
                    count: true,
                }],
                ordered: t.support.ordered() || yord || nord,
                reversed: false,
            },
            range: Range::new(0.0, (k.max(1) - 1) as f64).into(),
            ..base
        });
        // R's ifelse() gives text, whose levels (table, factor) sort as text does.
        self.as_character(e, cat)
    }
}
