//! Printing trees back as R source: the expected text for typical input, and the
//! round trip `parse(print(e))` == `e` (structurally) for parsed and for random
//! trees.

use proptest::prelude::*;
use sharestat_lang::{
    Arg, BinOp, Expr, ExprKind, Pos, Program, Span, Stmt, StmtKind, UnOp, parse, parse_expr,
};

/// Parses `src`, prints it, checks the print and that it parses to the same tree.
fn round_trip(src: &str, printed: &str) {
    let p = parse(src).unwrap_or_else(|e| panic!("{}", e.render(src)));
    let text = p.to_string();
    assert_eq!(text, printed, "{src}");
    let again = parse(&text).unwrap_or_else(|e| panic!("{}", e.render(&text)));
    assert_eq!(again.sexp().to_string(), p.sexp().to_string(), "{src}");
    assert_eq!(again.to_string(), text, "printing is idempotent: {src}");
}

#[test]
fn prints_r_source() {
    let cases = [
        (
            "tm <- load(\"DS1\", \"munich_production\")",
            "tm <- load(\"DS1\", \"munich_production\")",
        ),
        ("quantile(c(tm$age,tr$age))", "quantile(c(tm$age, tr$age))"),
        (
            "km<-survfit(Surv(follow_up_months,event_death)~ecog_status,data=rbind(tm,tr))",
            "km <- survfit(Surv(follow_up_months, event_death) ~ ecog_status, data = rbind(tm, tr))",
        ),
        (
            "fisher.test(table(all$bed10_gy>=80, all$local_control=='complete'))",
            "fisher.test(table(all$bed10_gy >= 80, all$local_control == \"complete\"))",
        ),
        ("x[!is.na(x)]", "x[!is.na(x)]"),
        ("x[ , 1]", "x[, 1]"),
        ("x[1,]", "x[1, ]"),
        ("x[[ \"age\" ]]", "x[[\"age\"]]"),
        ("tm$\"age\"", "tm$age"),
        ("tm$`follow up`", "tm$`follow up`"),
        ("`my var` <- 1", "`my var` <- 1"),
        ("f(`TRUE` = 1, 'b c' = 2)", "f(`TRUE` = 1, `b c` = 2)"),
        ("1 -> x", "x <- 1"),
        ("x = 2 ** 3", "x <- 2^3"),
        ("-2^2", "-2^2"),
        ("(-2)^2", "(-2)^2"),
        ("(a + b) * c", "(a + b) * c"),
        ("a + (b * c)", "a + b * c"),
        ("(a - b) - c", "a - b - c"),
        ("a - (b - c)", "a - (b - c)"),
        ("(2^3)^2", "(2^3)^2"),
        ("2^(3^2)", "2^3^2"),
        ("(1:3) + 1", "1:3 + 1"),
        ("1:(n - 1)", "1:(n - 1)"),
        ("-1:3", "-1:3"),
        ("(-1):3", "-1:3"),
        ("-(1:3)", "-(1:3)"),
        ("!(a & b)", "!(a & b)"),
        ("(!a) & b", "!a & b"),
        ("(!a) == b", "(!a) == b"),
        ("(a < b) < c", "(a < b) < c"),
        ("y ~ (x + z)", "y ~ x + z"),
        ("(y ~ x) ~ z", "y ~ x ~ z"),
        ("y ~ (x ~ z)", "y ~ (x ~ z)"),
        ("~ 1", "~1"),
        ("(~ x) | y", "(~x) | y"),
        ("x %in% c(1, 2) & y %% 2 == 0", "x %in% c(1, 2) & y%%2 == 0"),
        ("(-x)[1]", "(-x)[1]"),
        ("(a + b)$c", "(a + b)$c"),
        ("(f)(x)", "f(x)"),
        ("f(x)(y)", "f(x)(y)"),
        (
            "c(1e-10, 1e20, 0.1, 5L, 1e3L, Inf, NaN, .5)",
            "c(1e-10, 1e20, 0.1, 5L, 1000L, Inf, NaN, 0.5)",
        ),
        (
            "'tab\\there \"q\" \\\\ \\n'",
            "\"tab\\there \\\"q\\\" \\\\ \\n\"",
        ),
        ("c(TRUE, F, NA, NULL)", "c(TRUE, F, NA, NULL)"),
        ("a; b\n\nc", "a\nb\nc"),
        ("x[, 1, drop = FALSE]", "x[, 1, drop = FALSE]"),
    ];
    for (src, printed) in cases {
        round_trip(src, printed);
    }
}

#[test]
fn constructed_trees_print_with_the_parentheses_they_need() {
    let sp = Span::point(Pos::START);
    let e = |kind| Expr::new(kind, sp);
    let num = |v| e(ExprKind::Num(v));
    let pow = Expr::new(
        ExprKind::Binary {
            op: BinOp::Pow,
            lhs: Box::new(num(-1.0)),
            rhs: Box::new(num(2.0)),
        },
        sp,
    );
    assert_eq!(pow.to_string(), "(-1)^2");
    let neg_int = e(ExprKind::Int(-5));
    let idx = e(ExprKind::Index {
        target: Box::new(neg_int),
        args: vec![],
    });
    assert_eq!(idx.to_string(), "(-5L)[]");
    assert_eq!(num(f64::NEG_INFINITY).to_string(), "-Inf");
    assert_eq!(e(ExprKind::Ident("if".into())).to_string(), "`if`");
    assert_eq!(
        e(ExprKind::Ident("a`b\\".into())).to_string(),
        "`a\\`b\\\\`"
    );
    assert_eq!(
        e(ExprKind::Dollar {
            target: Box::new(e(ExprKind::Ident("x".into()))),
            field: "2nd".into()
        })
        .to_string(),
        "x$`2nd`"
    );
}

// ----- random trees -----

fn sp() -> Span {
    Span::point(Pos::START)
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z][a-zA-Z0-9._]{0,5}",
        "\\.[a-z_.]{0,3}",
        "\\PC{1,4}",
        "[ -~]{1,4}",
        prop::sample::select(vec![
            "TRUE", "if", "function", "NA", "T", "...", "in", "Inf"
        ])
        .prop_map(String::from),
    ]
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        any::<f64>().prop_map(|v| ExprKind::Num(v.abs())),
        (0u32..10_000).prop_map(|v| ExprKind::Num(f64::from(v) / 100.0)),
        Just(ExprKind::Num(f64::INFINITY)),
        (0i64..=i64::MAX).prop_map(ExprKind::Int),
        any::<String>().prop_map(ExprKind::Str),
        any::<bool>().prop_map(ExprKind::Bool),
        Just(ExprKind::Na),
        Just(ExprKind::Null),
        name().prop_map(ExprKind::Ident),
    ]
    .prop_map(|kind| Expr::new(kind, sp()))
}

fn unop() -> impl Strategy<Value = UnOp> {
    prop::sample::select(vec![UnOp::Neg, UnOp::Pos, UnOp::Not, UnOp::Formula])
}

fn binop() -> impl Strategy<Value = BinOp> {
    use BinOp::*;
    prop::sample::select(vec![
        Add, Sub, Mul, Div, Pow, Range, In, Mod, IntDiv, Lt, Le, Gt, Ge, Eq, Ne, And, AndAnd, Or,
        OrOr, Formula,
    ])
}

fn expr() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(6, 48, 4, |inner| {
        let arg = (prop::option::of(name()), inner.clone())
            .prop_map(|(name, v)| Arg {
                name,
                value: Some(v),
                span: sp(),
            })
            .boxed();
        let index_arg = prop_oneof![
            3 => arg.clone(),
            1 => Just(Arg { name: None, value: None, span: sp() }),
        ];
        prop_oneof![
            (inner.clone(), prop::collection::vec(arg, 0..4)).prop_map(|(f, args)| {
                ExprKind::Call {
                    func: Box::new(f),
                    args,
                }
            }),
            (inner.clone(), name()).prop_map(|(t, field)| ExprKind::Dollar {
                target: Box::new(t),
                field
            }),
            // One lone empty argument prints as `x[]`, which is no arguments.
            (inner.clone(), prop::collection::vec(index_arg, 0..4))
                .prop_filter("lone empty index", |(_, a)| !(a.len() == 1
                    && a[0].value.is_none()))
                .prop_map(|(t, args)| ExprKind::Index {
                    target: Box::new(t),
                    args
                }),
            (inner.clone(), inner.clone()).prop_map(|(t, i)| ExprKind::Index2 {
                target: Box::new(t),
                index: Box::new(i)
            }),
            (unop(), inner.clone()).prop_map(|(op, e)| ExprKind::Unary {
                op,
                expr: Box::new(e)
            }),
            (binop(), inner.clone(), inner).prop_map(|(op, l, r)| ExprKind::Binary {
                op,
                lhs: Box::new(l),
                rhs: Box::new(r)
            }),
        ]
        .prop_map(|kind| Expr::new(kind, sp()))
    })
}

fn stmt() -> impl Strategy<Value = Stmt> {
    (prop::option::of(name()), prop::option::of(name()), expr()).prop_map(
        |(target, column, value)| Stmt {
            kind: match target {
                Some(target) => StmtKind::Assign {
                    target,
                    column,
                    target_span: sp(),
                    value,
                },
                None => StmtKind::Expr(value),
            },
            span: sp(),
        },
    )
}

/// Structural equality ignoring spans; numbers compared exactly (bit for bit, any
/// NaN equal to any NaN), so that it does not rely on how numbers print.
fn same(a: &Expr, b: &Expr) -> bool {
    use ExprKind as K;
    let same_args = |x: &[Arg], y: &[Arg]| {
        x.len() == y.len()
            && x.iter().zip(y).all(|(p, q)| {
                p.name == q.name
                    && match (&p.value, &q.value) {
                        (Some(v), Some(w)) => same(v, w),
                        (None, None) => true,
                        _ => false,
                    }
            })
    };
    match (&a.kind, &b.kind) {
        (K::Num(x), K::Num(y)) => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
        (K::Call { func: f, args: x }, K::Call { func: g, args: y }) => {
            same(f, g) && same_args(x, y)
        }
        (K::Index { target: s, args: x }, K::Index { target: t, args: y }) => {
            same(s, t) && same_args(x, y)
        }
        (
            K::Index2 {
                target: s,
                index: i,
            },
            K::Index2 {
                target: t,
                index: j,
            },
        ) => same(s, t) && same(i, j),
        (
            K::Dollar {
                target: s,
                field: f,
            },
            K::Dollar {
                target: t,
                field: g,
            },
        ) => same(s, t) && f == g,
        (K::Unary { op: o, expr: x }, K::Unary { op: p, expr: y }) => o == p && same(x, y),
        (
            K::Binary {
                op: o,
                lhs: l,
                rhs: r,
            },
            K::Binary {
                op: p,
                lhs: m,
                rhs: s,
            },
        ) => o == p && same(l, m) && same(r, s),
        (x, y) => x == y,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn random_trees_round_trip(e in expr()) {
        let text = e.to_string();
        let back = parse_expr(&text).map_err(|err| TestCaseError::fail(err.render(&text)))?;
        prop_assert_eq!(back.sexp().to_string(), e.sexp().to_string(), "printed as {}", text);
        prop_assert!(same(&back, &e), "printed as {}", text);
    }

    #[test]
    fn random_programs_round_trip(stmts in prop::collection::vec(stmt(), 0..4)) {
        let p = Program { stmts };
        let text = p.to_string();
        let back = parse(&text).map_err(|err| TestCaseError::fail(err.render(&text)))?;
        prop_assert_eq!(back.sexp().to_string(), p.sexp().to_string(), "printed as {}", text);
    }
}
