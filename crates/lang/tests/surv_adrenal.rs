//! Kaplan-Meier and log-rank tests on secret shares of the fixture against R's `survival`
//! results in `expected.json` (issue 6): counts exact, real values within 1e-6 relative.
mod support;

use support::{Fixture, close};

const D: &str = "d <- rbind(load(\"munich\"), load(\"rome\"))\n";
const S: &str = "Surv(follow_up_months, event_death)";

fn num(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// S(t) of a Kaplan-Meier table (event rows): the estimate after the last event at or before t.
fn surv_at(table: &[serde_json::Value], t: f64) -> f64 {
    table
        .iter()
        .take_while(|r| num(&r["time"]) <= t)
        .last()
        .map_or(1.0, |r| num(&r["surv"]))
}

#[test]
fn kaplan_meier_overall_matches_r() {
    let fx = Fixture::adrenal();
    let want = &fx.expected["km_overall"];
    let got = fx.json(&format!("{D}survfit({S} ~ 1, data = d)"));
    assert_eq!(got["n"], want["n"]);
    assert_eq!(got["events"], want["events"]);
    close(num(&got["median"]), num(&want["median"]), "median");
    close(
        num(&got["median_lower"]),
        num(&want["median_lower"]),
        "median lower",
    );
    assert!(got["median_upper"].is_null() && want["median_upper"] == "NA");
    close(num(&got["rmean"]), num(&want["rmean"]), "rmean");
    let (g, w) = (
        got["table"].as_array().unwrap(),
        want["table"].as_array().unwrap(),
    );
    assert_eq!(g.len(), w.len());
    for (a, b) in g.iter().zip(w) {
        close(num(&a["time"]), num(&b["time"]), "time");
        assert_eq!(a["n_risk"], b["n_risk"]);
        assert_eq!(a["n_event"], b["n_event"]);
        close(num(&a["surv"]), num(&b["surv"]), "surv");
        for k in ["std_err", "lower", "upper"] {
            if let Some(v) = b[k].as_f64() {
                close(num(&a[k]), v, k);
            }
        }
    }
    close(surv_at(g, 12.0), num(&want["surv_12"]), "S(12)");
    close(surv_at(g, 24.0), num(&want["surv_24"]), "S(24)");
    let out = fx.run(&format!("{D}survfit({S} ~ 1, data = d)")).unwrap();
    let text = sharestat_lang::eval::render::render(&out[0].value);
    assert!(text.contains("n events median 0.95LCL 0.95UCL"), "{text}");
    assert!(
        text.contains("[1,] 48     17   19.5    13.3      NA"),
        "{text}"
    );
}

const ECOG: &str = "ifelse(ecog_status %in% c(\"0\", \"1\"), \"ecog01\", \"ecog2\")";

#[test]
fn kaplan_meier_by_group_and_log_rank_match_r() {
    let fx = Fixture::adrenal();
    let want = &fx.expected["km_by_ecog"];
    let got = fx.json(&format!("{D}survfit({S} ~ {ECOG}, data = d)"));
    assert_eq!(got["groups"], want["groups"]);
    assert_eq!(got["n"], want["n"]);
    assert_eq!(got["events"], want["events"]);
    for i in 0..2 {
        close(num(&got["median"][i]), num(&want["median"][i]), "median");
        close(num(&got["rmean"][i]), num(&want["rmean"][i]), "rmean");
    }
    let want = &fx.expected["logrank_ecog"];
    let lr = fx.json(&format!("{D}survdiff({S} ~ {ECOG}, data = d)"));
    assert_eq!(lr["observed"], want["observed"]);
    assert_eq!(lr["n"], want["n"]);
    for i in 0..2 {
        close(
            num(&lr["expected"][i]),
            num(&want["expected"][i]),
            "expected",
        );
    }
    close(num(&lr["chisq"]), num(&want["chisq"]), "chisq");
    close(num(&lr["p_value"]), num(&want["p_value"]), "p");
    let want = &fx.expected["logrank_bed80"];
    let lr = fx.json(&format!(
        "{D}survdiff({S} ~ ifelse(bed10_gy >= 80, \"bed_ge80\", \"bed_lt80\"), data = d)"
    ));
    close(num(&lr["chisq"]), num(&want["chisq"]), "bed80 chisq");
    close(num(&lr["p_value"]), num(&want["p_value"]), "bed80 p");
}

#[test]
fn event_times_need_the_policy_switch() {
    let fx = Fixture::new(sharestat_dict::Policy::default());
    let e = fx.refusal(&format!("{D}survfit({S} ~ 1, data = d)"));
    assert!(e.contains("(allow_event_times)"), "{e}");
}

#[test]
fn plots_are_returned_for_the_client_to_draw() {
    let fx = Fixture::adrenal();
    let p = fx.json(&format!(
        "{D}fit <- survfit({S} ~ {ECOG}, data = d)\nplot(fit, file = \"km.svg\", conf.int = TRUE)"
    ));
    assert_eq!(p["plot"]["file"], "km.svg");
    assert_eq!(p["plot"]["kind"], "km");
    assert_eq!(p["plot"]["data"]["curves"].as_array().unwrap().len(), 2);
    let steps = p["plot"]["data"]["curves"][0]["steps"].as_array().unwrap();
    let censored: u64 = steps.iter().map(|s| s["n_censor"].as_u64().unwrap()).sum();
    let events: u64 = steps.iter().map(|s| s["n_event"].as_u64().unwrap()).sum();
    assert_eq!(censored + events, 40);
    let e = fx
        .run(&format!("{D}plot(d$age, file = \"a.svg\")"))
        .unwrap_err();
    assert!(e.contains("expected a public result"), "{e}");
}

#[test]
fn summary_at_times_matches_r() {
    let fx = Fixture::adrenal();
    let want = &fx.expected["km_overall"];
    let s = fx.json(&format!(
        "{D}fit <- survfit({S} ~ 1, data = d)\nsummary(fit, times = c(12, 24))"
    ));
    close(num(&s["survival"][0]), num(&want["surv_12"]), "S(12)");
    close(num(&s["survival"][1]), num(&want["surv_24"]), "S(24)");
    let out = fx
        .run(&format!(
            "{D}fit <- survfit({S} ~ 1, data = d)\nsummary(fit, times = c(12, 24))"
        ))
        .unwrap();
    let text = sharestat_lang::eval::render::render(&out[0].value);
    assert!(text.starts_with("time n.risk n.event"), "{text}");
    assert!(text.contains("  12     20      11 0.7084171"), "{text}");
}
