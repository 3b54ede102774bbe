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
fn the_doubling_attack_is_refused_at_the_first_copy() {
    let fx = Fixture::adrenal();
    // 17 doublings of the pooled column, then a median (the attack that took the nodes to
    // 5.7 GB): the first doubling copies the datasets' rows (distinct_rows), before anything
    // is allocated; the row limit is the second line of defence.
    let mut q = String::from("x <- d$age\n");
    for _ in 0..17 {
        q.push_str("x <- c(x, x)\n");
    }
    q.push_str("median(x)");
    let e = fx.refusal(&format!("{D}{q}"));
    assert!(e.starts_with("line 5, column 6"), "{e}");
    assert!(
        e.contains("(distinct_rows)") && e.contains("`c(x, x)`"),
        "{e}"
    );
}

#[test]
fn rbind_past_the_limit_is_refused_and_pooling_runs() {
    let fx = Fixture::adrenal();
    let n = study_rows(&fx);
    let small = Fixture::new(Policy {
        max_rows: (n - 1) as u64,
        ..Policy::default()
    });
    let e = limit_error(&small, "nrow(rbind(tm, tr))");
    assert!(e.contains("`rbind(tm, tr)`"), "{e}");
    assert!(e.contains(&format!("would have {n} rows")), "{e}");
    // Pooling the sites is an ordinary analysis.
    let out = fx
        .run(&format!("{D}nrow(d)\nlength(c(tm$age, tr$age))"))
        .unwrap();
    assert_eq!(out.len(), 2);
}

#[test]
fn an_absolute_limit_and_public_vectors() {
    let fx = Fixture::adrenal();
    let n = study_rows(&fx);
    let one_site = fx.sites[0].rows;
    let small = Fixture::new(Policy {
        max_rows: one_site as u64,
        allow_extremes: true,
        ..Policy::default()
    });
    // Exactly the limit passes; one dataset more is refused, naming max_rows.
    let q = "tm <- load(\"munich\")\ntr <- load(\"rome\")\n";
    assert!(small.run(&format!("{q}median(tm$age)")).is_ok());
    let e = small.refusal(&format!("{q}median(c(tm$age, tr$age))"));
    assert!(e.contains("(max_rows)"), "{e}");
    assert!(e.contains(&format!("would have {n} rows")), "{e}");
    assert!(
        e.contains(&format!("the study's limit is {one_site}")),
        "{e}"
    );
    assert!(e.contains(&format!("max_rows = {one_site}")), "{e}");
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

#[test]
fn variables_past_the_memory_limit_are_refused_and_reuse_is_not() {
    // 48 patients: a private number vector holds 48 x 2 words = 768 bytes of shares on a
    // node. 5 000 bytes hold six such variables, not seven.
    let fx = Fixture::new(Policy {
        max_query_memory_mb: 0.005,
        ..Policy::default()
    });
    let mut q = String::from(D);
    for i in 1..=7 {
        q.push_str(&format!("x{i} <- d$age + {i}\n"));
    }
    q.push_str("mean(x1)");
    let e = fx.refusal(&q);
    assert!(e.starts_with("line 10, column 1"), "{e}");
    assert!(
        e.contains("refused by the query's cost limits (max_query_memory_mb)")
            && e.contains("assigning `x7`")
            && e.contains("hold 5.4 kB of shares on each node (768 bytes for `x7`)")
            && e.contains("the study's limit is 0.005 MB"),
        "{e}"
    );
    // Six fit; a name assigned again replaces its value, so a loop-like script runs.
    let mut q = String::from(D);
    for i in 1..=6 {
        q.push_str(&format!("x{i} <- d$age + {i}\n"));
    }
    for i in 1..=20 {
        q.push_str(&format!("x1 <- d$age * {i}\n"));
    }
    q.push_str("mean(x1)");
    let out = fx.run(&q).unwrap();
    assert_eq!(out.len(), 1);
    // Columns added to a table count too.
    let mut q = String::from(D);
    for i in 1..=7 {
        q.push_str(&format!("d$c{i} <- d$age + {i}\n"));
    }
    q.push_str("mean(d$c1)");
    let e = fx.refusal(&q);
    assert!(
        e.starts_with("line 10, column 1") && e.contains("(max_query_memory_mb)"),
        "{e}"
    );
}
