//! Calls: the typing rules (on the arguments the registry's matcher bound) of
//! each function the language knows (loading, element-wise functions, aggregates,
//! and statistical tests declared as returning [`PubTy::Any`] for now).

use super::error::close_names;
use super::expr::{Elem, Scope, elem, logical, mismatch, numeric, unsupported};
use super::{Checker, PrivTy, PubTy, Ty, TypeError, TypeErrorKind, describe};
use crate::ast::{Arg, Expr, ExprKind};
use crate::builtins::DOTS;
use crate::builtins::args::{Args, arg_error};

/// A call's matched arguments: one slot per parameter other than `...`, then `...`.
struct Bound<'e> {
    slots: Vec<Option<&'e Expr>>,
    dots: Vec<&'e Expr>,
}

impl Checker {
    pub(super) fn call(
        &self,
        e: &Expr,
        func: &Expr,
        args: &[Arg],
        scope: Scope<'_>,
    ) -> Result<Ty, TypeError> {
        let Some(name) = func.as_ident() else {
            return Err(unsupported(func, "only named functions can be called"));
        };
        let Some((builtin, m)) = self.calls.get(e) else {
            return Err(TypeError::new(
                func,
                TypeErrorKind::UnknownFunction {
                    name: name.to_owned(),
                    suggestions: close_names(name, crate::builtins::names()),
                },
            ));
        };
        // The matched arguments (`builtins/args.rs`), by position among the parameters other
        // than `...`, then those in `...`.
        let arg = |k: usize| args[k].value.as_ref();
        let b = Bound {
            slots: builtin
                .params
                .iter()
                .zip(&m.slots)
                .filter(|(p, _)| p.name != DOTS)
                .map(|(_, k)| k.and_then(arg))
                .collect(),
            dots: m.dots.iter().filter_map(|&k| arg(k)).collect(),
        };
        let sig_params: Vec<&str> = builtin
            .params
            .iter()
            .map(|p| p.name)
            .filter(|p| *p != DOTS)
            .collect();
        let ty = |i: usize| -> Result<Option<(&Expr, Ty)>, TypeError> {
            b.slots[i]
                .map(|a| Ok((a, self.expr(a, scope)?)))
                .transpose()
        };
        let first = || -> Result<(&Expr, Ty), TypeError> {
            Ok(ty(0)?.expect("required argument is bound"))
        };
        // na.rm (and similar flags) must be public logical values.
        for (p, v) in sig_params.iter().zip(&b.slots) {
            if let (&"na.rm", Some(v)) = (p, v) {
                let t = self.expr(v, scope)?;
                if !matches!(t, Ty::Public(PubTy::Bool | PubTy::Any)) {
                    return Err(mismatch(v, &t, "TRUE or FALSE"));
                }
            }
        }
        if let Some(rule) = builtin.check {
            return rule(self, e, &Args::for_checker(builtin, args, m), scope);
        }
        let public = |t: PubTy| Ok(Ty::Public(t));
        match name {
            "load" => self.load(e, &b),
            "c" => self.combine(e, &b.dots, scope),
            "rbind" => self.rbind(e, &b.dots, scope),
            "subset" => {
                let (x, xt) = first()?;
                let cond = b.slots[1].expect("required");
                match &xt {
                    Ty::Private(PrivTy::Table { columns }) => {
                        let ct = self.expr(cond, columns)?;
                        logical(cond, &ct)?;
                        Ok(xt)
                    }
                    Ty::Public(PubTy::Table | PubTy::Any) => public(PubTy::Table),
                    _ => Err(mismatch(x, &xt, "a table")),
                }
            }
            "is.na" => Ok(match first()?.1 {
                Ty::Private(_) => Ty::Private(PrivTy::Bool),
                _ => Ty::Public(PubTy::BoolVec),
            }),
            "floor" | "ceiling" => {
                let (x, xt) = first()?;
                numeric(x, &xt)?;
                Ok(match xt {
                    Ty::Private(_) => Ty::Private(PrivTy::Num { decimals: 0 }),
                    Ty::Public(PubTy::Num | PubTy::Int) => Ty::Public(PubTy::Num),
                    _ => Ty::Public(PubTy::NumVec),
                })
            }
            "log" | "log2" | "log10" | "log1p" | "exp" | "sqrt" | "scale" => {
                let (x, xt) = first()?;
                numeric(x, &xt)?;
                if name == "log" && b.slots[1].is_some() {
                    self.public_arg(ty(1)?, "a public base")?;
                }
                Ok(match xt {
                    Ty::Private(_) => Ty::Private(PrivTy::Num { decimals: 7 }),
                    Ty::Public(PubTy::Num | PubTy::Int) => Ty::Public(PubTy::Num),
                    _ => Ty::Public(PubTy::NumVec),
                })
            }
            "abs" => {
                let (x, xt) = first()?;
                let decimals = numeric(x, &xt)?;
                Ok(match xt {
                    Ty::Private(_) => Ty::Private(PrivTy::Num { decimals }),
                    Ty::Public(PubTy::Num | PubTy::Int) => Ty::Public(PubTy::Num),
                    _ => Ty::Public(PubTy::NumVec),
                })
            }
            "round" | "signif" => {
                let (x, xt) = first()?;
                if let Ty::Private(_) = xt {
                    numeric(x, &xt)?;
                    self.public_arg(ty(1)?, "a public number of digits")?;
                    if name == "signif" {
                        // Each value's decade stays secret: its decimals stay the stored ones.
                        return Ok(xt);
                    }
                    // Decimals after rounding: fewer when `digits` is a literal.
                    let digits = match b.slots[1].map(|d| &d.kind) {
                        Some(crate::ast::ExprKind::Num(d)) => Some(d.max(0.0) as u32),
                        None => Some(0),
                        _ => None,
                    };
                    return Ok(match (xt, digits) {
                        (Ty::Private(PrivTy::Num { decimals }), Some(d)) => {
                            Ty::Private(PrivTy::Num {
                                decimals: decimals.min(d),
                            })
                        }
                        (t, _) => t,
                    });
                }
                numeric(x, &xt)?;
                self.public_arg(ty(1)?, "a public number of digits")?;
                Ok(match xt {
                    Ty::Public(PubTy::Num | PubTy::Int) => Ty::Public(PubTy::Num),
                    _ => Ty::Public(PubTy::NumVec),
                })
            }
            "pmin" | "pmax" => {
                let (mut private, mut decimals) = (false, 0);
                for v in &b.dots {
                    let t = self.expr(v, scope)?;
                    decimals = decimals.max(numeric(v, &t)?);
                    private |= matches!(t, Ty::Private(_));
                }
                Ok(if private {
                    Ty::Private(PrivTy::Num { decimals })
                } else {
                    Ty::Public(PubTy::NumVec)
                })
            }
            "print" => {
                first()?;
                public(PubTy::Str)
            }
            "length" | "nrow" | "ncol" => {
                let (x, xt) = first()?;
                if name != "length"
                    && matches!(xt, Ty::Private(ref p) if !matches!(p, PrivTy::Table { .. }))
                {
                    return Err(mismatch(x, &xt, "a table"));
                }
                public(PubTy::Int)
            }
            "factor" | "as.factor" | "droplevels" | "as.numeric" | "as.integer"
            | "as.character" => {
                let (x, xt) = first()?;
                let slot = |i: usize| b.slots.get(i).copied().flatten();
                self.factor_ty(name, x, xt, slot(1), slot(2), scope)
            }
            "levels" => match first()? {
                (_, Ty::Private(PrivTy::Cat { .. }) | Ty::Public(_)) => public(PubTy::StrVec),
                (x, t) => Err(mismatch(x, &t, "a factor")),
            },
            "relevel" => {
                let (x, xt) = first()?;
                let Ty::Private(PrivTy::Cat { levels }) = xt else {
                    return Err(mismatch(x, &xt, "a private factor"));
                };
                let r = b.slots[1].expect("required");
                let crate::ast::ExprKind::Str(name) = &r.kind else {
                    return Err(unsupported(r, "relevel() takes ref as a string"));
                };
                let Some(i) = levels.iter().position(|l| l == name) else {
                    return Err(unsupported(
                        r,
                        format!(
                            "'ref' must be an existing level: one of {}",
                            levels.join(", ")
                        ),
                    ));
                };
                let mut levels = levels.clone();
                let l = levels.remove(i);
                levels.insert(0, l);
                Ok(Ty::Private(PrivTy::Cat { levels }))
            }
            "names" => match first()? {
                (_, Ty::Private(PrivTy::Table { .. }) | Ty::Public(_)) => public(PubTy::StrVec),
                (x, t) => Err(mismatch(x, &t, "a table")),
            },
            "summary" | "freq" => {
                first()?;
                public(PubTy::Table)
            }
            "table" => {
                if b.dots.len() > 2 {
                    return Err(arg_error(name, "takes one or two vectors".to_owned(), e));
                }
                for v in &b.dots {
                    let t = self.expr(v, scope)?;
                    if matches!(elem(&t), Elem::Other) {
                        return Err(mismatch(v, &t, "a vector"));
                    }
                }
                public(PubTy::Table)
            }
            "mean" | "var" | "sd" | "median" => {
                let (x, xt) = first()?;
                if !(name == "median" && elem(&xt) == Elem::Date) {
                    numeric(x, &xt)?;
                }
                public(PubTy::Num)
            }
            "sum" | "min" | "max" | "range" => {
                for v in &b.dots {
                    let t = self.expr(v, scope)?;
                    if !(name != "sum" && elem(&t) == Elem::Date) {
                        numeric(v, &t)?;
                    }
                }
                public(if name == "range" {
                    PubTy::NumVec
                } else {
                    PubTy::Num
                })
            }
            "quantile" => {
                let (x, xt) = first()?;
                numeric(x, &xt)?;
                self.public_arg(ty(1)?, "public probabilities")?;
                public(PubTy::NumVec)
            }
            "ifelse" => self.ifelse(e, &b, scope),
            "cut" => self.cut(&b, scope),
            "Surv" => Err(unsupported(e, "Surv() is used inside a formula")),
            "help" => match &b.slots[0].expect("required").kind {
                ExprKind::Str(_) | ExprKind::Ident(_) => public(PubTy::Str),
                _ => Err(unsupported(e, "help() takes a function name")),
            },
            "hist" => {
                for v in b.slots.iter().skip(1).flatten() {
                    let t = self.expr(v, scope)?;
                    if matches!(t, Ty::Private(_)) {
                        return Err(mismatch(v, &t, "a public value"));
                    }
                }
                let x = b.slots[0].expect("required");
                self.expr(x, scope)?;
                public(PubTy::Any)
            }
            "plot" | "barplot" => {
                for (i, v) in b.slots.iter().enumerate() {
                    if let Some(v) = v {
                        let t = self.expr(v, scope)?;
                        if matches!(t, Ty::Private(_)) {
                            let want = if i == 0 {
                                "a public result (a survfit or a table)"
                            } else {
                                "a public value"
                            };
                            return Err(mismatch(v, &t, want));
                        }
                    }
                }
                public(PubTy::Any)
            }
            _ => {
                // Statistical functions: arguments are checked, the result is
                // public and not typed further yet. A model's `subset =` is a condition
                // among the columns of its `data =`, as R's `model.frame` evaluates it.
                let slot = |n: &str| sig_params.iter().position(|p| *p == n);
                let subset = slot("subset").and_then(|i| b.slots[i]);
                for v in b.slots.iter().flatten() {
                    if subset.is_some_and(|s| std::ptr::eq(s, *v)) {
                        continue;
                    }
                    self.expr(v, scope)?;
                }
                if let Some(cond) = subset {
                    let data = slot("data").and_then(|i| b.slots[i]);
                    match data.map(|d| self.expr(d, scope)).transpose()? {
                        Some(Ty::Private(PrivTy::Table { columns })) => {
                            let ct = self.expr(cond, &columns)?;
                            logical(cond, &ct)?;
                        }
                        _ => {
                            return Err(unsupported(
                                cond,
                                "subset = is a condition on the columns of data = a private table",
                            ));
                        }
                    }
                }
                public(PubTy::Any)
            }
        }
    }

    /// A public argument, if given.
    fn public_arg(&self, arg: Option<(&Expr, Ty)>, expected: &str) -> Result<(), TypeError> {
        match arg {
            Some((v, t @ Ty::Private(_))) => Err(mismatch(v, &t, expected)),
            _ => Ok(()),
        }
    }

    /// `load("name")` or `load(study, "name")`.
    fn load(&self, e: &Expr, b: &Bound<'_>) -> Result<Ty, TypeError> {
        // `name = NULL` is R's default: one argument names the dataset.
        let named = b.slots[1].filter(|n| !matches!(n.kind, ExprKind::Null));
        if let (Some(study), Some(_)) = (b.slots[0], named) {
            let ExprKind::Str(named) = &study.kind else {
                return Err(unsupported(study, "load() takes the study as a string"));
            };
            if let Err(message) = self.env.check_load_study(named) {
                return Err(TypeError::new(
                    study,
                    TypeErrorKind::OtherStudy {
                        study: named.clone(),
                        message,
                    },
                ));
            }
        }
        let Some(arg) = named.or(b.slots[0]) else {
            return Err(unsupported(e, "load(name) needs the dataset's name"));
        };
        let ExprKind::Str(name) = &arg.kind else {
            return Err(unsupported(
                arg,
                "load() takes the dataset name as a string",
            ));
        };
        match self.env.datasets.get(name) {
            Some(dict) => Ok(Ty::Private(PrivTy::from_dictionary(dict))),
            None => Err(TypeError::new(
                if named.is_some() { arg } else { e },
                TypeErrorKind::UnknownDataset {
                    name: name.clone(),
                    available: self.env.datasets.keys().cloned().collect(),
                },
            )),
        }
    }

    /// `c(...)`: private vectors of one kind (with public numbers among private
    /// numerics), or public values.
    fn combine(&self, e: &Expr, items: &[&Expr], scope: Scope<'_>) -> Result<Ty, TypeError> {
        let mut typed = Vec::with_capacity(items.len());
        for v in items {
            typed.push((*v, self.expr(v, scope)?));
        }
        self.join(e, &typed)
    }

    /// The common type of `typed` (for `c` and `ifelse`); `e` is the whole call.
    fn join(&self, e: &Expr, typed: &[(&Expr, Ty)]) -> Result<Ty, TypeError> {
        let incompatible = |a: &Ty, b: &Ty| {
            TypeError::new(
                e,
                TypeErrorKind::Incompatible {
                    expr: e.to_string(),
                    message: format!("cannot combine a {} with a {}", describe(a), describe(b)),
                },
            )
        };
        let Some(private) = typed.iter().find_map(|(_, t)| match t {
            Ty::Private(p) => Some(p),
            Ty::Public(_) => None,
        }) else {
            let kinds: Vec<Elem> = typed.iter().map(|(_, t)| elem(t)).collect();
            return Ok(Ty::Public(if kinds.is_empty() {
                PubTy::Null
            } else if kinds.contains(&Elem::Str) {
                PubTy::StrVec
            } else if kinds.iter().all(|k| *k == Elem::Bool) {
                PubTy::BoolVec
            } else {
                PubTy::NumVec
            }));
        };
        let mut acc = Ty::Private(private.clone());
        for (v, t) in typed {
            acc = match (&acc, t) {
                (_, Ty::Private(PrivTy::Table { .. })) => {
                    return Err(mismatch(v, t, "a vector (use rbind() for tables)"));
                }
                (
                    Ty::Private(PrivTy::Num { decimals: a }),
                    Ty::Private(PrivTy::Num { decimals: b }),
                ) => Ty::Private(PrivTy::Num {
                    decimals: *a.max(b),
                }),
                (Ty::Private(PrivTy::Num { .. }), Ty::Public(_))
                    if matches!(elem(t), Elem::Num | Elem::Any) =>
                {
                    acc
                }
                (
                    Ty::Private(PrivTy::Cat { levels: a }),
                    Ty::Private(PrivTy::Cat { levels: b }),
                ) if a == b => acc,
                (Ty::Private(PrivTy::Bool), Ty::Private(PrivTy::Bool))
                | (Ty::Private(PrivTy::Date), Ty::Private(PrivTy::Date)) => acc,
                (Ty::Private(PrivTy::Bool), Ty::Public(_))
                    if matches!(elem(t), Elem::Bool | Elem::Any) =>
                {
                    acc
                }
                _ => return Err(incompatible(&acc, t)),
            };
        }
        Ok(acc)
    }

    /// `rbind(...)`: private tables with the same columns.
    fn rbind(&self, e: &Expr, items: &[&Expr], scope: Scope<'_>) -> Result<Ty, TypeError> {
        let mut acc: Option<Ty> = None;
        for v in items {
            let t = self.expr(v, scope)?;
            match (&acc, &t) {
                (_, Ty::Private(PrivTy::Table { .. }) | Ty::Public(PubTy::Table)) => {}
                _ => return Err(mismatch(v, &t, "a table")),
            }
            if let Some(a) = &acc
                && *a != t
            {
                let message = match (a, &t) {
                    (
                        Ty::Private(PrivTy::Table { columns: x }),
                        Ty::Private(PrivTy::Table { columns: y }),
                    ) => {
                        let diff = x
                            .iter()
                            .zip(y)
                            .find(|(p, q)| p != q)
                            .map(|(p, _)| p.0.clone());
                        match diff {
                            Some(c) => {
                                format!("`{v}` differs from the first table in column `{c}`")
                            }
                            None => format!(
                                "`{v}` has {} columns, the first table {}",
                                y.len(),
                                x.len()
                            ),
                        }
                    }
                    _ => format!("cannot bind a {} to a {}", describe(&t), describe(a)),
                };
                return Err(TypeError::new(
                    e,
                    TypeErrorKind::Incompatible {
                        expr: e.to_string(),
                        message,
                    },
                ));
            }
            acc = Some(t);
        }
        Ok(acc.expect("rbind has at least one argument"))
    }

    /// `ifelse(test, yes, no)`: public strings as `yes`/`no` of a private test make
    /// a private categorical with those levels.
    fn ifelse(&self, e: &Expr, b: &Bound<'_>, scope: Scope<'_>) -> Result<Ty, TypeError> {
        let [test, yes, no] = [0, 1, 2].map(|i| b.slots[i].expect("required"));
        let tt = self.expr(test, scope)?;
        logical(test, &tt)?;
        let (yt, nt) = (self.expr(yes, scope)?, self.expr(no, scope)?);
        if let (ExprKind::Str(y), ExprKind::Str(n), Ty::Private(_)) = (&yes.kind, &no.kind, &tt) {
            let mut levels = vec![y.clone()];
            if n != y {
                levels.push(n.clone());
            }
            return Ok(Ty::Private(PrivTy::Cat { levels }));
        }
        let joined = self.join(e, &[(yes, yt), (no, nt)])?;
        Ok(match (tt, joined) {
            (Ty::Private(_), Ty::Public(p)) => match p {
                PubTy::Bool | PubTy::BoolVec => Ty::Private(PrivTy::Bool),
                PubTy::Num | PubTy::Int | PubTy::NumVec | PubTy::Any => {
                    Ty::Private(PrivTy::Num { decimals: 0 })
                }
                _ => {
                    return Err(unsupported(
                        e,
                        "ifelse() of a private test gives numbers, logical values or two strings",
                    ));
                }
            },
            (_, j) => j,
        })
    }

    /// `cut(x, breaks = c(...), labels = ...)`: a private categorical whose levels
    /// are the labels, or `(a,b]` from literal breaks.
    fn cut(&self, b: &Bound<'_>, scope: Scope<'_>) -> Result<Ty, TypeError> {
        let [x, breaks] = [0, 1].map(|i| b.slots[i].expect("required"));
        let xt = self.expr(x, scope)?;
        numeric(x, &xt)?;
        let bt = self.expr(breaks, scope)?;
        if matches!(bt, Ty::Private(_)) {
            return Err(mismatch(breaks, &bt, "public breaks"));
        }
        numeric(breaks, &bt)?;
        let literals = |e: &Expr, f: &mut dyn FnMut(&ExprKind)| e.walk(&mut |s| f(&s.kind));
        let mut levels = Vec::new();
        if let Some(labels) = b.slots[2] {
            literals(labels, &mut |k| {
                if let ExprKind::Str(s) = k {
                    levels.push(s.clone());
                }
            });
        } else {
            let mut points = Vec::new();
            literals(breaks, &mut |k| match k {
                ExprKind::Num(v) => points.push(crate::display::fmt_num(*v)),
                ExprKind::Int(v) => points.push(v.to_string()),
                _ => {}
            });
            levels = points
                .windows(2)
                .map(|w| format!("({},{}]", w[0], w[1]))
                .collect();
        }
        Ok(match xt {
            Ty::Private(_) => Ty::Private(PrivTy::Cat { levels }),
            _ => Ty::Public(PubTy::StrVec),
        })
    }
}
