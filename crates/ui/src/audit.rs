//! The data protection officer's page: the three nodes' audit logs side by side, each chain's
//! verification (by the node, `/api/v1/audit/verify`; node-wide auditors and administrators),
//! the cross-node check that every completed job is recorded alike on the three nodes
//! ([`sharestat_client::audit::cross_check`], as `sharestat audit verify --consortium`), the
//! study's policy and dictionary hashes on each node (a mismatch highlighted), and, for each
//! query, its text, who ran it, when, and exactly what it revealed.
//!
//! A study auditor or a data owner sees their study's entries only (the nodes filter them);
//! filters by user, dataset, kind and time run here, on what the nodes returned.
use crate::pages::{alert, escape, html, page, seg, table};
use crate::{App, Me};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use sharestat_client::audit::{cross_check, released};

/// The filters of the page.
#[derive(Deserialize, Default, Clone)]
pub(crate) struct Filters {
    #[serde(default)]
    study: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    dataset: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    until: String,
}

impl Filters {
    fn keeps(&self, e: &Value) -> bool {
        let s = |k: &str| e[k].as_str().unwrap_or_default();
        (self.user.is_empty() || s("actor") == self.user)
            && (self.dataset.is_empty() || s("dataset") == self.dataset)
            && (self.kind.is_empty() || s("action").starts_with(&self.kind))
            && (self.since.is_empty() || s("ts") >= self.since.as_str())
            && (self.until.is_empty()
                || s("ts") <= self.until.as_str()
                || s("ts").starts_with(&self.until))
    }
}

/// Whether the user may read every study's entries and verify the chains.
fn node_wide(who: &Value) -> bool {
    who["grants"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|g| matches!(g["role"].as_str(), Some("admin" | "auditor")) && g["study"].is_null())
}

/// The studies whose entries the user may read (study auditor or data owner).
fn own_studies(who: &Value) -> Vec<String> {
    let mut out: Vec<String> = who["grants"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|g| matches!(g["role"].as_str(), Some("auditor" | "data_owner")))
        .filter_map(|g| g["study"].as_str().map(str::to_owned))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Each node's audit entries (of `study` when given): `(node, entries or why not)`.
async fn logs(me: &Me, study: &str) -> Vec<(String, Result<Vec<Value>, String>)> {
    let path = if study.is_empty() {
        "/api/v1/audit?limit=10000".to_owned()
    } else {
        format!("/api/v1/audit?limit=10000&study={}", seg(study))
    };
    let mut out = Vec::new();
    for (n, name) in me.nodes.iter().zip(&me.names) {
        out.push((name.clone(), n.get(&path).await.map_err(|e| e.to_string())));
    }
    out
}

/// `/audit`: the logs, their verification and the studies' hashes.
pub(crate) async fn show(
    State(_app): State<App>,
    me: Me,
    Query(mut f): Query<Filters>,
) -> Response {
    let who = me.whoami().await;
    let wide = node_wide(&who);
    let studies = own_studies(&who);
    if !wide {
        if studies.is_empty() {
            return html(page(
                "Audit",
                &alert("your token has no auditor, data-owner or administrator grant"),
            ));
        }
        if !studies.contains(&f.study) {
            f.study = studies[0].clone();
        }
    }
    let logs = logs(&me, &f.study).await;
    let mut body = form(&f, wide, &studies);
    // The chains, verified by each node.
    let mut chains = Vec::new();
    for (n, name) in me.nodes.iter().zip(&me.names) {
        let cell = if wide {
            match n.get::<Value>("/api/v1/audit/verify").await {
                Ok(v) if v["ok"] == true => format!(
                    "<span class=\"ok\">chain verified</span>: {} entries, head <code>{}</code>",
                    crate::pages::value(&v["entries"]),
                    escape(v["head"].as_str().unwrap_or_default())
                ),
                Ok(v) => format!(
                    "<span class=\"alert\">chain BROKEN at entry {}: {}</span>",
                    crate::pages::value(&v["first_bad_seq"]),
                    escape(&v["reason"].to_string())
                ),
                Err(e) => format!("<span class=\"alert\">{}</span>", escape(&e.to_string())),
            }
        } else {
            "a node-wide auditor verifies the whole chain".into()
        };
        chains.push(vec![escape(name), cell]);
    }
    body.push_str(&table("Hash chains", &["Node", "Verification"], &chains));
    let complete: Vec<(String, Vec<Value>)> = logs
        .iter()
        .filter_map(|(n, l)| l.as_ref().ok().map(|l| (n.clone(), l.clone())))
        .collect();
    if complete.len() == 3 {
        let cross = cross_check(&complete);
        if cross.disagreements.is_empty() {
            body.push_str(&format!(
                "<p class=\"ok\" role=\"status\">Cross-node check: the {} completed jobs are \
                 recorded alike on the three nodes (the same outputs revealed).</p>",
                cross.jobs_checked
            ));
        } else {
            body.push_str(&alert(&format!(
                "Cross-node check: the nodes' records of {} jobs differ",
                cross.differing_jobs.len()
            )));
            body.push_str(&format!(
                "<pre>{}</pre>",
                escape(&cross.disagreements.join("\n"))
            ));
        }
    }
    body.push_str(&hashes(&me).await);
    body.push_str("<h2>Entries</h2><div class=\"nodes\">");
    for (name, l) in &logs {
        body.push_str(&format!("<section><h3>{}</h3>", escape(name)));
        match l {
            Ok(entries) => {
                let rows: Vec<Vec<String>> = entries
                    .iter()
                    .rev()
                    .filter(|e| f.keeps(e))
                    .take(200)
                    .map(entry_row)
                    .collect();
                body.push_str(&table(
                    &format!("{} entries shown (newest first, at most 200)", rows.len()),
                    &["#", "Time (UTC)", "Who", "What", "Concerning"],
                    &rows,
                ));
            }
            Err(e) => body.push_str(&alert(e)),
        }
        body.push_str("</section>");
    }
    body.push_str("</div>");
    html(page("Audit", &body))
}

/// One entry as a table row.
fn entry_row(e: &Value) -> Vec<String> {
    let s = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
    let mut about = Vec::new();
    if !s("study").is_empty() {
        about.push(format!("study {}", escape(&s("study"))));
    }
    if !s("dataset").is_empty() {
        about.push(format!("dataset {}", escape(&s("dataset"))));
    }
    if !s("job").is_empty() {
        about.push(format!(
            "<a href=\"/audit/job/{0}\">job <code>{0}</code></a>",
            escape(&s("job"))
        ));
    }
    vec![
        crate::pages::value(&e["seq"]),
        escape(&s("ts")),
        format!(
            "{} <span class=\"muted\">({})</span>",
            escape(&s("actor")),
            escape(&s("role"))
        ),
        escape(&s("action")),
        about.join(", "),
    ]
}

/// The filter form.
fn form(f: &Filters, wide: bool, studies: &[String]) -> String {
    let study = if wide {
        format!(
            "<label for=\"f-study\">Study (empty: all)</label><input id=\"f-study\" \
             name=\"study\" value=\"{}\">",
            escape(&f.study)
        )
    } else {
        let options: String = studies
            .iter()
            .map(|s| {
                let sel = if *s == f.study { " selected" } else { "" };
                format!("<option{sel}>{}</option>", escape(s))
            })
            .collect();
        format!(
            "<label for=\"f-study\">Study</label><select id=\"f-study\" name=\"study\">{options}</select>"
        )
    };
    let field = |id: &str, label: &str, v: &str, hint: &str| {
        format!(
            "<label for=\"f-{id}\">{label}</label><input id=\"f-{id}\" name=\"{id}\" \
             value=\"{}\" placeholder=\"{hint}\">",
            escape(v)
        )
    };
    format!(
        "<form method=\"get\" action=\"/audit\"><fieldset class=\"filters\"><legend>Filter</legend>{study}{}{}{}{}{}\
         <p><button type=\"submit\">Filter</button> <a href=\"/audit\">Clear</a></p></fieldset>\
         </form>",
        field("user", "User", &f.user, "e.g. rita"),
        field("dataset", "Dataset", &f.dataset, "e.g. munich"),
        field(
            "kind",
            "Kind (start of the action)",
            &f.kind,
            "job, dataset, user, study"
        ),
        field("since", "From (UTC)", &f.since, "2026-12-01"),
        field("until", "Until (UTC)", &f.until, "2026-12-31"),
    )
}

/// Each study's dictionary and policy hashes on the three nodes, mismatches highlighted.
async fn hashes(me: &Me) -> String {
    let mut per_node = Vec::new();
    for n in &me.nodes {
        per_node.push(
            n.get::<Vec<Value>>("/api/v1/studies")
                .await
                .unwrap_or_default(),
        );
    }
    let mut ids: Vec<String> = per_node
        .iter()
        .flatten()
        .filter_map(|s| s["id"].as_str().map(str::to_owned))
        .collect();
    ids.sort();
    ids.dedup();
    let mut html = String::from(
        "<h2>Studies' dictionaries and policies on each node</h2><table><caption>SHA-256 \
         (first 16 hex digits); a row in red differs between nodes</caption><thead><tr>\
         <th scope=\"col\">Study</th><th scope=\"col\">File</th>",
    );
    for name in &me.names {
        html.push_str(&format!("<th scope=\"col\">{}</th>", escape(name)));
    }
    html.push_str("</tr></thead><tbody>");
    let mut mismatch = false;
    for id in &ids {
        for (file, key) in [
            ("dictionary", "dictionary_sha256"),
            ("policy", "policy_sha256"),
        ] {
            let values: Vec<String> = per_node
                .iter()
                .map(|l| {
                    l.iter()
                        .find(|s| s["id"] == id.as_str())
                        .and_then(|s| s[key].as_str())
                        .unwrap_or("(missing)")
                        .to_owned()
                })
                .collect();
            let same = values.iter().all(|v| *v == values[0]);
            mismatch |= !same;
            let class = if same { "" } else { " class=\"mismatch\"" };
            let cells: String = values
                .iter()
                .map(|v| format!("<td><code>{}</code></td>", escape(&v[..v.len().min(16)])))
                .collect();
            html.push_str(&format!(
                "<tr{class}><th scope=\"row\">{}</th><td>{file}{}</td>{cells}</tr>",
                escape(id),
                if same { "" } else { " (MISMATCH)" }
            ));
        }
    }
    html.push_str("</tbody></table>");
    if mismatch {
        html.push_str(&alert(
            "the nodes hold different files for a study: queries of it are refused until the \
             administrators agree on one",
        ));
    }
    html
}

/// `/audit/job/{job}`: one query: its text, who ran it and when, and what each node recorded
/// as revealed.
pub(crate) async fn job(me: Me, Path(job): Path<String>) -> Response {
    let who = me.whoami().await;
    let studies = if node_wide(&who) {
        vec![String::new()]
    } else {
        own_studies(&who)
    };
    let mut entries: Vec<(String, Value)> = Vec::new();
    for study in &studies {
        for (name, l) in logs(&me, study).await {
            for e in l.unwrap_or_default() {
                if e["job"] == job.as_str() {
                    entries.push((name.clone(), e));
                }
            }
        }
    }
    if entries.is_empty() {
        return html(page(
            "Query",
            &alert("no audit entry you may read names this job"),
        ));
    }
    // The submission's record holds the job's specification: the query's text (after the
    // lines of the session it replays, if any).
    let text = entries
        .iter()
        .find(|(_, e)| e["action"] == "job.submit")
        .map(|(_, e)| {
            let detail = e["detail"].as_str().unwrap_or_default();
            match serde_json::from_str::<Value>(detail) {
                Ok(spec) if spec["text"].is_string() => {
                    let prelude = spec["prelude"].as_str().unwrap_or_default();
                    let text = spec["text"].as_str().unwrap_or_default();
                    if prelude.is_empty() {
                        text.to_owned()
                    } else {
                        format!(
                            "# replayed first, without printing:\n{prelude}\n# then run:\n{text}"
                        )
                    }
                }
                _ => detail.to_owned(),
            }
        })
        .unwrap_or_default();
    let mut body = format!(
        "<p>Job <code>{}</code></p><h2>Query</h2><pre>{}</pre><h2>Each node's record</h2>",
        escape(&job),
        escape(&text)
    );
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|(node, e)| {
            let s = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
            let revealed = s("revealed");
            let shown = match serde_json::from_str::<Value>(&released(&revealed)) {
                Ok(v) => serde_json::to_string_pretty(&v).unwrap_or(revealed),
                Err(_) => revealed,
            };
            vec![
                escape(node),
                escape(&s("ts")),
                format!("{} ({})", escape(&s("actor")), escape(&s("role"))),
                escape(&s("action")),
                format!("{}<pre>{}</pre>", escape(&s("detail")), escape(&shown)),
            ]
        })
        .collect();
    body.push_str(&table(
        "Entries naming this job",
        &[
            "Node",
            "Time (UTC)",
            "Who",
            "What",
            "Detail and what was revealed",
        ],
        &rows,
    ));
    body.push_str("<p><a href=\"/audit\">Back to the audit logs</a></p>");
    html(page("Query", &body))
}
