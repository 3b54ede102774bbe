//! Expressions: operators by precedence climbing, then calls, indexes and `$`.
//!
//! [`Parser::expr_bp`] parses an expression whose infix operators all bind at least
//! as tightly as `min` (see [`crate::ast::prec`]). Prefix operators parse their
//! operand at one level above their own (`-` takes `^` and postfix, `!` takes
//! comparisons and arithmetic, `~` takes everything but `~`), which reproduces R's
//! yacc grammar: `-2^2` is `-(2^2)`, `-1:3` is `(-1):3`, `!a & b` is `(!a) & b`,
//! `!a == b` is `!(a == b)`, `~ a | b` is `~(a | b)`.

use super::{MAX_DEPTH, MAX_HEIGHT, Parser, short};
use crate::ast::{Arg, Assoc, BinOp, Expr, ExprKind, UnOp, prec};
use crate::error::{ParseError, ParseErrorKind};
use crate::span::{Pos, Span};
use crate::token::{Token, TokenKind};

/// An expression and the height of its tree (1 for a leaf).
struct Parsed {
    expr: Expr,
    height: u32,
}

/// What a bracket opened, for messages.
#[derive(Clone, Copy, PartialEq)]
enum Opened {
    Call,
    Index,
    Index2,
}

fn binop(kind: &TokenKind) -> Option<BinOp> {
    Some(match kind {
        TokenKind::Plus => BinOp::Add,
        TokenKind::Minus => BinOp::Sub,
        TokenKind::Star => BinOp::Mul,
        TokenKind::Slash => BinOp::Div,
        TokenKind::Caret => BinOp::Pow,
        TokenKind::Colon => BinOp::Range,
        TokenKind::In => BinOp::In,
        TokenKind::Mod => BinOp::Mod,
        TokenKind::IntDiv => BinOp::IntDiv,
        TokenKind::Lt => BinOp::Lt,
        TokenKind::Le => BinOp::Le,
        TokenKind::Gt => BinOp::Gt,
        TokenKind::Ge => BinOp::Ge,
        TokenKind::EqEq => BinOp::Eq,
        TokenKind::Ne => BinOp::Ne,
        TokenKind::And => BinOp::And,
        TokenKind::AndAnd => BinOp::AndAnd,
        TokenKind::Or => BinOp::Or,
        TokenKind::OrOr => BinOp::OrOr,
        TokenKind::Tilde => BinOp::Formula,
        _ => return None,
    })
}

fn unop(kind: &TokenKind) -> Option<UnOp> {
    Some(match kind {
        TokenKind::Minus => UnOp::Neg,
        TokenKind::Plus => UnOp::Pos,
        TokenKind::Bang => UnOp::Not,
        TokenKind::Tilde => UnOp::Formula,
        _ => return None,
    })
}

/// `the call of quantile`, `the index of x`, `the [[ index of x`.
fn construct(opened: Opened, target: &Expr) -> String {
    let what = match opened {
        Opened::Call => "the call",
        Opened::Index => "the index",
        Opened::Index2 => "the [[ index",
    };
    let text = short(target);
    if text.ends_with("...") {
        what.to_owned()
    } else {
        format!("{what} of {text}")
    }
}

impl Parser {
    /// An expression at the loosest level (everything but assignment).
    pub(crate) fn expr(&mut self, min: u8) -> Result<Expr, ParseError> {
        Ok(self.expr_bp(min)?.expr)
    }

    /// Builds a node, checking the height limit.
    fn node(kind: ExprKind, span: Span, child_height: u32) -> Result<Parsed, ParseError> {
        let height = child_height + 1;
        if height > MAX_HEIGHT {
            let kind = ParseErrorKind::TooDeep {
                limit: MAX_HEIGHT as usize,
            };
            return Err(ParseError::new(span.start, span.end, kind));
        }
        Ok(Parsed {
            expr: Expr { kind, span },
            height,
        })
    }

    fn expr_bp(&mut self, min: u8) -> Result<Parsed, ParseError> {
        if self.depth >= MAX_DEPTH {
            let kind = ParseErrorKind::TooDeep { limit: MAX_DEPTH };
            return Err(Self::error_at(self.peek(), kind));
        }
        self.depth += 1;
        let result = self.expr_bp_inner(min);
        self.depth -= 1;
        result
    }

    fn expr_bp_inner(&mut self, min: u8) -> Result<Parsed, ParseError> {
        let mut lhs = self.prefix()?;
        let mut after_comparison = false;
        loop {
            let tok = self.peek().clone();
            lhs = match tok.kind {
                TokenKind::LParen => self.call_or_index(lhs, Opened::Call)?,
                TokenKind::LBracket => self.call_or_index(lhs, Opened::Index)?,
                TokenKind::LBB => self.index2(lhs)?,
                TokenKind::Dollar => self.dollar(lhs)?,
                _ => {
                    let Some(op) = binop(&tok.kind) else { break };
                    if op.prec() < min {
                        break;
                    }
                    if op.is_comparison() && after_comparison {
                        let kind = ParseErrorKind::ChainedComparison {
                            op: op.symbol().to_owned(),
                        };
                        return Err(Self::error_at(&tok, kind));
                    }
                    after_comparison = op.is_comparison();
                    self.binary(lhs, op)?
                }
            };
        }
        Ok(lhs)
    }

    /// `lhs op rhs`; the cursor is on the operator. (A function of its own to keep
    /// the frames of the recursion small.)
    fn binary(&mut self, lhs: Parsed, op: BinOp) -> Result<Parsed, ParseError> {
        self.bump();
        self.skip_newlines();
        let rhs = match op.assoc() {
            Assoc::Right => self.expr_bp(op.prec())?,
            Assoc::Left | Assoc::None => self.expr_bp(op.prec() + 1)?,
        };
        let span = lhs.expr.span.to(rhs.expr.span);
        let height = lhs.height.max(rhs.height);
        let kind = ExprKind::Binary {
            op,
            lhs: Box::new(lhs.expr),
            rhs: Box::new(rhs.expr),
        };
        Self::node(kind, span, height)
    }

    /// A literal, a name, a parenthesis or a prefix operator with its operand.
    fn prefix(&mut self) -> Result<Parsed, ParseError> {
        let tok = self.peek().clone();
        let kind = match &tok.kind {
            TokenKind::Num(v) => ExprKind::Num(*v),
            TokenKind::Int(v) => ExprKind::Int(*v),
            TokenKind::Str(s) => ExprKind::Str(s.clone()),
            TokenKind::Ident(name) => ExprKind::Ident(name.clone()),
            TokenKind::True => ExprKind::Bool(true),
            TokenKind::False => ExprKind::Bool(false),
            TokenKind::Na => ExprKind::Na,
            TokenKind::Null => ExprKind::Null,
            TokenKind::LParen => return self.paren(),
            other => {
                return match unop(other) {
                    Some(op) => self.unary(op),
                    None => Err(Self::unexpected(&tok, "an expression")),
                };
            }
        };
        self.bump();
        Ok(Parsed {
            expr: Expr {
                kind,
                span: tok.span,
            },
            height: 1,
        })
    }

    /// `op operand`; the cursor is on the operator.
    fn unary(&mut self, op: UnOp) -> Result<Parsed, ParseError> {
        let start = self.bump().span;
        self.skip_newlines();
        let operand = self.expr_bp(op.prec() + 1)?;
        let span = start.to(operand.expr.span);
        let kind = ExprKind::Unary {
            op,
            expr: Box::new(operand.expr),
        };
        Self::node(kind, span, operand.height)
    }

    /// `( expr )`: no node of its own; the span of the inner node grows to include
    /// the parentheses.
    fn paren(&mut self) -> Result<Parsed, ParseError> {
        let open = self.bump();
        self.nest += 1;
        if self.peek().kind == TokenKind::RParen {
            let tok = self.peek().clone();
            return Err(Self::unexpected(
                &tok,
                "an expression inside the parentheses",
            ));
        }
        let mut inner = self.expr_bp(prec::FORMULA)?;
        let close = self.peek().clone();
        if close.kind != TokenKind::RParen {
            let construct = "the parenthesis".to_owned();
            return Err(Self::close_error(&close, "')'", construct, open.span.start));
        }
        self.bump();
        self.nest -= 1;
        inner.expr.span = open.span.to(close.span);
        Ok(inner)
    }

    /// The error for `found` where a closing delimiter (or `expected`) should be.
    fn close_error(found: &Token, expected: &str, construct: String, open: Pos) -> ParseError {
        if let Some(kind) = Self::misplaced(found) {
            return Self::error_at(found, kind);
        }
        // At the end of the input only the closer makes sense.
        let expected = match (&found.kind, expected) {
            (TokenKind::Eof, "',' or ')'") => "')'",
            (TokenKind::Eof, "',' or ']'") => "']'",
            _ => expected,
        };
        let kind = ParseErrorKind::Unclosed {
            expected: expected.to_owned(),
            construct,
            open,
            found: found.kind.describe(),
        };
        Self::error_at(found, kind)
    }

    /// `target(args)` or `target[args]`; the cursor is on the `(` or `[`.
    fn call_or_index(&mut self, target: Parsed, opened: Opened) -> Result<Parsed, ParseError> {
        let (closer, expected) = match opened {
            Opened::Call => (TokenKind::RParen, "',' or ')'"),
            _ => (TokenKind::RBracket, "',' or ']'"),
        };
        self.bump();
        self.nest += 1;
        let mut args = Vec::new();
        let mut height = target.height;
        let mut last_comma: Option<Token> = None;
        if self.peek().kind != closer {
            loop {
                let tok = self.peek().clone();
                if tok.kind == TokenKind::Comma || tok.kind == closer {
                    if opened == Opened::Call {
                        let trailing = tok.kind == closer;
                        let at = match (&last_comma, trailing) {
                            (Some(comma), true) => comma,
                            _ => &tok,
                        };
                        let kind = ParseErrorKind::EmptyArg {
                            call: construct(opened, &target.expr),
                            trailing,
                        };
                        return Err(Self::error_at(at, kind));
                    }
                    args.push(Arg {
                        name: None,
                        value: None,
                        span: Span::point(tok.span.start),
                    });
                } else {
                    let (arg, arg_height) = self.arg(&tok, &closer)?;
                    height = height.max(arg_height);
                    args.push(arg);
                }
                let tok = self.peek().clone();
                if tok.kind == TokenKind::Comma {
                    self.bump();
                    last_comma = Some(tok);
                } else if tok.kind == closer {
                    break;
                } else {
                    let what = construct(opened, &target.expr);
                    let open = target.expr.span.start;
                    return Err(Self::close_error(&tok, expected, what, open));
                }
            }
        }
        let close = self.bump();
        self.nest -= 1;
        let span = target.expr.span.to(close.span);
        let target = Box::new(target.expr);
        let kind = match opened {
            Opened::Call => ExprKind::Call { func: target, args },
            _ => ExprKind::Index { target, args },
        };
        Self::node(kind, span, height)
    }

    /// One non-empty argument, `value` or `name = value`; `first` is its first token.
    fn arg(&mut self, first: &Token, closer: &TokenKind) -> Result<(Arg, u32), ParseError> {
        let e = self.expr_bp(prec::FORMULA)?;
        if self.peek().kind != TokenKind::Assign {
            let span = e.expr.span;
            let arg = Arg {
                name: None,
                value: Some(e.expr),
                span,
            };
            return Ok((arg, e.height));
        }
        // `name = value`: the name must be a bare name or string, not `(a)` or `a + 1`.
        let name = match (&e.expr.kind, &first.kind) {
            (ExprKind::Ident(n), TokenKind::Ident(_)) | (ExprKind::Str(n), TokenKind::Str(_)) => {
                n.clone()
            }
            _ => {
                let kind = ParseErrorKind::BadArgName {
                    found: short(&e.expr),
                };
                return Err(ParseError::new(e.expr.span.start, e.expr.span.end, kind));
            }
        };
        if name.is_empty() {
            let (start, end) = (e.expr.span.start, e.expr.span.end);
            return Err(ParseError::new(start, end, ParseErrorKind::EmptyName));
        }
        self.bump();
        let tok = self.peek().clone();
        if tok.kind == TokenKind::Comma || tok.kind == *closer {
            return Err(Self::error_at(
                &tok,
                ParseErrorKind::MissingArgValue { name },
            ));
        }
        let value = self.expr_bp(prec::FORMULA)?;
        let arg = Arg {
            name: Some(name),
            span: e.expr.span.to(value.expr.span),
            value: Some(value.expr),
        };
        Ok((arg, value.height))
    }

    /// `target[[index]]`; the cursor is on the `[[`.
    fn index2(&mut self, target: Parsed) -> Result<Parsed, ParseError> {
        self.bump();
        self.nest += 1;
        let what = || construct(Opened::Index2, &target.expr);
        let open = target.expr.span.start;
        let tok = self.peek().clone();
        if tok.kind == TokenKind::RBracket || tok.kind == TokenKind::Comma {
            return Err(Self::error_at(&tok, ParseErrorKind::Index2Arity));
        }
        let index = self.expr_bp(prec::FORMULA)?;
        let mut end = tok.span;
        for _ in 0..2 {
            let tok = self.peek().clone();
            match tok.kind {
                TokenKind::RBracket => {}
                TokenKind::Comma => return Err(Self::error_at(&tok, ParseErrorKind::Index2Arity)),
                _ => return Err(Self::close_error(&tok, "']]'", what(), open)),
            }
            end = self.bump().span;
        }
        self.nest -= 1;
        let span = target.expr.span.to(end);
        let height = target.height.max(index.height);
        let kind = ExprKind::Index2 {
            target: Box::new(target.expr),
            index: Box::new(index.expr),
        };
        Self::node(kind, span, height)
    }

    /// `target$field` or `target$"field"`; the cursor is on the `$`.
    fn dollar(&mut self, target: Parsed) -> Result<Parsed, ParseError> {
        self.bump();
        self.skip_newlines();
        let tok = self.peek().clone();
        let field = match &tok.kind {
            TokenKind::Str(name) if name.is_empty() => {
                return Err(Self::error_at(&tok, ParseErrorKind::EmptyName));
            }
            TokenKind::Ident(name) | TokenKind::Str(name) => name.clone(),
            _ => return Err(Self::unexpected(&tok, "a name or a string after '$'")),
        };
        self.bump();
        let span = target.expr.span.to(tok.span);
        let kind = ExprKind::Dollar {
            target: Box::new(target.expr),
            field,
        };
        Self::node(kind, span, target.height)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operator_token_maps_to_its_op() {
        for op in [
            BinOp::Add,
            BinOp::Pow,
            BinOp::In,
            BinOp::Formula,
            BinOp::OrOr,
        ] {
            let (tokens, err) = crate::lexer::lex(op.symbol());
            assert!(err.is_none());
            assert_eq!(binop(&tokens[0].kind), Some(op));
        }
    }
}
