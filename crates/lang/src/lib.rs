//! `sharestat-lang`: the analysis language of sharestat, a subset of R. This crate
//! is its front end: lexer, syntax tree and parser, with errors that point at a
//! line and column, and the type checker ([`check`]) that refuses any program that
//! would show private data, and the evaluator ([`eval`]) that runs checked programs on
//! the three nodes' shares with disclosure control.
//!
//! ```
//! use sharestat_lang::{parse, StmtKind};
//!
//! let program = parse("km <- survfit(Surv(follow_up_months, event_death) ~ ecog_status,\n\
//!                      data = rbind(tm, tr))").unwrap();
//! let StmtKind::Assign { target, value, .. } = &program.stmts[0].kind else { panic!() };
//! assert_eq!(target, "km");
//! assert_eq!(
//!     value.sexp().to_string(),
//!     "(survfit (~ (Surv follow_up_months event_death) ecog_status) data=(rbind tm tr))"
//! );
//! ```
//!
//! # The language
//!
//! Statements are assignments (`x <- e`, `x = e`, `e -> x`) or expressions,
//! separated by newlines or `;`; `#` starts a comment. An expression continues on
//! the next line while a parenthesis or bracket is open or after an operator.
//! Expressions are literals (`1`, `2.5`, `1e-3`, `5L`, `"s"`, `TRUE`, `FALSE`, `NA`,
//! `NULL`, `Inf`, `NaN`), names (`na.rm`, `` `odd name` ``), calls with positional
//! and named arguments, `x$f`, `x[i, j]` (with empty arguments), `x[[i]]`, and R's
//! operators with R's precedence (see [`ast::prec`]): `^`, unary `-` `+`, `:`,
//! `%in%` `%%` `%/%`, `*` `/`, `+` `-`, comparisons, `!`, `&` `&&`, `|` `||`, `~`.
//! Blocks, `function`, `if`, loops, `<<-`, `::`, `|>` and other R syntax are
//! rejected with a message saying so.
//!
//! # Layout
//!
//! | module | what it holds |
//! |---|---|
//! | [`span`] | [`Pos`] and [`Span`]: line, column (in characters) and byte offset |
//! | [`token`] | [`Token`] and [`TokenKind`] |
//! | [`lexer`] | [`tokenize`]: source to tokens |
//! | [`ast`] | [`Program`], [`Stmt`], [`Expr`], [`Arg`], [`UnOp`], [`BinOp`], precedence levels |
//! | [`parser`] | recursive descent with precedence climbing: [`parse`], [`parse_expr`], [`is_incomplete`] (expressions in `parser/expr.rs`) |
//! | [`display`] | R source from the tree (`Display`) and the [`Sexp`] test form |
//! | [`builtins`] | the registry: one module per function with its parameters (R's defaults), refused arguments, help and what it reveals; [`builtins::TABLE`]; R's argument matching (`builtins/args.rs`) |
//! | [`check`] | the type checker: [`check::Checker`], [`check::Ty`], [`check::TypeError`]; refuses programs that would show private data |
//! | [`help`] | what each function does and reveals (`help("name")`) |
//! | [`eval`] | the evaluator: runs checked programs on the engine with disclosure control, R printing |
//! | [`error`] | [`ParseError`], [`ParseErrorKind`], [`ParseError::render`] |
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod ast;
pub mod builtins;
pub mod check;
pub mod display;
pub mod error;
pub mod eval;
pub mod help;
pub mod lexer;
pub mod parser;
pub mod span;
pub mod token;

pub use ast::{Arg, Assoc, BinOp, Expr, ExprKind, Program, Stmt, StmtKind, UnOp};
pub use display::Sexp;
pub use error::{ParseError, ParseErrorKind};
pub use lexer::tokenize;
pub use span::{Pos, Span};
pub use token::{Token, TokenKind};

/// Parses a whole program.
///
/// The first error in source order is returned, with its position; see
/// [`ParseError::render`] to show it to a person.
pub fn parse(src: &str) -> Result<Program, ParseError> {
    let (tokens, lex_error) = lexer::lex(src);
    let result = parser::Parser::new(tokens).program();
    finish(result, lex_error)
}

/// Parses a single expression (surrounding newlines and `;` allowed, no
/// assignment): for tests, and for places that take one expression.
pub fn parse_expr(src: &str) -> Result<Expr, ParseError> {
    let (tokens, lex_error) = lexer::lex(src);
    let result = parser::Parser::new(tokens).single_expr();
    finish(result, lex_error)
}

/// The token list stops at a lexical error with an `Eof` there: the parser's own
/// error wins if it comes earlier, that is, unless the parser got to that `Eof`.
fn finish<T>(
    result: Result<T, ParseError>,
    lex_error: Option<ParseError>,
) -> Result<T, ParseError> {
    match (result, lex_error) {
        (Ok(_), Some(lex)) => Err(lex),
        (Ok(v), None) => Ok(v),
        (Err(e), Some(lex)) if e.needs_more_input() => Err(lex),
        (Err(e), _) => Err(e),
    }
}

/// Whether `src` stops in the middle of a statement, so that a REPL should read
/// another line before parsing: inside an open parenthesis, bracket or string, or
/// after an operator, `<-`, `=`, `,` or `$`. Input with an error before its end
/// counts as complete (the REPL should show the error), and so does empty input.
pub fn is_incomplete(src: &str) -> bool {
    parse(src).is_err_and(|e| e.needs_more_input())
}
