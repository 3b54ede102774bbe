//! Parse errors: [`ParseError`] (where) and [`ParseErrorKind`] (what), and
//! [`ParseError::render`], which shows the offending line with a caret under it.

use crate::span::Pos;

/// Why a program could not be parsed, and where.
///
/// Displays as `line 3, column 14: <message>`; [`ParseError::render`] adds the source
/// line with a caret, for terminals.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{pos}: {kind}")]
#[non_exhaustive]
pub struct ParseError {
    /// Where the problem is: the start of the offending token (or the end of the
    /// input).
    pub pos: Pos,
    /// The width of the offending token in characters on `pos`'s line (0 at the end
    /// of the input), for underlining; [`render`](ParseError::render) draws this
    /// many carets (at least one).
    pub len: u32,
    /// What is wrong; its `Display` is the message.
    pub kind: ParseErrorKind,
    /// The input ended where more was needed (see [`ParseError::needs_more_input`]).
    pub(crate) at_eof: bool,
}

/// What is wrong. Every message names the offending token or construct.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// A character that starts no token, e.g. `§` or a name starting with `_`.
    #[error("unexpected character '{}'{}", ch.escape_debug(), if *ch == '_' { ": a name starts with a letter or a dot" } else { "" })]
    BadChar {
        /// The character.
        ch: char,
    },
    /// A malformed number literal: `1e`, `1.2.3`, `0x1F`, `5.5L`.
    #[error("invalid number '{text}': {reason}")]
    BadNumber {
        /// The literal as written (with any letters glued to it).
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A string (or a name in backticks) whose closing quote never comes.
    #[error("{} is never closed: missing closing {quote}", if *quote == '`' { "name in backticks" } else { "string" })]
    UnterminatedString {
        /// The opening quote: `"`, `'` or `` ` ``.
        quote: char,
    },
    /// An escape other than `\n \t \r \\ \" \' \``.
    #[error("invalid escape '\\{}' in a string; the escapes are \\n \\t \\r \\\\ \\\" \\' and \\`", escape.escape_debug())]
    BadEscape {
        /// The character after the backslash.
        escape: char,
    },
    /// An empty name: two backticks with nothing between them, or `""` as an
    /// argument name, a `$` field or an assignment target.
    #[error("empty name: a name needs at least one character")]
    EmptyName,
    /// A `%` that starts an operator without its closing `%` on the same line.
    #[error("operator starting with '%' is never closed: missing closing %")]
    UnterminatedOperator,
    /// A token that cannot stand here.
    #[error("unexpected {found}, expected {expected}")]
    Unexpected {
        /// The token found (`name 'x'`, `')'`, `end of input`).
        found: String,
        /// What could have stood here.
        expected: String,
    },
    /// A call, index or parenthesis that is not closed.
    #[error("expected {expected} to close {construct} started at {open}, found {found}")]
    Unclosed {
        /// The token(s) that would have been right: `')'`, `',' or ')'`.
        expected: String,
        /// What is open: `the call of quantile`, `the index of x`, `the parenthesis`.
        construct: String,
        /// Where the construct starts.
        open: Pos,
        /// The token found instead.
        found: String,
    },
    /// R syntax outside the sharestat subset (`<<-`, `function`, `if`, `{`, `::`,
    /// `|>`, unknown `%op%`, ...).
    #[error("{construct} is not supported in sharestat{hint}")]
    Unsupported {
        /// The construct, e.g. `'<<-' (assignment outside the current scope)`.
        construct: String,
        /// What to do instead, starting with `"; "`, or empty.
        hint: String,
    },
    /// `a < b < c`: comparisons do not associate in R.
    #[error(
        "comparisons cannot be chained: '{op}' follows another comparison; combine them with & (a < b & b < c)"
    )]
    ChainedComparison {
        /// The second comparison operator.
        op: String,
    },
    /// The left side of `<-` / `=` (or the right side of `->`) is not a name.
    #[error(
        "cannot assign to {found}: only a name or a column of a table (`t$x`) can be assigned to"
    )]
    BadAssignTarget {
        /// What stands where the name should be.
        found: String,
    },
    /// `a <- b <- 1`.
    #[error("chained assignment is not supported; assign one name per statement")]
    ChainedAssign,
    /// `<-`, `->` or `=` inside an expression (a parenthesis, an argument, an index).
    #[error("{}", assign_in_expr_message(op))]
    AssignInExpr {
        /// The operator.
        op: String,
    },
    /// `f(a + 1 = 2)`: what stands before `=` in an argument list is not a name.
    #[error("argument name must be a name or a string, found {found}")]
    BadArgName {
        /// What stands before the `=`.
        found: String,
    },
    /// `f(a = , b)`.
    #[error("argument '{name}' has no value after '='")]
    MissingArgValue {
        /// The argument's name.
        name: String,
    },
    /// `f(a, )` or `f(, a)`: calls have no empty arguments (indexes `x[, 1]` do).
    #[error("{} in {call}", if *trailing { "trailing comma" } else { "empty argument" })]
    EmptyArg {
        /// `the call of f`.
        call: String,
        /// The empty argument is the last one (a trailing comma).
        trailing: bool,
    },
    /// `x[[ ]]` or `x[[1, 2]]`.
    #[error("'[[' takes exactly one index, as in x[[\"age\"]]")]
    Index2Arity,
    /// More nesting than the parser allows (guards the stack against hostile input).
    #[error("expression is nested too deeply (more than {limit} levels)")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
}

fn assign_in_expr_message(op: &str) -> String {
    if op == "=" {
        "'=' inside an expression: use '==' to compare, or assign in a statement of its own"
            .to_owned()
    } else {
        format!(
            "assignment '{op}' is only allowed as a statement of its own, not inside an expression"
        )
    }
}

impl ParseError {
    /// An error for the text from `pos` to `end` (exclusive).
    pub(crate) fn new(pos: Pos, end: Pos, kind: ParseErrorKind) -> ParseError {
        let len = if end.line == pos.line {
            end.col.saturating_sub(pos.col)
        } else {
            1
        };
        ParseError {
            pos,
            len,
            kind,
            at_eof: false,
        }
    }

    pub(crate) fn at_eof(mut self, at_eof: bool) -> ParseError {
        self.at_eof = at_eof;
        self
    }

    /// The message without the position (the `Display` of [`kind`](Self::kind)).
    pub fn message(&self) -> String {
        self.kind.to_string()
    }

    /// Whether the input stopped where the parser needed more (an open parenthesis,
    /// bracket or string, a trailing operator): a REPL then reads another line.
    pub fn needs_more_input(&self) -> bool {
        self.at_eof
    }

    /// The error with the offending source line and a caret under the column, in the
    /// style of rustc:
    ///
    /// ```text
    /// error: expected ')' to close the call of quantile started at line 1, column 1, found end of input
    ///  --> line 1, column 12
    ///   |
    /// 1 | quantile(x,
    ///   |            ^
    /// ```
    ///
    /// `src` must be the source the error came from. When the construct that is
    /// not closed starts on another line, a note shows that line too.
    pub fn render(&self, src: &str) -> String {
        let mut out = format!("error: {}\n --> {}\n", self.kind, self.pos);
        let width = self.pos.line.to_string().len().max(match &self.kind {
            ParseErrorKind::Unclosed { open, .. } => open.line.to_string().len(),
            _ => 0,
        });
        snippet(&mut out, src, self.pos, self.len, width);
        if let ParseErrorKind::Unclosed { open, .. } = &self.kind
            && open.line != self.pos.line
        {
            out.push_str(&format!("{:width$} = note: started here\n", ""));
            snippet(&mut out, src, *open, 1, width);
        }
        out
    }
}

/// Appends `line | text` and a line with `len` carets (at least one) under `pos`.
pub(crate) fn snippet(out: &mut String, src: &str, pos: Pos, len: u32, width: usize) {
    let line = src
        .split('\n')
        .nth((pos.line as usize).saturating_sub(1))
        .unwrap_or("")
        .trim_end_matches('\r');
    out.push_str(&format!("{:width$} |\n", ""));
    out.push_str(&format!("{:>width$} | {line}\n", pos.line));
    // Copy tabs so the caret lines up however the terminal expands them.
    let pad: String = line
        .chars()
        .take(pos.col.saturating_sub(1) as usize)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let carets = "^".repeat(len.clamp(1, 200) as usize);
    out.push_str(&format!("{:width$} | {pad}{carets}\n", ""));
}
