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
        prop::sample::select(NUM).prop_map(|c| format!("d${c}")),
        constant(),
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
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn random_queries_never_crash_and_all_nodes_agree(stmt in statement()) {
        let fx = fixture();
        // `Fixture::run` asserts that the three parties' answers are identical.
        let _ = fx.run(&format!("d <- rbind(load(\"munich\"), load(\"rome\"))\n{stmt}"));
    }
}

fn fixture() -> &'static Fixture {
    static FX: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    FX.get_or_init(Fixture::adrenal)
}
