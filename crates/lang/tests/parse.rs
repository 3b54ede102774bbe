//! Parsing: precedence and associativity as in R, the pilot's transcript, statements
//! and line continuation, spans.

use sharestat_lang::{ExprKind, StmtKind, is_incomplete, parse, parse_expr};

/// The S-expression of one expression.
fn sx(src: &str) -> String {
    match parse_expr(src) {
        Ok(e) => e.sexp().to_string(),
        Err(e) => panic!("{src}: {e}"),
    }
}

/// The S-expressions of a program, one statement per line.
fn prog(src: &str) -> String {
    match parse(src) {
        Ok(p) => p.sexp().to_string(),
        Err(e) => panic!("{}", e.render(src)),
    }
}

#[test]
fn precedence_follows_r() {
    let cases = [
        // unary minus binds looser than ^, tighter than :
        ("-2^2", "(- (^ 2 2))"),
        ("-1:3", "(: (- 1) 3)"),
        ("2^-1", "(^ 2 (- 1))"),
        ("-a*b", "(* (- a) b)"),
        ("-x[1]", "(- ([ x 1))"),
        ("-x$a^2", "(- (^ ($ x a) 2))"),
        // ^ is right-associative
        ("2^3^2", "(^ 2 (^ 3 2))"),
        ("a^b^-c", "(^ a (^ b (- c)))"),
        // : binds tighter than arithmetic and %in%
        ("1:3+1", "(+ (: 1 3) 1)"),
        ("a:b*2", "(* (: a b) 2)"),
        ("1:n-1", "(- (: 1 n) 1)"),
        ("x %in% 1:3", "(%in% x (: 1 3))"),
        // %op% binds tighter than * and +
        ("a*b %in% c", "(* a (%in% b c))"),
        ("a %% 2 == 0", "(== (%% a 2) 0)"),
        ("a %/% b * c", "(* (%/% a b) c)"),
        // left associativity of arithmetic
        ("a-b-c", "(- (- a b) c)"),
        ("a/b/c", "(/ (/ a b) c)"),
        ("a+b*c", "(+ a (* b c))"),
        ("(a+b)*c", "(* (+ a b) c)"),
        // comparison below arithmetic
        ("a+1 >= b*2", "(>= (+ a 1) (* b 2))"),
        // ! is below comparison, above &
        ("!a & b", "(& (! a) b)"),
        ("!a == b", "(! (== a b))"),
        ("!is.na(x) & x > 0", "(& (! (is.na x)) (> x 0))"),
        ("a & !b | c", "(| (& a (! b)) c)"),
        ("a == !b", "(== a (! b))"),
        // & above |
        ("a | b & c", "(| a (& b c))"),
        ("a || b && c", "(|| a (&& b c))"),
        ("a & b && c", "(&& (& a b) c)"),
        // ~ is the loosest operator
        ("y ~ x + z", "(~ y (+ x z))"),
        ("y ~ x >= 80", "(~ y (>= x 80))"),
        ("y ~ a | b", "(~ y (| a b))"),
        ("~ 1", "(~ 1)"),
        ("~ a | b", "(~ (| a b))"),
        ("~ x ~ y", "(~ (~ x) y)"),
        (
            "Surv(time, event) ~ ecog_status",
            "(~ (Surv time event) ecog_status)",
        ),
        // postfix chains
        ("x$a$b", "($ ($ x a) b)"),
        ("x$a[1]", "([ ($ x a) 1)"),
        ("f(x)$a", "($ (f x) a)"),
        ("f(1)(2)", "((f 1) 2)"),
        ("x[[1]][2]", "([ ([[ x 1) 2)"),
        ("x$f(1)", "(($ x f) 1)"),
        ("+x", "(+ x)"),
        ("- -x", "(- (- x))"),
        ("!!x", "(! (! x))"),
    ];
    for (src, want) in cases {
        assert_eq!(sx(src), want, "{src}");
    }
}

#[test]
fn literals() {
    assert_eq!(sx("5L"), "5L");
    assert_eq!(sx(".5"), "0.5");
    assert_eq!(sx("1e-3"), "0.001");
    assert_eq!(sx("'it\\'s'"), "\"it's\"");
    assert_eq!(
        sx("c(TRUE, FALSE, T, F, NA, NULL, Inf, NaN)"),
        "(c TRUE FALSE T F NA NULL Inf NaN)"
    );
    assert!(matches!(
        parse_expr("TRUE").unwrap().kind,
        ExprKind::Bool(true)
    ));
    assert!(matches!(parse_expr("T").unwrap().kind, ExprKind::Ident(ref n) if n == "T"));
    assert!(matches!(parse_expr("5L").unwrap().kind, ExprKind::Int(5)));
    assert!(matches!(parse_expr("5").unwrap().kind, ExprKind::Num(v) if v == 5.0));
    assert!(matches!(parse_expr("`TRUE`").unwrap().kind, ExprKind::Ident(ref n) if n == "TRUE"));
}

#[test]
fn pilot_transcript() {
    let cases = [
        (
            r#"tm <- load("DS1", "munich_production")"#,
            r#"(<- tm (load "DS1" "munich_production"))"#,
        ),
        (
            "quantile(c(tm$age, tr$age))",
            "(quantile (c ($ tm age) ($ tr age)))",
        ),
        (
            "freq(c(tm$gender, tr$gender))",
            "(freq (c ($ tm gender) ($ tr gender)))",
        ),
        (
            "freq(c(subset(tm, event_death == 0 & ecog_status == 0)$follow_up, \
             subset(tr, event_death == 0 & ecog_status == 0)$follow_up))",
            "(freq (c ($ (subset tm (& (== event_death 0) (== ecog_status 0))) follow_up) \
             ($ (subset tr (& (== event_death 0) (== ecog_status 0))) follow_up)))",
        ),
        (
            "km <- survfit(Surv(follow_up_months, event_death) ~ ecog_status, data = rbind(tm, tr))",
            "(<- km (survfit (~ (Surv follow_up_months event_death) ecog_status) data=(rbind tm tr)))",
        ),
        (
            r#"fisher.test(table(all$bed10_gy >= 80, all$local_control == "complete"))"#,
            r#"(fisher.test (table (>= ($ all bed10_gy) 80) (== ($ all local_control) "complete")))"#,
        ),
        ("x[!is.na(x)]", "([ x (! (is.na x)))"),
        (
            "s <- subset(rbind(tm, tr), event_death == 0 & ecog_status == 0)",
            "(<- s (subset (rbind tm tr) (& (== event_death 0) (== ecog_status 0))))",
        ),
        (
            "quantile(x, probs = c(0.25, 0.5))",
            "(quantile x probs=(c 0.25 0.5))",
        ),
        ("c()", "(c)"),
        ("tm$\"age\"", "($ tm age)"),
        ("x[[ \"age\" ]]", "([[ x \"age\")"),
        ("x[, 1]", "([ x _ 1)"),
        ("x[1, ]", "([ x 1 _)"),
        ("x[, ]", "([ x _ _)"),
        ("x[]", "([ x)"),
        ("x[i, j, drop = FALSE]", "([ x i j drop=FALSE)"),
        ("mean(x, na.rm = TRUE)", "(mean x na.rm=TRUE)"),
        ("f(`odd name` = 1, \"s\" = 2)", "(f `odd name`=1 s=2)"),
    ];
    for (src, want) in cases {
        assert_eq!(prog(src), want, "{src}");
    }
}

#[test]
fn assignments() {
    assert_eq!(prog("x = 1"), "(<- x 1)");
    assert_eq!(prog("1 -> x"), "(<- x 1)");
    assert_eq!(prog("y ~ x -> f"), "(<- f (~ y x))");
    assert_eq!(prog("\"x\" <- 2"), "(<- x 2)");
    assert_eq!(prog("`my var` <- 2"), "(<- `my var` 2)");
    assert_eq!(prog("x<-1"), "(<- x 1)");
    assert_eq!(prog("x < -1"), "(< x (- 1))");
    // A column of a table.
    assert_eq!(
        prog("d$g <- ifelse(d$x > 1, \"a\", \"b\")"),
        "(<- ($ d g) (ifelse (> ($ d x) 1) \"a\" \"b\"))"
    );
    assert_eq!(prog("d$x * 2 -> d$y"), "(<- ($ d y) (* ($ d x) 2))");
    assert!(parse("f(d)$x <- 1").is_err());
    let p = parse("  km <- f(x)").unwrap();
    let StmtKind::Assign {
        target,
        column: None,
        target_span,
        value,
    } = &p.stmts[0].kind
    else {
        panic!("not an assignment")
    };
    assert_eq!(target, "km");
    assert_eq!((target_span.start.col, target_span.end.col), (3, 5));
    assert_eq!(value.span.start.col, 9);
    assert_eq!(
        (p.stmts[0].span.start.col, p.stmts[0].span.end.col),
        (3, 13)
    );
}

#[test]
fn statements_and_separators() {
    assert_eq!(prog(""), "");
    assert_eq!(prog("\n\n  # only a comment\n"), "");
    assert_eq!(prog("a; b\nc # comment\n\n d;"), "a\nb\nc\nd");
    assert_eq!(prog("x <- 1; y <- x + 1"), "(<- x 1)\n(<- y (+ x 1))");
    // A newline ends a complete statement, even before something that could go on.
    assert_eq!(prog("x\n(1)"), "x\n1");
    assert!(parse("x\n[1]").is_err());
}

#[test]
fn line_continuation() {
    // after an open parenthesis
    let src = "km <- survfit(Surv(follow_up_months, event_death) ~ ecog_status,\n\
               \x20             data = rbind(tm,\n\
               \x20                          tr))\nsummary(km)";
    assert_eq!(
        prog(src),
        "(<- km (survfit (~ (Surv follow_up_months event_death) ecog_status) data=(rbind tm tr)))\n\
         (summary km)"
    );
    // after a trailing binary operator
    assert_eq!(prog("y <- a +\n  b\nz"), "(<- y (+ a b))\nz");
    assert_eq!(prog("y ~\n x"), "(~ y x)");
    assert_eq!(prog("x <-\n\n 5"), "(<- x 5)");
    assert_eq!(prog("a &\n # comment\n b"), "(& a b)");
    assert_eq!(prog("tm$\nage"), "($ tm age)");
    // inside brackets newlines are spaces, even before a postfix
    assert_eq!(prog("(f\n(1))"), "(f 1)");
    assert_eq!(prog("x[\n1,\n\n2\n]"), "([ x 1 2)");
    assert_eq!(prog("x[[\n1\n]]"), "([[ x 1)");
    // but a line that is complete ends the statement
    assert_eq!(prog("a\n+ b"), "a\n(+ b)");
}

#[test]
fn incomplete_input() {
    for src in [
        "quantile(x,",
        "quantile(x",
        "x <-",
        "x <- 1 +",
        "x <- 1 + # comment\n",
        "y ~",
        "x[1,",
        "x[[1]",
        "x[[1",
        "x$",
        "\"abc",
        "'abc\ndef",
        "`abc",
        "!",
        "-",
        "f(a = ",
        "(a",
        "c(1, 2,\n 3,\n",
    ] {
        assert!(is_incomplete(src), "{src:?} should be incomplete");
    }
    for src in [
        "",
        "\n",
        "x <- 1",
        "x <- 1\n",
        "f(x)",
        "f(x))",
        "f(x y",
        "f(a, )",
        "x <<- ",
        "function(",
        "if (",
        "x |>",
        "\"a\\q",
        "1 + § (",
    ] {
        assert!(
            !is_incomplete(src),
            "{src:?} should be complete (or an error)"
        );
    }
}

#[test]
fn spans_cover_the_source() {
    let src = "fisher.test(table(all$bed10_gy >= 80, (a + b)))";
    let e = parse_expr(src).unwrap();
    assert_eq!(e.span.text(src), src);
    let mut texts = Vec::new();
    e.walk(&mut |node| texts.push(node.span.text(src).to_owned()));
    assert_eq!(
        texts,
        [
            src,
            "fisher.test",
            "table(all$bed10_gy >= 80, (a + b))",
            "table",
            "all$bed10_gy >= 80",
            "all$bed10_gy",
            "all",
            "80",
            "(a + b)",
            "a",
            "b",
        ]
    );
    let ExprKind::Call { args, .. } = &e.kind else {
        panic!()
    };
    let ExprKind::Call { args: inner, .. } = &args[0].value.as_ref().unwrap().kind else {
        panic!()
    };
    assert_eq!(inner[1].span.text(src), "(a + b)");
    let e = parse_expr("quantile(x, probs = c(0.25, 0.5))").unwrap();
    let ExprKind::Call { args, .. } = &e.kind else {
        panic!()
    };
    assert_eq!(args[1].name.as_deref(), Some("probs"));
    assert_eq!((args[1].span.start.col, args[1].span.end.col), (13, 33));
    // multi-line spans
    let src = "x <- f(a,\n  b)\ny";
    let p = parse(src).unwrap();
    assert_eq!(p.stmts[0].span.text(src), "x <- f(a,\n  b)");
    assert_eq!(
        (p.stmts[1].span.start.line, p.stmts[1].span.start.col),
        (3, 1)
    );
    // empty index arguments have zero width at the following delimiter
    let e = parse_expr("x[, 1]").unwrap();
    let ExprKind::Index { args, .. } = &e.kind else {
        panic!()
    };
    assert!(args[0].value.is_none());
    assert_eq!((args[0].span.start.col, args[0].span.end.col), (3, 3));
}

#[test]
fn children_in_source_order() {
    let e = parse_expr("f(a, b = c)[[d]]").unwrap();
    let names: Vec<String> = e.children().map(|c| c.to_string()).collect();
    assert_eq!(names, ["f(a, b = c)", "d"]);
    let mut idents = Vec::new();
    e.walk(&mut |n| idents.extend(n.as_ident()));
    assert_eq!(idents, ["f", "a", "c", "d"]);
}
