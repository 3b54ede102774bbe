//! The type checker on the adrenal fixture: the pilot's transcript type-checks,
//! and every way of showing private data is refused with a message that names the
//! expression and points at it.

use sharestat_dict::Dictionary;
use sharestat_lang::check::{Checker, Env, PrivTy, PubTy, Ty, TypeError, TypeErrorKind, describe};
use sharestat_lang::{parse, parse_expr};

fn checker() -> Checker {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/adrenal/dictionary.toml"
    );
    let text = std::fs::read_to_string(path).expect("fixture dictionary");
    let dict = Dictionary::parse(&text).expect("valid dictionary");
    let env = Env::new()
        .with_dataset("munich", dict.clone())
        .with_dataset("rome", dict);
    let mut c = Checker::new(env);
    c.check_program(&parse("tm <- load(\"munich\")\ntr <- load(\"rome\")").unwrap())
        .expect("loads");
    c
}

fn ok(c: &mut Checker, src: &str) -> Vec<Ty> {
    let p = parse(src).unwrap_or_else(|e| panic!("{}", e.render(src)));
    c.check_program(&p).unwrap_or_else(|e| panic!("{src}: {e}"))
}

fn refused(src: &str) -> TypeError {
    let mut c = checker();
    match c.check_program(&parse(src).unwrap()) {
        Ok(t) => panic!("{src} accepted as {t:?}"),
        Err(e) => e,
    }
}

#[test]
fn pilot_transcript_type_checks() {
    let mut c = checker();
    assert!(
        matches!(c.var("tm"), Some(Ty::Private(PrivTy::Table { columns })) if columns.len() == 26)
    );
    assert_eq!(
        describe(c.var("tr").unwrap()),
        "private table with 26 columns"
    );
    let src = "length(tm$age)
quantile(c(tm$age, tr$age))
freq(c(tm$gender, tr$gender))
freq(c(subset(tm, event_death == 0 & ecog_status == \"0\")$follow_up_months, subset(tr, event_death == 0 & ecog_status == \"0\")$follow_up_months))
s <- subset(rbind(tm, tr), event_death == 1)
mean(s$age)
nrow(s)
names(tm)
quantile(tm$age, probs = c(0.25, 0.5, 0.75), na.rm = TRUE)
table(tm$gender, tm$ecog_status %in% c(\"0\", \"1\"))
km <- survfit(Surv(follow_up_months, event_death) ~ ecog_status, data = rbind(tm, tr))
fisher.test(table(tm$bed10_gy >= 80, tm$local_control == \"complete\"))
g <- cut(tm$age, breaks = c(18, 60, 110))
freq(g)
mean(ifelse(is.na(tm$pattern), 0, 1))
old <- tm[tm$age > 60, ]
sd(old$follow_up_months / 12)";
    let t = ok(&mut c, src);
    use PubTy::*;
    let public: Vec<Ty> = [
        Int, NumVec, Table, Table, Num, Int, StrVec, NumVec, Table, Any, Any,
    ]
    .map(Ty::Public)
    .to_vec();
    assert_eq!(t[..4], public[..4]);
    assert!(matches!(&t[4], Ty::Private(PrivTy::Table { .. })));
    assert_eq!(t[5..12], public[4..]);
    assert_eq!(
        t[12],
        Ty::Private(PrivTy::Cat {
            levels: vec!["(18,60]".into(), "(60,110]".into()]
        })
    );
    assert_eq!(
        c.type_of(&parse_expr("tm$follow_up_months * tm$bed10_gy").unwrap()),
        Ok(Ty::Private(PrivTy::Num { decimals: 2 }))
    );
    // State carries over between REPL lines.
    ok(&mut c, "mean(old$age)");
}

#[test]
fn printing_private_data_is_refused() {
    let e = refused("tm$age");
    assert_eq!(
        e.to_string(),
        "line 1, column 1: would print private data: `tm$age` is a private numeric vector \
         [use an aggregate such as mean(), quantile()]"
    );
    for (src, what) in [
        ("tm", "`tm` is a private table with 26 columns"),
        ("c(tm$age)", "`c(tm$age)` is a private numeric vector"),
        ("tm$age + 1", "`tm$age + 1` is a private numeric vector"),
        ("tm$gender == \"male\"", "is a private logical vector"),
        (
            "tm[[\"gender\"]]",
            "is a private categorical vector with 2 levels",
        ),
        ("subset(tm, age > 60)", "is a private table"),
        ("tm$age[tm$age > 60]", "is a private numeric vector"),
    ] {
        let e = refused(src);
        assert!(
            matches!(e.kind, TypeErrorKind::PrivateOutput { .. }),
            "{src}: {e}"
        );
        assert!(e.to_string().contains(what), "{src}: {e}");
    }
    // Assigning is fine; showing the variable is not.
    let e = refused("x <- tm$age * 2\nx");
    assert_eq!((e.span.start.line, e.span.start.col), (2, 1));
}

#[test]
fn print_describes_private_values() {
    let mut c = checker();
    assert_eq!(ok(&mut c, "print(tm$age)"), [Ty::Public(PubTy::Str)]);
    let ty = c.type_of(&parse_expr("tm$age").unwrap()).unwrap();
    assert_eq!(describe(&ty), "private numeric vector");
    assert_eq!(
        describe(&Ty::Public(PubTy::NumVec)),
        "public numeric vector"
    );
}

#[test]
fn unknown_names_are_named_with_suggestions() {
    let e = refused("mean(tm$agee)");
    assert_eq!(
        e.to_string(),
        "line 1, column 6: `tm` has no column `agee`; did you mean age?"
    );
    let TypeErrorKind::UnknownColumn {
        column,
        suggestions,
        ..
    } = e.kind
    else {
        panic!()
    };
    assert_eq!(
        (column.as_str(), suggestions),
        ("agee", vec!["age".to_owned()])
    );
    assert!(refused("tm$agee").to_string().contains("did you mean age?"));

    let e = refused("meen(tm$age)");
    assert!(
        e.to_string()
            .contains("unknown function `meen`; did you mean mean"),
        "{e}"
    );
    let e = refused("mean(tx$age)");
    assert!(
        e.to_string()
            .contains("unknown variable `tx`; did you mean"),
        "{e}"
    );
    let e = refused("x <- load(\"berlin\")");
    assert!(
        e.to_string()
            .contains("unknown dataset \"berlin\"; the datasets are: munich, rome")
    );
    let e = refused("freq(subset(tm, ecog_statu == \"0\")$age)");
    assert!(e.to_string().contains("did you mean ecog_status"), "{e}");
}

#[test]
fn unknown_levels_are_refused() {
    let src = "s <- subset(tm, tm$gender == \"M\")";
    let e = refused(src);
    assert_eq!((e.span.start.line, e.span.start.col), (1, 30));
    assert_eq!(
        e.kind.to_string(),
        "`tm$gender` has no level \"M\"; its levels are \"male\", \"female\""
    );
    let e = refused("n <- nrow(subset(tm, gender %in% c(\"male\", \"F\")))");
    assert!(e.to_string().contains("no level \"F\""), "{e}");
    // As in R, a factor compared with a number compares the number's text with the levels.
    ok(&mut checker(), "freq(tm$ecog_status == 0)");
    assert!(
        refused("freq(tm$ecog_status == 7)")
            .to_string()
            .contains("has no level \"7\"")
    );
    assert!(
        refused("freq(tm$gender == 1)")
            .to_string()
            .contains("has no level \"1\"")
    );
}

#[test]
fn type_mismatches_are_refused() {
    let e = refused("mean(tm$gender)");
    assert_eq!(
        e.to_string(),
        "line 1, column 6: `tm$gender` is a private categorical vector with 2 levels, \
         expected a numeric vector"
    );
    let e = refused("x <- c(tm$age, tm$gender)");
    assert!(
        e.to_string()
            .contains("cannot combine a private numeric vector with a private categorical"),
        "{e}"
    );
    assert!(
        refused("x <- subset(tm, age)")
            .to_string()
            .contains("expected a logical condition")
    );
    assert!(
        refused("x <- rbind(tm, tm$age)")
            .to_string()
            .contains("expected a table")
    );
    assert!(
        refused("x <- tm$age & TRUE")
            .to_string()
            .contains("expected a logical condition")
    );
}

#[test]
fn argument_errors_are_refused() {
    let e = refused("quantile(tm$age, prbs = 0.5)");
    assert!(
        e.to_string()
            .contains("quantile(): unknown argument `prbs`"),
        "{e}"
    );
    assert!(
        refused("mean()")
            .to_string()
            .contains("mean(): needs argument `x`")
    );
    assert!(
        refused("mean(tm$age, TRUE, 3)")
            .to_string()
            .contains("at most 2")
    );
    assert!(
        refused("mean(tm$age, na.rm = tm$event_death)")
            .to_string()
            .contains("TRUE or FALSE")
    );
    assert!(
        refused("table(tm$age, tm$gender, tm$pattern)")
            .to_string()
            .contains("one or two")
    );
}

/// R's matching: exact names, then unique prefixes of the parameters before `...`, then
/// positions; named arguments that match nothing go to `...` where there is one; R's
/// arguments that sharestat does not support are refused by name, with the reason.
#[test]
fn arguments_are_matched_as_r_matches_them() {
    let mut c = checker();
    // Partial names, as R: `prob` is `probs`, `na` is `na.rm`, `conf` is `conf.level`.
    for ok in [
        "quantile(tm$age, prob = 0.5)",
        "quantile(tm$age, c(0.1, 0.9), na = TRUE)",
        "mean(na = TRUE, x = tm$age)",
        "t.test(tm$age, conf = 0.9)",
        "c(a = 1, b = 2)",
        "sum(tm$age, na.rm = TRUE)",
    ] {
        c.check_program(&parse(ok).unwrap())
            .unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    // A prefix of two parameters is ambiguous; after `...` only exact names match (R's
    // `sum(x, na = TRUE)` sums `na` too: refused here as a second vector to sum).
    let e = refused("wilcox.test(tm$age, tm$gtv_cc, co = 0.9)").to_string();
    assert!(
        e.contains("matches several parameters (correct, conf.level)"),
        "{e}"
    );
    let e = refused("cut(tm$age, c(0, 50, 100), right = TRUE, r = FALSE)").to_string();
    assert!(e.contains("unknown argument `r`"), "{e}");
    let e = refused("mean(x = tm$age, x = tm$age)").to_string();
    assert!(e.contains("argument `x` given twice"), "{e}");
    // R's arguments sharestat refuses: by name, with why, also when abbreviated.
    for (q, want) in [
        (
            "lm(age ~ gtv_cc, data = tm, weights = tm$age)",
            "`weights =` is not supported by lm()",
        ),
        (
            "lm(age ~ gtv_cc, data = tm, weig = tm$age)",
            "`weights =` is not supported by lm()",
        ),
        (
            "mean(tm$age, trim = 0.1)",
            "`trim =` is not supported by mean()",
        ),
        (
            "coxph(Surv(follow_up_months, event_death) ~ age, data = tm, na.action = 1)",
            "na.action",
        ),
    ] {
        let e = refused(q).to_string();
        assert!(e.contains(want), "{q}: {e}");
    }
}

#[test]
fn failed_programs_keep_no_variables() {
    let mut c = checker();
    assert!(
        c.check_program(&parse("a <- tm$age\nmean(a\n)\nb <- tm$nope").unwrap())
            .is_err()
    );
    assert!(c.var("a").is_none());
}

#[test]
fn type_errors_render_with_the_source_line_and_carets() {
    let dict = sharestat_dict::Dictionary::parse(
        "study = \"s\"\n[[columns]]\nname = \"age\"\ntype = \"integer\"\n",
    )
    .unwrap();
    let src = "tm <- load(\"munich\")\ntm$age";
    let mut checker = sharestat_lang::check::Checker::new(
        sharestat_lang::check::Env::new().with_dataset("munich", dict),
    );
    let err = checker
        .check_program(&sharestat_lang::parse(src).unwrap())
        .unwrap_err();
    let text = err.render(src);
    assert!(
        text.starts_with("error: would print private data"),
        "{text}"
    );
    assert!(text.contains(" --> line 2, column 1\n"), "{text}");
    assert!(text.contains("2 | tm$age\n  | ^^^^^^\n"), "{text}");
}

#[test]
fn load_of_another_study_is_refused_naming_both_studies() {
    let dict = sharestat_dict::Dictionary::parse(
        "study = \"a\"\n[[columns]]\nname = \"age\"\ntype = \"integer\"\n",
    )
    .unwrap();
    let env = Env::new().with_dataset("munich", dict).in_study("a");
    // The query's own study, named or not, is fine.
    for src in ["d <- load(\"a\", \"munich\")", "d <- load(\"munich\")"] {
        let mut c = Checker::new(env.clone());
        c.check_program(&parse(src).unwrap())
            .unwrap_or_else(|e| panic!("{src}: {e}"));
    }
    // Another study, whether or not a dataset of that name exists here.
    for src in [
        "d <- load(\"b\", \"munich\")",
        "d <- load(\"b\", \"other\")",
        "mean(load(study = \"b\", name = \"munich\")$age)",
    ] {
        let mut c = Checker::new(env.clone());
        let e = c.check_program(&parse(src).unwrap()).unwrap_err();
        let TypeErrorKind::OtherStudy { study, message } = &e.kind else {
            panic!("{src}: {e:?}");
        };
        assert_eq!(study, "b");
        assert!(
            message.contains("reads study b") && message.contains("runs in study a"),
            "{message}"
        );
    }
    // The study must be a literal string.
    let mut c = Checker::new(env);
    let e = c
        .check_program(&parse("s <- \"b\"\nd <- load(s, \"munich\")").unwrap())
        .unwrap_err();
    assert!(e.to_string().contains("study as a string"), "{e}");
}
