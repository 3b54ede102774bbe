//! Kaplan-Meier and log-rank on secret shares against a plain implementation written here,
//! on random survival data with many ties and censoring (issue 6): three parties, the
//! evaluator as the nodes run it.
use proptest::prelude::*;
use sharestat_dict::{Dictionary, Policy, encode_row};
use sharestat_lang::check::{Checker, Env};
use sharestat_lang::eval::{Data, Evaluator, History, render};
use sharestat_mpc::AShares;
use sharestat_mpc::harness::{Keys, run_in_memory};
use sharestat_mpc::prg::Prg;
use sharestat_mpc::proto::io::deal;

const DICT: &str = "study = \"s\"\n\
    [[columns]]\nname = \"t\"\ntype = \"integer\"\nmin = 0\nrequired = true\n\
    [[columns]]\nname = \"ev\"\ntype = \"boolean\"\nrequired = true\n\
    [[columns]]\nname = \"g\"\ntype = \"categorical\"\nlevels = [\"a\", \"b\"]\nrequired = true\n";

struct Rows {
    names: Vec<String>,
    shares: Vec<[AShares; 3]>,
    n: usize,
}

struct PartyData<'a>(&'a Rows, usize);

impl Data for PartyData<'_> {
    fn rows(&self, _: &str) -> Option<usize> {
        Some(self.0.n)
    }
    fn version(&self, d: &str) -> String {
        d.to_owned()
    }
    fn column(&self, _: &str, col: &str) -> Result<AShares, String> {
        let i = self
            .0
            .names
            .iter()
            .position(|n| n == col)
            .ok_or("no column")?;
        Ok(self.0.shares[i][self.1].clone())
    }
}

fn run(rows: &[(i64, bool, usize)], src: &str) -> serde_json::Value {
    let dict = Dictionary::parse(DICT).unwrap();
    let cols = dict.encoded_columns();
    let mut words: Vec<Vec<u64>> = vec![Vec::new(); cols.len()];
    let mut buf = Vec::new();
    for &(t, e, g) in rows {
        encode_row(
            &dict,
            &[Some(t), Some(i64::from(e)), Some(g as i64)],
            &mut buf,
        );
        for (c, w) in buf.iter().enumerate() {
            words[c].push(*w);
        }
    }
    let mut prg = Prg::new([2; 16]);
    let data = Rows {
        names: cols.iter().map(|c| c.name.clone()).collect(),
        shares: words.iter().map(|w| deal(w, &mut prg)).collect(),
        n: rows.len(),
    };
    let policy = Policy {
        min_cell: 1,
        min_subset: 1,
        min_complement: 0,
        max_levels: 100,
        allow_extremes: true,
        allow_event_times: true,
        event_time_grid: None,
        perturbation: sharestat_dict::Perturbation::None,
        ..Policy::default()
    };
    let program = sharestat_lang::parse(src).unwrap();
    let checked = Checker::new(Env::new().with_dataset("x", dict.clone())).check_script(&program);
    assert!(checked.refused.is_none(), "{src}: {:?}", checked.refused);
    let out = run_in_memory(Keys::Seeded([4; 16]), |p| {
        let env = Env::new().with_dataset("x", dict.clone());
        let d = PartyData(&data, p.id().index());
        let mut h = History::new();
        let mut ev = Evaluator::new(p, &d, env, policy.clone(), &mut h);
        Ok(ev
            .run(&checked, src)
            .map(|o| render::to_json(&o[0].value))
            .map_err(|e| e.to_string()))
    })
    .unwrap();
    assert_eq!(out[0], out[1]);
    assert_eq!(out[0], out[2]);
    out[0].clone().unwrap()
}

/// Plain Kaplan-Meier at the event times: (time, n at risk, events, survival).
fn km(rows: &[(i64, bool)]) -> Vec<(f64, u64, u64, f64)> {
    let mut times: Vec<i64> = rows.iter().filter(|r| r.1).map(|r| r.0).collect();
    times.sort();
    times.dedup();
    let mut s = 1.0;
    times
        .into_iter()
        .map(|t| {
            let n = rows.iter().filter(|r| r.0 >= t).count() as u64;
            let d = rows.iter().filter(|r| r.0 == t && r.1).count() as u64;
            s *= 1.0 - d as f64 / n as f64;
            (t as f64, n, d, s)
        })
        .collect()
}

/// Plain two-group log-rank chi-square.
fn logrank(rows: &[(i64, bool, usize)]) -> f64 {
    let mut times: Vec<i64> = rows.iter().filter(|r| r.1).map(|r| r.0).collect();
    times.sort();
    times.dedup();
    let (mut o, mut e, mut v) = (0.0, 0.0, 0.0);
    for t in times {
        let at = |g: Option<usize>| {
            rows.iter()
                .filter(|r| r.0 >= t && g.is_none_or(|g| r.2 == g))
                .count() as f64
        };
        let (n, n1) = (at(None), at(Some(0)));
        let d = rows.iter().filter(|r| r.0 == t && r.1).count() as f64;
        o += rows.iter().filter(|r| r.0 == t && r.1 && r.2 == 0).count() as f64;
        e += n1 * d / n;
        if n > 1.0 {
            v += n1 * (n - n1) * d * (n - d) / (n * n * (n - 1.0));
        }
    }
    (o - e) * (o - e) / v
}

fn data() -> impl Strategy<Value = Vec<(i64, bool, usize)>> {
    // Few distinct times: many ties; about a third censored; both groups present.
    prop::collection::vec((0i64..12, prop::bool::weighted(0.65), 0usize..2), 8..40)
        .prop_filter("both groups with an event", |v| {
            (0..2).all(|g| v.iter().any(|r| r.2 == g && r.1))
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn survfit_and_survdiff_match_a_plain_implementation(rows in data()) {
        let fit = run(&rows, "d <- load(\"x\")\nsurvfit(Surv(t, ev) ~ g, data = d)");
        for g in 0..2 {
            let mine: Vec<(i64, bool)> = rows.iter().filter(|r| r.2 == g).map(|r| (r.0, r.1)).collect();
            let want = km(&mine);
            let table = fit["curves"][g]["table"].as_array().unwrap();
            prop_assert_eq!(table.len(), want.len());
            for (row, (t, n, d, s)) in table.iter().zip(&want) {
                prop_assert_eq!(row["time"].as_f64().unwrap(), *t);
                prop_assert_eq!(row["n_risk"].as_u64().unwrap(), *n);
                prop_assert_eq!(row["n_event"].as_u64().unwrap(), *d);
                prop_assert!((row["surv"].as_f64().unwrap() - s).abs() < 1e-12);
            }
        }
        let lr = run(&rows, "d <- load(\"x\")\nsurvdiff(Surv(t, ev) ~ g, data = d)");
        let want = logrank(&rows);
        let got = lr["chisq"].as_f64().unwrap();
        prop_assert!((got - want).abs() <= 1e-9 * want.abs().max(1.0), "{} vs {}", got, want);
    }
}

#[test]
fn many_tied_event_times() {
    // 30 patients, all events at two times, one censored at each.
    let mut rows = Vec::new();
    for i in 0..30 {
        rows.push((if i < 15 { 5 } else { 9 }, i % 15 != 0, i % 2));
    }
    let fit = run(
        &rows,
        "d <- load(\"x\")\nsurvfit(Surv(t, ev) ~ 1, data = d)",
    );
    let want = km(&rows.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>());
    let table = fit["table"].as_array().unwrap();
    assert_eq!(table.len(), 2);
    for (row, (_, n, d, s)) in table.iter().zip(&want) {
        assert_eq!(row["n_risk"].as_u64().unwrap(), *n);
        assert_eq!(row["n_event"].as_u64().unwrap(), *d);
        assert!((row["surv"].as_f64().unwrap() - s).abs() < 1e-12);
    }
}

#[test]
fn large_inputs_take_the_parallel_paths() {
    // More rows than the engine's parallel threshold (16384).
    let rows: Vec<(i64, bool, usize)> = (0..20_000i64)
        .map(|i| (i % 97, i % 3 != 0, (i % 2) as usize))
        .collect();
    let lr = run(
        &rows,
        "d <- load(\"x\")\nsurvdiff(Surv(t, ev) ~ g, data = d)",
    );
    let want = logrank(&rows);
    let got = lr["chisq"].as_f64().unwrap();
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1.0),
        "{got} vs {want}"
    );
}
