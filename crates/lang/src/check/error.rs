//! Type errors: [`TypeError`] (where) and [`TypeErrorKind`] (what), and the search
//! for close names that the messages suggest.

use std::fmt;

use crate::ast::Expr;
use crate::span::Span;

/// Why a program was refused, and where.
///
/// Displays as `line 3, column 14: <message>`; the span is that of the offending
/// expression, which the message names.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{span}: {kind}")]
#[non_exhaustive]
pub struct TypeError {
    /// The offending expression.
    pub span: Span,
    /// What is wrong; its `Display` is the message.
    pub kind: TypeErrorKind,
}

impl TypeError {
    /// The error with the offending source line and carets under the expression (to the
    /// end of its first line), in the style of [`ParseError::render`](crate::ParseError::render).
    ///
    /// ```text
    /// error: would print private data: `tm$age` is a private numeric vector [...]
    ///  --> line 2, column 1
    ///   |
    /// 2 | tm$age
    ///   | ^^^^^^
    /// ```
    pub fn render(&self, src: &str) -> String {
        let start = self.span.start;
        let len = if self.span.end.line == start.line {
            self.span.end.col.saturating_sub(start.col).max(1)
        } else {
            let line = src
                .split('\n')
                .nth(start.line.saturating_sub(1) as usize)
                .unwrap_or("");
            (line.chars().count() as u32 + 1)
                .saturating_sub(start.col)
                .max(1)
        };
        let mut out = format!("error: {}\n --> {}\n", self.kind, start);
        crate::error::snippet(&mut out, src, start, len, start.line.to_string().len());
        out
    }

    /// An error at the span of `expr`.
    pub(crate) fn new(expr: &Expr, kind: TypeErrorKind) -> TypeError {
        TypeError {
            span: expr.span,
            kind,
        }
    }
}

/// What is wrong. Expressions are named as R source (`Display` of [`Expr`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TypeErrorKind {
    /// An expression statement whose value is private would be printed.
    #[error("would print private data: `{expr}` is a {what} [use an aggregate such as {hint}]")]
    PrivateOutput {
        /// The statement's expression.
        expr: String,
        /// Its type, described (see [`describe`](super::describe)).
        what: String,
        /// Aggregates that would suit it.
        hint: &'static str,
    },
    /// A name that is neither a variable nor (in `subset`) a column.
    #[error("unknown variable `{name}`{}", did_you_mean(suggestions))]
    UnknownVariable {
        /// The name.
        name: String,
        /// Close names in scope.
        suggestions: Vec<String>,
    },
    /// `t$col` or `t[["col"]]` with a column the table does not have.
    #[error("`{table}` has no column `{column}`{}", did_you_mean(suggestions))]
    UnknownColumn {
        /// The table expression.
        table: String,
        /// The column asked for.
        column: String,
        /// Close column names.
        suggestions: Vec<String>,
    },
    /// `load` of a dataset the environment does not have.
    #[error("unknown dataset \"{name}\"; the datasets are: {}", available.join(", "))]
    UnknownDataset {
        /// The dataset name.
        name: String,
        /// The datasets there are.
        available: Vec<String>,
    },
    /// `load(study, name)` naming a study other than the query's.
    #[error("{message}")]
    OtherStudy {
        /// The study named.
        study: String,
        /// The whole message (names both studies).
        message: String,
    },
    /// A call of a function the language does not have.
    #[error("unknown function `{name}`{}", did_you_mean(suggestions))]
    UnknownFunction {
        /// The name.
        name: String,
        /// Close function names.
        suggestions: Vec<String>,
    },
    /// A categorical compared with (or `%in%`) a string that is not one of its levels.
    #[error("`{expr}` has no level \"{level}\"; its levels are {}", quoted(levels))]
    UnknownLevel {
        /// The categorical expression.
        expr: String,
        /// The string that is no level.
        level: String,
        /// The levels.
        levels: Vec<String>,
    },
    /// A value of the wrong type.
    #[error("`{expr}` is a {found}, expected {expected}")]
    Mismatch {
        /// The offending expression.
        expr: String,
        /// Its type, described.
        found: String,
        /// What was expected.
        expected: String,
    },
    /// Values that do not go together (`c()` of numbers and categories, `rbind` of
    /// tables with different columns, comparisons of unrelated kinds).
    #[error("`{expr}`: {message}")]
    Incompatible {
        /// The expression combining them.
        expr: String,
        /// What does not fit.
        message: String,
    },
    /// Wrong number or names of arguments.
    #[error("{func}(): {message}")]
    Arguments {
        /// The function.
        func: String,
        /// What is wrong.
        message: String,
    },
    /// A construct the checker (or the secure back end) does not support.
    #[error("`{expr}`: {message}")]
    Unsupported {
        /// The expression.
        expr: String,
        /// What is not supported.
        message: String,
    },
}

/// `; did you mean a, b?` or nothing.
fn did_you_mean(names: &[String]) -> String {
    if names.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", names.join(", "))
    }
}

/// `"a", "b"`.
fn quoted(levels: &[String]) -> String {
    let mut out = String::new();
    for (i, l) in levels.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        fmt::Write::write_fmt(&mut out, format_args!("{l:?}")).expect("writing to a String");
    }
    out
}

/// Up to five of `candidates` close to `name` (edit distance at most a third of the
/// length, at least 1, or one containing the other), closest first.
pub(crate) fn close_names<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let limit = (name.chars().count() / 3).max(1);
    let lower = name.to_lowercase();
    let mut found: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let d = distance(&lower, &c.to_lowercase());
            let contains = lower.len() >= 3 && (c.contains(name) || name.contains(c));
            (d <= limit || contains).then_some((d, c))
        })
        .collect();
    found.sort_unstable();
    found.dedup();
    found
        .into_iter()
        .take(5)
        .map(|(_, c)| c.to_owned())
        .collect()
}

/// Levenshtein distance in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_by_distance() {
        assert_eq!(distance("agee", "age"), 1);
        assert_eq!(distance("", "abc"), 3);
        let names = ["age", "gender", "ecog_status", "stage"];
        assert_eq!(close_names("agee", names), ["age"]);
        assert_eq!(close_names("ecog", names), ["ecog_status"]);
        assert!(close_names("zzzzzz", names).is_empty());
    }
}
