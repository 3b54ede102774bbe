//! The syntax tree: a [`Program`] is a list of [`Stmt`]s, each an assignment or an
//! expression; an [`Expr`] is an [`ExprKind`] with its [`Span`].
//!
//! Every node carries the span of its source text, so later passes (type checker,
//! evaluator) can point at it. Parentheses leave no node: `(a + b) * c` is
//! `Binary(Mul, Binary(Add, a, b), c)`, and the span of the inner node includes the
//! parentheses. The enums are exhaustive on purpose: a pass that matches on
//! [`ExprKind`] should stop compiling when a construct is added.
//!
//! [`Expr::children`] and [`Expr::walk`] visit sub-expressions without a match
//! on every kind.

use crate::span::Span;

/// A whole program: statements in source order.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    /// The statements.
    pub stmts: Vec<Stmt>,
}

/// One statement with its span (without the separating newline or `;`).
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    /// What the statement is.
    pub kind: StmtKind,
    /// Where it is.
    pub span: Span,
}

/// The kinds of statements.
#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    /// `target <- value`, `target = value` or `value -> target`.
    Assign {
        /// The name assigned to.
        target: String,
        /// `target$column <- value`: the column of the private table `target` that is set.
        column: Option<String>,
        /// Where the name is written.
        target_span: Span,
        /// The value.
        value: Expr,
    },
    /// An expression whose value is shown.
    Expr(Expr),
}

/// An expression with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Where it is (including any parentheses around it).
    pub span: Span,
}

/// The kinds of expressions.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A double: `1`, `2.5`, `1e-3`, `Inf` (`f64::INFINITY`), `NaN`. The parser
    /// never makes a negative one (`-1` is `Unary(Neg, 1)`).
    Num(f64),
    /// An integer, written with the suffix `L`: `5L`.
    Int(i64),
    /// A string literal, escapes resolved.
    Str(String),
    /// `TRUE` or `FALSE` (`T` and `F` are plain names).
    Bool(bool),
    /// `NA`.
    Na,
    /// `NULL`.
    Null,
    /// A name (a variable or a function), without backticks.
    Ident(String),
    /// A call `func(args)`; `func` is usually an [`ExprKind::Ident`].
    Call {
        /// The function.
        func: Box<Expr>,
        /// The arguments; every value is `Some` (calls have no empty arguments).
        args: Vec<Arg>,
    },
    /// `target$field` (also written `target$"field"`).
    Dollar {
        /// The list or data frame.
        target: Box<Expr>,
        /// The field's name.
        field: String,
    },
    /// `target[args]`; arguments may be empty (`x[, 1]`) or named (`drop = FALSE`).
    Index {
        /// What is indexed.
        target: Box<Expr>,
        /// The indexes, possibly empty ones.
        args: Vec<Arg>,
    },
    /// `target[[index]]`.
    Index2 {
        /// What is indexed.
        target: Box<Expr>,
        /// The single index.
        index: Box<Expr>,
    },
    /// A prefix operator: `-x`, `+x`, `!x`, `~x`.
    Unary {
        /// The operator.
        op: UnOp,
        /// The operand.
        expr: Box<Expr>,
    },
    /// An infix operator: `lhs op rhs`.
    Binary {
        /// The operator.
        op: BinOp,
        /// The left operand.
        lhs: Box<Expr>,
        /// The right operand.
        rhs: Box<Expr>,
    },
}

/// An argument of a call or an index.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// The name in `name = value`, without backticks or quotes.
    pub name: Option<String>,
    /// The value; `None` only for an empty index argument, as in `x[, 1]`.
    pub value: Option<Expr>,
    /// From the name (or the value) to the end of the value; zero-width at the
    /// following `,` or `]` for an empty argument.
    pub span: Span,
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnOp {
    /// `-x`
    Neg,
    /// `+x`
    Pos,
    /// `!x`
    Not,
    /// `~x`, a one-sided formula.
    Formula,
}

/// Infix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `^` (also written `**`)
    Pow,
    /// `:`, a sequence.
    Range,
    /// `%in%`
    In,
    /// `%%`, the remainder.
    Mod,
    /// `%/%`, integer division.
    IntDiv,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `&`, element-wise.
    And,
    /// `&&`, scalar.
    AndAnd,
    /// `|`, element-wise.
    Or,
    /// `||`, scalar.
    OrOr,
    /// `~`, a two-sided formula `response ~ terms`.
    Formula,
}

/// Precedence levels, loosest first, as in R's `?Syntax` (assignment is below all of
/// them and handled by statements). A higher level binds tighter.
pub mod prec {
    /// `~` (binary and prefix).
    pub const FORMULA: u8 = 1;
    /// `|` `||`.
    pub const OR: u8 = 2;
    /// `&` `&&`.
    pub const AND: u8 = 3;
    /// Prefix `!`.
    pub const NOT: u8 = 4;
    /// `<` `>` `<=` `>=` `==` `!=` (non-associative: `a < b < c` is an error).
    pub const COMPARE: u8 = 5;
    /// Binary `+` `-`.
    pub const SUM: u8 = 6;
    /// `*` `/`.
    pub const PRODUCT: u8 = 7;
    /// `%in%` `%%` `%/%`.
    pub const SPECIAL: u8 = 8;
    /// `:`.
    pub const RANGE: u8 = 9;
    /// Prefix `-` `+`.
    pub const SIGN: u8 = 10;
    /// `^` (right-associative).
    pub const POW: u8 = 11;
    /// Calls, `[`, `[[`, `$`, and atoms.
    pub const POSTFIX: u8 = 12;
}

/// How a chain of one infix operator groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assoc {
    /// `a - b - c` is `(a - b) - c`.
    Left,
    /// `a ^ b ^ c` is `a ^ (b ^ c)`.
    Right,
    /// `a < b < c` is an error.
    None,
}

impl UnOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            UnOp::Neg => "-",
            UnOp::Pos => "+",
            UnOp::Not => "!",
            UnOp::Formula => "~",
        }
    }

    /// The precedence level of the operator (see [`prec`]); its operand binds
    /// everything tighter.
    pub fn prec(self) -> u8 {
        match self {
            UnOp::Neg | UnOp::Pos => prec::SIGN,
            UnOp::Not => prec::NOT,
            UnOp::Formula => prec::FORMULA,
        }
    }
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Pow => "^",
            BinOp::Range => ":",
            BinOp::In => "%in%",
            BinOp::Mod => "%%",
            BinOp::IntDiv => "%/%",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::And => "&",
            BinOp::AndAnd => "&&",
            BinOp::Or => "|",
            BinOp::OrOr => "||",
            BinOp::Formula => "~",
        }
    }

    /// The precedence level (see [`prec`]).
    pub fn prec(self) -> u8 {
        match self {
            BinOp::Formula => prec::FORMULA,
            BinOp::Or | BinOp::OrOr => prec::OR,
            BinOp::And | BinOp::AndAnd => prec::AND,
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne => prec::COMPARE,
            BinOp::Add | BinOp::Sub => prec::SUM,
            BinOp::Mul | BinOp::Div => prec::PRODUCT,
            BinOp::In | BinOp::Mod | BinOp::IntDiv => prec::SPECIAL,
            BinOp::Range => prec::RANGE,
            BinOp::Pow => prec::POW,
        }
    }

    /// How a chain of the operator groups.
    pub fn assoc(self) -> Assoc {
        match self.prec() {
            prec::POW => Assoc::Right,
            prec::COMPARE => Assoc::None,
            _ => Assoc::Left,
        }
    }

    /// Whether the operator compares (`<`, `==`, ...).
    pub fn is_comparison(self) -> bool {
        self.prec() == prec::COMPARE
    }
}

impl Expr {
    /// An expression of `kind` at `span`.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }

    /// The name, if the expression is a plain [`ExprKind::Ident`].
    pub fn as_ident(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Ident(name) => Some(name),
            _ => None,
        }
    }

    /// The direct sub-expressions in source order (the function, then the argument
    /// values; the target, then the index; ...). Empty arguments are skipped.
    pub fn children(&self) -> impl Iterator<Item = &Expr> + '_ {
        let (first, second, args): (Option<&Expr>, Option<&Expr>, &[Arg]) = match &self.kind {
            ExprKind::Num(_)
            | ExprKind::Int(_)
            | ExprKind::Str(_)
            | ExprKind::Bool(_)
            | ExprKind::Na
            | ExprKind::Null
            | ExprKind::Ident(_) => (None, None, &[]),
            ExprKind::Call { func, args } => (Some(func), None, args),
            ExprKind::Index { target, args } => (Some(target), None, args),
            ExprKind::Dollar { target, .. } => (Some(target), None, &[]),
            ExprKind::Index2 { target, index } => (Some(target), Some(index), &[]),
            ExprKind::Unary { expr, .. } => (Some(expr), None, &[]),
            ExprKind::Binary { lhs, rhs, .. } => (Some(lhs), Some(rhs), &[]),
        };
        first
            .into_iter()
            .chain(second)
            .chain(args.iter().filter_map(|a| a.value.as_ref()))
    }

    /// Calls `f` on this expression and then on every sub-expression, depth first in
    /// source order.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        for child in self.children() {
            child.walk(f);
        }
    }
}

impl Stmt {
    /// The expression of the statement: the assigned value or the expression itself.
    pub fn expr(&self) -> &Expr {
        match &self.kind {
            StmtKind::Assign { value, .. } => value,
            StmtKind::Expr(e) => e,
        }
    }
}
