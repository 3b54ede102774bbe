//! Printing the AST back as R source (`Display` for [`Expr`], [`Stmt`],
//! [`Program`]), and a fully parenthesised S-expression form ([`Sexp`]) for tests
//! and debugging.
//!
//! The R form is for audit logs and error messages. It puts parentheses exactly
//! where precedence needs them (`(a + b) * c`, `(-1)^2`), backticks around names
//! that are not syntactic (`` `my col` ``), and normalises spelling: `->` becomes
//! `<-`, `**` becomes `^`, `'a'` becomes `"a"`, `x$"f"` becomes `x$f`; operators spaced as
//! R's `deparse` spaces them (`a + b`, `a/b`, `a^b`, `a%%b`). Parsing the
//! printed text gives the same tree (up to spans): `parse(&e.to_string())`
//! round-trips structurally.

use std::borrow::Cow;
use std::fmt::{self, Display, Formatter, Write};

use crate::ast::{Arg, Assoc, BinOp, Expr, ExprKind, Program, Stmt, StmtKind, prec};
use crate::token::RESERVED_WORDS;

/// A number as R source: `1`, `2.5`, `1e-7`, `Inf`, `NaN`. Finite values print the
/// shortest text that reads back as the same `f64`.
pub fn fmt_num(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_owned()
    } else if v.is_infinite() {
        if v > 0.0 { "Inf" } else { "-Inf" }.to_owned()
    } else {
        let a = v.abs();
        if a == 0.0 || (1e-4..1e15).contains(&a) {
            format!("{v}")
        } else {
            format!("{v:e}")
        }
    }
}

/// A string literal as R source, in double quotes with `\\ \" \n \t \r` escaped.
pub fn quote_str(s: &str) -> String {
    quote(s, '"')
}

fn quote(s: &str, q: char) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

/// Whether `name` can be written without backticks: a letter, or a dot not
/// followed by a digit, then letters, digits, dots and underscores; not a reserved
/// word.
pub fn is_syntactic_name(name: &str) -> bool {
    let mut chars = name.chars();
    let ok_start = match chars.next() {
        Some('.') => !chars.next().is_some_and(|c| c.is_ascii_digit()),
        Some(c) => c.is_alphabetic(),
        None => false,
    };
    ok_start
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '_')
        && !RESERVED_WORDS.contains(&name)
}

/// A name as R source: as is when syntactic, otherwise in backticks.
pub fn fmt_name(name: &str) -> Cow<'_, str> {
    if is_syntactic_name(name) {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(quote(name, '`'))
    }
}

/// The precedence level of an expression's outermost construct (negative literals
/// count as prefix minus, since they print with a `-`).
fn level(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Num(v) if v.is_sign_negative() && !v.is_nan() => prec::SIGN,
        ExprKind::Int(v) if *v < 0 => prec::SIGN,
        ExprKind::Unary { op, .. } => op.prec(),
        ExprKind::Binary { op, .. } => op.prec(),
        _ => prec::POSTFIX,
    }
}

/// Writes `e`, in parentheses if it binds more loosely than `min`.
fn operand(f: &mut Formatter<'_>, e: &Expr, min: u8) -> fmt::Result {
    if level(e) < min {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

fn args(f: &mut Formatter<'_>, args: &[Arg]) -> fmt::Result {
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{arg}")?;
    }
    Ok(())
}

impl Display for Arg {
    /// `value`, `name = value`, or nothing for an empty argument.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match (&self.name, &self.value) {
            (Some(name), Some(value)) => write!(f, "{} = {value}", fmt_name(name)),
            (Some(name), None) => write!(f, "{} = ", fmt_name(name)),
            (None, Some(value)) => write!(f, "{value}"),
            (None, None) => Ok(()),
        }
    }
}

impl Display for Expr {
    /// R source for the expression; see the module documentation.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Num(v) => f.write_str(&fmt_num(*v)),
            ExprKind::Int(v) => write!(f, "{v}L"),
            ExprKind::Str(s) => f.write_str(&quote_str(s)),
            ExprKind::Bool(true) => f.write_str("TRUE"),
            ExprKind::Bool(false) => f.write_str("FALSE"),
            ExprKind::Na => f.write_str("NA"),
            ExprKind::Null => f.write_str("NULL"),
            ExprKind::Ident(name) => f.write_str(&fmt_name(name)),
            ExprKind::Call { func, args: a } => {
                operand(f, func, prec::POSTFIX)?;
                f.write_char('(')?;
                args(f, a)?;
                f.write_char(')')
            }
            ExprKind::Index { target, args: a } => {
                operand(f, target, prec::POSTFIX)?;
                f.write_char('[')?;
                args(f, a)?;
                f.write_char(']')
            }
            ExprKind::Index2 { target, index } => {
                operand(f, target, prec::POSTFIX)?;
                write!(f, "[[{index}]]")
            }
            ExprKind::Dollar { target, field } => {
                operand(f, target, prec::POSTFIX)?;
                write!(f, "${}", fmt_name(field))
            }
            ExprKind::Unary { op, expr } => {
                f.write_str(op.symbol())?;
                operand(f, expr, op.prec() + 1)
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let p = op.prec();
                let (left_min, right_min) = match op.assoc() {
                    Assoc::Left => (p, p + 1),
                    Assoc::Right => (p + 1, p),
                    Assoc::None => (p + 1, p + 1),
                };
                operand(f, lhs, left_min)?;
                // R's deparse: `a^b`, `a:b`, `a/b`, `a%%b`, `a%/%b` without spaces.
                let tight = matches!(op, BinOp::Div | BinOp::Mod | BinOp::IntDiv);
                if p == prec::POW || p == prec::RANGE || tight {
                    f.write_str(op.symbol())?;
                } else {
                    write!(f, " {} ", op.symbol())?;
                }
                operand(f, rhs, right_min)
            }
        }
    }
}

impl Display for Stmt {
    /// `name <- value` or the expression.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            StmtKind::Assign {
                target,
                column: None,
                value,
                ..
            } => write!(f, "{} <- {value}", fmt_name(target)),
            StmtKind::Assign {
                target,
                column: Some(c),
                value,
                ..
            } => write!(f, "{}${} <- {value}", fmt_name(target), fmt_name(c)),
            StmtKind::Expr(e) => write!(f, "{e}"),
        }
    }
}

impl Display for Program {
    /// One statement per line.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, stmt) in self.stmts.iter().enumerate() {
            if i > 0 {
                f.write_char('\n')?;
            }
            write!(f, "{stmt}")?;
        }
        Ok(())
    }
}

/// A fully parenthesised prefix form of a tree, one unambiguous text per structure:
/// `(+ (: 1 3) 1)` for `1:3 + 1`, `(quantile x probs=(c 0.25 0.5))`, `([ x _ 1)`
/// for `x[, 1]` (`_` is an empty argument), `($ tm age)`, `([[ x "age")`,
/// `(- x)`, `(<- km ...)`. Spans are not shown, so two trees print the same
/// exactly when they have the same structure. Made by [`Expr::sexp`],
/// [`Stmt::sexp`] and [`Program::sexp`].
pub struct Sexp<'a>(SexpOf<'a>);

enum SexpOf<'a> {
    Expr(&'a Expr),
    Stmt(&'a Stmt),
    Program(&'a Program),
}

impl Expr {
    /// The [`Sexp`] form of the expression.
    pub fn sexp(&self) -> Sexp<'_> {
        Sexp(SexpOf::Expr(self))
    }
}

impl Stmt {
    /// The [`Sexp`] form of the statement: `(<- name value)` or the expression's.
    pub fn sexp(&self) -> Sexp<'_> {
        Sexp(SexpOf::Stmt(self))
    }
}

impl Program {
    /// The [`Sexp`] form of the program, one statement per line.
    pub fn sexp(&self) -> Sexp<'_> {
        Sexp(SexpOf::Program(self))
    }
}

fn sexp_args(f: &mut Formatter<'_>, args: &[Arg]) -> fmt::Result {
    for arg in args {
        f.write_char(' ')?;
        if let Some(name) = &arg.name {
            write!(f, "{}=", fmt_name(name))?;
        }
        match &arg.value {
            Some(v) => write!(f, "{}", v.sexp())?,
            None => f.write_char('_')?,
        }
    }
    Ok(())
}

impl Display for Sexp<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let e = match self.0 {
            SexpOf::Expr(e) => e,
            SexpOf::Stmt(Stmt {
                kind:
                    StmtKind::Assign {
                        target,
                        column,
                        value,
                        ..
                    },
                ..
            }) => {
                return match column {
                    None => write!(f, "(<- {} {})", fmt_name(target), value.sexp()),
                    Some(c) => write!(
                        f,
                        "(<- ($ {} {}) {})",
                        fmt_name(target),
                        fmt_name(c),
                        value.sexp()
                    ),
                };
            }
            SexpOf::Stmt(Stmt {
                kind: StmtKind::Expr(e),
                ..
            }) => e,
            SexpOf::Program(p) => {
                for (i, stmt) in p.stmts.iter().enumerate() {
                    if i > 0 {
                        f.write_char('\n')?;
                    }
                    write!(f, "{}", stmt.sexp())?;
                }
                return Ok(());
            }
        };
        match &e.kind {
            ExprKind::Call { func, args } => {
                write!(f, "({}", func.sexp())?;
                sexp_args(f, args)?;
                f.write_char(')')
            }
            ExprKind::Index { target, args } => {
                write!(f, "([ {}", target.sexp())?;
                sexp_args(f, args)?;
                f.write_char(')')
            }
            ExprKind::Index2 { target, index } => {
                write!(f, "([[ {} {})", target.sexp(), index.sexp())
            }
            ExprKind::Dollar { target, field } => {
                write!(f, "($ {} {})", target.sexp(), fmt_name(field))
            }
            ExprKind::Unary { op, expr } => write!(f, "({} {})", op.symbol(), expr.sexp()),
            ExprKind::Binary { op, lhs, rhs } => {
                write!(f, "({} {} {})", op.symbol(), lhs.sexp(), rhs.sexp())
            }
            // Literals and names print as in R; a negative number without parentheses.
            _ => write!(f, "{e}"),
        }
    }
}
