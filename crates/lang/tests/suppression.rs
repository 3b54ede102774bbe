//! Small-cell suppression (`small_cells = "suppress"`, issue 16) on the adrenal study: the
//! small cells of `table()` and `table1` print as `*` with complementary cells, and nothing
//! can be recovered. For each release, the test solves in plaintext (a linear program, whose
//! vertices are integral for these row-and-column sums) every hidden cell's possible range
//! from what the release prints, with every row total, column total and the grand total
//! known (the exact counts, from the same query under an open policy) and each hidden cell at
//! least `lo` (1 where zero counts print, else 0); it finds no small cell narrower than
//! `[lo, min_cell - 1]` and no hidden cell narrower than `min_cell - 1 - lo` values.
mod support;

use microlp::{ComparisonOp, OptimizationDirection, Problem};
use serde_json::Value;
use sharestat_dict::Policy;
use support::{Fixture, open_policy};

const POOLED: &str = "d <- rbind(load(\"munich\"), load(\"rome\"))\n";
const K: u64 = 5;

fn suppressing() -> Fixture {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/adrenal/policy.toml"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let policy = Policy::parse(&format!("{text}\nsmall_cells = \"suppress\"\n")).unwrap();
    assert_eq!(policy.min_cell, K);
    Fixture::new(policy)
}

/// A released table: row and column labels, cells row-major (`None`: hidden).
#[derive(Debug)]
struct Grid {
    rows: Vec<String>,
    cols: Vec<String>,
    cells: Vec<Option<u64>>,
}

impl Grid {
    fn from_json(v: &Value) -> Grid {
        let o = v.as_object().unwrap_or_else(|| panic!("not a table: {v}"));
        if o.values().all(|c| c.is_object()) {
            let rows: Vec<String> = o.keys().cloned().collect();
            let cols: Vec<String> = o
                .values()
                .next()
                .unwrap()
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            let cells = rows
                .iter()
                .flat_map(|r| cols.iter().map(move |c| o[r][c].as_u64()))
                .collect();
            Grid { rows, cols, cells }
        } else {
            Grid {
                rows: vec![String::new()],
                cols: o.keys().cloned().collect(),
                cells: o.values().map(Value::as_u64).collect(),
            }
        }
    }

    fn at(&self, r: &str, c: &str) -> Option<u64> {
        let i = self.rows.iter().position(|x| x == r).unwrap();
        let j = self.cols.iter().position(|x| x == c).unwrap();
        self.cells[i * self.cols.len() + j]
    }
}

/// Checks one release against the exact table: small cells hidden, printed cells exact, and
/// every hidden cell's range from the printed cells and all margins wide.
fn recovers_nothing(truth: &Grid, shown: &Grid, lo: u64, what: &str) {
    let (r, c) = (truth.rows.len(), truth.cols.len());
    let exact: Vec<u64> = truth.cells.iter().map(|x| x.unwrap()).collect();
    let mut hidden = Vec::new();
    for i in 0..r {
        for j in 0..c {
            let t = exact[i * c + j];
            match shown.at(&truth.rows[i], &truth.cols[j]) {
                Some(s) => {
                    assert_eq!(s, t, "{what}: a printed cell differs");
                    assert!(
                        t >= K || (t == 0 && lo == 1),
                        "{what}: small cell {t} printed"
                    );
                }
                None => hidden.push(i * c + j),
            }
        }
    }
    // Row and column sums of the hidden cells (the reader knows the margins).
    let mut lines: Vec<(Vec<usize>, f64)> = Vec::new();
    for i in 0..r {
        let cells: Vec<usize> = (0..c).map(|j| i * c + j).collect();
        lines.push((cells, 0.0));
    }
    if r > 1 {
        for j in 0..c {
            lines.push(((0..r).map(|i| i * c + j).collect(), 0.0));
        }
    }
    for (cells, rhs) in &mut lines {
        *rhs = cells
            .iter()
            .filter(|k| hidden.contains(k))
            .map(|&k| exact[k] as f64)
            .sum();
        cells.retain(|k| hidden.contains(k));
    }
    for &target in &hidden {
        let mut bounds = [0.0; 2];
        for (b, dir) in bounds.iter_mut().zip([
            OptimizationDirection::Minimize,
            OptimizationDirection::Maximize,
        ]) {
            let mut lp = Problem::new(dir);
            let vars: Vec<_> = hidden
                .iter()
                .map(|&k| {
                    lp.add_var(
                        if k == target { 1.0 } else { 0.0 },
                        (lo as f64, f64::INFINITY),
                    )
                })
                .collect();
            for (cells, rhs) in &lines {
                if cells.is_empty() {
                    continue;
                }
                let terms: Vec<_> = cells
                    .iter()
                    .map(|k| (vars[hidden.iter().position(|h| h == k).unwrap()], 1.0))
                    .collect();
                lp.add_constraint(&terms[..], ComparisonOp::Eq, *rhs);
            }
            *b = lp.solve().unwrap().objective();
        }
        let [min, max] = bounds;
        let t = exact[target];
        let at = format!("{what}: cell {t} at {target}: range [{min}, {max}]");
        assert!(
            max - min >= (K - 1 - lo) as f64 - 1e-9,
            "{at} is too narrow"
        );
        if t < K {
            assert!(
                min <= lo as f64 + 1e-9 && max >= (K - 1) as f64 - 1e-9,
                "{at}"
            );
        }
    }
}

#[test]
fn tables_of_the_adrenal_study_hide_their_small_cells_and_give_nothing_away() {
    let (fx, open) = (suppressing(), Fixture::new(open_policy()));
    let mut protected = 0;
    for (q, lo) in [
        ("table(d$primary)", 1),
        ("table(d$timing)", 1),
        ("table(d$pattern, useNA = \"ifany\")", 1),
        ("table(d$gender, d$ecog_status)", 1),
        ("table(d$gender, d$laterality)", 1),
        (
            "table(d$bed10_gy >= 80, d$local_control == \"complete\")",
            0,
        ),
        ("table(d$gender, d$event_death)", 1),
        ("table(d$chemotherapy, d$gender)", 1),
    ] {
        let q = format!("{POOLED}{q}");
        let truth = Grid::from_json(&open.json(&q));
        match fx.run(&q) {
            Ok(out) => {
                let shown = Grid::from_json(&sharestat_lang::eval::render::to_json(&out[0].value));
                recovers_nothing(&truth, &shown, lo, &q);
                protected += 1;
            }
            Err(e) => assert!(
                e.contains("suppressing them would not protect them"),
                "{q}: {e}"
            ),
        }
    }
    assert!(protected >= 5, "only {protected} tables could be protected");
    // The printed table: `*` and the note; primary's every cell is hidden (its only large
    // cell, lung, is the complementary one).
    let text = fx.printed(&format!("{POOLED}table(d$primary)"), 3);
    assert_eq!(text.matches('*').count(), 7, "{text}");
    assert!(text.contains("Note: * = suppressed"), "{text}");
    let text = fx.printed(&format!("{POOLED}table(d$gender, d$ecog_status)"), 3);
    assert!(text.contains("  female"), "{text}");
    assert_eq!(
        text.lines().filter(|l| l.contains('*')).count(),
        3,
        "{text}"
    );
}

#[test]
fn table1_suppresses_its_small_cells_the_same_way() {
    let (fx, open) = (suppressing(), Fixture::new(open_policy()));
    for by in ["", ", by = \"gender\""] {
        let q = format!(
            "{POOLED}table1(d, vars = c(\"ecog_status\", \"laterality\", \"timing\", \"primary\", \
             \"event_death\", \"local_control\"){by})"
        );
        let truth = open.json(&q);
        let shown = fx.json(&q);
        for (t, s) in truth["variables"]
            .as_array()
            .unwrap()
            .iter()
            .zip(shown["variables"].as_array().unwrap())
        {
            let name = t["name"].as_str().unwrap();
            if s["type"] == "refused" {
                assert!(
                    s["refused"].as_str().unwrap().contains("would not protect"),
                    "{name}: {s}"
                );
                continue;
            }
            // The groups' cells (or, without by, the overall column) as a table of columns x
            // (levels, missing).
            let first = if by.is_empty() { 0 } else { 1 };
            let grid = |v: &Value| {
                let levels: Vec<String> = v["levels"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l.as_str().unwrap().to_owned())
                    .collect();
                let mut cols = levels.clone();
                cols.push("<NA>".into());
                let counts = v["counts"].as_array().unwrap();
                let rows: Vec<String> = (first..counts.len()).map(|c| format!("col{c}")).collect();
                let cells = (first..counts.len())
                    .flat_map(|c| {
                        let mut row: Vec<Option<u64>> = counts[c]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(Value::as_u64)
                            .collect();
                        row.push(v["missing"][c].as_u64());
                        row
                    })
                    .collect();
                Grid { rows, cols, cells }
            };
            recovers_nothing(&grid(t), &grid(s), 1, &format!("table1 {name}{by}"));
            // A margin (overall) prints only where all its cells do.
            if !by.is_empty() {
                for (l, total) in s["counts"][0].as_array().unwrap().iter().enumerate() {
                    let parts: Vec<bool> = (1..s["counts"].as_array().unwrap().len())
                        .map(|c| s["counts"][c][l].is_null())
                        .collect();
                    assert_eq!(total.is_null(), parts.contains(&true), "{name}");
                }
            }
        }
        let text = fx.printed(&q, 3);
        assert!(text.contains("Note: * = suppressed"), "{text}");
    }
}

#[test]
fn tests_and_proportions_of_a_suppressed_table_are_refused() {
    let fx = suppressing();
    for q in [
        "chisq.test(table(d$gender, d$ecog_status))",
        "chisq.test(d$gender, d$ecog_status)",
        "fisher.test(table(d$gender, d$ecog_status))",
        "prop.table(table(d$primary))",
        "mcnemar.test(d$gender == \"male\", d$ecog_status == \"2\")",
    ] {
        let e = fx.refusal(&format!("{POOLED}{q}"));
        assert!(
            e.contains("suppressed by the small-cell rule") || e.contains("would not protect"),
            "{q}: {e}"
        );
    }
    // A table without small cells prints as before.
    let text = fx.printed(&format!("{POOLED}table(d$gender)"), 3);
    assert!(!text.contains('*') && text.contains("29"), "{text}");
}

#[test]
fn suppression_keeps_the_cell_key_noise_of_a_perturbing_study() {
    let policy = Policy {
        small_cells: sharestat_dict::SmallCells::Suppress,
        allow_extremes: true,
        ..Policy::default()
    };
    let fx = Fixture::new(policy);
    let q = format!("{POOLED}table(d$gender, d$ecog_status)");
    let got = Grid::from_json(&fx.json(&q));
    // The same cells are hidden as without noise (the rule runs on the exact counts), and the
    // printed ones are within the noise (±2) of the truth.
    let exact = Grid::from_json(&Fixture::new(open_policy()).json(&q));
    for (g, t) in got.cells.iter().zip(&exact.cells) {
        match g {
            None => assert!(t.is_some()),
            Some(v) => assert!(v.abs_diff(t.unwrap()) <= 2, "{v} vs {t:?}"),
        }
    }
    assert_eq!(got.cells.iter().filter(|c| c.is_none()).count(), 4);
}

#[test]
fn plots_of_a_suppressing_study_hide_small_numbers_at_risk() {
    let fx = suppressing();
    let fit =
        format!("{POOLED}fit <- survfit(Surv(follow_up_months, event_death) ~ gender, data = d)\n");
    for q in [
        "ggsurvplot(fit, file = \"km.svg\", risk.table = TRUE)",
        "plot(fit, file = \"km.svg\")",
    ] {
        let p = fx.json(&format!("{fit}{q}"));
        assert_eq!(p["plot"]["km_options"]["suppress_below"], K, "{q}: {p}");
    }
    // Not in a study that refuses (its plots are as before).
    let plain = Fixture::adrenal();
    let p = plain.json(&format!("{fit}plot(fit, file = \"km.svg\")"));
    assert!(p["plot"]["km_options"].is_null(), "{p}");
}

/// An attacker with the suppressed `table(d$primary)` asks for the hidden cells another way:
/// counts of conditions, a one-level subset's size, a table of the complement. Suppression
/// applies to frequency tables only; every other count keeps the refusal rule.
#[test]
fn hidden_cells_cannot_be_asked_for_another_way() {
    let fx = suppressing();
    for q in [
        "sum(d$primary == \"kidney\")",
        "mean(d$primary == \"kidney\")",
        "length(subset(d, primary == \"kidney\")$age)",
        "nrow(subset(d, primary == \"skin\"))",
        "table(d$primary == \"kidney\", d$gender)",
        "table1(d, vars = c(\"age\"), by = \"primary\")",
    ] {
        let e = match fx.run(&format!("{POOLED}{q}")) {
            Err(e) => e,
            Ok(out) => {
                // A table may come out only with the small cells hidden.
                let v = sharestat_lang::eval::render::to_json(&out[0].value);
                assert!(v.to_string().contains("null"), "{q} let out {v}");
                continue;
            }
        };
        assert!(e.contains("refused by disclosure control"), "{q}: {e}");
    }
}
