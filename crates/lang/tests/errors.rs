//! Parse errors: kinds, positions (line and column), messages and rendering.

use sharestat_lang::{ParseError, ParseErrorKind, parse, parse_expr};

fn err(src: &str) -> ParseError {
    match parse(src) {
        Ok(p) => panic!("{src:?} parsed as {}", p.sexp()),
        Err(e) => e,
    }
}

/// (line, column) of the error.
fn at(src: &str) -> (u32, u32) {
    let e = err(src);
    (e.pos.line, e.pos.col)
}

#[test]
fn unclosed_paren_names_the_call_and_where_it_started() {
    let src = "tm <- load(\"DS1\", \"munich_production\")\n\
               tr <- load(\"DS2\", \"rome\")\n\
               q <- quantile(c(tm$age, tr$age), probs = c(0.25, 0.5)\n";
    let e = err(src);
    assert_eq!((e.pos.line, e.pos.col), (3, 54));
    assert_eq!(
        e.to_string(),
        "line 3, column 54: expected ')' to close the call of quantile \
         started at line 3, column 6, found end of input"
    );
    assert!(e.needs_more_input());
    let ParseErrorKind::Unclosed { open, .. } = e.kind else {
        panic!("{e}")
    };
    assert_eq!((open.line, open.col), (3, 6));

    // Something else where ')' should be: positioned at that token.
    let e = err("quantile(x probs = 0.5)");
    assert_eq!((e.pos.line, e.pos.col), (1, 12));
    assert_eq!(
        e.message(),
        "expected ',' or ')' to close the call of quantile started at line 1, column 1, \
         found name 'probs'"
    );
    assert!(!e.needs_more_input());

    let e = err("x <- (a + b\ny <- 2");
    assert_eq!(
        e.to_string(),
        "line 2, column 1: expected ')' to close the parenthesis started at line 1, column 6, \
         found name 'y'"
    );
    assert!(
        err("x[1")
            .message()
            .starts_with("expected ']' to close the index of x")
    );
    assert!(
        err("x[[1]")
            .message()
            .starts_with("expected ']]' to close the [[ index of x")
    );
    assert_eq!(at("x[[1) "), (1, 5));
}

#[test]
fn unexpected_tokens() {
    let e = err("x <- 1\ny <- * 2");
    assert_eq!((e.pos.line, e.pos.col), (2, 6));
    assert_eq!(e.message(), "unexpected '*', expected an expression");
    let e = err("mean(x) sd(x)");
    assert_eq!((e.pos.line, e.pos.col), (1, 9));
    assert!(e.message().starts_with("unexpected name 'sd'"), "{e}");
    assert_eq!(at("f(x))"), (1, 5));
    assert_eq!(at("x <- ]"), (1, 6));
    assert_eq!(at("x\n[1]"), (2, 1));
    assert_eq!(at("1 2"), (1, 3));
    assert_eq!(at("\"a\" \"b\""), (1, 5));
    assert_eq!(at("x$1"), (1, 3));
    assert_eq!(at("x$(a)"), (1, 3));
    assert_eq!(at("()"), (1, 2));
    assert_eq!(at("x <- 1 +"), (1, 9));
    assert!(err("x <- 1 +").needs_more_input());
    assert_eq!(
        err("1 +").message(),
        "unexpected end of input, expected an expression"
    );
}

#[test]
fn lexical_errors_have_positions() {
    let e = err("x <- 1\ns <- \"bad \\q escape\"");
    assert_eq!(e.kind, ParseErrorKind::BadEscape { escape: 'q' });
    assert_eq!((e.pos.line, e.pos.col), (2, 11));
    assert!(
        e.message().starts_with("invalid escape '\\q' in a string"),
        "{e}"
    );

    let e = err("x <- 'never closed\n");
    assert_eq!(e.kind, ParseErrorKind::UnterminatedString { quote: '\'' });
    assert_eq!((e.pos.line, e.pos.col), (1, 6));
    assert!(e.needs_more_input());

    let e = err("y <- 3 § 4");
    assert_eq!(e.kind, ParseErrorKind::BadChar { ch: '§' });
    assert_eq!((e.pos.line, e.pos.col), (1, 8));
    assert_eq!(at("x <- 1.2.3"), (1, 6));
    assert_eq!(at("_x <- 1"), (1, 1));
    assert!(
        err("_x")
            .message()
            .contains("a name starts with a letter or a dot")
    );
    // The first error in source order wins: a syntax error before a lexical one...
    assert_eq!(at("x y\nz <- 'open"), (1, 3));
    // ...and a lexical error after a complete statement.
    assert_eq!(at("x <- 1\n§"), (2, 1));
    assert_eq!(at("f(x, \"a\\z\")"), (1, 8));
}

#[test]
fn unsupported_r_syntax() {
    let cases: [(&str, (u32, u32), &str); 16] = [
        (
            "x <<- 5",
            (1, 3),
            "'<<-' (assignment outside the current scope) is not supported in sharestat; use '<-'",
        ),
        ("5 ->> x", (1, 3), "'->>'"),
        (
            "f <- function(x) x",
            (1, 6),
            "'function' (defining functions) is not supported in sharestat",
        ),
        ("sq <- \\(x) x^2", (1, 7), "anonymous functions"),
        (
            "if (a) b",
            (1, 1),
            "'if' (conditional statements) is not supported in sharestat",
        ),
        ("x <- 1\nelse", (2, 1), "'else'"),
        ("for (i in 1:3) x", (1, 1), "'for' (loops) is not supported"),
        ("while (TRUE) x", (1, 1), "'while' (loops)"),
        ("repeat x", (1, 1), "'repeat' (loops)"),
        ("{ x <- 1 }", (1, 1), "a block '{ ... }' is not supported"),
        ("f(x) {", (1, 6), "a block"),
        ("stats::sd(x)", (1, 6), "namespace access '::'"),
        ("x |> mean()", (1, 3), "the pipe '|>'"),
        ("obj@slot", (1, 4), "slot access '@'"),
        (
            "a %o% b",
            (1, 3),
            "operator '%o%' is not supported in sharestat; the %-operators are %in%, %% and %/%",
        ),
        ("x[a in b]", (1, 5), "did you mean %in%?"),
    ];
    for (src, pos, msg) in cases {
        let e = err(src);
        assert!(
            matches!(e.kind, ParseErrorKind::Unsupported { .. }),
            "{src}: {e}"
        );
        assert_eq!((e.pos.line, e.pos.col), pos, "{src}: {e}");
        assert!(e.message().contains(msg), "{src}: {e}");
        assert!(!e.needs_more_input(), "{src}");
    }
    // Inside a call the unsupported token is named, not "expected ')'".
    let e = err("quantile(x <<- 1)");
    assert!(matches!(e.kind, ParseErrorKind::Unsupported { .. }), "{e}");
    assert_eq!((e.pos.line, e.pos.col), (1, 12));
}

#[test]
fn assignment_errors() {
    let e = err("x[1] <- 2");
    assert_eq!(
        e.kind,
        ParseErrorKind::BadAssignTarget {
            found: "x[1]".into()
        }
    );
    assert_eq!((e.pos.line, e.pos.col), (1, 1));
    assert_eq!(
        err("f(tm)$age = 3").message(),
        "cannot assign to f(tm)$age: only a name or a column of a table (`t$x`) can be assigned to"
    );
    assert!(matches!(
        err("1 -> f(x)").kind,
        ParseErrorKind::BadAssignTarget { .. }
    ));
    assert_eq!(err("x <- y <- 1").kind, ParseErrorKind::ChainedAssign);
    assert_eq!(at("x <- y <- 1"), (1, 8));
    assert_eq!(err("1 -> a -> b").kind, ParseErrorKind::ChainedAssign);
    assert_eq!(err("x = y = 1").kind, ParseErrorKind::ChainedAssign);
    let e = err("f(x <- 2)");
    assert_eq!(e.kind, ParseErrorKind::AssignInExpr { op: "<-".into() });
    assert_eq!((e.pos.line, e.pos.col), (1, 5));
    let e = err("(a = 1)");
    assert!(e.message().contains("use '=='"), "{e}");
    assert_eq!((e.pos.line, e.pos.col), (1, 4));
    assert!(matches!(
        parse_expr("x <- 1").unwrap_err().kind,
        ParseErrorKind::AssignInExpr { .. }
    ));
}

#[test]
fn argument_errors() {
    let e = err("f(a = , b)");
    assert_eq!(e.kind, ParseErrorKind::MissingArgValue { name: "a".into() });
    assert_eq!((e.pos.line, e.pos.col), (1, 7));
    let e = err("quantile(x, probs = c(0.25, 0.5), )");
    assert_eq!(
        e.kind,
        ParseErrorKind::EmptyArg {
            call: "the call of quantile".into(),
            trailing: true
        }
    );
    assert_eq!((e.pos.line, e.pos.col), (1, 33));
    assert_eq!(e.message(), "trailing comma in the call of quantile");
    let e = err("f(, a)");
    assert_eq!(e.message(), "empty argument in the call of f");
    assert_eq!((e.pos.line, e.pos.col), (1, 3));
    assert_eq!(at("f(a,,b)"), (1, 5));
    let e = err("f(a + 1 = 2)");
    assert_eq!(
        e.kind,
        ParseErrorKind::BadArgName {
            found: "a + 1".into()
        }
    );
    assert!(matches!(
        err("f((a) = 2)").kind,
        ParseErrorKind::BadArgName { .. }
    ));
    assert_eq!(err("x[[1, 2]]").kind, ParseErrorKind::Index2Arity);
    assert_eq!(at("x[[1, 2]]"), (1, 5));
    assert_eq!(err("x[[]]").kind, ParseErrorKind::Index2Arity);
    // Comparisons do not chain in R.
    let e = err("a < b < c");
    assert_eq!(e.kind, ParseErrorKind::ChainedComparison { op: "<".into() });
    assert_eq!((e.pos.line, e.pos.col), (1, 7));
    assert!(matches!(
        err("0 <= x + 1 == y").kind,
        ParseErrorKind::ChainedComparison { .. }
    ));
}

#[test]
fn render_shows_line_and_caret() {
    let src = "x <- 1\n\ty <- quantile(x,\n\t\tprobs = c(0.25, 0.5)\n";
    let e = err(src);
    let want = "error: expected ')' to close the call of quantile started at line 2, column 7, found end of input
 --> line 3, column 23
  |
3 | \t\tprobs = c(0.25, 0.5)
  | \t\t                    ^
  = note: started here
  |
2 | \ty <- quantile(x,
  | \t     ^
";
    assert_eq!(e.render(src), want);

    let src = "s <- \"a\\qb\"";
    let want =
        "error: invalid escape '\\q' in a string; the escapes are \\n \\t \\r \\\\ \\\" \\' and \\`
 --> line 1, column 8
  |
1 | s <- \"a\\qb\"
  |        ^^
";
    assert_eq!(err(src).render(src), want);

    // Line numbers wider than one digit keep the gutter aligned.
    let src = format!("{}x <- 1 +* 2\n", "a\n".repeat(11));
    let rendered = err(&src).render(&src);
    assert!(
        rendered.contains("\n   |\n12 | x <- 1 +* 2\n   |         ^\n"),
        "{rendered}"
    );
}

#[test]
fn too_deep_is_an_error_not_a_crash() {
    for src in [
        "(".repeat(5000) + "1" + &")".repeat(5000),
        "-".repeat(5000) + "1",
        "!".repeat(5000) + "x",
        "x".to_owned() + &"^x".repeat(5000),
        "1".to_owned() + &"+1".repeat(5000),
        "x".to_owned() + &"[1]".repeat(5000),
        "f".to_owned() + &"()".repeat(5000),
        "x".to_owned() + &"$a".repeat(5000),
        "f(".repeat(5000),
        "x[[".repeat(5000),
    ] {
        // A small stack, as on a REPL thread: the limits must keep well inside it.
        let e = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || parse(&src).map(|_| ()).unwrap_err())
            .unwrap()
            .join()
            .unwrap();
        assert!(matches!(e.kind, ParseErrorKind::TooDeep { .. }), "{e}");
    }
    // Within the limits all is well.
    let src = "(".repeat(60) + "1" + &")".repeat(60);
    assert!(parse(&src).is_ok());
    let src = "1".to_owned() + &"+1".repeat(300);
    let p = parse(&src).unwrap();
    assert_eq!(p.to_string(), src.replace('+', " + "));
}
