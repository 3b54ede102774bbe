//! `wan-check`: tells whether this machine can run the WAN emulation of `wan.rs` (three nodes
//! in network namespaces, `tc netem` delay between them) and, if it can, tries it end to end:
//! a consortium with 1000 uploaded values, one `mean` query with its time, bytes and rounds,
//! the measured round-trip times, then teardown and a check that nothing is left behind.
//!
//! ```text
//! cargo build --release -p sharestat-cli -p sharestat-bench
//! sudo target/release/wan-check [--rtt-ms 25] [--node-bin target/release/sharestat]
//! ```
//!
//! The nodes run `NODE-BIN node --config FILE` (default: `sharestat` next to this binary).
//! `--rtt-ms 0` runs the namespaces without netem (for kernels without `sch_netem`).
//! Exit status: 0 when the emulation works, 2 when it is unavailable on this machine (one
//! "WAN emulation unavailable: ..." line says why), 1 when it is available but failed.
#![forbid(unsafe_code)]

use serde_json::{Value, json};
use sharestat_node::local::{integer_dictionary, upload_dealt};
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[path = "wan.rs"]
mod wan;

/// The value after `name` on the command line.
fn opt(name: &str) -> Option<String> {
    std::env::args().skip_while(|a| a != name).nth(1)
}

/// Median of 7 TCP connect times (ms) from this (the root) namespace to `addr`.
fn connect_ms(addr: std::net::SocketAddr) -> Result<f64, String> {
    let mut v = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(5))
            .map_err(|e| format!("connect {addr}: {e}"))?;
        v.push(t.elapsed().as_secs_f64() * 1e3);
    }
    v.sort_by(f64::total_cmp);
    Ok(v[v.len() / 2])
}

async fn try_it(rtt_ms: f64, node_bin: PathBuf) -> Result<(), String> {
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let command = move |config: &std::path::Path| -> Vec<OsString> {
        vec![
            node_bin.clone().into(),
            "node".into(),
            "--config".into(),
            config.into(),
        ]
    };
    let t = Instant::now();
    let w = wan::Wan::start(&tmp.path().join("c"), rtt_ms, &command).await?;
    println!(
        "consortium up in {:.1} s: nodes {}, {}, {} (logs in {}/nodeI/node.log)",
        t.elapsed().as_secs_f64(),
        w.hosts[0],
        w.hosts[1],
        w.hosts[2],
        w.dir.display()
    );
    println!(
        "emulated RTT {} ms; measured node0 -> node1 {:.2} ms, \
         client -> node1 (TCP connect) {:.2} ms",
        w.rtt_ms,
        w.measured_rtt_ms()?,
        connect_ms((w.hosts[1], 7441).into())?
    );
    w.create_study("w", &integer_dictionary("w", &["x"]), "min_cell = 5\n")
        .await?;
    let owner = w.add_user("o", "data_owner", Some("w"), Some("s")).await?;
    let rita = w.add_user("rita", "researcher", Some("w"), None).await?;
    let values: Vec<i64> = (0..1000).map(|i| 20 + (i * 37) % 61).collect();
    let nodes: Vec<_> = (0..3).map(|i| w.client(i, &owner)).collect();
    let t = Instant::now();
    upload_dealt(&nodes, "w", "s", "s", "x", &values)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "uploaded 1000 values in {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let expected = values.iter().sum::<i64>() as f64 / values.len() as f64;
    let body = json!({"kind": "query", "study": "w", "text": "mean(load(\"s\")$x)"});
    let r = w.client(1, &rita);
    for k in 0..4 {
        let t = Instant::now();
        let v: Value = r
            .post("/api/v1/jobs?wait_secs=60", &body)
            .await
            .map_err(|e| e.to_string())?;
        let ms = t.elapsed().as_secs_f64() * 1e3;
        if v["state"] != "done" {
            return Err(format!("query failed: {}", v["error"]));
        }
        let mean = v["result"]["outputs"][0]["value"]
            .as_f64()
            .unwrap_or(f64::NAN);
        if (mean - expected).abs() > 1e-6 {
            return Err(format!("mean {mean}, expected {expected}"));
        }
        println!(
            "query mean(load(\"s\")$x) at node 1 ({}): {ms:.1} ms, mean {mean} (plaintext \
             {expected}), {} bytes sent, {} rounds",
            if k == 0 { "first" } else { "again" },
            v["result"]["bytes_sent"].as_u64().unwrap_or(0),
            v["result"]["communication_rounds"].as_u64().unwrap_or(0)
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let rtt_ms: f64 = match opt("--rtt-ms").map(|v| v.parse()) {
        None => 25.0,
        Some(Ok(v)) => v,
        Some(Err(e)) => {
            eprintln!("--rtt-ms: {e}");
            return ExitCode::FAILURE;
        }
    };
    let available = if rtt_ms > 0.0 {
        wan::check()
    } else {
        wan::check_namespaces()
    };
    if let Err(why) = available {
        println!("WAN emulation unavailable: {why}");
        return ExitCode::from(2);
    }
    let what = if rtt_ms > 0.0 {
        ", netem"
    } else {
        "; no delay"
    };
    println!("WAN emulation available (namespaces, bridge, veths{what})");
    let node_bin = opt("--node-bin").map(PathBuf::from).unwrap_or_else(|| {
        let exe = std::env::current_exe().unwrap_or_default();
        exe.with_file_name("sharestat")
    });
    if !node_bin.is_file() {
        eprintln!(
            "node binary {} not found: build it with `cargo build --release -p sharestat-cli` \
             or pass --node-bin",
            node_bin.display()
        );
        return ExitCode::FAILURE;
    }
    let result = try_it(rtt_ms, node_bin).await;
    if let Err(e) = &result {
        eprintln!("WAN check failed: {e}");
    }
    let left = wan::leftovers();
    if left.is_empty() {
        println!("torn down: no namespace or interface of this run left (ip netns list, ip link)");
    } else {
        println!("LEFT BEHIND: {}", left.join(", "));
    }
    if result.is_ok() && left.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
