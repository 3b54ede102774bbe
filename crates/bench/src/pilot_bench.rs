//! `pilot-bench`: every performance figure of the product in one run, side by side with the
//! pilot's. A consortium of three nodes with real TLS; the client measures what a data owner
//! and a researcher see.
//!
//! 1. The pilot's Table 2: uploading each hospital's file (Munich's Excel workbook, Rome's
//!    semicolon CSV), split into client (read, validate, secret-share), network (announce and
//!    send the chunks; includes the nodes staging them), server (two-phase commit) and secure
//!    computation (none: an upload stores shares as they come).
//! 2. The pilot's Table 3: `freq`, `mean`, `median`, `quantile` on one site and on both.
//! 3. The brief's operations at n = 48 .. 10^6 rows: mean, a 5-level table, a filtered count,
//!    three quantiles at once, Kaplan-Meier with the log-rank test for two groups, and the upload
//!    itself; each with time, bytes sent by the front node's party and rounds.
//!
//! The Markdown goes to standard output and, with `--write-md FILE`, between this mode's
//! markers in FILE (e.g. `docs/BENCHMARKS.md`).
//!
//! ```text
//! cargo run --release -p sharestat-bench --bin pilot-bench -- [--sizes 48,1e3,1e4,1e5,1e6]
//!     [--reps 5] [--rtt-ms 25] [--write-md docs/BENCHMARKS.md]
//! ```
//!
//! `--rtt-ms R` emulates a wide-area network between the nodes: three node processes in network
//! namespaces with `tc netem` (`wan.rs`) when the machine allows it (root, iproute2, netem);
//! otherwise it says why and puts a delaying relay on each peer link instead (`relay.rs`).
#![forbid(unsafe_code)]

#[path = "pilot_tables.rs"]
mod pilot_tables;
#[path = "relay.rs"]
mod relay;
#[path = "util.rs"]
mod util;
#[path = "wan.rs"]
mod wan;

use pilot_tables::{Nodes, Setting};
use sharestat_node::NodeConfig;
use std::path::PathBuf;
use std::time::Duration;

/// The value after `name` on the command line.
fn opt(name: &str) -> Option<String> {
    std::env::args().skip_while(|a| a != name).nth(1)
}

/// `48,1e3,1_000` -> sizes.
fn sizes(s: &str) -> Result<Vec<usize>, String> {
    s.split(',')
        .map(|t| {
            let t = t.trim().replace('_', "");
            let v: f64 = t.parse().map_err(|_| format!("bad size {t:?}"))?;
            if v < 1.0 || v.fract() != 0.0 {
                return Err(format!("bad size {t:?}"));
            }
            Ok(v as usize)
        })
        .collect()
}

/// The hidden node mode: `pilot-bench --node-config FILE` runs one node until SIGTERM (the
/// WAN emulation starts the nodes this way, inside their namespaces).
async fn run_node(config: &str) -> Result<(), String> {
    let cfg = NodeConfig::load(std::path::Path::new(config)).map_err(|e| e.to_string())?;
    let node = sharestat_node::start(cfg)
        .await
        .map_err(|e| e.to_string())?;
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| e.to_string())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    node.shutdown().await;
    Ok(())
}

/// Starts the consortium this run asks for, with a sentence saying what it is.
async fn consortium(dir: &std::path::Path, rtt: Option<f64>) -> Result<(Nodes, String), String> {
    let Some(rtt) = rtt else {
        let c = sharestat_node::local::LocalConsortium::start(dir, 600).await?;
        return Ok((
            Nodes::Local(c),
            "three nodes in one process on 127.0.0.1, TLS on every link, no added delay".into(),
        ));
    };
    match wan::check() {
        Ok(()) => {
            let exe = std::env::current_exe().map_err(|e| e.to_string())?;
            let cmd = move |cfg: &std::path::Path| {
                vec![exe.clone().into(), "--node-config".into(), cfg.into()]
            };
            let w = wan::Wan::start(dir, rtt, &cmd).await?;
            let measured = w
                .measured_rtt_ms()
                .map_or_else(|e| format!("not measured: {e}"), |m| format!("{m:.1} ms"));
            Ok((
                Nodes::Wan(w),
                format!(
                    "three node processes in network namespaces, `tc netem` RTT {rtt} ms between \
                     nodes (measured {measured}), client to node RTT {} ms",
                    rtt / 2.0
                ),
            ))
        }
        Err(why) => {
            eprintln!("WAN emulation with netem unavailable: {why}");
            eprintln!(
                "falling back to delaying relays on the peer links (latency only, user space)"
            );
            let one_way = Duration::from_secs_f64(rtt / 2000.0);
            let route = move |_: usize, _: usize, a: std::net::SocketAddr| {
                relay::spawn(a, one_way).map(|r| r.to_string())
            };
            let c = sharestat_node::local::LocalConsortium::start_routed(dir, 600, &route).await?;
            Ok((
                Nodes::Local(c),
                format!(
                    "three nodes in one process, TLS on every link; every peer link through a \
                     relay that delays each direction by {} ms (RTT {rtt} ms between nodes; netem \
                     is not available here, `wan-check` says why); client to node without delay",
                    rtt / 2.0
                ),
            ))
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    if let Some(cfg) = opt("--node-config") {
        return match run_node(&cfg).await {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("node: {e}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    let sizes =
        match sizes(&opt("--sizes").unwrap_or_else(|| "48,1000,10000,100000,1000000".into())) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("--sizes: {e}");
                return std::process::ExitCode::FAILURE;
            }
        };
    let reps = util::arg("--reps", 5).max(1);
    let rtt: Option<f64> = opt("--rtt-ms").and_then(|v| v.parse().ok());
    let write_md = opt("--write-md").map(PathBuf::from);
    let tmp = tempfile::tempdir().expect("temporary directory");
    let (nodes, how) = match consortium(&tmp.path().join("c"), rtt).await {
        Ok(x) => x,
        Err(e) => {
            eprintln!("cannot start the consortium: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let setting = Setting {
        how,
        reps,
        mode: rtt.map_or("loopback".into(), |r| format!("wan-{r}ms")),
    };
    let md = pilot_tables::run(&nodes, &setting, &sizes, tmp.path()).await;
    nodes.shutdown().await;
    let md = match md {
        Ok(md) => md,
        Err(e) => {
            eprintln!("benchmark failed: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    print!("{md}");
    if let Some(path) = write_md {
        if let Err(e) = pilot_tables::write_section(&path, &setting.mode, &md) {
            eprintln!("{}: {e}", path.display());
            return std::process::ExitCode::FAILURE;
        }
        eprintln!("written to {}", path.display());
    }
    std::process::ExitCode::SUCCESS
}
