//! `cut(x, breaks, labels, right, include.lowest)`: a private numeric vector binned into a
//! private categorical with R's interval labels, by one batched comparison of `x` with every
//! break (values outside the breaks become `NA`). Reveals nothing.
use super::ops::{CMP_BITS, const_decimals, encode, rescale};
use super::value::{Kind, PrivVec, Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use sharestat_mpc::AShares;

impl Evaluator<'_> {
    /// `cut(x, breaks)`: a categorical with one level per interval; values outside are `NA`.
    pub(crate) fn cut(
        &mut self,
        e: &Expr,
        x: Value,
        breaks: Value,
        labels: Option<Vec<String>>,
        right: bool,
        lowest: bool,
    ) -> Result<Value> {
        let Value::Vec(x) = x else {
            return Err(EvalError::at(
                e,
                "cut() here takes a private numeric vector",
            ));
        };
        let Value::Pub(Public::Num { values, .. }) = breaks else {
            return Err(EvalError::at(e, "cut() takes public numeric breaks"));
        };
        let mut b: Vec<f64> = values.into_iter().flatten().collect();
        b.sort_by(f64::total_cmp);
        b.dedup();
        if b.len() < 2 {
            return Err(EvalError::at(e, "cut() needs at least two breaks"));
        }
        let k = b.len() - 1;
        let levels = match labels {
            Some(l) if l.len() == k => l,
            Some(l) => {
                return Err(EvalError::at(
                    e,
                    format!("{} labels for {k} intervals", l.len()),
                ));
            }
            None => (0..k)
                .map(|i| {
                    let (a, c) = (
                        crate::display::fmt_num(b[i]),
                        crate::display::fmt_num(b[i + 1]),
                    );
                    let first = lowest && i == 0 && right;
                    let last = lowest && i == k - 1 && !right;
                    match (right, first || last) {
                        (true, false) => format!("({a},{c}]"),
                        (true, true) => format!("[{a},{c}]"),
                        (false, false) => format!("[{a},{c})"),
                        (false, true) => format!("[{a},{c}]"),
                    }
                })
                .collect(),
        };
        let sx = match x.kind {
            Kind::Num { scale } => scale,
            _ => return Err(EvalError::at(e, "cut() takes a numeric vector")),
        };
        let s = sx.max(b.iter().map(|&v| const_decimals(v)).max().unwrap_or(0));
        let xs = rescale(&x.data, sx, s);
        for &v in &b {
            super::checks::check_comparable(e, x.range.minus(super::range::Range::point(v)), s)?;
        }
        let n = x.len();
        // above_j = x > b_j (right-closed) or x >= b_j (left-closed), for j = 0..=k;
        // include.lowest closes the outer end.
        let me = self.p.id();
        let reps: Vec<&AShares> = (0..=k).map(|_| xs.as_ref()).collect();
        let all = AShares::concat(&reps);
        let mut c = Vec::with_capacity(all.len());
        for (j, v) in b.iter().enumerate() {
            let mut t = encode(*v, s);
            let strict = if right {
                !(lowest && j == 0)
            } else {
                lowest && j == k
            };
            if strict {
                t = t.wrapping_add(1);
            }
            c.extend(std::iter::repeat_n(t, n));
        }
        let below = self.p.lt_public(&all, &c, CMP_BITS)?;
        let above = self.p.b2a_bits(&below.not(me))?;
        let at = |j: usize| above.slice(j * n..(j + 1) * n);
        let onehot: Vec<AShares> = (0..k).map(|i| at(i).sub(&at(i + 1))).collect();
        let in_range = at(0).sub(&at(k));
        let mut code = AShares::from_parts(vec![0; n], vec![0; n]);
        for (i, o) in onehot.iter().enumerate() {
            code = code.add(&o.scale(i as u64));
        }
        // The breaks are the query's choice: the levels' counts refuse zeros (`disclose.rs`).
        let mut r = self.new_mask(in_range);
        r.ordered = true;
        let present = self.and_mask(x.present.clone(), Some(r))?;
        Ok(Value::Vec(PrivVec {
            kind: Kind::Cat { levels },
            data: code,
            onehot: Some(onehot),
            present,
            sel: x.sel,
            layout: x.layout,
            range: super::range::Range::new(0.0, k.saturating_sub(1) as f64).into(),
            support: super::value::Support {
                terms: vec![super::value::Term {
                    rows: None,
                    count: true,
                }],
                ordered: true,
                reversed: false,
            },
        }))
    }
}
