//! `sharestat audit verify`: checks a node's hash chain offline (`--data-dir`), or all three
//! nodes' chains through their APIs and that their records of every shared job agree
//! (`--consortium`).
use crate::admin::Local;
use clap::Subcommand;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

/// `sharestat audit ...`
#[derive(Subcommand)]
pub enum AuditCmd {
    /// Verify hash chains (and, for a consortium, cross-check jobs between nodes).
    Verify {
        /// Verify one node's data directory directly (on the node's host).
        #[arg(long, conflicts_with = "consortium")]
        data_dir: Option<PathBuf>,
        /// Verify the three nodes of a local consortium through their APIs.
        #[arg(long)]
        consortium: Option<PathBuf>,
    },
}

/// Runs an audit command.
pub async fn run(cmd: AuditCmd) -> Result<ExitCode, String> {
    let AuditCmd::Verify {
        data_dir,
        consortium,
    } = cmd;
    match (data_dir, consortium) {
        (Some(d), _) => offline(&d),
        (None, Some(c)) => online(&c).await,
        (None, None) => Err("give --data-dir DIR or --consortium DIR".into()),
    }
}

fn offline(dir: &std::path::Path) -> Result<ExitCode, String> {
    let store = sharestat_store::Store::open(dir).map_err(|e| e.to_string())?;
    let r = store.verify_audit().map_err(|e| e.to_string())?;
    match r.first_bad {
        None => {
            println!("audit chain ok: {} entries, head {}", r.entries, r.head);
            Ok(ExitCode::SUCCESS)
        }
        Some(f) => {
            println!("audit chain BROKEN at entry {}: {}", f.seq, f.reason);
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn online(dir: &std::path::Path) -> Result<ExitCode, String> {
    let local = Local::open(dir)?;
    let mut ok = true;
    // job id -> node -> (action, revealed) of its final entry
    let mut finals: BTreeMap<String, BTreeMap<String, (String, String)>> = BTreeMap::new();
    for (c, name) in local.nodes.iter().zip(&local.names) {
        let v: serde_json::Value = c
            .get("/api/v1/audit/verify")
            .await
            .map_err(|e| format!("{name}: {e}"))?;
        if v["ok"] == true {
            println!(
                "{name}: chain ok, {} entries, head {}",
                v["entries"], v["head"]
            );
        } else {
            ok = false;
            println!(
                "{name}: chain BROKEN at entry {}: {}",
                v["first_bad_seq"], v["reason"]
            );
        }
        let entries: Vec<serde_json::Value> = c
            .get("/api/v1/audit?limit=10000")
            .await
            .map_err(|e| format!("{name}: {e}"))?;
        for e in entries {
            let action = e["action"].as_str().unwrap_or_default();
            if let (Some(job), true) = (
                e["job"].as_str(),
                action == "job.done" || action == "job.failed",
            ) {
                finals.entry(job.to_string()).or_default().insert(
                    name.clone(),
                    (
                        action.to_string(),
                        e["revealed"].as_str().unwrap_or_default().to_string(),
                    ),
                );
            }
        }
    }
    let mut checked = 0;
    for (job, by_node) in &finals {
        let done: Vec<_> = by_node.values().filter(|(a, _)| a == "job.done").collect();
        if done.is_empty() {
            continue; // failed everywhere it ran: nothing was revealed
        }
        checked += 1;
        let agree = by_node.len() == 3 && by_node.values().all(|v| v == done[0]);
        if !agree {
            ok = false;
            println!("job {job}: the nodes' records differ:");
            for (n, (a, r)) in by_node {
                println!("  {n}: {a} revealed {r}");
            }
        }
    }
    println!("{checked} completed jobs cross-checked across the three nodes");
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
