//! The parser: tokens to a [`Program`], by hand-written recursive descent with
//! precedence climbing (Pratt) for operators.
//!
//! Why no parser generator or combinator crate: the grammar is small (statements,
//! one expression grammar with twelve precedence levels, calls and indexes), and a
//! hand-written parser gives exact control over the two things that matter here:
//! R's newline rules and error messages that point at the right token and name the
//! construct that is open ("expected ')' to close the call of quantile started at
//! line 3, column 5").
//!
//! Grammar (informally; precedence as in [`crate::ast::prec`]):
//!
//! ```text
//! program   = sep* (stmt (sep+ stmt)*)? sep*          sep = newline | ';'
//! stmt      = expr (('<-' | '=') expr)?  |  expr '->' name
//! expr      = prefix (infix expr | postfix)*
//! prefix    = literal | name | '(' expr ')' | ('-' | '+' | '!' | '~') expr
//! postfix   = '(' args ')' | '[' args ']' | '[[' expr ']' ']' | '$' (name | string)
//! args      = (arg (',' arg)*)?      arg = ((name | string) '=')? expr | <empty>
//! ```
//!
//! Newlines: inside `(`, `[` and `[[` they are skipped; elsewhere a newline ends the
//! statement unless the parser is waiting for an operand (after an infix or prefix
//! operator, `<-`, `->`, `=`, `$`), exactly R's rule that an incomplete expression
//! continues on the next line.
//!
//! Guards: recursion is limited to [`MAX_DEPTH`] nested operands and every tree to
//! [`MAX_HEIGHT`] levels, so hostile input gives an error, never a stack overflow.

mod expr;

use crate::ast::{Expr, ExprKind, Program, Stmt, StmtKind, prec};
use crate::error::{ParseError, ParseErrorKind};
use crate::span::Span;
use crate::token::{Token, TokenKind};

/// The deepest nesting of operands (parentheses, prefix operators, arguments) the
/// parser accepts. R's own parser stops at 50 nested brackets.
pub const MAX_DEPTH: usize = 64;

/// The greatest height of an expression tree (e.g. a sum of this many terms).
pub const MAX_HEIGHT: u32 = 400;

pub(crate) struct Parser {
    tokens: Vec<Token>,
    /// The current token; never past the final `Eof`.
    i: usize,
    /// Open `(`, `[`, `[[`: while positive, newlines are skipped.
    nest: u32,
    /// Current recursion depth of [`Parser::expr_bp`].
    depth: usize,
}

impl Parser {
    /// `tokens` must end with an `Eof` token (as [`crate::lexer::lex`] makes them).
    pub(crate) fn new(tokens: Vec<Token>) -> Parser {
        Parser {
            tokens,
            i: 0,
            nest: 0,
            depth: 0,
        }
    }

    // ----- cursor -----

    /// The current token, skipping newlines inside brackets.
    fn peek(&mut self) -> &Token {
        if self.nest > 0 {
            self.skip_newlines();
        }
        &self.tokens[self.i]
    }

    /// The current token, newlines included.
    fn peek_raw(&self) -> &Token {
        &self.tokens[self.i]
    }

    /// Consumes and returns the current token (as [`Parser::peek`] sees it).
    fn bump(&mut self) -> Token {
        let tok = self.peek().clone();
        if self.i + 1 < self.tokens.len() {
            self.i += 1;
        }
        tok
    }

    fn skip_newlines(&mut self) {
        while self.tokens[self.i].kind == TokenKind::Newline {
            self.i += 1;
        }
    }

    // ----- errors -----

    pub(crate) fn error_at(tok: &Token, kind: ParseErrorKind) -> ParseError {
        ParseError::new(tok.span.start, tok.span.end, kind).at_eof(tok.kind == TokenKind::Eof)
    }

    /// `tok` cannot stand here, where `expected` could. Unsupported R syntax and
    /// misplaced assignments get their own messages.
    fn unexpected(tok: &Token, expected: &str) -> ParseError {
        let kind = match Self::misplaced(tok) {
            Some(kind) => kind,
            None => ParseErrorKind::Unexpected {
                found: tok.kind.describe(),
                expected: expected.to_owned(),
            },
        };
        Self::error_at(tok, kind)
    }

    /// The message for a token that is wrong wherever it stands inside an
    /// expression: unsupported syntax and assignments.
    fn misplaced(tok: &Token) -> Option<ParseErrorKind> {
        if let Some(kind) = unsupported(&tok.kind) {
            return Some(kind);
        }
        match tok.kind {
            TokenKind::LeftAssign | TokenKind::RightAssign | TokenKind::Assign => {
                Some(ParseErrorKind::AssignInExpr {
                    op: tok.kind.text().to_owned(),
                })
            }
            _ => None,
        }
    }

    // ----- program and statements -----

    pub(crate) fn program(&mut self) -> Result<Program, ParseError> {
        let mut stmts = Vec::new();
        loop {
            while matches!(self.peek_raw().kind, TokenKind::Newline | TokenKind::Semi) {
                self.bump();
            }
            if self.peek_raw().kind == TokenKind::Eof {
                break;
            }
            stmts.push(self.statement()?);
            let tok = self.peek_raw();
            match tok.kind {
                TokenKind::Newline | TokenKind::Semi => {
                    self.bump();
                }
                TokenKind::Eof => break,
                _ => {
                    return Err(Self::unexpected(
                        tok,
                        "an operator or the end of the statement (a newline or ';')",
                    ));
                }
            }
        }
        Ok(Program { stmts })
    }

    /// Exactly one expression and then the end of the input (newlines and `;`
    /// around it are allowed).
    pub(crate) fn single_expr(&mut self) -> Result<Expr, ParseError> {
        while matches!(self.peek_raw().kind, TokenKind::Newline | TokenKind::Semi) {
            self.bump();
        }
        let e = self.expr(prec::FORMULA)?;
        while matches!(self.peek_raw().kind, TokenKind::Newline | TokenKind::Semi) {
            self.bump();
        }
        let tok = self.peek_raw();
        if tok.kind != TokenKind::Eof {
            return Err(Self::unexpected(tok, "the end of the input"));
        }
        Ok(e)
    }

    fn statement(&mut self) -> Result<Stmt, ParseError> {
        let lhs = self.expr(prec::FORMULA)?;
        let tok = self.peek_raw().clone();
        match tok.kind {
            TokenKind::LeftAssign | TokenKind::Assign => {
                let (target, column, target_span) = assign_target(&lhs)?;
                self.bump();
                self.skip_newlines();
                let value = self.expr(prec::FORMULA)?;
                self.no_chained_assignment()?;
                let span = lhs.span.to(value.span);
                Ok(Stmt {
                    kind: StmtKind::Assign {
                        target,
                        column,
                        target_span,
                        value,
                    },
                    span,
                })
            }
            TokenKind::RightAssign => {
                self.bump();
                self.skip_newlines();
                let rhs = self.expr(prec::FORMULA)?;
                let (target, column, target_span) = assign_target(&rhs)?;
                self.no_chained_assignment()?;
                let span = lhs.span.to(rhs.span);
                Ok(Stmt {
                    kind: StmtKind::Assign {
                        target,
                        column,
                        target_span,
                        value: lhs,
                    },
                    span,
                })
            }
            _ => Ok(Stmt {
                span: lhs.span,
                kind: StmtKind::Expr(lhs),
            }),
        }
    }

    fn no_chained_assignment(&self) -> Result<(), ParseError> {
        let tok = self.peek_raw();
        match tok.kind {
            TokenKind::LeftAssign | TokenKind::RightAssign | TokenKind::Assign => {
                Err(Self::error_at(tok, ParseErrorKind::ChainedAssign))
            }
            _ => Ok(()),
        }
    }
}

/// The name assigned to: a name or a string (`"x" <- 1` assigns `x`, as in R).
/// The variable (and, for `t$col <- ...`, the column) an assignment writes.
fn assign_target(e: &Expr) -> Result<(String, Option<String>, Span), ParseError> {
    if let ExprKind::Dollar { target, field } = &e.kind
        && let ExprKind::Ident(name) = &target.kind
        && !name.is_empty()
        && !field.is_empty()
    {
        return Ok((name.clone(), Some(field.clone()), e.span));
    }
    let (name, span) = assign_name(e)?;
    Ok((name, None, span))
}

fn assign_name(e: &Expr) -> Result<(String, Span), ParseError> {
    match &e.kind {
        ExprKind::Ident(name) | ExprKind::Str(name) if name.is_empty() => Err(ParseError::new(
            e.span.start,
            e.span.end,
            ParseErrorKind::EmptyName,
        )),
        ExprKind::Ident(name) | ExprKind::Str(name) => Ok((name.clone(), e.span)),
        _ => Err(ParseError::new(
            e.span.start,
            e.span.end,
            ParseErrorKind::BadAssignTarget { found: short(e) },
        )),
    }
}

/// An expression for a message: its source form, shortened when long.
pub(crate) fn short(e: &Expr) -> String {
    let text = e.to_string();
    if text.chars().count() <= 40 {
        text
    } else {
        text.chars().take(37).collect::<String>() + "..."
    }
}

/// The message for R syntax that sharestat does not support, if `kind` is some.
fn unsupported(kind: &TokenKind) -> Option<ParseErrorKind> {
    let (construct, hint): (String, &str) = match kind {
        TokenKind::Reserved("function") => ("'function' (defining functions)".into(), ""),
        TokenKind::Reserved(w @ ("if" | "else")) => (
            format!("'{w}' (conditional statements)"),
            "; select with subset() or logical indexing such as x[x > 0]",
        ),
        TokenKind::Reserved(w @ ("for" | "while" | "repeat" | "next" | "break")) => {
            (format!("'{w}' (loops)"), "; work on whole vectors instead")
        }
        TokenKind::Reserved(w) => (format!("'{w}'"), "; did you mean %in%?"),
        TokenKind::Unsupported("<<-") => (
            "'<<-' (assignment outside the current scope)".into(),
            "; use '<-'",
        ),
        TokenKind::Unsupported("->>") => (
            "'->>' (assignment outside the current scope)".into(),
            "; use '->'",
        ),
        TokenKind::Unsupported(op @ ("::" | ":::")) => (
            format!("namespace access '{op}'"),
            "; call the function by its plain name",
        ),
        TokenKind::Unsupported("@") => ("slot access '@'".into(), "; use '$'"),
        TokenKind::Unsupported("?") => ("help '?'".into(), ""),
        TokenKind::Unsupported("|>") => (
            "the pipe '|>'".into(),
            "; write the call directly: f(x, y) instead of x |> f(y)",
        ),
        TokenKind::Unsupported("{" | "}") => {
            ("a block '{ ... }'".into(), "; write one statement per line")
        }
        TokenKind::Unsupported("\\") => ("anonymous functions '\\(x)'".into(), ""),
        TokenKind::Unsupported(other) => (format!("'{other}'"), ""),
        TokenKind::Special(op) => (
            format!("operator '{op}'"),
            "; the %-operators are %in%, %% and %/%",
        ),
        _ => return None,
    };
    Some(ParseErrorKind::Unsupported {
        construct,
        hint: hint.to_owned(),
    })
}
