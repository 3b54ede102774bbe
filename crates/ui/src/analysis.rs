//! The researcher's page: the studies the token may query, an editor for the analysis
//! language, and the outputs as R prints them (each statement's source and its printed
//! value; a refusal or an error at its line). The script runs on the consortium as
//! `sharestat run` runs it (`POST /api/v1/jobs` with the user's token); nothing is computed
//! here.
use crate::pages::{escape, page};
use serde_json::{Value, json};
use sharestat_wire::Client;

/// The studies among the user's grants where they may run queries.
pub fn studies(whoami: &Value) -> Vec<String> {
    let mut out: Vec<String> = whoami["grants"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|g| g["role"] == "researcher")
        .filter_map(|g| g["study"].as_str().map(str::to_owned))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The editor (with `text` in it) and, below, `results` (already HTML).
pub fn editor(studies: &[String], study: &str, text: &str, results: &str) -> String {
    let options: String = studies
        .iter()
        .map(|s| {
            let sel = if s == study { " selected" } else { "" };
            format!("<option{sel}>{}</option>", escape(s))
        })
        .collect();
    page(
        "Analysis",
        &format!(
            "<form method=\"post\" action=\"/run\">\
             <label for=\"study\">Study</label><select id=\"study\" name=\"study\">{options}\
             </select>\
             <label for=\"text\">Script (the analysis language: R's syntax, patient values \
             private)</label>\
             <textarea id=\"text\" name=\"text\" rows=\"14\" cols=\"90\" spellcheck=\"false\" \
             style=\"font-family:monospace\">{}</textarea>\
             <p><button type=\"submit\">Run</button></p></form>\
             <section aria-live=\"polite\">{results}</section>",
            escape(text)
        ),
    )
}

/// Runs `text` on `study` with `node` (the user's token) and renders its outputs.
pub async fn run(node: &Client, study: &str, text: &str) -> String {
    let body = json!({"kind": "query", "study": study, "text": text});
    let mut v: Value = match node.post("/api/v1/jobs?wait_secs=300", &body).await {
        Ok(v) => v,
        Err(e) => return alert(&format!("the node could not run the script: {e}")),
    };
    while matches!(v["state"].as_str(), Some("pending" | "running")) {
        let id = v["id"].as_str().unwrap_or_default().to_owned();
        v = match node.get(&format!("/api/v1/jobs/{id}?wait_secs=300")).await {
            Ok(v) => v,
            Err(e) => return alert(&format!("waiting for the job: {e}")),
        };
    }
    let mut html = String::new();
    for o in v["result"]["outputs"].as_array().into_iter().flatten() {
        let source = o["source"].as_str().unwrap_or_default();
        let out = o["text"].as_str().unwrap_or_default();
        html.push_str(&format!(
            "<pre class=\"source\">&gt; {}</pre><pre class=\"output\">{}</pre>",
            escape(source),
            escape(out)
        ));
        for n in o["notes"].as_array().into_iter().flatten() {
            html.push_str(&format!(
                "<p>{}</p>",
                escape(n.as_str().unwrap_or_default())
            ));
        }
    }
    if v["state"] != "done" {
        let err = v["error"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| v["error"].to_string());
        html.push_str(&alert(&err));
    }
    html
}

fn alert(msg: &str) -> String {
    format!("<pre role=\"alert\">{}</pre>", escape(msg))
}
