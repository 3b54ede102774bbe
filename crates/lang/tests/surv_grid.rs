//! Survival analyses under a policy that hides exact event times but allows a grid
//! (`event_time_grid`): the Kaplan-Meier table equals a plain product-limit estimate on the
//! times rounded up to the grid, computed here from the fixture's CSV files.
mod support;

use sharestat_dict::Policy;
use support::Fixture;

const D: &str = "d <- rbind(load(\"munich\"), load(\"rome\"))\n";

fn grid_policy(g: u32) -> Policy {
    Policy {
        event_time_grid: Some(g),
        perturbation: sharestat_dict::Perturbation::None,
        ..Policy::default()
    }
}

/// `(time, event)` of every fixture row, from the canonical CSV files.
fn rows() -> Vec<(f64, bool)> {
    let ex = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/adrenal");
    let mut out = Vec::new();
    for f in ["munich.csv", "rome.csv"] {
        let text = std::fs::read_to_string(ex.join(f)).unwrap();
        let mut lines = text.lines();
        let head: Vec<&str> = lines.next().unwrap().split(',').collect();
        let (ti, ei) = (
            head.iter().position(|h| *h == "follow_up_months").unwrap(),
            head.iter().position(|h| *h == "event_death").unwrap(),
        );
        for l in lines {
            let c: Vec<&str> = l.split(',').collect();
            out.push((c[ti].parse().unwrap(), c[ei] == "1"));
        }
    }
    out
}

/// Product-limit table `(time, n_risk, n_event, surv)` at the event times.
fn product_limit(rows: &[(f64, bool)]) -> Vec<(f64, u64, u64, f64)> {
    let mut times: Vec<f64> = rows.iter().filter(|r| r.1).map(|r| r.0).collect();
    times.sort_by(f64::total_cmp);
    times.dedup();
    let mut s = 1.0;
    times
        .into_iter()
        .map(|t| {
            let risk = rows.iter().filter(|r| r.0 >= t).count() as u64;
            let ev = rows.iter().filter(|r| r.0 == t && r.1).count() as u64;
            s *= 1.0 - ev as f64 / risk as f64;
            (t, risk, ev, s)
        })
        .collect()
}

#[test]
fn kaplan_meier_on_a_grid_matches_product_limit_on_rounded_times() {
    for g in [1u32, 3] {
        let fx = Fixture::new(grid_policy(g));
        let got = fx.json(&format!(
            "{D}survfit(Surv(follow_up_months, event_death) ~ 1, data = d)"
        ));
        assert_eq!(got["time_grid"], g);
        let rounded: Vec<(f64, bool)> = rows()
            .into_iter()
            .map(|(t, e)| ((t / f64::from(g)).ceil() * f64::from(g), e))
            .collect();
        let want = product_limit(&rounded);
        let table = got["table"].as_array().unwrap();
        assert_eq!(table.len(), want.len());
        for (a, (t, risk, ev, s)) in table.iter().zip(want) {
            assert_eq!(a["time"].as_f64().unwrap(), t);
            assert_eq!(a["n_risk"].as_u64().unwrap(), risk);
            assert_eq!(a["n_event"].as_u64().unwrap(), ev);
            assert!((a["surv"].as_f64().unwrap() - s).abs() < 1e-12);
        }
        // Every time shown is on the grid.
        assert!(
            table
                .iter()
                .all(|r| r["time"].as_f64().unwrap() % f64::from(g) == 0.0)
        );
    }
}

#[test]
fn log_rank_and_cox_run_on_the_grid_and_say_so() {
    let fx = Fixture::new(grid_policy(1));
    let out = fx
        .run(&format!(
            "{D}survfit(Surv(follow_up_months, event_death) ~ 1, data = d)"
        ))
        .unwrap();
    let text = sharestat_lang::eval::render::render(&out[0].value);
    assert!(
        text.contains("Times rounded up to multiples of 1"),
        "{text}"
    );
    let lr = fx.json(&format!(
        "{D}survdiff(Surv(follow_up_months, event_death) ~ gender, data = d)"
    ));
    assert_eq!(lr["n"].as_array().unwrap().len(), 2);
    let cox = fx.json(&format!(
        "{D}coxph(Surv(follow_up_months, event_death) ~ age, data = d)"
    ));
    // Rounding up to whole months barely moves the age effect (R, exact times: 0.0007 with
    // ECOG; alone it is small too).
    assert!(cox["coef"][0].as_f64().unwrap().abs() < 0.1, "{cox}");
}

#[test]
fn without_grid_or_event_times_survival_is_refused() {
    let fx = Fixture::new(Policy::default());
    let e = fx.refusal(&format!(
        "{D}coxph(Surv(follow_up_months, event_death) ~ age, data = d)"
    ));
    assert!(e.contains("event_time_grid"), "{e}");
}
