//! Kaplan-Meier curves and log-rank results as R's `survival` computes them, in the clear,
//! from the opened multiset of `(group, time, event)` (the secure part, `sharestat-lang`'s
//! `eval/surv.rs`, reveals only that): Greenwood standard errors, log-scale 95 % intervals
//! (`conf.type = "log"`), the median and its interval, the restricted mean up to the largest
//! time of all groups (`rmean = "common"`) with R's `survmean` standard error.
use statrs::distribution::{ContinuousCDF, Normal};

/// One distinct time of a curve.
#[derive(Clone, Debug, PartialEq)]
pub struct KmRow {
    /// The time.
    pub time: f64,
    /// At risk just before it.
    pub n_risk: u64,
    /// Events at it.
    pub n_event: u64,
    /// Censored at it.
    pub n_censor: u64,
    /// Kaplan-Meier estimate just after it.
    pub surv: f64,
    /// Greenwood standard error of `surv`.
    pub std_err: f64,
    /// 95% interval (log scale).
    pub lower: f64,
    /// Upper end.
    pub upper: f64,
}

/// A Kaplan-Meier curve.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    /// Group label (empty for `~ 1`).
    pub group: String,
    /// Rows used.
    pub n: u64,
    /// Events.
    pub events: u64,
    /// Every distinct time.
    pub table: Vec<KmRow>,
    /// Median survival and its 95% interval (`None`: not reached).
    pub median: [Option<f64>; 3],
    /// Restricted mean survival up to the common limit.
    pub rmean: f64,
    /// Its standard error, as R's `survmean`: `√Σ A(t)² d / (n (n − d))` over the event
    /// times, `A(t)` the area under the curve from `t` to the limit.
    pub se_rmean: f64,
}

/// A `survfit` result.
#[derive(Clone, Debug, PartialEq)]
pub struct SurvFit {
    /// The call.
    pub call: String,
    /// One curve per group.
    pub curves: Vec<Curve>,
    /// The grouping variable's name (`None` for `~ 1`).
    pub strata: Option<String>,
    /// Times rounded up to multiples of this (the policy's `event_time_grid`), or exact.
    pub time_grid: Option<u32>,
}

/// A `survdiff` (log-rank) result.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRank {
    /// The call.
    pub call: String,
    /// Group labels.
    pub groups: Vec<String>,
    /// Rows per group.
    pub n: Vec<u64>,
    /// Observed events.
    pub observed: Vec<u64>,
    /// Expected events.
    pub expected: Vec<f64>,
    /// Chi-square statistic.
    pub chisq: f64,
    /// Degrees of freedom.
    pub df: usize,
    /// p-value.
    pub p_value: f64,
    /// Strict mode: only `chisq` was revealed (`n`, `observed`, `expected` are empty).
    pub strict: bool,
    /// The grouping term when it is not a constant: rows print as `term=level`, as in R.
    pub strata: Option<String>,
    /// The diagonal of the variance matrix of `observed - expected` (R's `(O-E)^2/V`
    /// column); empty in strict mode.
    pub var_diag: Vec<f64>,
}

/// `(group, time, event)` of every row used, revealed as a multiset.
pub type Obs = Vec<(usize, f64, bool)>;

/// R's `qnorm(0.975)`, the width of the 95 % intervals.
pub fn z975() -> f64 {
    Normal::new(0.0, 1.0).expect("normal").inverse_cdf(0.975)
}

/// Kaplan-Meier curves per group, as R's `survfit` computes them.
pub fn survfit(call: String, labels: &[String], obs: &Obs, strata: Option<String>) -> SurvFit {
    let tmax = obs.iter().map(|o| o.1).fold(0.0, f64::max);
    let z = z975();
    let curves = labels
        .iter()
        .enumerate()
        .filter_map(|(g, label)| {
            let mut times: Vec<(f64, bool)> = obs
                .iter()
                .filter(|o| o.0 == g)
                .map(|o| (o.1, o.2))
                .collect();
            if times.is_empty() {
                return None;
            }
            times.sort_by(|a, b| a.0.total_cmp(&b.0));
            let n = times.len() as u64;
            let mut table = Vec::new();
            let (mut s, mut green, mut at_risk) = (1.0f64, 0.0f64, n);
            let mut i = 0;
            while i < times.len() {
                let t = times[i].0;
                let (mut d, mut c) = (0u64, 0u64);
                while i < times.len() && times[i].0 == t {
                    if times[i].1 {
                        d += 1
                    } else {
                        c += 1
                    }
                    i += 1;
                }
                if d > 0 {
                    s *= 1.0 - d as f64 / at_risk as f64;
                    green += d as f64 / (at_risk as f64 * (at_risk - d) as f64);
                }
                let se = s * green.sqrt();
                let (lower, upper) = if s > 0.0 {
                    let w = z * green.sqrt();
                    (s * (-w).exp(), (s * w.exp()).min(1.0))
                } else {
                    (f64::NAN, f64::NAN)
                };
                table.push(KmRow {
                    time: t,
                    n_risk: at_risk,
                    n_event: d,
                    n_censor: c,
                    surv: s,
                    std_err: se,
                    lower,
                    upper,
                });
                at_risk -= d + c;
            }
            let events = table.iter().map(|r| r.n_event).sum();
            // The lower band reaches 0.5 first: it gives the interval's lower end.
            let median = [
                quantile_time(&table, |r| r.surv),
                quantile_time(&table, |r| r.lower),
                quantile_time(&table, |r| r.upper),
            ];
            // Area under the step function from 0 to the common limit.
            let (mut area, mut last_t, mut last_s) = (0.0, 0.0, 1.0);
            for r in &table {
                area += last_s * (r.time - last_t);
                last_t = r.time;
                last_s = r.surv;
            }
            area += last_s * (tmax - last_t);
            // The area after each time, from the right; then R's variance of the mean.
            let mut after = 0.0;
            let mut var = 0.0;
            for (k, r) in table.iter().enumerate().rev() {
                let next = table.get(k + 1).map_or(tmax, |n| n.time);
                after += r.surv * (next - r.time);
                if r.n_event > 0 && r.n_risk > r.n_event {
                    let (n, d) = (r.n_risk as f64, r.n_event as f64);
                    var += after * after * d / (n * (n - d));
                }
            }
            Some(Curve {
                group: label.clone(),
                n,
                events,
                table,
                median,
                rmean: area,
                se_rmean: var.sqrt(),
            })
        })
        .collect();
    SurvFit {
        call,
        curves,
        strata,
        time_grid: None,
    }
}

/// R's median rule on a curve given by `f` (the estimate, or a confidence limit): the first
/// time it is at or below 0.5; if it equals 0.5 exactly over an interval, that interval's
/// midpoint. `None` if never reached.
fn quantile_time(table: &[KmRow], f: impl Fn(&KmRow) -> f64) -> Option<f64> {
    let rows: Vec<&KmRow> = table
        .iter()
        .filter(|r| r.n_event > 0 && !f(r).is_nan())
        .collect();
    for (k, r) in rows.iter().enumerate() {
        let v = f(r);
        if (v - 0.5).abs() < 1e-12 {
            return Some(match rows.get(k + 1) {
                Some(next) => (r.time + next.time) / 2.0,
                None => r.time,
            });
        }
        if v < 0.5 {
            return Some(r.time);
        }
    }
    None
}
