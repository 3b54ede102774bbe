//! `hist(x, breaks, file)`: the table of `cut(x, breaks)` under disclosure control, handed to
//! the client as a bar plot; counts checked against the fixture's plain ages.
mod support;

use support::Fixture;

const D: &str = "d <- rbind(load(\"munich\"), load(\"rome\"))\n";

#[test]
fn histogram_of_a_private_vector_counts_the_bins() {
    let fx = Fixture::adrenal();
    let got = fx.json(&format!(
        "{D}hist(d$age, breaks = c(0, 60, 70, 120), file = \"age.svg\", main = \"Age\")"
    ));
    assert_eq!(got["plot"]["file"], "age.svg");
    assert_eq!(got["plot"]["kind"], "bar");
    let ages: Vec<i64> = fx
        .sites
        .iter()
        .flat_map(|s| {
            let i = s.columns.iter().position(|c| c.name == "age").unwrap();
            s.data[i].iter().map(|&v| v as i64).collect::<Vec<_>>()
        })
        .collect();
    // R's cut: right-closed bins (0, 60], (60, 70], (70, 120].
    let want: Vec<u64> = [(0, 60), (60, 70), (70, 120)]
        .iter()
        .map(|&(lo, hi)| ages.iter().filter(|&&a| a > lo && a <= hi).count() as u64)
        .collect();
    // include.lowest = TRUE: the first bin is closed, [0, 60].
    let data = &got["plot"]["data"];
    let counts: Vec<u64> = ["[0,60]", "(60,70]", "(70,120]"]
        .iter()
        .map(|k| data[*k].as_u64().unwrap_or_else(|| panic!("{data}")))
        .collect();
    assert_eq!(counts, want);
}

#[test]
fn histogram_needs_breaks_and_respects_min_cell() {
    let fx = Fixture::adrenal();
    let e = fx
        .run(&format!("{D}hist(d$age, file = \"age.svg\")"))
        .unwrap_err();
    assert!(e.contains("needs breaks"), "{e}");
    // A bin with 1 to 4 patients is refused like any table cell.
    let e = fx.refusal(&format!(
        "{D}hist(d$age, breaks = c(0, 40, 120), file = \"age.svg\")"
    ));
    assert!(e.contains("min_cell"), "{e}");
}
