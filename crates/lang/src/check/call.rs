//! Calls: a call's type is its registry entry's type rule (`builtins/<name>.rs`, on the
//! arguments the registry's matcher bound), or the statistical functions' rule (every
//! argument checked, a public result, a model's `subset =` among its data's columns); and
//! the helpers the rules share (`first`, `ty_of`, `required`, `public`).

use super::error::close_names;
use super::expr::{Elem, Scope, elem, logical, mismatch, unsupported};
use super::{Checker, PrivTy, PubTy, Ty, TypeError, TypeErrorKind, describe};
use crate::ast::{Arg, Expr};
use crate::builtins::args::Args;

/// The first parameter's argument and its type (the checker has matched it: a required one).
pub(crate) fn first<'x>(
    c: &Checker,
    e: &Expr,
    a: &Args<'x>,
    scope: Scope<'_>,
) -> Result<(&'x Expr, Ty), TypeError> {
    let x = a.nth(0).ok_or_else(|| missing(e))?;
    Ok((x, c.expr(x, scope)?))
}

/// An optional argument and its type.
pub(crate) fn ty_of<'x>(
    c: &Checker,
    arg: Option<&'x Expr>,
    scope: Scope<'_>,
) -> Result<Option<(&'x Expr, Ty)>, TypeError> {
    arg.map(|v| Ok((v, c.expr(v, scope)?))).transpose()
}

/// The arguments of required parameters `idx` (positions among those other than `...`).
pub(crate) fn required<'x, const N: usize>(
    a: &Args<'x>,
    e: &'x Expr,
    idx: [usize; N],
) -> Result<[&'x Expr; N], TypeError> {
    let mut out = [e; N];
    for (o, i) in out.iter_mut().zip(idx) {
        *o = a.nth(i).ok_or_else(|| missing(e))?;
    }
    Ok(out)
}

/// A public result of type `t`.
pub(crate) fn public(t: PubTy) -> Result<Ty, TypeError> {
    Ok(Ty::Public(t))
}

/// A required argument that is missing (the matcher refuses that first).
pub(crate) fn missing(e: &Expr) -> TypeError {
    unsupported(e, "a required argument is missing")
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
        // The matched arguments (`builtins/args.rs`), read by name.
        let a = Args::for_checker(builtin, args, m);
        // na.rm (and similar flags) must be public logical values.
        if builtin.params.iter().any(|p| p.name == "na.rm")
            && let Some(v) = a.get("na.rm")
        {
            let t = self.expr(v, scope)?;
            if !matches!(t, Ty::Public(PubTy::Bool | PubTy::Any)) {
                return Err(mismatch(v, &t, "TRUE or FALSE"));
            }
        }
        match builtin.check {
            Some(rule) => rule(self, e, &a, scope),
            None => self.statistical(&a, scope),
        }
    }

    /// The type rule of the statistical functions (tests, models, plots' data): every
    /// argument is checked, the result is public (not typed further). A model's `subset =` is
    /// a condition among the columns of its `data =`, as R's `model.frame` evaluates it.
    fn statistical(&self, a: &Args<'_>, scope: Scope<'_>) -> Result<Ty, TypeError> {
        self.statistical_except(a, scope, &[])
    }

    /// [`Checker::statistical`] without the arguments `skip` (which the function's own rule
    /// reads, such as `glm`'s `family = binomial`, a name that is not a variable).
    pub(crate) fn statistical_except(
        &self,
        a: &Args<'_>,
        scope: Scope<'_>,
        skip: &[&str],
    ) -> Result<Ty, TypeError> {
        let named = |n: &str| {
            a.params()
                .iter()
                .any(|p| p.name == n)
                .then(|| a.get(n))
                .flatten()
        };
        let subset = named("subset");
        let skipped: Vec<&Expr> = skip.iter().filter_map(|n| named(n)).collect();
        for v in a.slots().into_iter().flatten().chain(a.dots()) {
            if subset.is_some_and(|s| std::ptr::eq(s, v))
                || skipped.iter().any(|s| std::ptr::eq(*s, v))
            {
                continue;
            }
            self.expr(v, scope)?;
        }
        if let Some(cond) = subset {
            match named("data").map(|d| self.expr(d, scope)).transpose()? {
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
        Ok(Ty::Public(PubTy::Any))
    }

    /// A public argument, if given.
    pub(crate) fn public_arg(
        &self,
        arg: Option<(&Expr, Ty)>,
        expected: &str,
    ) -> Result<(), TypeError> {
        match arg {
            Some((v, t @ Ty::Private(_))) => Err(mismatch(v, &t, expected)),
            _ => Ok(()),
        }
    }

    /// The common type of `typed` (for `c` and `ifelse`); `e` is the whole call.
    pub(crate) fn join(&self, e: &Expr, typed: &[(&Expr, Ty)]) -> Result<Ty, TypeError> {
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
}
