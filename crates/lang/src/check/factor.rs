//! Types of the factor functions (issue 14; evaluated in `eval/factor.rs`): `factor`,
//! `as.factor`, `droplevels`, `as.numeric`/`as.integer`, `as.character`. A factor's levels
//! must be known here, so `levels =` and `labels =` are written out (`c("a", "b")`,
//! `c(0, 1, 2)`).
use super::expr::{Scope, mismatch, unsupported};
use super::{Checker, PrivTy, PubTy, Ty, TypeError};
use crate::ast::{Expr, ExprKind};
use crate::display::fmt_num;

/// The strings or numbers written in `e` (`c("a", "b")`, `c(0, 1)`, `"a"`), as level names.
fn literal_levels(e: &Expr) -> Result<Vec<String>, TypeError> {
    let mut out = Vec::new();
    let mut other = false;
    e.walk(&mut |s| match &s.kind {
        ExprKind::Str(v) => out.push(v.clone()),
        ExprKind::Num(v) => out.push(fmt_num(*v)),
        ExprKind::Int(v) => out.push(v.to_string()),
        ExprKind::Call { func, .. } if func.as_ident() == Some("c") => {}
        ExprKind::Ident(n) if n == "c" => {}
        ExprKind::Unary { .. } => {}
        _ => other = true,
    });
    if other || out.is_empty() {
        return Err(unsupported(
            e,
            "write the levels out, e.g. c(\"a\", \"b\") or c(0, 1, 2)",
        ));
    }
    Ok(out)
}

impl Checker {
    /// The type of `name(x, levels, labels)` for the factor functions; `x` typed `xt`.
    pub(crate) fn factor_ty(
        &self,
        name: &str,
        x: &Expr,
        xt: Ty,
        levels: Option<&Expr>,
        labels: Option<&Expr>,
        _scope: Scope<'_>,
    ) -> Result<Ty, TypeError> {
        match name {
            "droplevels" => match xt {
                Ty::Private(PrivTy::Cat { .. }) => Ok(xt),
                t => Err(mismatch(x, &t, "a private factor")),
            },
            "as.numeric" | "as.integer" => Ok(match xt {
                Ty::Private(PrivTy::Num { decimals }) => Ty::Private(PrivTy::Num { decimals }),
                Ty::Private(PrivTy::Cat { .. } | PrivTy::Bool) => {
                    Ty::Private(PrivTy::Num { decimals: 0 })
                }
                Ty::Public(PubTy::Num | PubTy::Int | PubTy::NumVec | PubTy::Any) => {
                    Ty::Public(PubTy::NumVec)
                }
                t => return Err(mismatch(x, &t, "numbers, logical values or a factor")),
            }),
            "as.character" => match xt {
                Ty::Private(PrivTy::Cat { .. }) => Ok(xt),
                Ty::Public(_) => Ok(Ty::Public(PubTy::StrVec)),
                t => Err(mismatch(
                    x,
                    &t,
                    "a factor (make one from private numbers with factor(x, levels = c(...)))",
                )),
            },
            _ => {
                let mut lv = match (levels, &xt) {
                    (Some(l), _) => literal_levels(l)?,
                    (None, Ty::Private(PrivTy::Cat { levels })) => levels.clone(),
                    (None, Ty::Private(PrivTy::Bool)) => vec!["FALSE".into(), "TRUE".into()],
                    (None, Ty::Private(PrivTy::Num { .. })) => {
                        return Err(unsupported(
                            x,
                            format!(
                                "factor() of private numbers needs levels = c(...): R's default, \
                                 the distinct values, would come from the patients' data (e.g. \
                                 factor({x}, levels = c(0, 1, 2)))"
                            ),
                        ));
                    }
                    (_, t) => return Err(mismatch(x, t, "a private column")),
                };
                if let Some(l) = labels {
                    let names = literal_levels(l)?;
                    if names.len() != lv.len() {
                        return Err(unsupported(
                            l,
                            format!("labels must name each of the {} levels once", lv.len()),
                        ));
                    }
                    lv = names;
                }
                Ok(Ty::Private(PrivTy::Cat { levels: lv }))
            }
        }
    }
}
