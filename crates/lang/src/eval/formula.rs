//! Model formulas as R reads them (issue 14): the right-hand side of `y ~ ...` expanded into
//! terms as R's `terms()` does, and each term's columns with R's coefficient names.
//!
//! - `a + b`: two terms; `a:b`: their interaction (the products of their columns); `a * b`:
//!   `a + b + a:b`, distributing over sums (`(a + b) * c`); repeated terms count once.
//! - `I(expr)`: `expr` evaluated as arithmetic (`I(age^2)`); any other expression of
//!   variables (`log(bili)`) is one variable, named as written.
//! - `- 1` or `+ 0`: no intercept; `+ 1`: the intercept (the default).
//! - `strata(g)` and `offset(x)` are set aside for the model that takes them.
//! - Terms are ordered as R orders them: by degree (main effects first), then as written.
//!
//! Columns: a numeric or logical variable is one column (a logical as 0/1, named `xTRUE` as
//! R names it); a categorical one is the indicators of every level but the first (named
//! variable and level: `sexf`), made with the language's own `==` so that disclosure control
//! sees them as the rows of each level; an interaction is the product of its factors'
//! columns, named with `:` (`age:sexf`), made with the language's own `*` so that every range
//! and disclosure rule of a product applies.
use super::value::{Kind, PrivTable, PrivVec, Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::{BinOp, Expr, ExprKind};
use sharestat_rstats::predict::ModelSpec;

/// An expanded right-hand side.
pub(crate) struct Formula<'a> {
    /// The terms, each a list of factors (expressions), in R's order.
    pub terms: Vec<Vec<&'a Expr>>,
    /// Whether the model has an intercept.
    pub intercept: bool,
    /// `strata(...)` arguments.
    pub strata: Vec<&'a Expr>,
    /// `offset(...)` arguments.
    pub offsets: Vec<&'a Expr>,
}

impl Formula<'_> {
    /// The sum of the `offset(...)` terms, as one expression (R adds them).
    pub(crate) fn offset(&self) -> Option<Expr> {
        let (first, rest) = self.offsets.split_first()?;
        Some(rest.iter().fold((*first).clone(), |acc, o| Expr {
            span: acc.span,
            kind: ExprKind::Binary {
                op: BinOp::Add,
                lhs: Box::new(acc),
                rhs: Box::new((*o).clone()),
            },
        }))
    }
}

/// The argument of a one-argument call `name(x)`.
fn call_arg<'a>(e: &'a Expr, name: &str) -> Option<&'a Expr> {
    match &e.kind {
        ExprKind::Call { func, args }
            if func.as_ident() == Some(name) && args.len() == 1 && args[0].name.is_none() =>
        {
            args[0].value.as_ref()
        }
        _ => None,
    }
}

fn is_num(e: &Expr, v: f64) -> bool {
    matches!(e.kind, ExprKind::Num(x) if x == v)
        || matches!(e.kind, ExprKind::Int(x) if x as f64 == v)
}

/// Expands `rhs` (see the module doc).
pub(crate) fn expand(rhs: &Expr) -> Result<Formula<'_>> {
    let mut f = Formula {
        terms: Vec::new(),
        intercept: true,
        strata: Vec::new(),
        offsets: Vec::new(),
    };
    let terms = walk(rhs, &mut f)?;
    let mut seen: Vec<Vec<String>> = Vec::new();
    for t in terms {
        let mut key: Vec<String> = t.iter().map(|x| x.to_string()).collect();
        key.sort();
        if !seen.contains(&key) {
            seen.push(key);
            f.terms.push(t);
        }
    }
    f.terms.sort_by_key(Vec::len);
    Ok(f)
}

fn walk<'a>(e: &'a Expr, f: &mut Formula<'a>) -> Result<Vec<Vec<&'a Expr>>> {
    if let Some(g) = call_arg(e, "strata") {
        f.strata.push(g);
        return Ok(Vec::new());
    }
    if let Some(x) = call_arg(e, "offset") {
        f.offsets.push(x);
        return Ok(Vec::new());
    }
    let ExprKind::Binary { op, lhs, rhs } = &e.kind else {
        if is_num(e, 1.0) {
            return Ok(Vec::new());
        }
        if is_num(e, 0.0) {
            f.intercept = false;
            return Ok(Vec::new());
        }
        return Ok(vec![vec![e]]);
    };
    Ok(match op {
        BinOp::Add => {
            let mut v = walk(lhs, f)?;
            v.extend(walk(rhs, f)?);
            v
        }
        BinOp::Sub if is_num(rhs, 1.0) || is_num(rhs, 0.0) => {
            f.intercept = false;
            walk(lhs, f)?
        }
        BinOp::Sub => {
            return Err(EvalError::at(
                e,
                "removing terms with `-` is not available (only `- 1`); write the terms you want",
            ));
        }
        BinOp::Mul | BinOp::Range => {
            let (a, b) = (walk(lhs, f)?, walk(rhs, f)?);
            let mut v = Vec::new();
            if *op == BinOp::Mul {
                v.extend(a.iter().cloned());
                v.extend(b.iter().cloned());
            }
            for ta in &a {
                for tb in &b {
                    let mut t = ta.clone();
                    for x in tb {
                        if !t.iter().any(|y| y.to_string() == x.to_string()) {
                            t.push(x);
                        }
                    }
                    v.push(t);
                }
            }
            v
        }
        _ => vec![vec![e]],
    })
}

impl Evaluator<'_> {
    /// The columns of `term` in `t`: `(name, values)`, in R's order.
    pub(crate) fn term_columns(
        &mut self,
        term: &[&Expr],
        t: &PrivTable,
        all_levels: bool,
        spec: &mut ModelSpec,
    ) -> Result<Vec<(String, PrivVec)>> {
        // Each column's name, values and factors (`spec`'s description of it).
        type Col = (String, Option<PrivVec>, Vec<(String, Option<String>)>);
        let mut cols: Vec<Col> = vec![(String::new(), None, Vec::new())];
        for &factor in term {
            let inner = call_arg(factor, "I").unwrap_or(factor);
            let label = factor.to_string();
            let text = inner.to_string();
            let v = self.in_table(inner, t)?;
            let parts: Vec<(String, PrivVec, Option<String>)> = match &v.kind {
                Kind::Cat { levels } => {
                    if !spec.xlevels.iter().any(|(x, _)| *x == text) {
                        spec.xlevels.push((text.clone(), levels.clone()));
                    }
                    let skip = usize::from(!all_levels);
                    let mut out = Vec::new();
                    for l in levels.iter().skip(skip) {
                        let level = Value::Pub(Public::Str(vec![Some(l.clone())]));
                        match self.binary(factor, BinOp::Eq, Value::Vec(v.clone()), level)? {
                            Value::Vec(d) => out.push((format!("{label}{l}"), d, Some(l.clone()))),
                            _ => return Err(EvalError::at(factor, "expected a private factor")),
                        }
                    }
                    out
                }
                Kind::Bool => vec![(format!("{label}TRUE"), v, Some("TRUE".to_owned()))],
                Kind::Num { .. } => vec![(label, v, None)],
                Kind::Date => return Err(EvalError::at(factor, "a date cannot be a predictor")),
            };
            let mut next = Vec::new();
            for (name, acc, made) in &cols {
                for (pn, pv, level) in &parts {
                    let joined = if name.is_empty() {
                        pn.clone()
                    } else {
                        format!("{name}:{pn}")
                    };
                    let col = match acc {
                        None => pv.clone(),
                        Some(a) => {
                            let (a, b) = (Value::Vec(a.clone()), Value::Vec(pv.clone()));
                            match self.binary(factor, BinOp::Mul, a, b)? {
                                Value::Vec(p) => p,
                                _ => return Err(EvalError::at(factor, "expected a product")),
                            }
                        }
                    };
                    let mut made = made.clone();
                    made.push((text.clone(), level.clone()));
                    next.push((joined, Some(col), made));
                }
            }
            cols = next;
        }
        Ok(cols
            .into_iter()
            .filter_map(|(n, c, made)| {
                c.map(|c| {
                    spec.columns.push(made);
                    (n, c)
                })
            })
            .collect())
    }
}
