//! `node-bench`: service-level figures of a local three-node consortium (one process, real TLS
//! on 127.0.0.1): API health latency and server time, job set-up overhead (front node ->
//! all three told to run), whole small jobs, and resident memory.
//!
//! ```text
//! cargo run --release -p sharestat-bench --bin node-bench [-- --reps N]
//! ```
#![forbid(unsafe_code)]

use reqwest::Method;
use serde_json::json;
use sharestat_node::local::{LocalConsortium, upload_dealt};
use std::time::Instant;

/// Parses `name;dur=1.234` out of a Server-Timing header.
fn timing(header: &str, name: &str) -> Option<f64> {
    header.split(',').find_map(|part| {
        let mut it = part.trim().split(';');
        (it.next()? == name).then_some(())?;
        it.find_map(|kv| kv.trim().strip_prefix("dur=")?.parse().ok())
    })
}

fn stats(mut v: Vec<f64>) -> String {
    v.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    format!("{:.3} | {:.3} | {:.3}", q(0.5), q(0.95), v[v.len() - 1])
}

fn rss_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = s
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

#[tokio::main]
async fn main() {
    let reps: usize = std::env::args()
        .skip_while(|a| a != "--reps")
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let tmp = tempfile::tempdir().expect("temporary directory");
    let c = LocalConsortium::start(&tmp.path().join("c"), 10)
        .await
        .expect("local consortium");
    let admin = &c.admins[0];
    let mut rows = Vec::new();

    // Health: warm connection, `reps` calls.
    let (mut client_ms, mut server_ms) = (Vec::new(), Vec::new());
    for i in 0..reps + 10 {
        let t = Instant::now();
        let (st, _, tm) = admin
            .timed(Method::GET, "/api/v1/health", None)
            .await
            .unwrap();
        assert!(st.is_success());
        if i >= 10 {
            client_ms.push(t.elapsed().as_secs_f64() * 1e3);
            server_ms.push(timing(&tm, "app").unwrap());
        }
    }
    rows.push(format!(
        "| health, server time | {} | <= 1 ms |",
        stats(server_ms)
    ));
    rows.push(format!(
        "| health, client round trip (HTTPS, kept-alive) | {} | |",
        stats(client_ms)
    ));

    // Job set-up: empty self-tests (key set-up, no computation).
    let spec = json!({"kind": "self_test", "rows": 1, "rounds": 0});
    let (mut setup, mut whole) = (Vec::new(), Vec::new());
    for i in 0..reps / 2 + 5 {
        let t = Instant::now();
        let (st, v, tm) = admin
            .timed(Method::POST, "/api/v1/jobs?wait_secs=10", Some(&spec))
            .await
            .unwrap();
        assert_eq!(v["state"], "done", "{st} {v}");
        if i >= 5 {
            whole.push(t.elapsed().as_secs_f64() * 1e3);
            setup.push(timing(&tm, "setup").unwrap());
        }
    }
    rows.push(format!(
        "| job set-up (front -> all three told to run) | {} | <= 5 ms |",
        stats(setup)
    ));
    rows.push(format!(
        "| empty job end to end (set-up + key agreement + result) | {} | |",
        stats(whole)
    ));

    // A sum over 48 and 10^6 dealt rows.
    let dict = sharestat_node::local::integer_dictionary("bench", &["x"]);
    c.create_study("bench", &dict, "").await.unwrap();
    let owner = c
        .add_user("owner", "data_owner", Some("bench"), Some("a"))
        .await
        .unwrap();
    let researcher = c
        .add_user("rita", "researcher", Some("bench"), None)
        .await
        .unwrap();
    let owners: Vec<_> = (0..3).map(|i| c.client(i, &owner)).collect();
    for n in [48usize, 1_000_000] {
        let values: Vec<i64> = (0..n as i64).map(|i| i % 97).collect();
        let name = format!("d{n}");
        upload_dealt(&owners, "bench", "a", &name, "x", &values)
            .await
            .unwrap();
        let r = c.client(1, &researcher);
        let text = format!("sum(load(\"{name}\")$x)");
        let spec = json!({"kind": "query", "study": "bench", "text": text});
        let mut ms = Vec::new();
        for _ in 0..10 {
            let t = Instant::now();
            let (_, v, _) = r
                .timed(Method::POST, "/api/v1/jobs?wait_secs=60", Some(&spec))
                .await
                .unwrap();
            assert_eq!(
                v["result"]["outputs"][0]["value"].as_f64(),
                Some(values.iter().sum::<i64>() as f64),
                "{v}"
            );
            ms.push(t.elapsed().as_secs_f64() * 1e3);
        }
        rows.push(format!(
            "| sum query `sum(load(..)$x)`, n = {n} (check + load shares + sum + disclosure checks + reveal), end to end | {} | |",
            stats(ms)
        ));
    }
    let rss = rss_mb()
        .map(|m| format!("{m:.1} MB"))
        .unwrap_or("n/a".into());
    println!(
        "Three nodes in one process, real TLS on 127.0.0.1; {reps} health calls, {} jobs each.\n",
        reps / 2
    );
    println!("| what | median (ms) | p95 (ms) | max (ms) | target |");
    println!("|---|---:|---:|---:|---|");
    for r in rows {
        println!("{r}");
    }
    println!("\nResident memory of this process (three nodes, after the runs): {rss}");
    c.shutdown().await;
}
