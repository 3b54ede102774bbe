//! Typing of expressions other than calls: literals, names (with the column scope
//! of `subset`), `$` and `[[ ]]`, `[ ]`, and the operators.

use super::error::close_names;
use super::{Checker, PrivTy, PubTy, Ty, TypeError, TypeErrorKind, describe};
use crate::ast::{Arg, BinOp, Expr, ExprKind, UnOp};

/// Columns whose names are in scope (inside `subset(table, cond)`).
pub(crate) type Scope<'a> = &'a [(String, PrivTy)];

/// The kind of the elements of a value, public or private.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Elem {
    /// Numbers (public numbers, private numerics).
    Num,
    /// Logical values.
    Bool,
    /// Strings (public only).
    Str,
    /// Categories (private only).
    Cat,
    /// Dates (private only).
    Date,
    /// Untyped public value: fits anything.
    Any,
    /// Not a vector: a table, a formula, `NULL`.
    Other,
}

pub(crate) fn elem(ty: &Ty) -> Elem {
    match ty {
        Ty::Private(PrivTy::Num { .. }) => Elem::Num,
        Ty::Private(PrivTy::Cat { .. }) => Elem::Cat,
        Ty::Private(PrivTy::Bool) => Elem::Bool,
        Ty::Private(PrivTy::Date) => Elem::Date,
        Ty::Private(PrivTy::Table { .. }) => Elem::Other,
        Ty::Public(PubTy::Num | PubTy::Int | PubTy::NumVec) => Elem::Num,
        Ty::Public(PubTy::Bool | PubTy::BoolVec) => Elem::Bool,
        Ty::Public(PubTy::Str | PubTy::StrVec) => Elem::Str,
        Ty::Public(PubTy::Any) => Elem::Any,
        Ty::Public(PubTy::Null | PubTy::Table | PubTy::Formula) => Elem::Other,
    }
}

/// Whether the type is a public scalar.
fn scalar(ty: &Ty) -> bool {
    matches!(
        ty,
        Ty::Public(PubTy::Num | PubTy::Int | PubTy::Str | PubTy::Bool)
    )
}

/// A [`TypeErrorKind::Mismatch`] at `e`.
pub(crate) fn mismatch(e: &Expr, ty: &Ty, expected: &str) -> TypeError {
    TypeError::new(
        e,
        TypeErrorKind::Mismatch {
            expr: e.to_string(),
            found: describe(ty),
            expected: expected.to_owned(),
        },
    )
}

/// A [`TypeErrorKind::Unsupported`] at `e`.
pub(crate) fn unsupported(e: &Expr, message: impl Into<String>) -> TypeError {
    TypeError::new(
        e,
        TypeErrorKind::Unsupported {
            expr: e.to_string(),
            message: message.into(),
        },
    )
}

/// The decimals of a numeric (or logical, counted as 0/1) type, or a mismatch.
pub(crate) fn numeric(e: &Expr, ty: &Ty) -> Result<u32, TypeError> {
    match (ty, elem(ty)) {
        (Ty::Private(PrivTy::Num { decimals }), _) => Ok(*decimals),
        (_, Elem::Num | Elem::Bool | Elem::Any) => Ok(0),
        _ => Err(mismatch(e, ty, "a numeric vector")),
    }
}

/// Checks that `ty` is logical (a condition), private or public.
pub(crate) fn logical(e: &Expr, ty: &Ty) -> Result<(), TypeError> {
    match elem(ty) {
        Elem::Bool | Elem::Any => Ok(()),
        _ => Err(mismatch(e, ty, "a logical condition")),
    }
}

impl Checker {
    /// The type of `e` at the top level (no column scope). Unlike
    /// [`Checker::check_program`] it accepts private results: it answers "what is
    /// this", not "may it be shown".
    pub fn type_of(&self, e: &Expr) -> Result<Ty, TypeError> {
        self.expr(e, &[])
    }

    pub(crate) fn expr(&self, e: &Expr, scope: Scope<'_>) -> Result<Ty, TypeError> {
        match &e.kind {
            ExprKind::Num(_) => Ok(Ty::Public(PubTy::Num)),
            ExprKind::Int(_) => Ok(Ty::Public(PubTy::Int)),
            ExprKind::Str(_) => Ok(Ty::Public(PubTy::Str)),
            ExprKind::Bool(_) => Ok(Ty::Public(PubTy::Bool)),
            ExprKind::Na => Ok(Ty::Public(PubTy::Any)),
            ExprKind::Null => Ok(Ty::Public(PubTy::Null)),
            ExprKind::Ident(name) => self.ident(e, name, scope),
            ExprKind::Call { func, args } => self.call(e, func, args, scope),
            ExprKind::Dollar { target, field } => {
                let ty = self.expr(target, scope)?;
                column(e, target, &ty, field)
            }
            ExprKind::Index2 { target, index } => {
                let ty = self.expr(target, scope)?;
                match &index.kind {
                    ExprKind::Str(field) => column(e, target, &ty, field),
                    _ if matches!(ty, Ty::Private(_)) => Err(unsupported(
                        index,
                        "[[ ]] of a private table takes a column name as a string",
                    )),
                    _ => {
                        self.expr(index, scope)?;
                        Ok(Ty::Public(PubTy::Any))
                    }
                }
            }
            ExprKind::Index { target, args } => self.index(e, target, args, scope),
            ExprKind::Unary { op, expr } => match op {
                UnOp::Formula => Ok(Ty::Public(PubTy::Formula)),
                UnOp::Not => {
                    let ty = self.expr(expr, scope)?;
                    logical(expr, &ty)?;
                    Ok(match ty {
                        Ty::Private(_) => Ty::Private(PrivTy::Bool),
                        t => t,
                    })
                }
                UnOp::Neg | UnOp::Pos => {
                    let ty = self.expr(expr, scope)?;
                    let decimals = numeric(expr, &ty)?;
                    Ok(match ty {
                        Ty::Private(_) => Ty::Private(PrivTy::Num { decimals }),
                        Ty::Public(PubTy::Bool) => Ty::Public(PubTy::Int),
                        Ty::Public(PubTy::BoolVec) => Ty::Public(PubTy::NumVec),
                        t => t,
                    })
                }
            },
            ExprKind::Binary { op, lhs, rhs } => self.binary(e, *op, lhs, rhs, scope),
        }
    }

    fn ident(&self, e: &Expr, name: &str, scope: Scope<'_>) -> Result<Ty, TypeError> {
        if let Some((_, ty)) = scope.iter().find(|(c, _)| c == name) {
            return Ok(Ty::Private(ty.clone()));
        }
        if let Some(ty) = self.vars.get(name) {
            return Ok(ty.clone());
        }
        match name {
            "T" | "F" => return Ok(Ty::Public(PubTy::Bool)),
            "pi" => return Ok(Ty::Public(PubTy::Num)),
            _ => {}
        }
        let names = scope
            .iter()
            .map(|(c, _)| c.as_str())
            .chain(self.vars.keys().map(String::as_str));
        Err(TypeError::new(
            e,
            TypeErrorKind::UnknownVariable {
                name: name.to_owned(),
                suggestions: close_names(name, names),
            },
        ))
    }

    /// `target[args]`: rows by a condition (or public positions), columns by name.
    fn index(
        &self,
        e: &Expr,
        target: &Expr,
        args: &[Arg],
        scope: Scope<'_>,
    ) -> Result<Ty, TypeError> {
        let ty = self.expr(target, scope)?;
        if let Some(a) = args.iter().find(|a| a.name.is_some()) {
            return Err(unsupported(
                e,
                format!("named index argument `{}`", a.name.as_deref().unwrap_or("")),
            ));
        }
        let mut idx = Vec::with_capacity(args.len());
        for a in args {
            idx.push(match &a.value {
                Some(v) => Some((v, self.expr(v, scope)?)),
                None => None,
            });
        }
        let Ty::Private(p) = &ty else {
            if let Some((v, _)) = idx
                .iter()
                .flatten()
                .find(|(_, t)| matches!(t, Ty::Private(_)))
            {
                return Err(unsupported(v, "a public value indexed by private data"));
            }
            return Ok(match ty {
                Ty::Public(PubTy::Num | PubTy::Int) => Ty::Public(PubTy::NumVec),
                Ty::Public(PubTy::Str) => Ty::Public(PubTy::StrVec),
                Ty::Public(PubTy::Bool) => Ty::Public(PubTy::BoolVec),
                Ty::Public(PubTy::Table) => Ty::Public(PubTy::Any),
                t => t,
            });
        };
        let rows = |slot: &Option<(&Expr, Ty)>| -> Result<(), TypeError> {
            match slot {
                None => Ok(()),
                Some((v, t)) => match (t, elem(t)) {
                    (_, Elem::Bool | Elem::Any) | (Ty::Public(_), Elem::Num) => Ok(()),
                    _ => Err(mismatch(v, t, "a logical condition or public positions")),
                },
            }
        };
        match (p, idx.as_slice()) {
            (PrivTy::Table { .. }, [r, None]) => {
                rows(r)?;
                Ok(ty.clone())
            }
            (PrivTy::Table { .. }, [r, Some((v, _))]) => {
                rows(r)?;
                match &v.kind {
                    ExprKind::Str(name) => column(e, target, &ty, name),
                    _ => Err(unsupported(
                        v,
                        "columns of a private table are chosen by name",
                    )),
                }
            }
            (PrivTy::Table { .. }, [Some((v, _))]) => match &v.kind {
                ExprKind::Str(name) => {
                    let Ty::Private(col) = column(e, target, &ty, name)? else {
                        unreachable!("a column of a private table is private")
                    };
                    Ok(Ty::Private(PrivTy::Table {
                        columns: vec![(name.clone(), col)],
                    }))
                }
                _ => Err(unsupported(v, "use t[rows, ] or subset() to choose rows")),
            },
            (PrivTy::Table { .. }, _) => Err(unsupported(e, "a table takes [rows, columns]")),
            (_, [r @ Some(_)]) => {
                rows(r)?;
                Ok(ty.clone())
            }
            _ => Err(unsupported(e, "a private vector takes one index")),
        }
    }

    fn binary(
        &self,
        e: &Expr,
        op: BinOp,
        lhs: &Expr,
        rhs: &Expr,
        scope: Scope<'_>,
    ) -> Result<Ty, TypeError> {
        if op == BinOp::Formula {
            return Ok(Ty::Public(PubTy::Formula));
        }
        let lt = self.expr(lhs, scope)?;
        let rt = self.expr(rhs, scope)?;
        let private = matches!(lt, Ty::Private(_)) || matches!(rt, Ty::Private(_));
        let both_scalar = scalar(&lt) && scalar(&rt);
        let public_bool = if both_scalar {
            PubTy::Bool
        } else {
            PubTy::BoolVec
        };
        match op {
            BinOp::Formula => unreachable!("handled above"),
            BinOp::And | BinOp::AndAnd | BinOp::Or | BinOp::OrOr => {
                logical(lhs, &lt)?;
                logical(rhs, &rt)?;
                Ok(bool_ty(private, public_bool))
            }
            BinOp::Range => {
                if private {
                    return Err(unsupported(e, "a sequence of private bounds"));
                }
                numeric(lhs, &lt)?;
                numeric(rhs, &rt)?;
                Ok(Ty::Public(PubTy::NumVec))
            }
            BinOp::Add
            | BinOp::Sub
            | BinOp::Mul
            | BinOp::Div
            | BinOp::Pow
            | BinOp::Mod
            | BinOp::IntDiv => {
                let (a, b) = (numeric(lhs, &lt)?, numeric(rhs, &rt)?);
                if !private {
                    let num = if both_scalar {
                        PubTy::Num
                    } else {
                        PubTy::NumVec
                    };
                    return Ok(Ty::Public(num));
                }
                let decimals = match op {
                    BinOp::Mul => a + b,
                    BinOp::Div | BinOp::Pow => a.max(b).max(DIV_DECIMALS),
                    BinOp::IntDiv => 0,
                    _ => a.max(b),
                };
                Ok(Ty::Private(PrivTy::Num { decimals }))
            }
            BinOp::In => {
                if matches!(rt, Ty::Private(_)) {
                    return Err(unsupported(rhs, "%in% takes public values on the right"));
                }
                self.comparable(e, lhs, &lt, rhs, &rt)?;
                Ok(bool_ty(private, PubTy::BoolVec))
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne => {
                let ordered = !matches!(op, BinOp::Eq | BinOp::Ne);
                if ordered && (elem(&lt) == Elem::Cat || elem(&rt) == Elem::Cat) {
                    return Err(unsupported(
                        e,
                        format!(
                            "categories are compared with == or %in%, not {}",
                            op.symbol()
                        ),
                    ));
                }
                self.comparable(e, lhs, &lt, rhs, &rt)?;
                Ok(bool_ty(private, public_bool))
            }
        }
    }

    /// Checks that the two sides of a comparison or `%in%` go together; strings
    /// compared with a categorical must be among its levels.
    fn comparable(
        &self,
        e: &Expr,
        lhs: &Expr,
        lt: &Ty,
        rhs: &Expr,
        rt: &Ty,
    ) -> Result<(), TypeError> {
        let ok = match (elem(lt), elem(rt)) {
            (Elem::Any, _) | (_, Elem::Any) => true,
            (Elem::Num | Elem::Bool, Elem::Num | Elem::Bool) => true,
            (Elem::Cat, Elem::Cat) | (Elem::Str, Elem::Str) | (Elem::Date, Elem::Date) => true,
            (Elem::Date, Elem::Str) | (Elem::Str, Elem::Date) => true,
            (Elem::Cat, Elem::Str) => return check_levels(lhs, lt, rhs),
            // As in R, a factor compared with a number compares the number's text with the
            // labels (`ecog_status == 0`).
            (Elem::Cat, Elem::Num) => return check_levels(lhs, lt, rhs),
            (Elem::Num, Elem::Cat) => return check_levels(rhs, rt, lhs),
            (Elem::Str, Elem::Cat) => return check_levels(rhs, rt, lhs),
            _ => false,
        };
        if ok {
            return Ok(());
        }
        let hint = if elem(lt) == Elem::Cat || elem(rt) == Elem::Cat {
            " (write a level as a string)"
        } else {
            ""
        };
        Err(TypeError::new(
            e,
            TypeErrorKind::Incompatible {
                expr: e.to_string(),
                message: format!(
                    "cannot compare a {} with a {}{hint}",
                    describe(lt),
                    describe(rt)
                ),
            },
        ))
    }
}

/// Decimal places kept by a private division or power (fixed point).
const DIV_DECIMALS: u32 = 6;

fn bool_ty(private: bool, public: PubTy) -> Ty {
    if private {
        Ty::Private(PrivTy::Bool)
    } else {
        Ty::Public(public)
    }
}

/// The column `field` of the table `target` (of type `ty`); `e` is `target$field`.
fn column(e: &Expr, target: &Expr, ty: &Ty, field: &str) -> Result<Ty, TypeError> {
    match ty {
        Ty::Private(PrivTy::Table { columns }) => columns
            .iter()
            .find(|(c, _)| c == field)
            .map(|(_, t)| Ty::Private(t.clone()))
            .ok_or_else(|| {
                TypeError::new(
                    e,
                    TypeErrorKind::UnknownColumn {
                        table: target.to_string(),
                        column: field.to_owned(),
                        suggestions: close_names(field, columns.iter().map(|(c, _)| c.as_str())),
                    },
                )
            }),
        Ty::Public(PubTy::Table | PubTy::Any) => Ok(Ty::Public(PubTy::Any)),
        _ => Err(mismatch(target, ty, "a table")),
    }
}

/// Checks every string literal in `strings` (a string or `c()` of strings) against
/// the levels of the categorical `cat` (of type `cat_ty`). Other public
/// expressions (variables) are not known here and pass.
fn check_levels(cat: &Expr, cat_ty: &Ty, strings: &Expr) -> Result<(), TypeError> {
    let Ty::Private(PrivTy::Cat { levels }) = cat_ty else {
        return Ok(());
    };
    if levels.is_empty() {
        return Ok(());
    }
    let mut result = Ok(());
    strings.walk(&mut |s| {
        let level = match &s.kind {
            ExprKind::Str(level) => level.clone(),
            ExprKind::Num(v) => crate::display::fmt_num(*v),
            ExprKind::Int(v) => v.to_string(),
            _ => return,
        };
        if result.is_ok() && !levels.contains(&level) {
            result = Err(TypeError::new(
                s,
                TypeErrorKind::UnknownLevel {
                    expr: cat.to_string(),
                    level,
                    levels: levels.clone(),
                },
            ));
        }
    });
    result
}
