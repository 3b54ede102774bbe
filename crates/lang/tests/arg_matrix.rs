//! Issue 15: arguments change results exactly as R's do. Each case of R's `arg_matrix`
//! (`r/survival_cohorts.R`, on `survival::lung`) is an expression that reads the same in
//! sharestat and R — `na.rm` of the aggregates, `log(base =)` and the other math functions,
//! `cut`'s `right`/`include.lowest`/`labels`, `scale`'s `center`/`scale`, `proportions`'
//! `margin`, `chisq.test`'s `correct` and two-vector form, `fisher.test(x, y)`, `exact` of
//! `cor.test` and `wilcox.test`, `coxph(ties = "breslow")`, `cox.zph`'s `global` and
//! `transform` — compared with R's values (reals within 1e-6 relative, counts exact).
mod support;

use serde_json::Value;
use support::Fixture;
use support::cohort::{D, near, num};

/// R's names for the subsets of the cases.
const SUBSETS: &str =
    "old <- d$age > 74\nx74 <- d$time[old]\ny74 <- 1000 * d$age[old] - d$time[old]\n";

/// The numbers of a JSON result in order (tables by rows, named vectors by name order).
fn numbers(v: &Value, out: &mut Vec<f64>) {
    match v {
        Value::Number(n) => out.push(n.as_f64().unwrap_or(f64::NAN)),
        Value::Array(a) => a.iter().for_each(|x| numbers(x, out)),
        Value::Object(m) => m.values().for_each(|x| numbers(x, out)),
        _ => {}
    }
}

#[test]
fn every_case_of_r_arg_matrix_matches_r() {
    let fx = Fixture::cohort("lung");
    let cases = fx.expected["arg_matrix"]
        .as_array()
        .expect("R's arg_matrix");
    assert!(cases.len() >= 35, "{} cases", cases.len());
    let mut failed = Vec::new();
    for case in cases {
        let q = case["q"].as_str().unwrap();
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| matches(&fx, case)));
        if let Err(e) = run {
            let why = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failed.push(format!("{q}: {why}"));
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
}

/// One case against R's value.
fn matches(fx: &Fixture, case: &Value) {
    let q = case["q"].as_str().unwrap();
    {
        let got = fx.json(&format!("{D}{SUBSETS}{q}"));
        let (mut ours, mut r) = (Vec::new(), Vec::new());
        match case["kind"].as_str().unwrap() {
            "num" => numbers(&got, &mut ours),
            "coef" => numbers(&got["coef"], &mut ours),
            "zph" => numbers(&got["chisq"], &mut ours),
            "htest" => {
                if let Some(s) = case["statistic"].as_f64() {
                    near(num(&got["statistic"]), s, 1e-6, 1e-12, q);
                }
                near(num(&got["p_value"]), num(&case["p"]), 1e-6, 1e-15, q);
                return;
            }
            k => panic!("kind {k}"),
        }
        numbers(&case["values"], &mut r);
        assert_eq!(ours.len(), r.len(), "{q}: {ours:?} against R's {r:?}");
        for (a, b) in ours.iter().zip(&r) {
            near(*a, *b, 1e-6, 1e-12, q);
        }
    }
}

/// Arguments R has and sharestat refuses by name, for every function that has them.
#[test]
fn refused_arguments_name_themselves() {
    let fx = Fixture::cohort("lung");
    for (q, arg) in [
        (
            "lm(wt.loss ~ age, data = d, na.action = na.omit)",
            "na.action",
        ),
        (
            "survfit(Surv(time, status) ~ 1, data = d, weights = age)",
            "weights",
        ),
        (
            "survfit(Surv(time, status) ~ 1, data = d, na.action = na.omit)",
            "na.action",
        ),
        (
            "survdiff(Surv(time, status) ~ sex, data = d, na.action = na.omit)",
            "na.action",
        ),
        (
            "coxph(Surv(time, status) ~ age, data = d, weights = age)",
            "weights",
        ),
        ("var(d$age, d$time)", "y"),
        ("pmax(d$age, d$time, na.rm = TRUE)", "na.rm"),
        ("quantile(d$age, type = 6)", "type"),
        (
            "fisher.test(table(d$sex_f, d$status), simulate.p.value = TRUE)",
            "simulate.p.value",
        ),
    ] {
        let e = fx.refusal(&format!("{D}{q}"));
        assert!(e.contains(arg) && e.starts_with("line "), "{q}: {e}");
    }
}

/// `main`, `xlab`, `ylab` and `conf.int` reach the plot description the client draws.
#[test]
fn plot_labels_reach_the_client() {
    let fx = Fixture::cohort("lung");
    for q in [
        "plot(survfit(Surv(time, status) ~ sex_f, data = d), file = \"km.svg\", conf.int = FALSE, main = \"M\", xlab = \"X\", ylab = \"Y\")",
        "barplot(table(d$sex_f), file = \"b.svg\", main = \"M\", xlab = \"X\", ylab = \"Y\")",
    ] {
        let got = fx.json(&format!("{D}{q}"));
        let p = &got["plot"];
        assert_eq!(
            (&p["main"], &p["xlab"], &p["ylab"]),
            (&"M".into(), &"X".into(), &"Y".into()),
            "{q}: {got}"
        );
        if q.starts_with("plot") {
            assert_eq!(p["conf_int"], false, "{q}");
        }
    }
    let h = fx.json(&format!(
        "{D}hist(d$age, breaks = c(30, 50, 60, 70, 90), file = \"h.svg\", main = \"Ages\")"
    ));
    assert_eq!(h["plot"]["main"], "Ages", "{h}");
}

/// Attack kept as a test: a grouping that gives one patient a group of their own (lung's
/// single `ph.ecog == 3`) is refused by the cell rule in `kruskal.test`, as in the two-group
/// tests, and the new tests of paired categories release nothing a table would not.
#[test]
fn kruskal_groups_pass_the_cell_rule() {
    let policy = sharestat_dict::Policy {
        min_cell: 5,
        ..support::open_policy()
    };
    let fx = Fixture::cohort_with("lung", policy);
    let e = fx.refusal(&format!("{D}kruskal.test(age ~ ph.ecog, data = d)"));
    assert!(e.contains("min_cell"), "{e}");
    let e = fx.refusal(&format!(
        "{D}mcnemar.test(d$ph.karno < 60, d$pat.karno < 60)"
    ));
    assert!(e.contains("min_cell"), "{e}");
}

/// R's graphical arguments as R reads them: `col` through `col2rgb` (names ignoring case
/// and spaces, codes, palette numbers recycled; R 4.2's values), `lty` by number or name,
/// `xlim`/`ylim`, and `conf.int`'s default of `plot.survfit` (bands for a single curve).
#[test]
fn plot_graphical_arguments_as_r_reads_them() {
    let fx = Fixture::cohort("lung");
    let km = "km <- survfit(Surv(time, status) ~ sex_f, data = d)\n";
    let got = fx.json(&format!(
        "{D}{km}plot(km, col = c(\"Dark Green\", \"#FF000080\"), lty = c(\"dashed\", 3), \
         xlim = c(0, 500), ylim = c(0.2, 1))"
    ));
    let s = &got["plot"]["style"];
    // R: col2rgb(c("Dark Green", "#FF000080"), alpha = TRUE) -> (0, 100, 0, 255), (255, 0, 0, 128).
    assert_eq!(
        s["col"],
        serde_json::json!(["#006400", "#FF000080"]),
        "{got}"
    );
    assert_eq!(s["lty"], serde_json::json!([2, 3]), "{got}");
    assert_eq!(s["xlim"], serde_json::json!([0.0, 500.0]), "{got}");
    assert_eq!(s["ylim"], serde_json::json!([0.2, 1.0]), "{got}");
    assert_eq!(
        got["plot"]["conf_int"], false,
        "two curves: no bands by default"
    );
    // Palette numbers as R 4.2's palette(): 2 is "#DF536B", 12 is 4's "#2297E6", 9 is black.
    let got = fx.json(&format!("{D}{km}plot(km, col = c(2, 12, 9))"));
    assert_eq!(
        got["plot"]["style"]["col"],
        serde_json::json!(["#DF536B", "#2297E6", "#000000"])
    );
    let one = fx.json(&format!(
        "{D}plot(survfit(Surv(time, status) ~ 1, data = d))"
    ));
    assert_eq!(
        one["plot"]["conf_int"], true,
        "one curve: R draws its bands"
    );
    // barplot and hist: a colour per bar, the counts' axis.
    let b = fx.json(&format!(
        "{D}barplot(table(d$sex_f), col = c(\"grey\", \"red\"), ylim = c(0, 200))"
    ));
    assert_eq!(
        b["plot"]["style"]["col"],
        serde_json::json!(["#BEBEBE", "#FF0000"])
    );
    assert_eq!(b["plot"]["style"]["ylim"], serde_json::json!([0.0, 200.0]));
    let h = fx.json(&format!(
        "{D}hist(d$age, breaks = c(30, 50, 60, 70, 90), xlab = \"Age\", ylab = \"n\", \
         col = \"lightblue\")"
    ));
    assert_eq!(h["plot"]["xlab"], "Age");
    assert_eq!(h["plot"]["style"]["col"], serde_json::json!(["#ADD8E6"]));
    // Refused, naming what is wrong.
    for (q, want) in [
        (format!("{km}plot(km, col = \"nocolour\")"), "`nocolour`"),
        (format!("{km}plot(km, col = 0)"), "positive"),
        (format!("{km}plot(km, lty = 7)"), "lty"),
        (format!("{km}plot(km, lty = \"wavy\")"), "lty"),
        (format!("{km}plot(km, xlim = c(5, 1))"), "xlim"),
        (format!("{km}plot(km, ylim = 1)"), "ylim"),
        (
            "plot(table(d$sex_f), lty = 2)".into(),
            "lty applies to a survival plot",
        ),
        (
            "plot(table(d$sex_f), xlim = c(0, 1))".into(),
            "xlim applies",
        ),
        ("barplot(table(d$sex_f), xlim = c(0, 1))".into(), "xlim"),
        (
            "hist(d$age, breaks = c(30, 90), xlim = c(0, 1))".into(),
            "xlim",
        ),
        (format!("{km}barplot(km)"), "barplot() draws a table"),
    ] {
        let e = fx.refusal(&format!("{D}{q}"));
        assert!(e.contains(want) && e.starts_with("line "), "{q}: {e}");
    }
}
