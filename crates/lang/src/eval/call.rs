//! Function calls other than aggregates: `load`, `c`, `rbind`, `subset`, `is.na`, `print`,
//! `names`, `length`/`nrow`/`ncol`, `cut` (and `ifelse`, in `ifelse.rs`), run on the
//! arguments the checker matched; and the public (plaintext) versions of operators and
//! indexing.
use super::ops::rescale;
use super::range::Range;
use super::support::no_copies;
use super::value::{Kind, PrivTable, PrivVec, Public, Seg, Support, Value, layout_rows};
use super::{EvalError, Evaluator, Result};
use crate::ast::{Arg, Expr, ExprKind};
use crate::check::PrivTy;
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
        let name = builtin.name;
        let a = Args::new(builtin, args, matched);
        if let Some(eval) = builtin.eval {
            return eval(self, e, &a, scope);
        }
        let arg = |p: &str| {
            a.get(p)
                .ok_or_else(|| EvalError::at(e, format!("missing argument `{p}`")))
        };
        match name {
            "load" => {
                // The checker refuses these first; checked again where the data is read.
                let named = a.get("name").filter(|n| !matches!(n.kind, ExprKind::Null));
                if let (Some(study), Some(_)) = (a.get("study"), named) {
                    let ExprKind::Str(named) = &study.kind else {
                        return Err(EvalError::at(study, "load() takes the study as a string"));
                    };
                    self.env
                        .check_load_study(named)
                        .map_err(|m| EvalError::at(study, m))?;
                }
                let n = a
                    .get("name")
                    .filter(|n| !matches!(n.kind, ExprKind::Null))
                    .or(a.get("study"))
                    .ok_or_else(|| EvalError::at(e, "load(name)"))?;
                let ExprKind::Str(ds) = &n.kind else {
                    return Err(EvalError::at(
                        n,
                        "load() takes the dataset name as a string",
                    ));
                };
                let dict = self
                    .env
                    .datasets
                    .get(ds)
                    .ok_or_else(|| EvalError::at(n, format!("no dataset {ds:?}")))?;
                let PrivTy::Table { columns } = PrivTy::from_dictionary(dict) else {
                    unreachable!("a dictionary is a table")
                };
                let layout = self.dataset_layout(n, ds)?;
                Ok(Value::Table(PrivTable {
                    layout,
                    columns,
                    sel: None,
                    derived: Vec::new(),
                }))
            }
            "c" => {
                let mut vals = Vec::new();
                for v in &a.dots() {
                    vals.push(self.eval_in(v, scope)?);
                }
                let out = self.combine(e, vals)?;
                // R's names of `c(a = 1, b = 2)`: one per public number (unnamed ones empty).
                match out {
                    Value::Pub(Public::Num {
                        values,
                        names: None,
                    }) if args.iter().any(|x| x.name.is_some()) && args.len() == values.len() => {
                        let names = args.iter().map(|x| x.name.clone().unwrap_or_default());
                        Ok(Value::Pub(Public::Num {
                            values,
                            names: Some(names.collect()),
                        }))
                    }
                    other => Ok(other),
                }
            }
            "rbind" => {
                let mut tables = Vec::new();
                for v in &a.dots() {
                    match self.eval_in(v, scope)? {
                        Value::Table(t) => tables.push(t),
                        _ => return Err(EvalError::at(v, "rbind() takes private tables")),
                    }
                }
                self.rbind(e, tables).map(Value::Table)
            }
            "subset" => {
                let x = arg("x")?;
                match self.eval_in(x, scope)? {
                    Value::Table(t) => Ok(Value::Table(self.filter(arg("subset")?, t, scope)?)),
                    Value::Vec(v) => {
                        let c = self.eval_in(arg("subset")?, scope)?;
                        let m = self.condition(arg("subset")?, c, v.len())?;
                        let sel = self.and_mask(v.sel.clone(), Some(m))?;
                        Ok(Value::Vec(PrivVec { sel, ..v }))
                    }
                    _ => Err(EvalError::at(x, "subset() takes a private table")),
                }
            }
            "is.na" => match self.eval_in(arg("x")?, scope)? {
                Value::Vec(v) => {
                    // A column that cannot be missing gives a constant FALSE: its count is 0
                    // by construction, not by the data.
                    let (data, support) = match &v.present {
                        Some(m) => {
                            let d = m.shares.neg().add_const(self.p.id(), 1);
                            let m = self.new_mask(d.clone());
                            (d, Support::indicator(m))
                        }
                        None => (
                            AShares::from_parts(vec![0; v.len()], vec![0; v.len()]),
                            Support::constant(),
                        ),
                    };
                    Ok(Value::Vec(PrivVec {
                        kind: Kind::Bool,
                        data,
                        onehot: None,
                        present: None,
                        support,
                        range: Range::unit().into(),
                        ..v
                    }))
                }
                Value::Pub(Public::Num { values, .. }) => Ok(Value::Pub(Public::Bool(
                    values.iter().map(|v| Some(v.is_none())).collect(),
                ))),
                _ => Err(EvalError::at(e, "is.na() takes a vector")),
            },
            "floor" | "ceiling" => self.floor_call(e, name, arg("x")?, scope),
            "abs" => {
                let x = self.eval_in(arg("x")?, scope)?;
                self.abs_call(e, x)
            }
            "log" | "log2" | "log10" | "log1p" | "exp" | "sqrt" => {
                let base = if name == "log" { a.get("base") } else { None };
                self.math_args(e, name, arg("x")?, base, scope)
            }
            "pmin" | "pmax" => self.pminmax(e, name == "pmin", &a.dots(), a.get("na.rm"), scope),
            "round" | "signif" => {
                let x = self.eval_in(arg("x")?, scope)?;
                self.round_call(e, name, x, a.get("digits"), scope)
            }
            "print" => {
                let x = self.eval_in(arg("x")?, scope)?;
                self.print_call(e, x, a.get("digits"), scope)
            }
            "names" => match self.eval_in(arg("x")?, scope)? {
                Value::Table(t) => Ok(Value::Pub(Public::Str(
                    t.columns.into_iter().map(|(n, _)| Some(n)).collect(),
                ))),
                Value::Pub(Public::Num { names: Some(n), .. }) => {
                    Ok(Value::Pub(Public::Str(n.into_iter().map(Some).collect())))
                }
                Value::Pub(Public::Table(t)) => Ok(Value::Pub(Public::Str(
                    t.dims[0].1.iter().cloned().map(Some).collect(),
                ))),
                _ => Ok(Value::Pub(Public::Null)),
            },
            "ncol" => match self.eval_in(arg("x")?, scope)? {
                Value::Table(t) => Ok(Value::Pub(Public::num(t.columns.len() as f64))),
                _ => Err(EvalError::at(e, "ncol() takes a table")),
            },
            "length" | "nrow" => {
                let v = self.eval_in(arg("x")?, scope)?;
                self.length(e, v)
            }
            "ifelse" => {
                let t = self.eval_in(arg("test")?, scope)?;
                let y = self.eval_in(arg("yes")?, scope)?;
                let n = self.eval_in(arg("no")?, scope)?;
                let parts = [(arg("test")?, &t), (arg("yes")?, &y), (arg("no")?, &n)];
                super::ops::same_lengths(e, &parts)?;
                self.ifelse(e, t, y, n)
            }
            "cut" => {
                let x = self.eval_in(arg("x")?, scope)?;
                let b = self.eval_in(arg("breaks")?, scope)?;
                let flag = |s: &mut Self, p: &str, default: bool| -> Result<bool> {
                    match a.get(p) {
                        None => Ok(default),
                        Some(v) => match s.eval_in(v, scope)? {
                            Value::Pub(Public::Bool(b)) if b.len() == 1 => Ok(b[0] == Some(true)),
                            _ => Err(EvalError::at(v, "expected TRUE or FALSE")),
                        },
                    }
                };
                let right = flag(self, "right", true)?;
                let lowest = flag(self, "include.lowest", false)?;
                let labels = match a.get("labels") {
                    Some(l) => match self.eval_in(l, scope)? {
                        Value::Pub(Public::Str(s)) => Some(s.into_iter().flatten().collect()),
                        _ => return Err(EvalError::at(l, "labels must be strings")),
                    },
                    None => None,
                };
                self.cut(e, x, b, labels, right, lowest)
            }
            "t.test" | "chisq.test" | "fisher.test" => self.htest(e, name, &a, scope),
            "lm" => self.lm(e, &a, scope),
            "survfit" | "survdiff" => self.survival(e, name, &a, scope),
            "coxph" => self.coxph(e, &a, scope),
            "cox.zph" => self.cox_zph_call(e, &a, scope),
            "levels" => {
                let x = self.eval_in(arg("x")?, scope)?;
                self.levels_call(e, x)
            }
            "relevel" => self.relevel_args(e, arg("x")?, arg("ref")?, scope),
            "factor" | "as.factor" => self.factor_call(e, &a, scope),
            "scale" => self.scale_call(e, &a, scope),
            "prop.table" | "proportions" => {
                let x = self.eval_in(arg("x")?, scope)?;
                let margin = a
                    .get("margin")
                    .filter(|m| !matches!(m.kind, ExprKind::Null))
                    .map(|m| self.flag(Some(m), scope, 0.0))
                    .transpose()?;
                self.prop_table(e, x, margin)
            }
            "droplevels" | "as.numeric" | "as.integer" | "as.character" => {
                let x = self.eval_in(arg("x")?, scope)?;
                self.factor_fn(e, name, x)
            }
            "confint" => {
                let object = self.eval_in(arg("object")?, scope)?;
                let level = self.flag(a.get("level"), scope, 0.95)?;
                self.confint(e, object, a.get("parm"), level)
            }
            "help" => {
                let topic = arg("topic")?;
                let name = match &topic.kind {
                    ExprKind::Str(s) => s.clone(),
                    ExprKind::Ident(s) => s.clone(),
                    _ => String::new(),
                };
                let text = crate::help::help(&name)
                    .unwrap_or_else(|| format!("No documentation for `{name}`."));
                Ok(Value::Pub(Public::Note(text)))
            }
            "plot" | "barplot" => {
                let what = match self.eval_in(arg("x")?, scope)? {
                    Value::Pub(p @ (Public::Surv(_) | Public::Table(_))) => p,
                    _ => {
                        return Err(EvalError::at(
                            e,
                            "plot() draws a survfit() result or a table",
                        ));
                    }
                };
                self.plot(
                    e,
                    what,
                    [
                        a.get("file"),
                        a.get("conf.int"),
                        a.get("main"),
                        a.get("xlab"),
                        a.get("ylab"),
                    ],
                    scope,
                )
            }
            "hist" => self.hist(e, &a, scope),
            _ => self.aggregate(e, name, &a, scope),
        }
    }

    /// `c(...)` of private vectors of one kind, or of public values.
    fn combine(&mut self, e: &Expr, vals: Vec<Value>) -> Result<Value> {
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

    fn rbind(&mut self, e: &Expr, tables: Vec<PrivTable>) -> Result<PrivTable> {
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
