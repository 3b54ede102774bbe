//! No query makes a node panic or the three nodes disagree: random programs over the fixture's
//! columns — well-typed ones that reach deep into the evaluator (masks, comparisons, cuts,
//! numeric tables, disclosure checks) and ill-typed ones — are checked and run on three
//! parties; each either answers or fails with an error, identically on all three.
mod support;

use proptest::prelude::*;
use support::Fixture;

const NUM: &[&str] = &[
    "age",
    "gtv_cc",
    "bed10_gy",
    "follow_up_months",
    "fractions",
    "treatment_start",
];
const CAT: &[(&str, &[&str])] = &[
    ("gender", &["male", "female"]),
    ("pattern", &["solitary", "oligo", "multiple"]),
    ("ecog_status", &["0", "1", "2"]),
];

fn constant() -> impl Strategy<Value = String> {
    prop_oneof![
        (0i64..120).prop_map(|v| v.to_string()),
        Just("-1".to_owned()),
        Just("0.25".to_owned()),
        Just("1e9".to_owned()),
        Just("0.123456789".to_owned()),
        Just("NA".to_owned()),
        Just("TRUE".to_owned()),
        Just("\"2023-01-01\"".to_owned()),
    ]
}

fn num() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        4 => prop::sample::select(NUM).prop_map(|c| format!("d${c}")),
        3 => constant(),
        // Vectors of other lengths: one site's 24 rows, an empty subset's 0, a public 2.
        1 => prop::sample::select(NUM).prop_map(|c| format!("tm${c}")),
        1 => prop::sample::select(NUM).prop_map(|c| format!("e${c}")),
        1 => Just("c(1, NA)".to_owned()),
    ];
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(&["+", "-", "*", "/", "^"][..]),
                inner.clone()
            )
                .prop_map(|(a, o, b)| format!("({a} {o} {b})")),
            inner.clone().prop_map(|a| format!("floor({a})")),
            (cond(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("ifelse({c}, {a}, {b})")),
            (inner, cond()).prop_map(|(a, c)| format!("{a}[{c}]")),
        ]
    })
}

fn cond() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (
            prop::sample::select(NUM),
            prop::sample::select(&["<", "<=", ">", ">=", "==", "!="][..]),
            constant()
        )
            .prop_map(|(c, o, k)| format!("d${c} {o} {k}")),
        (prop::sample::select(CAT), any::<prop::sample::Index>())
            .prop_map(|((c, l), i)| format!("d${c} == \"{}\"", i.get(l))),
        prop::sample::select(CAT).prop_map(|(c, l)| format!(
            "d${c} %in% c(\"{}\", \"{}\")",
            l[0],
            l[l.len() - 1]
        )),
        prop::sample::select(CAT).prop_map(|(c, _)| format!("is.na(d${c})")),
    ];
    leaf.prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} & {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} | {b})")),
            inner.prop_map(|a| format!("!({a})")),
        ]
    })
}

fn statement() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            prop::sample::select(
                &[
                    "mean", "sum", "var", "sd", "median", "min", "max", "range", "summary", "freq",
                    "length"
                ][..]
            ),
            num(),
            any::<bool>()
        )
            .prop_map(|(f, x, na)| if na {
                format!("{f}({x}, na.rm = TRUE)")
            } else {
                format!("{f}({x})")
            }),
        (num(), num()).prop_map(|(x, y)| format!("cor({x}, {y})")),
        (num(), prop::collection::vec(0.0f64..1.0, 1..4)).prop_map(|(x, p)| format!(
            "quantile({x}, c({}))",
            p.iter()
                .map(|v| format!("{v:.3}"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        (prop::sample::select(CAT), cond())
            .prop_map(|((c, _), k)| format!("table(subset(d, {k})${c}, useNA = \"ifany\")")),
        (prop::sample::select(CAT), prop::sample::select(CAT))
            .prop_map(|((a, _), (b, _))| format!("table(d${a}, d${b})")),
        (num(), prop::collection::vec(-10i64..150, 2..5)).prop_map(|(x, b)| format!(
            "table(cut({x}, c({})))",
            b.iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        cond().prop_map(|k| format!("nrow(subset(d, {k}))")),
        (num(), prop::sample::select(CAT))
            .prop_map(|(x, (c, _))| format!("t.test({x} ~ {c}, data = d)")),
        (num(), num()).prop_map(|(y, x)| format!("lm({y} ~ {x}, data = d)")),
        (num(), num()).prop_map(|(x, y)| format!("cor.test({x}, {y})")),
        (cond(), cond()).prop_map(|(a, b)| format!("fisher.test(table({a}, {b}))")),
        (prop::sample::select(CAT), cond())
            .prop_map(|((c, _), k)| format!("chisq.test(table(d${c}, {k}))")),
        (
            prop::sample::select(&["survfit", "survdiff"][..]),
            prop::sample::select(CAT),
            cond()
        )
            .prop_map(|(f, (c, _), k)| format!(
                "{f}(Surv(follow_up_months, event_death) ~ {c}, data = subset(d, {k}))"
            )),
        num().prop_map(|t| format!("survfit(Surv({t}, event_death) ~ 1, data = d)")),
        // Ill-typed on purpose: refused by the checker, never run.
        prop::sample::select(CAT).prop_map(|(c, _)| format!("mean(d${c})")),
        num().prop_map(|x| format!("print({x})")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_queries_never_crash_and_all_nodes_agree(stmt in statement()) {
        let fx = fixture();
        // `Fixture::run` asserts that the three parties' answers are identical; every error
        // names its line and column (none comes from the engine's own length checks).
        let src = format!(
            "d <- rbind(load(\"munich\"), load(\"rome\"))\ntm <- load(\"munich\")\n\
             e <- subset(d, d$age > 500)\n{stmt}"
        );
        if let Err(e) = fx.run(&src) {
            prop_assert!(e.starts_with("line "), "{stmt}: {e}");
        }
    }
}

fn fixture() -> &'static Fixture {
    static FX: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    FX.get_or_init(Fixture::adrenal)
}

/// Vectors of different lengths (48 and 24 rows, an empty subset's and a table's, a public
/// vector's): every function that takes two vectors fails with an error that names a line
/// and column (R would recycle the shorter with a warning); none panics (issue 15: `mean(c(tm$age, tr$age) + tm$age)` panicked the job's thread).
#[test]
fn vectors_of_different_lengths_are_errors_with_a_position() {
    let (a, b) = ("c(tm$age, tr$age)", "tm$gtv_cc");
    let (g, h) = ("c(tm$gender, tr$gender)", "tm$pattern");
    let queries = [
        format!("mean({a} + {b})"),
        format!("mean({b} * {a})"),
        format!("mean({a} / {b})"),
        // `floor(x / y)` divides exactly on its own path (found by the random queries).
        format!("mean(floor({a} / {b}))"),
        format!("mean(ceiling({b} / {a}))"),
        format!("mean({a} ^ {b})"),
        format!("sum({a} > {b})"),
        format!("sum({a} == {b})"),
        format!("sum({a} > 50 & {b} > 10)"),
        format!("sum({g} == \"male\" | {b} > 10)"),
        format!("mean(ifelse({a} > 60, {b}, 0))"),
        format!("mean(ifelse({b} > 10, {a}, {b}))"),
        format!("mean(pmin({a}, {b}))"),
        format!("mean({a}[{b} > 10])"),
        format!("cor({a}, {b})"),
        format!("cor.test({a}, {b})"),
        format!("table({g}, {h})"),
        format!("chisq.test(table({g}, {h}))"),
        format!("fisher.test(table({g}, {h}))"),
        format!("t.test({a} ~ {h})"),
        format!("wilcox.test({a} ~ {h})"),
        format!("lm({a} ~ {b})"),
        format!("lm({b} ~ {a} + tm$age)"),
        format!("survfit(Surv({a}, tm$event_death) ~ 1)"),
        format!("survfit(Surv({b}, c(tm$event_death, tr$event_death)) ~ {g})"),
        format!("survdiff(Surv({b}, tm$event_death) ~ {g})"),
        format!("coxph(Surv({a}, c(tm$event_death, tr$event_death)) ~ {b})"),
        format!("sum(cut({a}, c(0, 50, 100)) == cut({b}, c(0, 50, 100)))"),
        format!("sum(is.na({a}) | is.na({b}))"),
        format!("mean(c({a}, {b}) + {a})"),
        "e <- subset(tm, tm$age > 500)\nmean(e$age + tm$age)".to_owned(),
        "e <- subset(tm, tm$age > 500)\ntable(e$gender, tm$gender)".to_owned(),
        "mean(tm$age + c(1, 2))".to_owned(),
        // A formula's variable of other rows than its data's.
        "d <- rbind(tm, tr)\nt.test(tm$age ~ gender, data = d)".to_owned(),
        "d <- rbind(tm, tr)\nwilcox.test(tm$age ~ gender, data = d)".to_owned(),
        "d <- rbind(tm, tr)\nlm(tm$age ~ gtv_cc, data = d)".to_owned(),
        "d <- rbind(tm, tr)\nlm(age ~ tm$gtv_cc, data = d)".to_owned(),
        "d <- rbind(tm, tr)\nsurvfit(Surv(follow_up_months, event_death) ~ tm$gender, data = d)"
            .to_owned(),
        "d <- rbind(tm, tr)\nsurvdiff(Surv(tm$follow_up_months, event_death) ~ gender, data = d)"
            .to_owned(),
        "d <- rbind(tm, tr)\ncoxph(Surv(follow_up_months, event_death) ~ tm$age, data = d)"
            .to_owned(),
        "d <- rbind(tm, tr)\ncoxph(Surv(follow_up_months, event_death) ~ age + strata(tm$gender), data = d)"
            .to_owned(),
        "mean(tm$age + c(1, NA, 3))".to_owned(),
    ];
    let mut bad = Vec::new();
    for q in &queries {
        // A fixture of its own: a panic would poison the shared one's histories.
        let fx = Fixture::adrenal();
        let src = format!("tm <- load(\"munich\")\ntr <- load(\"rome\")\n{q}");
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| fx.run(&src))) {
            Err(_) => bad.push(format!("{q}: panicked")),
            Ok(Err(e)) if !e.starts_with("line ") => bad.push(format!("{q}: {e}")),
            Ok(Ok(out)) => bad.push(format!("{q}: answered {:?}", out.last().map(|o| &o.value))),
            Ok(Err(_)) => {}
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Rscript's semantics: the statements before a refused or failing one run and print, then
/// the error with its line and column; nothing after it runs (issue 15: a script whose sixth
/// statement was refused printed nothing of the five before it).
#[test]
fn a_script_prints_what_came_before_its_error() {
    let fx = Fixture::adrenal();
    let head = "tm <- load(\"munich\")\nnrow(tm)\nmean(tm$age)\n";
    // Refused by the type checker at line 4.
    let (printed, error) = fx.run_script(&format!("{head}tm$age\nsum(tm$age)"));
    assert_eq!(printed.len(), 2, "{printed:?}");
    assert_eq!(printed[0].trim_end(), "[1] 24");
    let error = error.expect("stopped");
    assert!(
        error.starts_with("line 4, column 1") && error.contains("would print private data"),
        "{error}"
    );
    // Refused by disclosure control at run time (a subset of one patient), at line 4.
    let (printed, error) = fx.run_script(&format!(
        "{head}mean(subset(tm, tm$age == max(tm$age))$age)\nsum(tm$age)"
    ));
    assert_eq!(printed.len(), 2, "{printed:?}");
    let error = error.expect("stopped");
    assert!(
        error.starts_with("line 4") && error.contains("refused"),
        "{error}"
    );
    // A runtime error (vectors of different lengths) at line 5.
    let (printed, error) = fx.run_script(&format!(
        "{head}tr <- load(\"rome\")\nmean(c(tm$age, tr$age) + tm$age)\nsum(tm$age)"
    ));
    assert_eq!(printed.len(), 2, "{printed:?}");
    assert!(error.expect("stopped").starts_with("line 5"));
    // A script that runs to its end prints everything and stops nowhere.
    let (printed, error) = fx.run_script(&format!("{head}length(tm$age)"));
    assert_eq!((printed.len(), error), (3, None));
}
