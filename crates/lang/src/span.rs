//! Source positions: [`Pos`] (one point) and [`Span`] (a range), carried by every
//! token, AST node and error.

use std::fmt;

/// A point in the source text.
///
/// `line` and `col` are 1-based and meant for people (`col` counts characters, not
/// bytes, so a name with an umlaut does not shift the caret); `offset` is the byte
/// offset into the source, for slicing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pos {
    /// Line, 1-based.
    pub line: u32,
    /// Column in characters, 1-based.
    pub col: u32,
    /// Byte offset into the source, 0-based.
    pub offset: usize,
}

impl Pos {
    /// The start of any source: line 1, column 1, offset 0.
    pub const START: Pos = Pos {
        line: 1,
        col: 1,
        offset: 0,
    };
}

impl fmt::Display for Pos {
    /// `line 3, column 14`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.col)
    }
}

/// A range of source text: `start` is the first character, `end` is just past the
/// last one (exclusive), so `&src[span.start.offset..span.end.offset]` is the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    /// The first character.
    pub start: Pos,
    /// Just past the last character.
    pub end: Pos,
}

impl Span {
    /// A span from `start` to `end` (exclusive).
    pub const fn new(start: Pos, end: Pos) -> Span {
        Span { start, end }
    }

    /// A zero-width span at `pos` (an empty argument, the end of the input).
    pub const fn point(pos: Pos) -> Span {
        Span {
            start: pos,
            end: pos,
        }
    }

    /// The smallest span covering `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The text the span covers in `src` (the source it was parsed from), or `""`
    /// when the span does not fit `src`.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start.offset..self.end.offset).unwrap_or("")
    }
}

impl fmt::Display for Span {
    /// `line 3, column 14` (the start only; the end is rarely helpful to people).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.start.fmt(f)
    }
}
