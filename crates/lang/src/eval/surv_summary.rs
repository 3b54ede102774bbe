//! `summary()` of a Kaplan-Meier fit (R's `summary.survfit`): the curve at the event times
//! or at requested times, and `$table`, the numbers per curve. Everything here is computed in
//! the clear from the public fit.
use super::surv::SurvFit;
use super::value::Public;

/// R's `summary(fit, times = ...)`: per curve and requested time, the number at risk, the
/// events since the previous requested time, and the estimate with its standard error and
/// interval. Without times, the event times.
pub fn summary_at(fit: &SurvFit, times: &[f64]) -> Public {
    let mut labels = Vec::new();
    let names = [
        "time",
        "n.risk",
        "n.event",
        "survival",
        "std.err",
        "lower 95% CI",
        "upper 95% CI",
    ];
    let mut cols: Vec<Vec<Option<f64>>> = vec![Vec::new(); names.len()];
    for c in &fit.curves {
        let ts: Vec<f64> = if times.is_empty() {
            c.table
                .iter()
                .filter(|r| r.n_event > 0)
                .map(|r| r.time)
                .collect()
        } else {
            times.to_vec()
        };
        let mut prev = f64::NEG_INFINITY;
        for &t in &ts {
            let last = c.table.iter().take_while(|r| r.time <= t).last();
            let risk = c.table.iter().find(|r| r.time >= t).map_or(0, |r| r.n_risk);
            let events: u64 = c
                .table
                .iter()
                .filter(|r| r.time > prev && r.time <= t)
                .map(|r| r.n_event)
                .sum();
            prev = t;
            let fin = |v: f64| v.is_finite().then_some(v);
            let (s, se, lo, hi) = match last {
                Some(r) => (Some(r.surv), fin(r.std_err), fin(r.lower), fin(r.upper)),
                None => (Some(1.0), Some(0.0), Some(1.0), Some(1.0)),
            };
            for (k, v) in [
                Some(t),
                Some(risk as f64),
                Some(events as f64),
                s,
                se,
                lo,
                hi,
            ]
            .into_iter()
            .enumerate()
            {
                cols[k].push(v);
            }
            if let Some(strata) = &fit.strata {
                labels.push(format!("{strata}={}", c.group));
            }
        }
    }
    Public::Frame {
        labels: fit.strata.as_ref().map(|_| ("strata".to_owned(), labels)),
        columns: names.iter().map(|n| n.to_string()).zip(cols).collect(),
        table: Some(Box::new(curve_table(fit))),
    }
}

/// R's `summary(fit)$table`: per curve `records`, `n.max`, `n.start`, `events`, `rmean`,
/// `se(rmean)`, `median`, `0.95LCL`, `0.95UCL` (rows named `g=level` by stratum).
fn curve_table(fit: &SurvFit) -> Public {
    let names = [
        "records",
        "n.max",
        "n.start",
        "events",
        "rmean",
        "se(rmean)",
        "median",
        "0.95LCL",
        "0.95UCL",
    ];
    let columns: Vec<(String, Vec<Option<f64>>)> = names
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let v = fit
                .curves
                .iter()
                .map(|c| match k {
                    0..=2 => Some(c.n as f64),
                    3 => Some(c.events as f64),
                    4 => Some(c.rmean),
                    5 => Some(c.se_rmean),
                    j => c.median[j - 6],
                })
                .collect();
            (name.to_string(), v)
        })
        .collect();
    let labels = fit.strata.as_ref().map(|s| {
        let rows = fit
            .curves
            .iter()
            .map(|c| format!("{s}={}", c.group))
            .collect();
        (String::new(), rows)
    });
    Public::Frame {
        labels,
        columns,
        table: None,
    }
}
