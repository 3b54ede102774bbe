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
fn strict_log_rank_needs_groups_of_min_cell_none_empty() {
    let fx = Fixture::new(Policy::default());
    // ECOG 3 and 4 have no patients: an empty group (it would change the df) is refused.
    let e = fx.refusal(&format!(
        "{D}survdiff({S} ~ ecog_status, data = d, strict = TRUE)"
    ));
    assert!(
        e.contains("min_cell") && e.contains("`3`") && e.contains("`4`"),
        "{e}"
    );
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

/// k > 2 groups (issue 16): the (k − 1)² system solved on shares, against R's survdiff
/// (`r/strict_logrank.R` -> `r/strict_logrank.json`): lung by ECOG (3 groups), veteran by cell
/// type (4), the adrenal fixture by ECOG (3).
#[test]
fn strict_log_rank_of_k_groups_matches_r() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../r/strict_logrank.json");
    let cases: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cohort = "d <- rbind(load(\"site_a\"), load(\"site_b\"))\n";
    for (i, (fx, q)) in [
        (
            support::Fixture::cohort("lung"),
            format!(
                "{cohort}d$ecog_f <- factor(d$ph.ecog, levels = c(0, 1, 2))\n\
                 e <- subset(d, ph.ecog < 3)\n\
                 survdiff(Surv(time, dead) ~ ecog_f, data = e, strict = TRUE)"
            ),
        ),
        (
            support::Fixture::cohort("veteran"),
            format!("{cohort}survdiff(Surv(time, dead) ~ celltype, data = d, strict = TRUE)"),
        ),
        (
            Fixture::new(Policy::default()),
            format!(
                "{D}d$ecog_f <- factor(d$ecog_status, levels = c(\"0\", \"1\", \"2\"))\n\
                 survdiff({S} ~ ecog_f, data = d, strict = TRUE)"
            ),
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let want = &cases[i];
        let got = fx.json(&q);
        let (c, w) = (num(&got["chisq"]), num(&want["chisq"]));
        assert!(
            (c - w).abs() <= 2e-5 * w,
            "{}: chisq {c} vs R {w}",
            want["call"]
        );
        assert_eq!(got["df"], want["df"], "{}", want["call"]);
        assert!(got.get("observed").is_none(), "{got}");
    }
}
