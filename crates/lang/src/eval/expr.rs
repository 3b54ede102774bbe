//! Evaluation of expressions other than calls and operators: literals, names (with the
//! columns of a table in scope inside `subset`), `$` and `[[ ]]`, `[ ]`, and the mask
//! helpers every other file uses.
use super::value::{Kind, Mask, PrivTable, PrivVec, Public, Seg, Support, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::{Arg, Expr, ExprKind, UnOp};
use crate::check::PrivTy;
use sharestat_mpc::AShares;

impl Evaluator<'_> {
    /// Evaluates `e` at the top level.
    pub fn eval(&mut self, e: &Expr) -> Result<Value> {
        self.eval_in(e, None)
    }

    /// Evaluates `e`; names resolve first to the columns of `scope` (inside `subset`).
    pub(crate) fn eval_in(&mut self, e: &Expr, scope: Option<&PrivTable>) -> Result<Value> {
        Ok(match &e.kind {
            ExprKind::Num(v) => Value::Pub(Public::num(*v)),
            ExprKind::Int(v) => Value::Pub(Public::num(*v as f64)),
            ExprKind::Str(s) => Value::Pub(Public::Str(vec![Some(s.clone())])),
            ExprKind::Bool(b) => Value::Pub(Public::Bool(vec![Some(*b)])),
            ExprKind::Na => Value::Pub(Public::Bool(vec![None])),
            ExprKind::Null => Value::Pub(Public::Null),
            ExprKind::Ident(name) => self.ident(e, name, scope)?,
            ExprKind::Call { func, args } => self.call(e, func, args, scope)?,
            ExprKind::Dollar { target, field } => {
                let t = self.eval_in(target, scope)?;
                self.field(e, t, field)?
            }
            ExprKind::Index2 { target, index } => {
                let t = self.eval_in(target, scope)?;
                match &index.kind {
                    ExprKind::Str(field) => self.field(e, t, field)?,
                    _ => return Err(EvalError::at(index, "[[ ]] takes a column name")),
                }
            }
            ExprKind::Index { target, args } => self.index(e, target, args, scope)?,
            ExprKind::Unary { op, expr } => {
                if *op == UnOp::Formula {
                    return Ok(Value::Pub(Public::Formula(e.to_string())));
                }
                let v = self.eval_in(expr, scope)?;
                self.unary(e, *op, v)?
            }
            ExprKind::Binary { op, lhs, rhs } => {
                if *op == crate::ast::BinOp::Formula {
                    return Ok(Value::Pub(Public::Formula(e.to_string())));
                }
                let l = self.eval_in(lhs, scope)?;
                let r = self.eval_in(rhs, scope)?;
                super::ops::same_lengths(e, &[(lhs, &l), (rhs, &r)])?;
                self.binary(e, *op, l, r)?
            }
        })
    }

    fn ident(&mut self, e: &Expr, name: &str, scope: Option<&PrivTable>) -> Result<Value> {
        if let Some(t) = scope
            && t.columns.iter().any(|(c, _)| c == name)
        {
            let unselected = PrivTable {
                sel: None,
                ..t.clone()
            };
            return Ok(Value::Vec(self.column(e, &unselected, name)?));
        }
        if let Some(v) = self.vars.get(name) {
            return Ok(v.clone());
        }
        match name {
            "T" => Ok(Value::Pub(Public::Bool(vec![Some(true)]))),
            "F" => Ok(Value::Pub(Public::Bool(vec![Some(false)]))),
            "pi" => Ok(Value::Pub(Public::num(std::f64::consts::PI))),
            _ => Err(EvalError::at(e, format!("unknown variable `{name}`"))),
        }
    }

    fn field(&mut self, e: &Expr, t: Value, field: &str) -> Result<Value> {
        match t {
            Value::Table(t) => Ok(Value::Vec(self.column(e, &t, field)?)),
            Value::Pub(p) => super::fields::field(e, &p, field),
            _ => Err(EvalError::at(e, "`$` takes a private table or a result")),
        }
    }

    /// Column `name` of `t`: the stored columns of each dataset of the layout, concatenated,
    /// with the table's selection.
    pub(crate) fn column(&mut self, e: &Expr, t: &PrivTable, name: &str) -> Result<PrivVec> {
        if let Some((_, v)) = t.derived.iter().find(|(c, _)| c == name) {
            return Ok(PrivVec {
                sel: t.sel.clone(),
                ..v.clone()
            });
        }
        let Some((_, ty)) = t.columns.iter().find(|(c, _)| c == name) else {
            return Err(EvalError::at(e, format!("no column `{name}`")));
        };
        let ty = ty.clone();
        let spec = t
            .layout
            .first()
            .and_then(|s| self.env.datasets.get(&s.dataset))
            .and_then(|d| d.column(name))
            .cloned()
            .ok_or_else(|| EvalError::at(e, format!("no stored column `{name}`")))?;
        let kind = match &ty {
            PrivTy::Num { decimals } => Kind::Num { scale: *decimals },
            PrivTy::Cat { levels } => Kind::Cat {
                levels: levels.clone(),
            },
            PrivTy::Bool => Kind::Bool,
            PrivTy::Date => Kind::Date,
            PrivTy::Table { .. } => return Err(EvalError::at(e, "a table inside a table")),
        };
        let onehot_stored = matches!(
            spec.ty,
            sharestat_dict::ColumnType::Categorical { onehot: true, .. }
        );
        let mut data = Vec::new();
        let mut present = Vec::new();
        let mut onehot: Vec<Vec<AShares>> = Vec::new();
        for seg in &t.layout {
            // A categorical's code is Σ i·onehot_i: computed locally, not read, when the
            // one-hot columns are stored.
            if !onehot_stored {
                data.push(self.stored(&seg.dataset, name)?);
            }
            if !spec.required {
                present.push(self.stored(&seg.dataset, &format!("{name}.present"))?);
            }
            if let (true, Kind::Cat { levels }) = (onehot_stored, &kind) {
                let mut cols = Vec::new();
                for l in levels {
                    cols.push(self.stored(&seg.dataset, &format!("{name}={l}"))?);
                }
                onehot.push(cols);
            }
        }
        let cat = |parts: &[AShares]| match parts {
            [one] => one.clone(),
            _ => AShares::concat(&parts.iter().collect::<Vec<_>>()),
        };
        let present = if spec.required {
            None
        } else {
            Some(self.new_mask(cat(&present)))
        };
        let onehot: Option<Vec<AShares>> = if onehot.is_empty() {
            None
        } else {
            let k = onehot[0].len();
            Some(
                (0..k)
                    .map(|l| cat(&onehot.iter().map(|s| s[l].clone()).collect::<Vec<_>>()))
                    .collect(),
            )
        };
        // With one-hot columns, the codes are made only if an operation needs them.
        let data = match &onehot {
            Some(_) => AShares::from_parts(Vec::new(), Vec::new()),
            None => cat(&data),
        };
        // A stored logical counts its TRUE rows (`sum(d$flag)` is a count).
        let support = if kind == Kind::Bool {
            Support::indicator(self.new_mask(data.clone()))
        } else {
            Support::all()
        };
        // The dictionary's bounds (uploads enforce them), narrowed on an open side by a
        // secure check of a stated bound; a missing row's word is 0.
        let (lo, hi) = match (&kind, spec.min.zip(spec.max)) {
            (Kind::Num { .. } | Kind::Date, None) => self.stated_bounds(t, name, &spec, &data)?,
            _ => spec.bounds(),
        };
        let unit = match kind {
            Kind::Num { scale } => 10f64.powi(scale as i32),
            _ => 1.0,
        };
        let values = super::range::Range::new(lo as f64 / unit, hi as f64 / unit);
        let range = match present {
            Some(_) => super::range::Bounds::with_missing(values, 0.0),
            None => values.into(),
        };
        Ok(PrivVec {
            kind,
            data,
            onehot,
            present,
            sel: t.sel.clone(),
            layout: t.layout.clone(),
            support,
            range,
        })
    }

    /// `target[args]`.
    fn index(
        &mut self,
        e: &Expr,
        target: &Expr,
        args: &[Arg],
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        let t = self.eval_in(target, scope)?;
        let vals: Vec<Option<&Expr>> = args.iter().map(|a| a.value.as_ref()).collect();
        match (t, vals.as_slice()) {
            (Value::Vec(v), [Some(c)]) => {
                let cond = self.eval_in(c, scope)?;
                let sel = self.condition(c, cond, v.len())?;
                let sel = self.and_mask(v.sel.clone(), Some(sel))?;
                Ok(Value::Vec(PrivVec { sel, ..v }))
            }
            (Value::Table(t), [rows, cols]) => {
                let t = match rows {
                    Some(c) => self.filter(c, t, scope)?,
                    None => t,
                };
                match cols {
                    None => Ok(Value::Table(t)),
                    Some(c) => match &c.kind {
                        ExprKind::Str(name) => Ok(Value::Vec(self.column(e, &t, name)?)),
                        _ => Err(EvalError::at(c, "choose a column by its name")),
                    },
                }
            }
            (Value::Table(t), [Some(c)]) => match &c.kind {
                ExprKind::Str(name) => {
                    let columns = t
                        .columns
                        .iter()
                        .filter(|(n, _)| n == name)
                        .cloned()
                        .collect();
                    Ok(Value::Table(PrivTable { columns, ..t }))
                }
                _ => Err(EvalError::at(c, "use t[rows, ] or subset() to choose rows")),
            },
            (Value::Pub(p), [Some(i)]) => {
                let idx = self.eval_in(i, scope)?;
                super::public::public_index(e, p, idx)
            }
            _ => Err(EvalError::at(e, "unsupported indexing")),
        }
    }

    /// The rows of `t` where `cond` (evaluated with `t`'s columns in scope) is TRUE; `NA`
    /// counts as FALSE, as in `subset()`.
    pub(crate) fn filter(
        &mut self,
        cond: &Expr,
        t: PrivTable,
        scope: Option<&PrivTable>,
    ) -> Result<PrivTable> {
        let _ = scope;
        let c = self.eval_in(cond, Some(&t))?;
        let rows = super::value::layout_rows(&t.layout);
        let m = self.condition(cond, c, rows)?;
        let sel = self.and_mask(t.sel.clone(), Some(m))?;
        Ok(PrivTable { sel, ..t })
    }

    /// A condition as a selection mask of `rows` rows (TRUE and present: 1).
    pub(crate) fn condition(&mut self, at: &Expr, c: Value, rows: usize) -> Result<Mask> {
        match c {
            Value::Vec(v) if v.kind == Kind::Bool => {
                if v.len() != rows {
                    return Err(EvalError::at(
                        at,
                        format!("the condition has {} rows, the data {rows}", v.len()),
                    ));
                }
                let ordered = v.support.ordered();
                let mut data = self.new_mask(v.data);
                data.ordered = ordered;
                let m = self.and_mask(Some(data), v.present)?;
                Ok(self.and_mask(m, v.sel)?.expect("a mask"))
            }
            Value::Pub(Public::Bool(b)) if b.len() == 1 || b.len() == rows => {
                let bits: Vec<u64> = (0..rows)
                    .map(|i| u64::from(b[i % b.len()] == Some(true)))
                    .collect();
                let zero = AShares::from_parts(vec![0; rows], vec![0; rows]);
                let m = zero.add_public(self.p.id(), &bits);
                Ok(self.new_mask(m))
            }
            _ => Err(EvalError::at(at, "a condition must be TRUE/FALSE values")),
        }
    }

    /// The level codes of a categorical (`Σ i · onehot_i` when not materialised), or the
    /// encoded values of any other vector.
    pub(crate) fn codes(&self, v: &PrivVec) -> AShares {
        match &v.onehot {
            Some(oh) if v.data.len() != v.len() => {
                let n = v.len();
                let mut code = AShares::from_parts(vec![0; n], vec![0; n]);
                for (i, o) in oh.iter().enumerate().skip(1) {
                    code = code.add(&o.scale(i as u64));
                }
                code
            }
            _ => v.data.clone(),
        }
    }

    /// A mask with a fresh id.
    pub(crate) fn new_mask(&mut self, shares: AShares) -> Mask {
        Mask {
            id: self.mask_id(),
            shares,
            ordered: false,
        }
    }

    /// The product of two optional masks (no multiplication when one is absent or both are
    /// the same mask).
    pub(crate) fn and_mask(&mut self, a: Option<Mask>, b: Option<Mask>) -> Result<Option<Mask>> {
        Ok(match (a, b) {
            (None, m) | (m, None) => m,
            (Some(a), Some(b)) if a.id == b.id => Some(a),
            (Some(a), Some(b)) => {
                let s = self.p.mul(&a.shares, &b.shares)?;
                let mut m = self.new_mask(s);
                m.ordered = a.ordered || b.ordered;
                Some(m)
            }
        })
    }

    /// The mask of rows an aggregate uses: selected and present.
    pub(crate) fn used(&mut self, v: &PrivVec) -> Result<Option<Mask>> {
        self.and_mask(v.sel.clone(), v.present.clone())
    }

    /// All-ones shares of length `n`.
    pub(crate) fn ones(&self, n: usize) -> AShares {
        AShares::from_parts(vec![0; n], vec![0; n]).add_const(self.p.id(), 1)
    }

    /// A mask as shares (all ones when absent).
    pub(crate) fn mask_or_ones(&self, m: &Option<Mask>, n: usize) -> AShares {
        m.as_ref()
            .map_or_else(|| self.ones(n), |m| m.shares.clone())
    }

    /// A layout made of one dataset.
    pub(crate) fn dataset_layout(&self, e: &Expr, name: &str) -> Result<Vec<Seg>> {
        let rows = self
            .data
            .rows(name)
            .ok_or_else(|| EvalError::at(e, format!("no dataset {name:?} on this node")))?;
        Ok(vec![Seg {
            dataset: name.to_owned(),
            rows,
        }])
    }
}
