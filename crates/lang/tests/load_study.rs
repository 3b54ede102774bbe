//! `load(study, name)` reads only the query's own study: the checker refuses another study
//! (see `check.rs`), and so does the evaluator on its own, for a program that never went
//! through the checker.
mod support;

use support::Fixture;

#[test]
fn the_evaluator_refuses_a_load_of_another_study_by_itself() {
    let fx = Fixture::adrenal();
    let env = fx.env().in_study("DS1");
    for src in [
        "d <- load(\"DS2\", \"munich\")\nnrow(d)",
        "nrow(load(study = \"other\", name = \"rome\"))",
    ] {
        let e = fx.run_unchecked(env.clone(), src).unwrap_err();
        assert!(e.contains("reads study"), "{src}: {e}");
        assert!(e.contains("runs in study DS1"), "{src}: {e}");
    }
    let e = fx
        .run_unchecked(env.clone(), "s <- \"DS2\"\nnrow(load(s, \"munich\"))")
        .unwrap_err();
    assert!(e.contains("study as a string"), "{e}");
    // The query's own study, named or not.
    for src in ["nrow(load(\"DS1\", \"munich\"))", "nrow(load(\"munich\"))"] {
        let out = fx
            .run_unchecked(env.clone(), src)
            .unwrap_or_else(|e| panic!("{src}: {e}"));
        assert_eq!(out.len(), 1, "{src}");
    }
}
