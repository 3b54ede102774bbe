//! The policy's row limit (`max_rows`, `max_rows_factor`): `c()` and `rbind()` whose result
//! would be too long are refused before anything is allocated, with an error naming the
//! expression and both numbers; ordinary pooling still runs.
mod support;

use sharestat_dict::Policy;
use support::Fixture;

const D: &str = "tm <- load(\"munich\")\ntr <- load(\"rome\")\nd <- rbind(tm, tr)\n";

fn study_rows(fx: &Fixture) -> usize {
    fx.sites.iter().map(|s| s.rows).sum()
}

fn limit_error(fx: &Fixture, q: &str) -> String {
    let e = fx.refusal(&format!("{D}{q}"));
    assert!(
        e.contains("refused by the query's cost limits (max_rows)"),
        "{q}: expected a max_rows refusal, got {e}"
    );
    e
}

#[test]
fn the_doubling_attack_is_refused_at_four_times_the_study() {
    let fx = Fixture::adrenal();
    let n = study_rows(&fx);
    // 17 doublings of the pooled column, then a median (the attack that took the nodes to
    // 5.7 GB): refused at the third doubling, the first past 4 x the study's rows.
    let mut q = String::from("x <- d$age\n");
    for _ in 0..17 {
        q.push_str("x <- c(x, x)\n");
    }
    q.push_str("median(x)");
    let e = limit_error(&fx, &q);
    assert!(e.starts_with("line 7, column 6"), "{e}");
    assert!(e.contains("`c(x, x)`"), "{e}");
    assert!(e.contains(&format!("would have {} rows", 8 * n)), "{e}");
    assert!(
        e.contains(&format!("the study's limit is {}", 4 * n)),
        "{e}"
    );
    // Up to the limit it runs.
    let ok = fx
        .run(&format!("{D}x <- c(d$age, d$age)\nx <- c(x, x)\nlength(x)"))
        .unwrap();
    assert_eq!(
        sharestat_lang::eval::render::to_json(&ok[0].value),
        serde_json::json!((4 * n) as f64)
    );
}

#[test]
fn rbind_past_the_limit_is_refused_and_pooling_runs() {
    let fx = Fixture::adrenal();
    let n = study_rows(&fx);
    let e = limit_error(&fx, "nrow(rbind(d, d, tm, d, tr, d))");
    assert!(e.contains("`rbind(d, d, tm, d, tr, d)`"), "{e}");
    assert!(e.contains(&format!("would have {} rows", 5 * n)), "{e}");
    // Pooling the sites, and stacking two columns of the pool, are ordinary analyses.
    let out = fx
        .run(&format!("{D}nrow(d)\nlength(c(d$age, d$gtv_cc))"))
        .unwrap();
    assert_eq!(out.len(), 2);
}

#[test]
fn an_absolute_limit_and_public_vectors() {
    let fx = Fixture::adrenal();
    let n = study_rows(&fx);
    let small = Fixture::new(Policy {
        max_rows: n as u64,
        allow_extremes: true,
        ..Policy::default()
    });
    // Exactly the limit passes; one dataset more is refused, naming max_rows.
    assert!(small.run(&format!("{D}median(c(tm$age, tr$age))")).is_ok());
    let e = limit_error(&small, "median(c(tm$age, tr$age, tm$gtv_cc))");
    assert!(e.contains(&format!("the study's limit is {n}")), "{e}");
    assert!(e.contains(&format!("max_rows = {n}")), "{e}");
    // Public vectors are bounded by max_rows alone, whatever the study's size.
    let public = Fixture::new(Policy {
        max_rows: 1000,
        ..Policy::default()
    });
    assert!(public.run("length(c(1:400, 1:400))").is_ok());
    let e = public.refusal("x <- 1:600\nlength(c(x, x))");
    assert!(e.contains("(max_rows)"), "{e}");
    assert!(e.contains("would have 1200 elements"), "{e}");
    assert!(e.contains("limit is 1000"), "{e}");
    // A node holding the smaller limit vetoes for the others.
    let mixed = Fixture::with_policies([
        Policy::default(),
        Policy::default(),
        Policy {
            max_rows: 1000,
            ..Policy::default()
        },
    ]);
    assert!(
        mixed
            .refusal("x <- 1:600\nlength(c(x, x))")
            .contains("max_rows")
    );
}
