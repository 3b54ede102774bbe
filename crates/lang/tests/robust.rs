//! No input makes the parser panic: random text, random unicode, and token soup
//! assembled from the language's own tokens (which reaches far deeper into the
//! grammar than random characters). Whatever parses also prints and parses back to
//! the same tree.

use proptest::prelude::*;
use sharestat_lang::{is_incomplete, parse, parse_expr, tokenize};

const TOKENS: &[&str] = &[
    "x",
    "tm",
    "na.rm",
    ".x",
    "`odd name`",
    "f",
    "quantile",
    "c",
    "1",
    "2.5",
    "1e-3",
    ".5",
    "5L",
    "1e",
    "0x1",
    "\"s\"",
    "'t'",
    "\"esc\\n\"",
    "\"bad\\q\"",
    "\"open",
    "TRUE",
    "FALSE",
    "T",
    "NA",
    "NULL",
    "Inf",
    "NaN",
    "+",
    "-",
    "*",
    "/",
    "^",
    "**",
    ":",
    "%in%",
    "%%",
    "%/%",
    "%o%",
    "%",
    "<",
    ">",
    "<=",
    ">=",
    "==",
    "!=",
    "!",
    "&",
    "&&",
    "|",
    "||",
    "~",
    "<-",
    "<<-",
    "->",
    "->>",
    "=",
    "$",
    "@",
    "::",
    "|>",
    "?",
    "(",
    ")",
    "[",
    "[[",
    "]",
    "]]",
    "{",
    "}",
    ",",
    ";",
    "\n",
    " ",
    "# comment\n",
    "function",
    "if",
    "else",
    "for",
    "in",
    "while",
    "\\",
    "§",
    "_",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(TOKENS),
            prop::sample::select(vec!["", " ", "\n"]),
        ),
        0..40,
    )
    .prop_map(|parts| {
        parts
            .into_iter()
            .map(|(t, sep)| format!("{t}{sep}"))
            .collect()
    })
}

fn check(src: &str) -> Result<(), TestCaseError> {
    let _ = tokenize(src);
    let _ = is_incomplete(src);
    let _ = parse_expr(src);
    match parse(src) {
        Ok(p) => {
            let text = p.to_string();
            let back = parse(&text).map_err(|e| {
                TestCaseError::fail(format!("{src:?} printed as {text:?}: {}", e.render(&text)))
            })?;
            prop_assert_eq!(back.sexp().to_string(), p.sexp().to_string());
        }
        Err(e) => {
            let rendered = e.render(src);
            prop_assert!(rendered.starts_with("error: "));
            prop_assert!(e.pos.line >= 1 && e.pos.col >= 1);
            prop_assert!(e.pos.offset <= src.len());
            prop_assert!(src.is_char_boundary(e.pos.offset));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn printable_ascii_never_panics(src in "[ -~\n\t]{0,120}") {
        check(&src)?;
    }

    #[test]
    fn any_unicode_never_panics(src in any::<String>()) {
        check(&src)?;
    }

    #[test]
    fn token_soup_never_panics(src in soup()) {
        check(&src)?;
    }

    #[test]
    fn every_prefix_of_valid_input_is_handled(cut in 0usize..200) {
        let src = "km <- survfit(Surv(follow_up_months, event_death) ~ ecog_status,\n\
                   data = rbind(tm, tr))\nx[!is.na(x)]\nfreq(c(tm$gender, tr$gender)) # end\n";
        let cut = cut.min(src.len());
        check(&src[..cut])?;
    }
}

#[test]
fn prefixes_of_a_valid_statement_are_incomplete_or_complete() {
    let src = "quantile(x, probs = c(0.25, 0.5))";
    for cut in 0..src.len() {
        let head = &src[..cut];
        let open = head.matches('(').count() > head.matches(')').count();
        let trailing_op = head.trim_end().ends_with(['=', ',', '(']);
        if open || trailing_op {
            assert!(is_incomplete(head), "{head:?}");
        }
    }
    assert!(!is_incomplete(src));
}
