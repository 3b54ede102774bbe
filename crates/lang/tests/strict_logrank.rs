//! `survdiff(..., strict = TRUE)`: the log-rank statistic without revealing event times or
//! counts, against R's `logrank_ecog` and `logrank_bed80` in `expected.json`, under the
//! default policy (which allows neither event times nor a grid).
mod support;

use sharestat_dict::Policy;
use support::Fixture;

const D: &str = "d <- rbind(load(\"munich\"), load(\"rome\"))\n";
const S: &str = "Surv(follow_up_months, event_death)";

fn num(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn strict_log_rank_matches_r_and_reveals_only_the_statistic() {
    let fx = Fixture::new(Policy::default());
    for (key, group) in [
        (
            "logrank_ecog",
            "ifelse(ecog_status %in% c(\"0\", \"1\"), \"ecog01\", \"ecog2\")",
        ),
        (
            "logrank_bed80",
            "ifelse(bed10_gy >= 80, \"bed_ge80\", \"bed_lt80\")",
        ),
    ] {
        let want = &fx.expected[key];
        let got = fx.json(&format!(
            "{D}survdiff({S} ~ {group}, data = d, strict = TRUE)"
        ));
        // Fixed point (26-bit per-time terms, 20-bit quotient): within 2e-5 relative.
        let (c, w) = (num(&got["chisq"]), num(&want["chisq"]));
        assert!((c - w).abs() <= 2e-5 * w, "{key}: chisq {c} vs R {w}");
        let (p, wp) = (num(&got["p_value"]), num(&want["p_value"]));
        assert!((p - wp).abs() <= 2e-5 * wp, "{key}: p {p} vs R {wp}");
        assert_eq!(got["strict"], true);
        assert!(
            got.get("observed").is_none() && got.get("n").is_none(),
            "{got}"
        );
    }
    let out = fx
        .run(&format!(
            "{D}survdiff({S} ~ gender, data = d, strict = TRUE)"
        ))
        .unwrap();
    let text = sharestat_lang::eval::render::render(&out[0].value);
    assert!(text.contains("only the statistic was revealed"), "{text}");
    // The same data without strict mode is refused under this policy.
    let e = fx.refusal(&format!("{D}survdiff({S} ~ gender, data = d)"));
    assert!(e.contains("allow_event_times"), "{e}");
}

#[test]
fn strict_log_rank_needs_two_groups_of_min_cell() {
    let fx = Fixture::new(Policy::default());
    let e = fx
        .run(&format!(
            "{D}survdiff({S} ~ ecog_status, data = d, strict = TRUE)"
        ))
        .unwrap_err();
    assert!(e.contains("compares two groups"), "{e}");
    let fx = Fixture::new(Policy {
        min_cell: 10,
        perturbation: sharestat_dict::Perturbation::None,
        ..Policy::default()
    });
    let e = fx.refusal(&format!(
        "{D}survdiff({S} ~ ifelse(ecog_status %in% c(\"0\", \"1\"), \"a\", \"b\"), data = d, \
         strict = TRUE)"
    ));
    assert!(e.contains("min_cell"), "{e}");
}
