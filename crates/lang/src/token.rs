//! Tokens produced by the [lexer](crate::lexer) and consumed by the parser.
//!
//! The lexer recognises every token of R it is likely to meet, including the ones
//! sharestat does not support (`<<-`, `::`, `|>`, `function`, `{`, ...), so that the
//! parser can say "`<<-` is not supported in sharestat" instead of a bare
//! "unexpected character".

use crate::span::Span;

/// One token with its place in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// Where it is.
    pub span: Span,
}

/// The kinds of tokens.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum TokenKind {
    /// A double literal: `1`, `2.5`, `1e-3`, `.5`, `Inf`, `NaN`.
    Num(f64),
    /// An integer literal with the `L` suffix: `5L`.
    Int(i64),
    /// A string literal, escapes resolved.
    Str(String),
    /// A name: plain (`na.rm`) or in backticks (`` `my col` ``), without the backticks.
    Ident(String),
    /// `TRUE`.
    True,
    /// `FALSE`.
    False,
    /// `NA`.
    Na,
    /// `NULL`.
    Null,
    /// A reserved word of R that sharestat does not support: `if`, `else`, `for`,
    /// `while`, `repeat`, `function`, `next`, `break`, `in`.
    Reserved(&'static str),
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `/`
    Slash,
    /// `^` (also written `**`).
    Caret,
    /// `:`
    Colon,
    /// `%in%`
    In,
    /// `%%`
    Mod,
    /// `%/%`
    IntDiv,
    /// Any other `%op%` (not supported; the text includes the `%`s).
    Special(String),
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    EqEq,
    /// `!=`
    Ne,
    /// `!`
    Bang,
    /// `&`
    And,
    /// `&&`
    AndAnd,
    /// `|`
    Or,
    /// `||`
    OrOr,
    /// `~`
    Tilde,
    /// `<-`
    LeftAssign,
    /// `->`
    RightAssign,
    /// `=`
    Assign,
    /// `$`
    Dollar,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `[[`
    LBB,
    /// `]` (a `[[` is closed by two of them).
    RBracket,
    /// `,`
    Comma,
    /// `;`
    Semi,
    /// A line break (only the parser knows whether it ends a statement).
    Newline,
    /// R syntax that sharestat rejects, spelled as in the source: `<<-`, `->>`,
    /// `::`, `:::`, `@`, `?`, `|>`, `{`, `}`, `\`.
    Unsupported(&'static str),
    /// The end of the input.
    Eof,
}

impl TokenKind {
    /// How the token is named in error messages: `name 'x'`, `number 2.5`,
    /// `string "a"`, `'+'`, `end of input`.
    pub fn describe(&self) -> String {
        match self {
            TokenKind::Num(v) => format!("number {}", crate::display::fmt_num(*v)),
            TokenKind::Int(v) => format!("number {v}L"),
            TokenKind::Str(s) => {
                let mut quoted = crate::display::quote_str(s);
                if quoted.chars().count() > 32 {
                    quoted = quoted.chars().take(28).collect::<String>() + "...\"";
                }
                format!("string {quoted}")
            }
            TokenKind::Ident(name) => format!("name '{name}'"),
            TokenKind::Newline => "end of line".to_owned(),
            TokenKind::Eof => "end of input".to_owned(),
            other => format!("'{}'", other.text()),
        }
    }

    /// The source spelling of a fixed token (operators, punctuation, keywords); a
    /// placeholder for literals and names.
    pub fn text(&self) -> &str {
        match self {
            TokenKind::Num(_) | TokenKind::Int(_) => "<number>",
            TokenKind::Str(_) => "<string>",
            TokenKind::Ident(_) => "<name>",
            TokenKind::True => "TRUE",
            TokenKind::False => "FALSE",
            TokenKind::Na => "NA",
            TokenKind::Null => "NULL",
            TokenKind::Reserved(word) | TokenKind::Unsupported(word) => word,
            TokenKind::Special(op) => op,
            TokenKind::Plus => "+",
            TokenKind::Minus => "-",
            TokenKind::Star => "*",
            TokenKind::Slash => "/",
            TokenKind::Caret => "^",
            TokenKind::Colon => ":",
            TokenKind::In => "%in%",
            TokenKind::Mod => "%%",
            TokenKind::IntDiv => "%/%",
            TokenKind::Lt => "<",
            TokenKind::Le => "<=",
            TokenKind::Gt => ">",
            TokenKind::Ge => ">=",
            TokenKind::EqEq => "==",
            TokenKind::Ne => "!=",
            TokenKind::Bang => "!",
            TokenKind::And => "&",
            TokenKind::AndAnd => "&&",
            TokenKind::Or => "|",
            TokenKind::OrOr => "||",
            TokenKind::Tilde => "~",
            TokenKind::LeftAssign => "<-",
            TokenKind::RightAssign => "->",
            TokenKind::Assign => "=",
            TokenKind::Dollar => "$",
            TokenKind::LParen => "(",
            TokenKind::RParen => ")",
            TokenKind::LBracket => "[",
            TokenKind::LBB => "[[",
            TokenKind::RBracket => "]",
            TokenKind::Comma => ",",
            TokenKind::Semi => ";",
            TokenKind::Newline => "\n",
            TokenKind::Eof => "",
        }
    }

    /// The reserved word for a plain (not backticked) name, if it is one.
    pub(crate) fn keyword(word: &str) -> Option<TokenKind> {
        Some(match word {
            "TRUE" => TokenKind::True,
            "FALSE" => TokenKind::False,
            "NA" => TokenKind::Na,
            "NULL" => TokenKind::Null,
            "Inf" => TokenKind::Num(f64::INFINITY),
            "NaN" => TokenKind::Num(f64::NAN),
            "if" => TokenKind::Reserved("if"),
            "else" => TokenKind::Reserved("else"),
            "for" => TokenKind::Reserved("for"),
            "while" => TokenKind::Reserved("while"),
            "repeat" => TokenKind::Reserved("repeat"),
            "function" => TokenKind::Reserved("function"),
            "next" => TokenKind::Reserved("next"),
            "break" => TokenKind::Reserved("break"),
            "in" => TokenKind::Reserved("in"),
            _ => return None,
        })
    }
}

/// The words that are never plain names (a name spelled like one needs backticks).
pub const RESERVED_WORDS: &[&str] = &[
    "TRUE", "FALSE", "NA", "NULL", "Inf", "NaN", "if", "else", "for", "while", "repeat",
    "function", "next", "break", "in",
];
