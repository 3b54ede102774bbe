//! The evaluator on secret shares of the adrenal fixture, against R's answers in
//! `expected.json`: the pilot's transcript, every frequency table and numeric summary.
mod support;

use serde_json::json;
use support::{Fixture, close};

const LOAD: &str = "tm <- load(\"DS1\", \"munich\")\ntr <- load(\"DS1\", \"rome\")\n";

fn nums(v: &serde_json::Value) -> Vec<f64> {
    match v {
        serde_json::Value::Array(a) => a.iter().map(|x| x.as_f64().unwrap()).collect(),
        serde_json::Value::Object(o) => o.values().map(|x| x.as_f64().unwrap()).collect(),
        x => vec![x.as_f64().unwrap()],
    }
}

#[test]
fn the_pilot_transcript_reproduces() {
    let fx = Fixture::adrenal();
    let t = &fx.expected["transcript"];
    let q = fx.json(&format!("{LOAD}quantile(tm$age)"));
    assert_eq!(nums(&q), nums(&t["munich_quantile_age"]));
    assert_eq!(
        fx.json(&format!("{LOAD}freq(tm$gender)")),
        t["munich_freq_gender"]
    );
    assert_eq!(
        fx.json(&format!("{LOAD}length(c(tm$age, tr$age))")),
        json!(48.0)
    );
    assert_eq!(
        fx.json(&format!("{LOAD}freq(c(tm$gender, tr$gender))")),
        t["combined_freq_gender"]
    );
    let q = fx.json(&format!("{LOAD}quantile(c(tm$age, tr$age))"));
    assert_eq!(nums(&q), nums(&t["combined_quantile_age"]));
    let out = fx.run(&format!("{LOAD}quantile(tm$age)")).unwrap();
    assert_eq!(
        sharestat_lang::eval::render::render(&out[0].value),
        "   0%   25%   50%   75%  100% \n38.00 62.50 66.00 72.25 91.00 \n"
    );
    assert_eq!(out[0].source, "quantile(tm$age)");
}

const ALIVE: &str = "freq(floor(c(subset(tm, event_death == FALSE)$follow_up_months, \
                     subset(tr, event_death == FALSE)$follow_up_months)))";
// As the pilot typed it (`== 0` on a logical and on a factor, as R allows).
const ALIVE_ECOG0: &str = "freq(floor(c(subset(tm, event_death == 0 & ecog_status == 0)$follow_up_months, \
                           subset(tr, event_death == 0 & ecog_status == 0)$follow_up_months)))";

#[test]
fn follow_up_tables_match_r_where_the_policy_allows_them() {
    let open = Fixture::open();
    let t = &open.expected["transcript"];
    assert_eq!(
        open.json(&format!("{LOAD}{ALIVE}")),
        t["freq_follow_up_alive"]
    );
    assert_eq!(
        open.json(&format!("{LOAD}{ALIVE_ECOG0}")),
        t["freq_follow_up_alive_ecog0"]
    );
    // The study's policy (cells of at least 5) refuses both, naming the rule only.
    let strict = Fixture::adrenal();
    for q in [ALIVE, ALIVE_ECOG0] {
        let e = strict.refusal(&format!("{LOAD}{q}"));
        assert!(
            e.contains("refused by disclosure control (min_cell)"),
            "{e}"
        );
        assert!(e.contains("line 3"), "{e}");
    }
    // Grouped into wider bins, the same data comes out.
    let binned = strict.json(&format!(
        "{LOAD}fu <- c(tm$follow_up_months, tr$follow_up_months)\n\
         table(cut(fu, c(0, 6, 12, 120)))"
    ));
    assert_eq!(binned, json!({"(0,6]": 17, "(6,12]": 11, "(12,120]": 20}));
    let e = strict.refusal(&format!(
        "{LOAD}fu <- c(tm$follow_up_months, tr$follow_up_months)\n\
         table(cut(fu, c(0, 12, 24, 120)))"
    ));
    assert!(
        e.contains("the cell `(24,120]` would count between 0 and 4 rows"),
        "{e}"
    );
}

#[test]
fn every_frequency_table_matches_r() {
    let fx = Fixture::open();
    let want = fx.expected["freq"].as_object().unwrap().clone();
    for (col, table) in want {
        let got = fx.json(&format!("{LOAD}table(c(tm${col}, tr${col}))"));
        let want_counts: std::collections::BTreeMap<String, u64> = table
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
            .collect();
        let got_counts: std::collections::BTreeMap<String, u64> = got
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
            .filter(|(_, v)| *v > 0)
            .map(|(k, v)| match k.as_str() {
                "FALSE" => ("0".to_owned(), v),
                "TRUE" => ("1".to_owned(), v),
                _ => (k, v),
            })
            .collect();
        assert_eq!(got_counts, want_counts, "table of {col}");
    }
}

#[test]
fn every_numeric_summary_matches_r() {
    let fx = Fixture::open();
    let want = fx.expected["numeric"].as_object().unwrap().clone();
    for (col, s) in want {
        let x = format!("c(tm${col}, tr${col})");
        let script = format!(
            "{LOAD}length({x})\nsum({x})\nmean({x})\nvar({x})\nsd({x})\nmin({x})\nmax({x})\n\
             median({x})\nquantile({x}, c(0, 0.1, 0.25, 0.5, 0.75, 0.9, 1))"
        );
        let out = fx.run(&script).unwrap_or_else(|e| panic!("{col}: {e}"));
        let v: Vec<Vec<f64>> = out
            .iter()
            .map(|o| nums(&sharestat_lang::eval::render::to_json(&o.value)))
            .collect();
        for (i, key) in ["n", "sum", "mean", "var", "sd", "min", "max", "median"]
            .iter()
            .enumerate()
        {
            close(v[i][0], s[*key].as_f64().unwrap(), &format!("{key}({col})"));
        }
        for (g, w) in v[8].iter().zip(nums(&s["quantile_type7"])) {
            close(*g, w, &format!("quantile({col})"));
        }
    }
}

#[test]
fn summaries_by_fractions_match_r() {
    let fx = Fixture::open();
    let want = fx.expected["numeric_by_fractions"]
        .as_object()
        .unwrap()
        .clone();
    for (fr, s) in want {
        let d = format!("subset(rbind(tm, tr), fractions == {fr})");
        let script = format!(
            "{LOAD}d <- {d}\nnrow(d)\nmedian(d$prescription_dose_gy)\nrange(d$prescription_dose_gy)\n\
             median(d$bed10_gy)\nrange(d$bed10_gy)"
        );
        let out = fx.run(&script).unwrap_or_else(|e| panic!("{fr}: {e}"));
        let v: Vec<Vec<f64>> = out
            .iter()
            .map(|o| nums(&sharestat_lang::eval::render::to_json(&o.value)))
            .collect();
        assert_eq!(v[0][0], s["n"].as_f64().unwrap());
        close(
            v[1][0],
            s["prescription_dose_gy_median"].as_f64().unwrap(),
            "dose median",
        );
        assert_eq!(v[2], nums(&s["prescription_dose_gy_range"]));
        close(
            v[3][0],
            s["bed10_gy_median"].as_f64().unwrap(),
            "bed median",
        );
        assert_eq!(v[4], nums(&s["bed10_gy_range"]));
    }
}

#[test]
fn private_values_print_as_their_type() {
    let fx = Fixture::adrenal();
    let out = fx
        .run(&format!("{LOAD}print(c(tm$age, tr$age))\nnames(tm)[1:3]"))
        .unwrap();
    assert_eq!(
        sharestat_lang::eval::render::render(&out[0].value),
        "private numeric vector [48]\n"
    );
    assert_eq!(
        sharestat_lang::eval::render::to_json(&out[1].value),
        json!(["gender", "age", "ecog_status"])
    );
    let e = fx.run(&format!("{LOAD}tm$age")).unwrap_err();
    assert!(e.contains("would print private data"), "{e}");
}

#[test]
fn categoricals_compare_by_level() {
    let fx = Fixture::open();
    // Two categoricals compared element-wise (their codes are made from the one-hot columns).
    let same = fx.json(&format!("{LOAD}sum(tm$gender == tm$gender)"));
    assert_eq!(same, json!(24.0));
    let g = |site: usize| -> Vec<u64> {
        let c = fx.sites[site]
            .columns
            .iter()
            .position(|c| c.name == "gender")
            .unwrap();
        fx.sites[site].data[c].clone()
    };
    let want = g(0).iter().zip(g(1)).filter(|(a, b)| **a == *b).count();
    let got = fx.json(&format!("{LOAD}sum(tm$gender == tr$gender)"));
    assert_eq!(got, json!(want as f64));
    let male = fx.json(&format!("{LOAD}sum(c(tm$gender, tr$gender) == \"male\")"));
    assert_eq!(male, json!(29.0));
}

/// Plain values of a fixture column (both sites), `None` where missing.
fn plain(fx: &Fixture, col: &str) -> Vec<Option<f64>> {
    let spec = fx.dict.column(col).unwrap();
    let scale = match spec.ty {
        sharestat_dict::ColumnType::Decimal { decimals } => 10f64.powi(decimals as i32),
        _ => 1.0,
    };
    let mut out = Vec::new();
    for site in &fx.sites {
        let idx = |n: &str| site.columns.iter().position(|c| c.name == n);
        let v = &site.data[idx(col).unwrap()];
        let present = idx(&format!("{col}.present")).map(|i| &site.data[i]);
        for r in 0..site.rows {
            let here = present.is_none_or(|p| p[r] == 1);
            out.push(here.then(|| v[r] as i64 as f64 / scale));
        }
    }
    out
}

#[test]
fn correlation_summary_and_derived_values_match_plaintext() {
    let fx = Fixture::open();
    let d = "d <- rbind(load(\"munich\"), load(\"rome\"))\n";
    let r = fx
        .json(&format!("{d}cor(d$gtv_cc, d$ptv_cc)"))
        .as_f64()
        .unwrap();
    close(
        r,
        fx.expected["cor_gtv_ptv"]["pearson"].as_f64().unwrap(),
        "cor",
    );

    let s = fx.json(&format!("{d}summary(d$age)"));
    let n = &fx.expected["numeric"]["age"];
    close(
        s["Mean"].as_f64().unwrap(),
        n["mean"].as_f64().unwrap(),
        "summary mean",
    );
    close(
        s["1st Qu."].as_f64().unwrap(),
        n["quantile_type7"][2].as_f64().unwrap(),
        "q1",
    );
    close(
        s["Max."].as_f64().unwrap(),
        n["max"].as_f64().unwrap(),
        "max",
    );

    let age: Vec<f64> = plain(&fx, "age").into_iter().flatten().collect();
    let old = age.iter().filter(|a| **a > 65.0).count();
    let m = fx
        .json(&format!("{d}mean(ifelse(d$age > 65, 1, 0))"))
        .as_f64()
        .unwrap();
    close(m, old as f64 / 48.0, "ifelse mean");
    let t = fx.json(&format!("{d}table(ifelse(d$age > 65, \"old\", \"young\"))"));
    assert_eq!(t, json!({"old": old, "young": 48 - old}));
    let scaled = fx.json(&format!(
        "{d}sum(d$bed10_gy * 2 - d$prescription_dose_gy / 4)"
    ));
    let bed: f64 = plain(&fx, "bed10_gy").into_iter().flatten().sum();
    let dose: f64 = plain(&fx, "prescription_dose_gy")
        .into_iter()
        .flatten()
        .sum();
    close(
        scaled.as_f64().unwrap(),
        bed * 2.0 - dose / 4.0,
        "arithmetic",
    );
    let lung_or_skin = fx.json(&format!("{d}sum(d$primary %in% c(\"lung\", \"skin\"))"));
    assert_eq!(lung_or_skin, json!(33.0));
    let ecog = fx.json(&format!("{d}sum(d$ecog_status %in% c(1, 2))"));
    assert_eq!(ecog, json!(30.0));
}

#[test]
fn missing_values_give_na_unless_removed() {
    let fx = Fixture::open();
    // `pattern` is missing for one patient; the numeric `x` inherits that from its test.
    let d = "d <- rbind(load(\"munich\"), load(\"rome\"))\n\
             x <- ifelse(d$pattern == \"oligo\", d$age, 0)\n";
    assert_eq!(fx.json(&format!("{d}mean(x)")), serde_json::Value::Null);
    let pattern = plain(&fx, "pattern");
    let age = plain(&fx, "age");
    let sharestat_dict::ColumnType::Categorical { levels, .. } =
        &fx.dict.column("pattern").unwrap().ty
    else {
        panic!("pattern is categorical")
    };
    let oligo = levels.iter().position(|l| l == "oligo").unwrap() as f64;
    let kept: Vec<f64> = pattern
        .iter()
        .zip(&age)
        .filter_map(|(p, a)| p.map(|p| if p == oligo { a.unwrap() } else { 0.0 }))
        .collect();
    let want = kept.iter().sum::<f64>() / kept.len() as f64;
    let got = fx
        .json(&format!("{d}mean(x, na.rm = TRUE)"))
        .as_f64()
        .unwrap();
    close(got, want, "mean with na.rm");
    let e = fx.run(&format!("{d}quantile(x)")).unwrap_err();
    assert!(e.contains("missing values and NaN's not allowed"), "{e}");
    assert_eq!(fx.json(&format!("{d}length(x)")), json!(48.0));
}

#[test]
fn help_says_what_a_function_reveals() {
    let fx = Fixture::adrenal();
    let out = fx.run("help(mean)\nhelp(\"survfit\")").unwrap();
    let text = sharestat_lang::eval::render::render(&out[0].value);
    assert!(text.contains("Reveals: n and the sum."), "{text}");
    let text = sharestat_lang::eval::render::render(&out[1].value);
    assert!(text.contains("allow_event_times"), "{text}");
}
