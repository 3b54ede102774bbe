//! Function calls: each runs its registry entry's evaluation (`builtins/<name>.rs`) on the
//! arguments the checker matched; the shared work of `c` and `rbind` (combining private
//! vectors and tables), `length`; and the public (plaintext) versions of operators and
//! indexing.
use super::ops::rescale;
use super::range::Range;
use super::support::no_copies;
use super::value::{Kind, PrivTable, PrivVec, Public, Seg, Value, layout_rows};
use super::{EvalError, Evaluator, Result};
use crate::ast::{Arg, Expr, ExprKind};
use sharestat_mpc::AShares;

pub(crate) use crate::builtins::args::Args;

impl Evaluator<'_> {
    pub(crate) fn call(
        &mut self,
        e: &Expr,
        func: &Expr,
        args: &[Arg],
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        let name = func.as_ident().unwrap_or_default();
        // The arguments the checker matched (`builtins/args.rs`); a call it did not see is
        // not run (`Surv` is read inside formulas only).
        let Some((builtin, matched)) = self.calls.get(e).cloned().filter(|_| name != "Surv") else {
            return Err(EvalError::at(
                func,
                format!("`{name}` is not available here"),
            ));
        };
        self.call_matched(e, builtin, args, &matched, scope)
    }

    /// A call the evaluator builds itself (`scale()`'s mean and standard deviation): its
    /// arguments matched by the registry's matcher, as the checker matches the program's.
    pub(crate) fn call_internal(
        &mut self,
        call: &Expr,
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        let ExprKind::Call { func, args } = &call.kind else {
            return Err(EvalError::at(call, "not a call"));
        };
        let builtin = func
            .as_ident()
            .and_then(crate::builtins::lookup)
            .ok_or_else(|| EvalError::at(func, "not a function of the language"))?;
        let matched = crate::builtins::args::bind(builtin, call, args)
            .map_err(|t| EvalError::at(call, t.to_string()))?;
        self.call_matched(call, builtin, args, &matched, scope)
    }

    /// Runs `builtin` on its matched arguments.
    fn call_matched(
        &mut self,
        e: &Expr,
        builtin: &'static crate::builtins::Builtin,
        args: &[Arg],
        matched: &crate::builtins::args::Matched,
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        let a = Args::new(builtin, args, matched);
        match builtin.eval {
            Some(eval) => eval(self, e, &a, scope),
            None => Err(EvalError::at(
                e,
                format!("`{}` is not available here", builtin.name),
            )),
        }
    }
}

/// The argument of parameter `p`, which the checker made sure is there (a required one).
pub(crate) fn need<'x>(a: &Args<'x>, e: &Expr, p: &str) -> Result<&'x Expr> {
    a.get(p)
        .ok_or_else(|| EvalError::at(e, format!("missing argument `{p}`")))
}

impl Evaluator<'_> {
    /// `c(...)` of private vectors of one kind, or of public values.
    pub(crate) fn combine(&mut self, e: &Expr, vals: Vec<Value>) -> Result<Value> {
        let layouts: Vec<Seg> = vals
            .iter()
            .flat_map(|v| match v {
                Value::Vec(v) => v.layout.clone(),
                Value::Table(t) => t.layout.clone(),
                Value::Pub(_) => Vec::new(),
            })
            .collect();
        no_copies(e, &layouts)?;
        self.check_combined_values(e, &vals)?;
        if vals.iter().all(|v| matches!(v, Value::Pub(_))) {
            let pubs: Vec<Public> = vals
                .into_iter()
                .map(|v| match v {
                    Value::Pub(p) => p,
                    _ => unreachable!(),
                })
                .collect();
            return super::public::combine_public(e, pubs).map(Value::Pub);
        }
        let mut vecs = Vec::new();
        for v in vals {
            match v {
                Value::Vec(v) => vecs.push(v),
                _ => {
                    return Err(EvalError::at(
                        e,
                        "c() of private vectors takes only private vectors",
                    ));
                }
            }
        }
        let first = vecs[0].kind.clone();
        let kind = match &first {
            Kind::Num { .. } => {
                let mut s = 0;
                for v in &vecs {
                    match v.kind {
                        Kind::Num { scale } => s = s.max(scale),
                        Kind::Bool => {}
                        _ => return Err(EvalError::at(e, "c() of different kinds of vectors")),
                    }
                }
                Kind::Num { scale: s }
            }
            k => {
                if vecs.iter().any(|v| v.kind != *k) {
                    return Err(EvalError::at(e, "c() of different kinds of vectors"));
                }
                k.clone()
            }
        };
        let cat = |parts: Vec<AShares>| AShares::concat(&parts.iter().collect::<Vec<_>>());
        let lazy = matches!(kind, Kind::Cat { .. }) && vecs.iter().all(|v| v.onehot.is_some());
        let data = if lazy {
            AShares::from_parts(Vec::new(), Vec::new())
        } else {
            cat(vecs
                .iter()
                .map(|v| match (&kind, &v.kind) {
                    (Kind::Num { scale }, Kind::Num { scale: s }) => {
                        rescale(&v.data, *s, *scale).into_owned()
                    }
                    (Kind::Cat { .. }, _) => self.codes(v),
                    _ => v.data.clone(),
                })
                .collect())
        };
        let onehot = if vecs.iter().all(|v| v.onehot.is_some()) {
            let k = vecs[0].onehot.as_ref().map_or(0, Vec::len);
            Some(
                (0..k)
                    .map(|l| {
                        cat(vecs
                            .iter()
                            .map(|v| v.onehot.as_ref().unwrap()[l].clone())
                            .collect())
                    })
                    .collect(),
            )
        } else {
            None
        };
        let mask = |s: &mut Self, pick: fn(&PrivVec) -> &Option<super::value::Mask>| {
            if vecs.iter().all(|v| pick(v).is_none()) {
                None
            } else {
                let m = cat(vecs
                    .iter()
                    .map(|v| s.mask_or_ones(pick(v), v.len()))
                    .collect());
                Some(s.new_mask(m))
            }
        };
        let present = mask(self, |v| &v.present);
        let sel = mask(self, |v| &v.sel);
        let layout: Vec<Seg> = vecs.iter().flat_map(|v| v.layout.clone()).collect();
        let support = self.combined_support(e, &vecs)?;
        let range = match &kind {
            Kind::Cat { levels } => Range::new(0.0, levels.len().saturating_sub(1) as f64).into(),
            _ => vecs
                .iter()
                .skip(1)
                .fold(vecs[0].range, |r, v| r.hull(v.range)),
        };
        Ok(Value::Vec(PrivVec {
            kind,
            data,
            onehot,
            present,
            sel,
            layout,
            support,
            range,
        }))
    }

    pub(crate) fn rbind(&mut self, e: &Expr, tables: Vec<PrivTable>) -> Result<PrivTable> {
        let layout: Vec<Seg> = tables.iter().flat_map(|t| t.layout.clone()).collect();
        no_copies(e, &layout)?;
        self.check_combined_rows(e, tables.iter().map(|t| layout_rows(&t.layout)))?;
        let first = &tables[0];
        if tables.iter().any(|t| t.columns != first.columns) {
            return Err(EvalError::at(e, "rbind() of tables with different columns"));
        }
        if let Some((name, _)) = tables.iter().flat_map(|t| &t.derived).next() {
            return Err(EvalError::at(
                e,
                format!("rbind() of a table with the added column `{name}`: add it after rbind()"),
            ));
        }
        let sel = if tables.iter().all(|t| t.sel.is_none()) {
            None
        } else {
            let parts: Vec<AShares> = tables
                .iter()
                .map(|t| self.mask_or_ones(&t.sel, layout_rows(&t.layout)))
                .collect();
            Some(self.new_mask(AShares::concat(&parts.iter().collect::<Vec<_>>())))
        };
        Ok(PrivTable {
            layout,
            columns: first.columns.clone(),
            sel,
            derived: Vec::new(),
        })
    }
}
