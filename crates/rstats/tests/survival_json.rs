//! A fit survives its JSON: what the node writes (`fit_json`) is what the client reads back
//! (`fit_from_json`) and draws — every step, count, estimate and limit, for one curve and for
//! several, with ties, censoring and a curve that ends at 0 (limits undefined).
use sharestat_rstats::survival::{Obs, survfit};
use sharestat_rstats::survival_print::{fit_from_json, fit_json};

fn same(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan()) || (!a.is_finite() && b.is_nan())
}

#[test]
fn fits_round_trip_through_their_json() {
    let obs: Obs = vec![
        (0, 5.0, true),
        (0, 5.0, true),
        (0, 7.0, false),
        (0, 9.0, true),
        (0, 12.0, true),
        (1, 3.0, false),
        (1, 4.0, true),
        (1, 8.0, true),
        (1, 8.0, false),
        (1, 15.0, false),
    ];
    let labels = ["a".to_owned(), "b".to_owned()];
    for (fit, groups) in [
        (survfit("c".into(), &labels, &obs, Some("g".into())), 2),
        (survfit("c".into(), &labels[..1], &obs, None), 1),
    ] {
        let back = fit_from_json(&fit_json(&fit)).unwrap();
        assert_eq!(back.curves.len(), groups);
        for (c, b) in fit.curves.iter().zip(&back.curves) {
            assert_eq!(
                (&c.group, c.n, c.events, c.median),
                (&b.group, b.n, b.events, b.median)
            );
            assert_eq!(c.table.len(), b.table.len());
            for (r, s) in c.table.iter().zip(&b.table) {
                assert_eq!(
                    (r.time, r.n_risk, r.n_event, r.n_censor),
                    (s.time, s.n_risk, s.n_event, s.n_censor)
                );
                assert!(
                    same(r.surv, s.surv) && same(r.lower, s.lower) && same(r.upper, s.upper),
                    "{r:?} {s:?}"
                );
                if r.n_event > 0 {
                    assert!(same(r.std_err, s.std_err), "{r:?} {s:?}");
                }
            }
        }
    }
    assert!(fit_from_json(&serde_json::json!({"steps": 1})).is_err());
    assert!(fit_from_json(&serde_json::json!({"n": 3, "steps": [{"time": 1}]})).is_err());
}
