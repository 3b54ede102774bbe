//! Issue 14: R's printing on the `survival` cohorts (`examples/lung`, `veteran`, `pbc`):
//! `print(x, digits =)` of numbers, tests, Cox and `lm` fits, `summary()` of fits, and
//! `prop.table`, each against the lines R 4.2.2 prints (`r/survival_cohorts.R`, JSON
//! committed); `summary(survfit)$table` against R's numbers.
mod support;

use support::Fixture;
use support::cohort::{D, near, num, r_lines};

/// `summary(fit)` of a Cox fit prints R's `summary.coxph` (lines from R 4.2.2 on the same
/// data; R's trailing blanks trimmed, its concordance line not computed here).
#[test]
fn summary_of_a_cox_fit_prints_as_r() {
    let fx = Fixture::cohort("veteran");
    let call = fx.expected["coxph"]["call"].as_str().unwrap().to_string();
    let out = fx.printed(&format!("{D}summary({call})"), 3);
    for line in [
        "  n= 137, number of events= 128",
        "                       coef exp(coef)  se(coef)      z Pr(>|z|)",
        "trt                0.261744  1.299194  0.200923  1.303  0.19267",
        "celltypeadeno      1.153994  3.170833  0.295038  3.911 9.18e-05 ***",
        "karno             -0.031271  0.969213  0.005165 -6.054 1.41e-09 ***",
        "                  exp(coef) exp(-coef) lower .95 upper .95",
        "celltypesmallcell    2.2818     0.4382    1.3471    3.8653",
        "karno                0.9692     1.0318    0.9595    0.9791",
        "Likelihood ratio test= 61.07  on 5 df,   p=7e-12",
        "Wald test            = 63.41  on 5 df,   p=2e-12",
        "Score (logrank) test = 66.55  on 5 df,   p=5e-13",
    ] {
        assert!(
            out.lines().any(|l| l.trim_end() == line),
            "missing {line:?} in\n{out}"
        );
    }
}

/// `prop.table` of a one-way table and, by rows, of a two-way table: R's proportions and R's
/// printed lines (trailing blanks aside).
#[test]
fn prop_table_prints_as_r() {
    let fx = Fixture::cohort("veteran");
    let want = &fx.expected["prop_table"];
    let lines = |s: &str| -> Vec<String> { s.lines().map(|l| l.trim_end().to_owned()).collect() };
    let one = "prop.table(table(d$celltype))";
    let got = fx.json(&format!("{D}{one}"));
    for (level, p) in want["one"].as_object().unwrap() {
        near(num(&got[level]), num(p), 1e-12, 0.0, level);
    }
    assert_eq!(
        lines(&fx.printed(&format!("{D}{one}"), 1)),
        r_lines(&want["one_print"])
    );
    let rows = "prop.table(table(d$celltype, factor(d$trt, levels = c(1, 2))), 1)";
    let got = fx.json(&format!("{D}{rows}"));
    let levels = ["squamous", "smallcell", "adeno", "large"];
    for (i, level) in levels.iter().enumerate() {
        for (j, t) in ["1", "2"].iter().enumerate() {
            near(
                num(&got[level][t]),
                num(&want["rows"][i][j]),
                1e-12,
                0.0,
                level,
            );
        }
    }
    assert_eq!(
        lines(&fx.printed(&format!("{D}{rows}"), 1)),
        r_lines(&want["rows_print"])
    );
    let e = fx.refusal(&format!("{D}prop.table(table(d$celltype), margin = 2)"));
    assert!(e.contains("margin"), "{e}");
}

/// `print(x, digits =)` of numbers and of tests as R prints them (lines from R 4.2.2).
#[test]
fn print_with_digits_as_r() {
    let fx = Fixture::cohort("veteran");
    let p = |src: &str| fx.printed(&format!("{D}{src}"), 1).trim_end().to_owned();
    assert_eq!(
        p("print(c(1.23456, 123.456), digits = 3)"),
        "[1]   1.23 123.46"
    );
    assert_eq!(p("print(mean(d$karno), digits = 3)"), "[1] 58.6");
    assert_eq!(
        p("print(c(0.000123456, 2), digits = 2)"),
        "[1] 0.00012 2.00000"
    );
    // Names given in c() are kept, as R's.
    let named = p("print(c(a = 0.000123456, b = 2), digits = 2)");
    let lines: Vec<&str> = named.lines().map(str::trim_end).collect();
    assert_eq!(lines, ["      a       b", "0.00012 2.00000"]);
    // A test prints as print.htest does, at R's default digits and at others.
    for (key, src) in [
        ("default", "t.test(d$karno, d$age)"),
        ("digits3", "print(t.test(d$karno, d$age), digits = 3)"),
        ("paired4", "print(t.test(d$karno, d$diagtime), digits = 4)"),
    ] {
        let got = fx.printed(&format!("{D}{src}"), 1);
        let got: Vec<&str> = got
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.is_empty() && !l.starts_with("data:"))
            .collect();
        let want: Vec<String> = r_lines(&fx.expected["t_test_print"][key])
            .into_iter()
            .filter(|l| !l.is_empty() && !l.starts_with("data:"))
            .collect();
        assert_eq!(got, want, "{src}");
    }
    let e = fx.refusal(&format!(
        "{D}print(survdiff(Surv(time, status) ~ celltype, data = d), digits = 3)"
    ));
    assert!(e.contains("digits"), "{e}");
}

/// One unit of the last digit of a printed number (`0.4637` -> 1e-4, `4.45e-05` -> 1e-7).
fn last_unit(tok: &str) -> f64 {
    let (m, e) = tok.split_once('e').unwrap_or((tok, "0"));
    let decimals = m.split_once('.').map_or(0, |(_, f)| f.len()) as i32;
    10f64.powi(e.parse::<i32>().unwrap_or(0) - decimals)
}

/// `print(fit)` and `print(fit, digits = d)` of a Cox fit print R's lines (`printCoefmat`:
/// the estimates formatted together, `z` and `p` at `dig.tst`), from the table on (R deparses
/// a long call over two lines).
#[test]
fn print_of_a_cox_fit_with_digits_as_r() {
    // `digits` 0: the default print; negative: of the summary.
    for (cohort, cases) in [
        (
            "veteran",
            &[("default", 0), ("digits3", 3), ("summary3", -3)][..],
        ),
        (
            "lung",
            &[("default", 0), ("digits2", 2), ("summary", -4)][..],
        ),
    ] {
        let fx = Fixture::cohort(cohort);
        let call = fx.expected["coxph"]["call"].as_str().unwrap().to_string();
        for &(key, digits) in cases {
            let src = match digits {
                0 => call.clone(),
                -4 => format!("summary({call})"),
                d if d < 0 => format!("print(summary({call}), digits = {})", -d),
                d => format!("print({call}, digits = {d})"),
            };
            let out = fx.printed(&format!("{D}{src}"), 1);
            let want: Vec<String> = r_lines(&fx.expected["coxph_print"][key])
                .into_iter()
                .skip_while(|l| !l.contains("coef") && !l.contains("n="))
                .filter(|l| !l.starts_with("Concordance"))
                .collect();
            let mut got: Vec<String> = out
                .lines()
                .map(|l| l.trim_end().to_owned())
                .skip_while(|l| !l.contains("coef") && !l.contains("n="))
                .collect();
            let mut want = want;
            for v in [&mut got, &mut want] {
                while v.last().is_some_and(|l| l.is_empty()) {
                    v.pop();
                }
            }
            assert_eq!(got.len(), want.len(), "{cohort} {key}:\n{out}");
            // R's layout exactly (widths, decimals, notation); a number's last printed digit
            // may differ by one where R's table shows more than the fit's guaranteed 1e-6
            // (`cox_models_match_r` checks the numbers themselves).
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g.len(), w.len(), "{cohort} {key}: {g:?} vs R's {w:?}");
                for (a, b) in g.split_whitespace().zip(w.split_whitespace()) {
                    let same = a == b
                        || matches!((a.parse::<f64>(), b.parse::<f64>()),
                            (Ok(x), Ok(y)) if (x - y).abs() <= 1.01 * last_unit(b)
                                && a.len() == b.len());
                    assert!(same, "{cohort} {key}: {a} vs R's {b} in {g:?}");
                }
            }
        }
    }
    // R's "(1 observation deleted due to missingness)" (lung above) only where the rows
    // that were candidates are public: under a subset their number stays private.
    let fx = Fixture::cohort("lung");
    let out = fx.printed(
        &format!("{D}coxph(Surv(time, status) ~ age + sex + ph.ecog, data = subset(d, age > 50))"),
        1,
    );
    assert!(
        out.contains("number of events") && !out.contains("deleted"),
        "{out}"
    );
    let fx = Fixture::cohort("veteran");
    // R would print karno's SE to 8 decimals at 6 digits, beyond the fit's guaranteed 1e-6.
    let call = fx.expected["coxph"]["call"].as_str().unwrap().to_string();
    let e = fx.refusal(&format!("{D}print({call}, digits = 6)"));
    assert!(e.contains("at most 5"), "{e}");
}

/// A fit prints as R's `print.lm`, whole (the call as R's `deparse` breaks it, the
/// coefficients in columns of one width, wrapped at 80), at the default and at 3 digits.
#[test]
fn print_of_an_lm_fit_is_r_print_lm() {
    let fx = Fixture::cohort("lung");
    let call = fx.expected["lm"]["call"].as_str().unwrap().to_string();
    for (key, src) in [
        ("default", call.clone()),
        ("digits3", format!("print({call}, digits = 3)")),
        (
            "wrapped",
            "lm(time ~ age + ph.ecog + sex + wt.loss + meal.cal + pat.karno + ph.karno + \
             inst, data = d)"
                .to_owned(),
        ),
    ] {
        let got = fx.printed(&format!("{D}{src}"), 1);
        let want = r_lines(&fx.expected["lm_print"][key]);
        // R pads each cell with the gap, trailing spaces included (the reference keeps none).
        assert!(got.contains("(Intercept)  "), "{got}");
        let got: Vec<&str> = got.lines().map(str::trim_end).collect();
        let want: Vec<&str> = want.iter().map(String::as_str).collect();
        assert_eq!(got, want[..got.len().min(want.len())].to_vec(), "{src}");
        // R's output ends in blank lines, which our notes trim.
        assert!(want[got.len()..].iter().all(|l| l.is_empty()), "{src}");
    }
}

/// `summary(lm(...))` and `print(summary(fit), digits =)` print R's `print.summary.lm`
/// lines, but for R's residual quantiles (per-row values, not printed).
#[test]
fn summary_of_an_lm_fit_prints_as_r() {
    let fx = Fixture::cohort("lung");
    let call = fx.expected["lm"]["call"].as_str().unwrap().to_string();
    for (key, src) in [
        ("default", format!("summary({call})")),
        ("digits3", format!("print(summary({call}), digits = 3)")),
        (
            "stars",
            "summary(lm(wt.loss ~ ph.ecog + meal.cal, data = d))".to_owned(),
        ),
    ] {
        let got = fx.printed(&format!("{D}{src}"), 1);
        let got: Vec<&str> = got
            .lines()
            .map(str::trim_end)
            .skip_while(|l| !l.starts_with("Coefficients:"))
            .collect();
        let all = r_lines(&fx.expected["lm_summary"][key]);
        let want: Vec<&str> = all
            .iter()
            .map(String::as_str)
            .skip_while(|l| !l.starts_with("Coefficients:"))
            .collect();
        assert_eq!(
            got,
            want[..want.len().min(got.len().max(1))].to_vec(),
            "{src}"
        );
        assert_eq!(
            got.len(),
            want.iter().rposition(|l| !l.is_empty()).unwrap() + 1,
            "{src}"
        );
    }
}

/// `summary(fit)$table` of a survfit: R's per-curve numbers (the restricted mean and its
/// standard error from the public curve, as R's `survmean`), one curve and by stratum.
#[test]
fn summary_table_of_a_survfit_matches_r() {
    let fx = Fixture::cohort("lung");
    let want = &fx.expected["survfit_table"];
    let one = fx.json(&format!(
        "{D}summary(survfit(Surv(time, status) ~ 1, data = d))$table"
    ));
    for (name, w) in want["one"].as_object().unwrap() {
        near(num(&one[name][0]), num(w), 1e-9, 0.0, name);
    }
    // R's names of the summary's other components reach its columns.
    let s = fx.json(&format!(
        "{D}summary(survfit(Surv(time, status) ~ 1, data = d), times = c(100, 365))$surv"
    ));
    let s: Vec<f64> = s.as_array().unwrap().iter().map(num).collect();
    assert!(s.len() == 2 && s[0] > s[1] && s[1] > 0.0, "{s:?}");
    let two = fx.json(&format!(
        "{D}summary(survfit(Surv(time, status) ~ sex_f, data = d))$table"
    ));
    let rows: Vec<&str> = want["strata"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    let labels = two[""].as_array().unwrap_or_else(|| panic!("{two}"));
    for (k, col) in want["strata"]["cols"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let col = col.as_str().unwrap();
        for (r, row) in rows.iter().enumerate() {
            let i = labels
                .iter()
                .position(|l| l == row)
                .unwrap_or_else(|| panic!("{row} in {two}"));
            let w = num(&want["strata"]["values"][r][k]);
            near(num(&two[col][i]), w, 1e-9, 0.0, &format!("{row} {col}"));
        }
    }
}

/// `lm(..., subset = cond)` prints R's call with the subset, broken as R's `deparse` breaks it.
#[test]
fn lm_call_with_subset_prints_as_r() {
    let fx = Fixture::cohort("lung");
    let got = fx.printed(
        &format!("{D}lm(wt.loss ~ age + sex_f, data = d, subset = ph.ecog < 2)"),
        1,
    );
    let want = r_lines(&fx.expected["lm_subset_print"]);
    let got: Vec<&str> = got.lines().map(str::trim_end).collect();
    let want: Vec<&str> = want.iter().map(String::as_str).collect();
    assert_eq!(got, want[..got.len().min(want.len())].to_vec());
}
