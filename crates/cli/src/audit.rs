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
    let check = verify_nodes(&local.nodes, &local.names).await?;
    for line in &check.lines {
        println!("{line}");
    }
    Ok(if check.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The outcome of checking three nodes' audit logs.
#[derive(Debug, Clone)]
pub struct AuditCheck {
    /// Every chain is intact and every shared job is recorded alike on the three nodes.
    pub ok: bool,
    /// Entries per node, party order.
    pub entries: Vec<u64>,
    /// Completed jobs whose final records were compared across the nodes.
    pub jobs_checked: usize,
    /// The report, one line per finding, for a person.
    pub lines: Vec<String>,
}

/// Verifies each node's hash chain (`/api/v1/audit/verify`) and that the three nodes' final
/// records of every completed job (action and what was revealed) agree. `nodes` need the
/// `admin` or node-wide `auditor` role.
pub async fn verify_nodes(
    nodes: &[sharestat_wire::Client],
    names: &[String],
) -> Result<AuditCheck, String> {
    let mut check = AuditCheck {
        ok: true,
        entries: Vec::new(),
        jobs_checked: 0,
        lines: Vec::new(),
    };
    // job id -> node -> (action, revealed) of its final entry
    let mut finals: BTreeMap<String, BTreeMap<String, (String, String)>> = BTreeMap::new();
    for (c, name) in nodes.iter().zip(names) {
        let v: serde_json::Value = c
            .get("/api/v1/audit/verify")
            .await
            .map_err(|e| format!("{name}: {e}"))?;
        check.entries.push(v["entries"].as_u64().unwrap_or(0));
        if v["ok"] == true {
            check.lines.push(format!(
                "{name}: chain ok, {} entries, head {}",
                v["entries"], v["head"]
            ));
        } else {
            check.ok = false;
            check.lines.push(format!(
                "{name}: chain BROKEN at entry {}: {}",
                v["first_bad_seq"], v["reason"]
            ));
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
                let revealed = e["revealed"].as_str().unwrap_or_default();
                finals
                    .entry(job.to_string())
                    .or_default()
                    .insert(name.clone(), (action.to_string(), released(revealed)));
            }
        }
    }
    for (job, by_node) in &finals {
        let done: Vec<_> = by_node.values().filter(|(a, _)| a == "job.done").collect();
        if done.is_empty() {
            continue; // failed everywhere it ran: nothing was revealed
        }
        check.jobs_checked += 1;
        let agree = by_node.len() == 3 && by_node.values().all(|v| v == done[0]);
        if !agree {
            check.ok = false;
            check
                .lines
                .push(format!("job {job}: the nodes' records differ:"));
            for (n, (a, r)) in by_node {
                check.lines.push(format!("  {n}: {a} revealed {r}"));
            }
        }
    }
    check.lines.push(format!(
        "{} completed jobs cross-checked across the three nodes",
        check.jobs_checked
    ));
    Ok(check)
}

/// What a job released, from its audit record: the outputs when the record holds them (the
/// cost beside them, e.g. `bytes_sent`, is each node's own and differs between nodes).
fn released(revealed: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(revealed) {
        Ok(v) if v.get("outputs").is_some() => v["outputs"].to_string(),
        _ => revealed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::released;

    #[test]
    fn nodes_agree_on_outputs_not_on_their_own_cost() {
        let a = r#"{"outputs":[{"source":"mean(x)","value":3.5}],"bytes_sent":46400}"#;
        let b = r#"{"outputs":[{"source":"mean(x)","value":3.5}],"bytes_sent":39992}"#;
        let c = r#"{"outputs":[{"source":"mean(x)","value":3.6}],"bytes_sent":39992}"#;
        assert_eq!(released(a), released(b));
        assert_ne!(released(a), released(c));
        assert_eq!(released("rows 24"), "rows 24");
    }
}
