//! Unit tests of the lexer.

use super::*;

fn kinds(src: &str) -> Vec<TokenKind> {
    tokenize(src)
        .unwrap()
        .into_iter()
        .map(|t| t.kind)
        .filter(|k| *k != TokenKind::Eof)
        .collect()
}

fn lex_err(src: &str) -> ParseError {
    tokenize(src).unwrap_err()
}

#[test]
fn numbers() {
    use TokenKind::{Int, Num};
    assert_eq!(
        kinds("1 2.5 1e-3 .5 5. 1E+05 5L 1e3L 0L"),
        vec![
            Num(1.0),
            Num(2.5),
            Num(0.001),
            Num(0.5),
            Num(5.0),
            Num(100000.0),
            Int(5),
            Int(1000),
            Int(0)
        ]
    );
    assert_eq!(kinds("Inf"), vec![Num(f64::INFINITY)]);
    assert!(matches!(kinds("NaN")[0], Num(v) if v.is_nan()));
}

#[test]
fn bad_numbers() {
    for (src, text) in [
        ("1.2.3", "1.2.3"),
        ("0x1F", "0x1F"),
        ("2i", "2i"),
        ("1e", "1e"),
        ("5.5L", "5.5L"),
        ("99999999999999999999L", "99999999999999999999L"),
        ("3abc", "3abc"),
    ] {
        let err = lex_err(src);
        assert!(
            matches!(&err.kind, ParseErrorKind::BadNumber { text: t, .. } if t == text),
            "{src}: {err}"
        );
        assert_eq!((err.pos.line, err.pos.col), (1, 1));
    }
    assert!(lex_err("0x1F").to_string().contains("hexadecimal"));
}

#[test]
fn names_and_keywords() {
    use TokenKind::*;
    assert_eq!(
        kinds("follow_up_months na.rm .x T F TRUE FALSE NA NULL `my col` `TRUE` ... ..1"),
        vec![
            Ident("follow_up_months".into()),
            Ident("na.rm".into()),
            Ident(".x".into()),
            Ident("T".into()),
            Ident("F".into()),
            True,
            False,
            Na,
            Null,
            Ident("my col".into()),
            Ident("TRUE".into()),
            Ident("...".into()),
            Ident("..1".into()),
        ]
    );
    assert_eq!(
        kinds("function if"),
        vec![Reserved("function"), Reserved("if")]
    );
    assert_eq!(kinds("größe"), vec![Ident("größe".into())]);
}

#[test]
fn strings_and_escapes() {
    assert_eq!(
        kinds(r#""a\n\t\\\"b" 'it\'s' "x'y" 'q"r'"#),
        vec![
            TokenKind::Str("a\n\t\\\"b".into()),
            TokenKind::Str("it's".into()),
            TokenKind::Str("x'y".into()),
            TokenKind::Str("q\"r".into()),
        ]
    );
    assert_eq!(
        kinds("\"two\nlines\""),
        vec![TokenKind::Str("two\nlines".into())]
    );
    let err = lex_err(r#"x <- "ab\qc""#);
    assert_eq!(err.kind, ParseErrorKind::BadEscape { escape: 'q' });
    assert_eq!((err.pos.line, err.pos.col), (1, 9));
    let err = lex_err("x <- 'abc");
    assert_eq!(err.kind, ParseErrorKind::UnterminatedString { quote: '\'' });
    assert_eq!((err.pos.line, err.pos.col), (1, 6));
    assert!(err.needs_more_input());
    assert_eq!(lex_err("``").kind, ParseErrorKind::EmptyName);
}

#[test]
fn operators_longest_match() {
    use TokenKind::*;
    assert_eq!(
        kinds("x<-1 x < -1 a->b a<=b a==b a!=b !a a&&b a||b a**b %in% %% %/% %o% [[ ]]"),
        vec![
            Ident("x".into()),
            LeftAssign,
            Num(1.0),
            Ident("x".into()),
            Lt,
            Minus,
            Num(1.0),
            Ident("a".into()),
            RightAssign,
            Ident("b".into()),
            Ident("a".into()),
            Le,
            Ident("b".into()),
            Ident("a".into()),
            EqEq,
            Ident("b".into()),
            Ident("a".into()),
            Ne,
            Ident("b".into()),
            Bang,
            Ident("a".into()),
            Ident("a".into()),
            AndAnd,
            Ident("b".into()),
            Ident("a".into()),
            OrOr,
            Ident("b".into()),
            Ident("a".into()),
            Caret,
            Ident("b".into()),
            In,
            Mod,
            IntDiv,
            Special("%o%".into()),
            LBB,
            RBracket,
            RBracket,
        ]
    );
    assert_eq!(
        kinds("<<- ->> :: ::: |> @ ? { } \\"),
        ["<<-", "->>", "::", ":::", "|>", "@", "?", "{", "}", "\\"]
            .map(Unsupported)
            .to_vec()
    );
}

#[test]
fn comments_newlines_and_positions() {
    let toks = tokenize("a # comment\n  bb\t<- 1 # end").unwrap();
    let kinds: Vec<_> = toks.iter().map(|t| &t.kind).collect();
    assert_eq!(
        kinds,
        vec![
            &TokenKind::Ident("a".into()),
            &TokenKind::Newline,
            &TokenKind::Ident("bb".into()),
            &TokenKind::LeftAssign,
            &TokenKind::Num(1.0),
            &TokenKind::Eof,
        ]
    );
    let bb = &toks[2].span;
    assert_eq!((bb.start.line, bb.start.col, bb.start.offset), (2, 3, 14));
    assert_eq!((bb.end.line, bb.end.col), (2, 5));
    // The end of input sits just after the last real token.
    assert_eq!((toks[5].span.start.line, toks[5].span.start.col), (2, 10));
    // Columns count characters, not bytes.
    let toks = tokenize("größe + x").unwrap();
    assert_eq!(toks[2].span.start.col, 9);
    assert_eq!(toks[2].span.start.offset, 10);
}

#[test]
fn bad_characters() {
    let err = lex_err("x <- 1\ny § 2");
    assert_eq!(err.kind, ParseErrorKind::BadChar { ch: '§' });
    assert_eq!((err.pos.line, err.pos.col), (2, 3));
    assert_eq!(lex_err("_x").kind, ParseErrorKind::BadChar { ch: '_' });
    assert_eq!(
        lex_err("a %in b").kind,
        ParseErrorKind::UnterminatedOperator
    );
}
