//! `table1` (issue 16): a study's Table 1 against a reference computed in plain R
//! (`r/table1.R` -> `r/table1.json`): the adrenal fixture by gender (every variable of the
//! demo's Tables 4-6 but the treatment details), `lung` by sex and by ECOG group (missing
//! values, three groups, each `test =`); counts exact, means, SDs, quartiles, p-values and
//! SMDs within 1e-6 relative. Under the adrenal study's own policy, the variables refused are
//! exactly those with a cell under `min_cell`, and each refusal names exactly those cells.
mod support;

use serde_json::Value;
use support::cohort::{D, near, num};
use support::{Fixture, open_policy};

const POOLED: &str = "d <- rbind(load(\"munich\"), load(\"rome\"))\n";
const LUNG3: &str =
    "d$ecog_f <- factor(d$ph.ecog, levels = c(0, 1, 2))\ne <- subset(d, ph.ecog < 3)\n";

fn reference() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../r/table1.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn vars(case: &Value) -> Vec<&str> {
    case["vars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["var"].as_str().unwrap())
        .collect()
}

fn quoted(names: &[&str]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    format!("c({})", q.join(", "))
}

/// Every number of `got` (our JSON) against R's `want`, variable by variable.
fn matches_r(got: &Value, want: &Value, what: &str) {
    let gv = got["variables"].as_array().unwrap();
    let wv = want["vars"].as_array().unwrap();
    assert_eq!(gv.len(), wv.len(), "{what}");
    for (g, w) in gv.iter().zip(wv) {
        let name = w["var"].as_str().unwrap();
        let at = format!("{what}: {name}");
        assert_eq!(g["type"], w["type"], "{at}: {g}");
        if w["type"] == "numeric" {
            assert_eq!(g["n"], w["n"], "{at}");
            assert_eq!(g["missing"], w["missing"], "{at}");
            for k in ["mean", "sd", "q1", "median", "q3"] {
                for (a, b) in g[k]
                    .as_array()
                    .unwrap()
                    .iter()
                    .zip(w[k].as_array().unwrap())
                {
                    near(num(a), num(b), 1e-6, 1e-12, &format!("{at} {k}"));
                }
            }
        } else {
            assert_eq!(g["levels"], w["levels"], "{at}");
            assert_eq!(g["counts"], w["counts"], "{at}");
            assert_eq!(g["missing"], w["missing"], "{at}");
        }
        assert_eq!(g["test"], w["test"], "{at}");
        near(
            num(&g["p_value"]),
            num(&w["p"]),
            1e-6,
            1e-15,
            &format!("{at} p"),
        );
        if !g["smd"].is_null() {
            near(
                num(&g["smd"]),
                num(&w["smd"]),
                1e-6,
                1e-12,
                &format!("{at} smd"),
            );
        }
    }
}

#[test]
fn adrenal_by_gender_matches_r() {
    let r = reference();
    let case = &r["adrenal_by_gender"];
    let fx = Fixture::new(open_policy());
    let q = format!(
        "{POOLED}table1(d, vars = {}, by = \"gender\", smd = TRUE)",
        quoted(&vars(case))
    );
    let got = fx.json(&q);
    let sizes: Vec<u64> = got["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["n"].as_u64().unwrap())
        .collect();
    assert_eq!(serde_json::json!(sizes), case["columns"]);
    matches_r(&got, case, "adrenal by gender");
}

#[test]
fn lung_by_sex_and_by_ecog_match_r() {
    let r = reference();
    let fx = Fixture::cohort("lung");
    for (key, data, by, test) in [
        ("lung_by_sex", "d", "sex_f", ""),
        ("lung_by_sex_t", "d", "sex_f", ", test = \"t.test\""),
        ("lung_by_sex_chisq", "d", "sex_f", ", test = \"chisq.test\""),
        ("lung_by_ecog", "e", "ecog_f", ""),
        (
            "lung_by_ecog_aov",
            "e",
            "ecog_f",
            ", test = c(\"aov\", \"fisher.test\")",
        ),
        (
            "lung_by_ecog_welch",
            "e",
            "ecog_f",
            ", test = \"oneway.test\"",
        ),
    ] {
        let case = &r[key];
        let q = format!(
            "{D}{LUNG3}table1({data}, vars = {}, by = \"{by}\", smd = TRUE{test})",
            quoted(&vars(case))
        );
        matches_r(&fx.json(&q), case, key);
    }
}

#[test]
fn the_studys_policy_refuses_exactly_the_small_cells() {
    let r = reference();
    let case = &r["adrenal_by_gender"];
    let fx = Fixture::adrenal();
    let q = format!(
        "{POOLED}table1(d, vars = {}, by = \"gender\")",
        quoted(&vars(case))
    );
    let got = fx.json(&q);
    for (g, w) in got["variables"]
        .as_array()
        .unwrap()
        .iter()
        .zip(case["vars"].as_array().unwrap())
    {
        let name = w["var"].as_str().unwrap();
        let small: Vec<&str> = w["small"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        if small.is_empty() {
            assert_ne!(g["type"], "refused", "{name}: {g}");
            continue;
        }
        let why = g["refused"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: {g}"));
        assert!(why.contains("min_cell"), "{name}: {why}");
        // Exactly the small cells: each named, and no other cell label of the variable.
        let named: Vec<&str> = why.split('`').skip(1).step_by(2).collect();
        let mut named_sorted = named.clone();
        named_sorted.sort_unstable();
        let mut small_sorted = small.clone();
        small_sorted.sort_unstable();
        assert_eq!(named_sorted, small_sorted, "{name}: {why}");
    }
    // The printed table shows each refused variable as refused, with its reason.
    let text = fx.printed(&q, 3);
    assert!(text.contains("(refused)"), "{text}");
    assert!(text.contains("Note: ecog_status: refused by disclosure control (min_cell)"));
    assert!(
        text.contains("age") && text.contains("66.83 (11.89)"),
        "{text}"
    );
}

#[test]
fn formats_and_arguments() {
    let fx = Fixture::new(open_policy());
    let base = format!("{POOLED}table1(d, vars = c(\"age\", \"event_death\"), by = \"gender\"");
    let md = fx.printed(&format!("{base}, format = \"markdown\")"), 3);
    assert!(
        md.starts_with("| Characteristic | Overall | male | female | p-value | test |\n"),
        "{md}"
    );
    assert!(
        md.contains("| &nbsp;&nbsp;Mean (SD) | 66.83 (11.89) | 66.62 (13.32) | 67.16 (9.63) |"),
        "{md}"
    );
    let csv = fx.printed(&format!("{base}, format = \"csv\")"), 3);
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(&rows[0][0], "n");
    assert_eq!(&rows[0][1], "48");
    assert!(
        rows.iter()
            .any(|r| &r[0] == "Median [IQR]" && &r[1] == "66.00 [60.75, 73.00]")
    );
    let text = fx.printed(&format!("{base})"), 3);
    assert!(text.contains("event_death, n (%)"), "{text}");
    assert!(text.contains("TRUE"), "{text}");
    // Without by: the overall column only, no p-value.
    let one = fx.json(&format!("{POOLED}table1(d, vars = c(\"age\", \"gender\"))"));
    assert_eq!(one["columns"].as_array().unwrap().len(), 1);
    assert_eq!(one["variables"][1]["counts"], serde_json::json!([[29, 19]]));
    assert!(one["variables"][0].get("p_value").is_none());
    // Arguments refused by name, with what to do.
    for (args, says) in [
        ("vars = c(\"nope\")", "no column `nope`"),
        ("vars = c(\"age\"), by = \"age\"", "leave it out of vars"),
        (
            "vars = c(\"age\"), by = \"gender\", test = \"z.test\"",
            "test = \"z.test\" is not one of",
        ),
        ("vars = c(\"age\"), smd = TRUE", "give by = a column"),
        ("vars = c(\"age\"), format = \"html\"", "format is"),
        (
            "vars = c(\"age\"), by = \"gender\", test = \"kruskal.test\"",
            "",
        ),
    ] {
        let q = format!("{POOLED}table1(d, {args})");
        match fx.run(&q) {
            Ok(_) => assert!(says.is_empty(), "{args} ran"),
            Err(e) => assert!(!says.is_empty() && e.contains(says), "{args}: {e}"),
        }
    }
}

#[test]
fn subsets_numeric_groups_and_dates() {
    let fx = Fixture::new(open_policy());
    // A subset of the rows: its columns count only those rows.
    let got = fx.json(&format!(
        "{POOLED}s <- subset(d, age >= 60)\ntable1(s, vars = c(\"gender\"), by = \"event_death\")"
    ));
    let n: u64 = got["columns"][0]["n"].as_u64().unwrap();
    let want = fx.json(&format!("{POOLED}length(subset(d, age >= 60)$age)"));
    assert_eq!(n as f64, want.as_f64().unwrap());
    // A numeric grouping column is grouped by its values, as R's factor() of it.
    let got = fx.json(&format!(
        "{POOLED}table1(d, vars = c(\"age\"), by = \"fractions\")"
    ));
    let labels: Vec<&str> = got["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels[0], "Overall");
    assert!(labels.len() >= 3, "{labels:?}");
    // A date column is refused with what to do.
    let e = fx
        .run(&format!("{POOLED}table1(d, vars = c(\"treatment_start\"))"))
        .unwrap_err();
    assert!(e.contains("is a date"), "{e}");
    // Under the study's policy a group of the by column below min_cell refuses the table,
    // naming the group.
    let strict = Fixture::adrenal();
    let e = strict.refusal(&format!(
        "{POOLED}table1(d, vars = c(\"age\"), by = \"primary\")"
    ));
    assert!(e.contains("min_cell"), "{e}");
}
