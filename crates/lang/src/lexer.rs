//! The lexer: source text to [`Token`]s, following R's lexical rules.
//!
//! * Whitespace is space, tab, carriage return and form feed; a line break is a
//!   [`TokenKind::Newline`] token, because whether it ends a statement depends on
//!   the grammar (the parser decides). `#` starts a comment to the end of the line.
//! * Numbers: `1`, `2.5`, `5.`, `.5`, `1e-3`, `1E+05`; the suffix `L` makes an
//!   integer (`5L`, `1e3L`; it must be a whole number). A number running into
//!   letters or dots (`1.2.3`, `0x1F`, `2i`) is an error rather than two tokens.
//! * Names: a letter or a dot (not followed by a digit), then letters, digits, dots
//!   and underscores (`follow_up_months`, `na.rm`, `.x`); or anything in backticks.
//!   `TRUE`, `FALSE`, `NA`, `NULL`, `Inf`, `NaN` are literals and `if`, `function`,
//!   ... reserved; `T` and `F` are plain names.
//! * Strings in `"` or `'`, possibly spanning lines, with the escapes `\n \t \r \\
//!   \" \' \``.
//! * Operators are matched longest first (`<-` before `<`, so `x<-1` assigns, as in
//!   R). Tokens of R that sharestat rejects are still recognised
//!   ([`TokenKind::Unsupported`]) so that the parser can name them.

use crate::error::{ParseError, ParseErrorKind};
use crate::span::{Pos, Span};
use crate::token::{Token, TokenKind};

/// Splits `src` into tokens, ending with [`TokenKind::Eof`]; the first lexical
/// error (bad character, bad escape, unterminated string, malformed number) is
/// returned instead.
pub fn tokenize(src: &str) -> Result<Vec<Token>, ParseError> {
    match lex(src) {
        (tokens, None) => Ok(tokens),
        (_, Some(err)) => Err(err),
    }
}

/// The tokens up to the first lexical error (always ending with an `Eof` token,
/// placed at the error if there is one) and that error. The parser reports a
/// syntax error before the lexical one when there is one, so that errors come in
/// source order.
pub(crate) fn lex(src: &str) -> (Vec<Token>, Option<ParseError>) {
    let mut lexer = Lexer {
        chars: src.char_indices().collect(),
        len: src.len(),
        i: 0,
        line: 1,
        col: 1,
    };
    let mut tokens = Vec::new();
    let mut last_end = Pos::START;
    loop {
        lexer.skip_trivia();
        let start = lexer.pos();
        if lexer.peek(0).is_none() {
            break;
        }
        match lexer.token() {
            Ok(kind) => {
                let span = Span::new(start, lexer.pos());
                if kind != TokenKind::Newline {
                    last_end = span.end;
                }
                tokens.push(Token { kind, span });
            }
            Err(err) => {
                tokens.push(Token {
                    kind: TokenKind::Eof,
                    span: Span::point(start),
                });
                return (tokens, Some(err));
            }
        }
    }
    tokens.push(Token {
        kind: TokenKind::Eof,
        span: Span::point(last_end),
    });
    (tokens, None)
}

struct Lexer {
    chars: Vec<(usize, char)>,
    len: usize,
    i: usize,
    line: u32,
    col: u32,
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '.' || c == '_'
}

impl Lexer {
    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            col: self.col,
            offset: self.chars.get(self.i).map_or(self.len, |&(o, _)| o),
        }
    }

    fn peek(&self, k: usize) -> Option<char> {
        self.chars.get(self.i + k).map(|&(_, c)| c)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.i += 1;
        if c == '\n' {
            self.line = self.line.saturating_add(1);
            self.col = 1;
        } else {
            self.col = self.col.saturating_add(1);
        }
        Some(c)
    }

    /// Consumes `n` characters and returns `kind`.
    fn take(&mut self, n: usize, kind: TokenKind) -> Result<TokenKind, ParseError> {
        for _ in 0..n {
            self.bump();
        }
        Ok(kind)
    }

    fn error(&self, start: Pos, kind: ParseErrorKind) -> ParseError {
        ParseError::new(start, self.pos(), kind)
    }

    fn skip_trivia(&mut self) {
        while let Some(c) = self.peek(0) {
            match c {
                ' ' | '\t' | '\r' | '\x0c' | '\u{feff}' => {
                    self.bump();
                }
                '#' => {
                    while self.peek(0).is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                }
                _ => break,
            }
        }
    }

    /// One token; the cursor is on its first character.
    fn token(&mut self) -> Result<TokenKind, ParseError> {
        let start = self.pos();
        let c = self.peek(0).unwrap_or('\0');
        let next = self.peek(1);
        let next2 = self.peek(2);
        use TokenKind as T;
        match c {
            '\n' => self.take(1, T::Newline),
            '0'..='9' => self.number(start),
            '.' if next.is_some_and(|d| d.is_ascii_digit()) => self.number(start),
            c if c.is_alphabetic() || c == '.' => Ok(self.name()),
            '"' | '\'' => self.string(start).map(T::Str),
            '`' => {
                let name = self.string(start)?;
                if name.is_empty() {
                    return Err(self.error(start, ParseErrorKind::EmptyName));
                }
                Ok(T::Ident(name))
            }
            '+' => self.take(1, T::Plus),
            '-' => match (next, next2) {
                (Some('>'), Some('>')) => self.take(3, T::Unsupported("->>")),
                (Some('>'), _) => self.take(2, T::RightAssign),
                _ => self.take(1, T::Minus),
            },
            '*' if next == Some('*') => self.take(2, T::Caret),
            '*' => self.take(1, T::Star),
            '/' => self.take(1, T::Slash),
            '^' => self.take(1, T::Caret),
            ':' => match (next, next2) {
                (Some(':'), Some(':')) => self.take(3, T::Unsupported(":::")),
                (Some(':'), _) => self.take(2, T::Unsupported("::")),
                _ => self.take(1, T::Colon),
            },
            '%' => self.special(start),
            '<' => match (next, next2) {
                (Some('='), _) => self.take(2, T::Le),
                (Some('-'), _) => self.take(2, T::LeftAssign),
                (Some('<'), Some('-')) => self.take(3, T::Unsupported("<<-")),
                _ => self.take(1, T::Lt),
            },
            '>' if next == Some('=') => self.take(2, T::Ge),
            '>' => self.take(1, T::Gt),
            '=' if next == Some('=') => self.take(2, T::EqEq),
            '=' => self.take(1, T::Assign),
            '!' if next == Some('=') => self.take(2, T::Ne),
            '!' => self.take(1, T::Bang),
            '&' if next == Some('&') => self.take(2, T::AndAnd),
            '&' => self.take(1, T::And),
            '|' => match next {
                Some('|') => self.take(2, T::OrOr),
                Some('>') => self.take(2, T::Unsupported("|>")),
                _ => self.take(1, T::Or),
            },
            '~' => self.take(1, T::Tilde),
            '$' => self.take(1, T::Dollar),
            '@' => self.take(1, T::Unsupported("@")),
            '?' => self.take(1, T::Unsupported("?")),
            '\\' => self.take(1, T::Unsupported("\\")),
            '{' => self.take(1, T::Unsupported("{")),
            '}' => self.take(1, T::Unsupported("}")),
            '(' => self.take(1, T::LParen),
            ')' => self.take(1, T::RParen),
            '[' if next == Some('[') => self.take(2, T::LBB),
            '[' => self.take(1, T::LBracket),
            ']' => self.take(1, T::RBracket),
            ',' => self.take(1, T::Comma),
            ';' => self.take(1, T::Semi),
            other => {
                self.bump();
                Err(self.error(start, ParseErrorKind::BadChar { ch: other }))
            }
        }
    }

    fn digits(&mut self, text: &mut String) {
        while let Some(d) = self.peek(0).filter(char::is_ascii_digit) {
            text.push(d);
            self.bump();
        }
    }

    fn number(&mut self, start: Pos) -> Result<TokenKind, ParseError> {
        let mut text = String::new();
        self.digits(&mut text);
        let mut whole = true;
        if self.peek(0) == Some('.') {
            text.push('.');
            self.bump();
            self.digits(&mut text);
            whole = false;
        }
        if let Some(e @ ('e' | 'E')) = self.peek(0) {
            let sign = self.peek(1).filter(|s| *s == '+' || *s == '-');
            let digit_at = if sign.is_some() { 2 } else { 1 };
            if self.peek(digit_at).is_some_and(|d| d.is_ascii_digit()) {
                text.push(e);
                self.bump();
                if let Some(s) = sign {
                    text.push(s);
                    self.bump();
                }
                self.digits(&mut text);
                whole = false;
            } else {
                return Err(self.bad_number(start, text, "the exponent has no digits"));
            }
        }
        let int = self.peek(0) == Some('L');
        if int {
            self.bump();
        }
        if self.peek(0).is_some_and(is_name_char) {
            if int {
                text.push('L');
            }
            let reason = if text == "0" && matches!(self.peek(0), Some('x' | 'X')) {
                "hexadecimal numbers are not supported"
            } else {
                "a number cannot run into letters, digits or dots"
            };
            return Err(self.bad_number(start, text, reason));
        }
        let value: f64 = match text.parse() {
            Ok(v) => v,
            Err(_) => return Err(self.bad_number(start, text, "not a number")),
        };
        if !int {
            return Ok(TokenKind::Num(value));
        }
        text.push('L');
        if whole {
            return match text[..text.len() - 1].parse::<i64>() {
                Ok(v) => Ok(TokenKind::Int(v)),
                Err(_) => Err(self.bad_number(start, text, "too large for an integer")),
            };
        }
        const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
        if value.fract() != 0.0 {
            Err(self.bad_number(start, text, "an integer (suffix L) must be a whole number"))
        } else if value.abs() > EXACT {
            Err(self.bad_number(start, text, "too large for an integer"))
        } else {
            Ok(TokenKind::Int(value as i64))
        }
    }

    fn bad_number(&mut self, start: Pos, mut text: String, reason: &str) -> ParseError {
        // Take the rest of the glued word so the message shows all of it.
        while let Some(c) = self.peek(0).filter(|&c| is_name_char(c)) {
            text.push(c);
            self.bump();
        }
        self.error(
            start,
            ParseErrorKind::BadNumber {
                text,
                reason: reason.to_owned(),
            },
        )
    }

    fn name(&mut self) -> TokenKind {
        let mut name = String::new();
        while let Some(c) = self.peek(0).filter(|&c| is_name_char(c)) {
            name.push(c);
            self.bump();
        }
        TokenKind::keyword(&name).unwrap_or(TokenKind::Ident(name))
    }

    /// A string or a backtick name; the cursor is on the opening quote.
    fn string(&mut self, start: Pos) -> Result<String, ParseError> {
        let quote = self.bump().unwrap_or('"');
        let mut out = String::new();
        loop {
            let at = self.pos();
            match self.bump() {
                None => {
                    let kind = ParseErrorKind::UnterminatedString { quote };
                    return Err(ParseError::new(start, start, kind).at_eof(true));
                }
                Some(c) if c == quote => return Ok(out),
                Some('\\') => {
                    let escaped = match self.bump() {
                        Some('n') => '\n',
                        Some('t') => '\t',
                        Some('r') => '\r',
                        Some(c @ ('\\' | '"' | '\'' | '`')) => c,
                        Some(other) => {
                            let kind = ParseErrorKind::BadEscape { escape: other };
                            return Err(self.error(at, kind));
                        }
                        None => {
                            let kind = ParseErrorKind::UnterminatedString { quote };
                            return Err(ParseError::new(start, start, kind).at_eof(true));
                        }
                    };
                    out.push(escaped);
                }
                Some(c) => out.push(c),
            }
        }
    }

    /// `%in%`, `%%`, `%/%` or another `%op%`, closed on the same line.
    fn special(&mut self, start: Pos) -> Result<TokenKind, ParseError> {
        let mut text = String::from("%");
        self.bump();
        loop {
            match self.peek(0) {
                None | Some('\n') => {
                    return Err(self.error(start, ParseErrorKind::UnterminatedOperator));
                }
                Some(c) => {
                    text.push(c);
                    self.bump();
                    if c == '%' {
                        break;
                    }
                }
            }
        }
        Ok(match text.as_str() {
            "%in%" => TokenKind::In,
            "%%" => TokenKind::Mod,
            "%/%" => TokenKind::IntDiv,
            _ => TokenKind::Special(text),
        })
    }
}

#[cfg(test)]
#[path = "lexer_tests.rs"]
mod tests;
