//! Checking the three nodes' audit logs, as `sharestat audit verify --consortium` and the
//! auditor's page of the local web application do: each node's hash chain (verified by the
//! node, `/api/v1/audit/verify`) and that the three nodes' final records of every completed
//! job agree on what it revealed.
use std::collections::BTreeMap;

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
    let mut logs = Vec::new();
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
        logs.push((name.clone(), entries));
    }
    let cross = cross_check(&logs);
    check.jobs_checked = cross.jobs_checked;
    if !cross.disagreements.is_empty() {
        check.ok = false;
        check.lines.extend(cross.disagreements);
    }
    check.lines.push(format!(
        "{} completed jobs cross-checked across the three nodes",
        check.jobs_checked
    ));
    Ok(check)
}

/// The cross-node check of the jobs in three nodes' audit entries.
#[derive(Debug, Clone, Default)]
pub struct CrossCheck {
    /// Completed jobs whose final records were compared.
    pub jobs_checked: usize,
    /// Jobs whose final records differ, with each node's record: lines for a person.
    pub disagreements: Vec<String>,
    /// The ids of those jobs.
    pub differing_jobs: Vec<String>,
}

/// Compares the final records (action and what was revealed) of every job that completed
/// somewhere in `logs` (each node's name and audit entries, as `/api/v1/audit` lists them):
/// each must be on all three nodes and alike.
pub fn cross_check(logs: &[(String, Vec<serde_json::Value>)]) -> CrossCheck {
    // job id -> node -> (action, revealed) of its final entry
    let mut finals: BTreeMap<String, BTreeMap<String, (String, String)>> = BTreeMap::new();
    for (name, entries) in logs {
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
    let mut out = CrossCheck::default();
    for (job, by_node) in &finals {
        let done: Vec<_> = by_node.values().filter(|(a, _)| a == "job.done").collect();
        if done.is_empty() {
            continue; // failed everywhere it ran: nothing was revealed
        }
        out.jobs_checked += 1;
        let agree = by_node.len() == logs.len() && by_node.values().all(|v| v == done[0]);
        if !agree {
            out.differing_jobs.push(job.clone());
            out.disagreements
                .push(format!("job {job}: the nodes' records differ:"));
            for (n, (a, r)) in by_node {
                out.disagreements.push(format!("  {n}: {a} revealed {r}"));
            }
        }
    }
    out
}

/// What a job released, from its audit record: the outputs when the record holds them (the
/// cost beside them, e.g. `bytes_sent`, is each node's own and differs between nodes).
pub fn released(revealed: &str) -> String {
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
