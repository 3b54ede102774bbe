//! The researcher's page: the studies the token may query with their datasets and columns,
//! an editor for the analysis language (line numbers, run the whole script or the selection),
//! the outputs as R prints them ([`crate::results`]) and the session's history.
//!
//! A script runs on the consortium as `sharestat run` runs it
//! ([`sharestat_client::query::query`]: a job at the home node with the user's token);
//! nothing is computed here. Running a selection sends the text before it as the job's
//! `prelude` (replayed by the nodes without printing), so the selection sees the variables the
//! lines above it define, as in an R session.
use crate::pages::{alert, escape, html, html_status, page};
use crate::{App, Me, results};
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use sharestat_client::query::{Answer, query};

/// One run of the session.
#[derive(Debug, Clone)]
pub struct Ran {
    /// The study.
    pub study: String,
    /// The editor's whole text when it ran.
    pub script: String,
    /// What ran: the whole script or the selection.
    pub text: String,
    /// The line of the script where `text` starts (1 for the whole script).
    pub first_line: usize,
    /// When (UTC, `HH:MM:SS`).
    pub at: String,
    /// Milliseconds from sending it to the answer.
    pub ms: f64,
    /// What the consortium answered.
    pub answer: Answer,
}

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

#[derive(Deserialize)]
pub(crate) struct PageQuery {
    study: Option<String>,
    run: Option<usize>,
}

/// `/analysis?study=S&run=N`: the editor with run `N` of the session (default: the last).
pub(crate) async fn page_get(app: &App, me: &Me, q: PageQuery) -> Response {
    let studies = studies(&me.whoami().await);
    let runs = me.session(app, |s| s.runs.clone()).unwrap_or_default();
    let shown = q
        .run
        .and_then(|n| n.checked_sub(1))
        .or(runs.len().checked_sub(1));
    let ran = shown.and_then(|i| runs.get(i).map(|r| (i, r)));
    let study = q
        .study
        .filter(|s| studies.contains(s))
        .or_else(|| ran.map(|(_, r)| r.study.clone()))
        .or_else(|| studies.first().cloned())
        .unwrap_or_default();
    let script = ran
        .map(|(_, r)| r.script.clone())
        .unwrap_or_else(|| app.script.to_string());
    let out = ran
        .map(|(i, r)| results::render(i + 1, r))
        .unwrap_or_default();
    let error_line = ran.and_then(|(_, r)| results::error_line(r));
    html(editor(EditorView {
        studies: &studies,
        study: &study,
        script: &script,
        error_line,
        results: &out,
        datasets: &datasets(me, &study).await,
        history: &history(&runs),
    }))
}

/// `/analysis`.
pub(crate) async fn show(State(app): State<App>, me: Me, Query(q): Query<PageQuery>) -> Response {
    page_get(&app, &me, q).await
}

#[derive(Deserialize)]
pub(crate) struct RunForm {
    study: String,
    text: String,
    /// The selection to run (empty or absent: the whole script).
    #[serde(default)]
    selection: String,
    /// The script's text before the selection.
    #[serde(default)]
    prelude: String,
}

/// `POST /run`: the script (or the selection) run on the consortium; the page shows it.
pub(crate) async fn run(State(app): State<App>, me: Me, Form(mut f): Form<RunForm>) -> Response {
    // Browsers send a textarea's line breaks as CRLF.
    for t in [&mut f.text, &mut f.selection, &mut f.prelude] {
        *t = t.replace("\r\n", "\n");
    }
    let studies = studies(&me.whoami().await);
    if !studies.contains(&f.study) {
        let msg = format!(
            "you may not run queries in study {}: choose one of yours",
            f.study
        );
        return html_status(
            StatusCode::FORBIDDEN,
            editor(EditorView {
                studies: &studies,
                study: "",
                script: &f.text,
                error_line: None,
                results: &alert(&msg),
                datasets: "",
                history: "",
            }),
        );
    }
    let selected = !f.selection.trim().is_empty();
    let (prelude, text) = if selected {
        (f.prelude.as_str(), f.selection.as_str())
    } else {
        ("", f.text.as_str())
    };
    let t = std::time::Instant::now();
    let answer = query(&me.home, &f.study, prelude, text)
        .await
        .unwrap_or_else(|message| Answer::Refused { job: None, message });
    let ran = Ran {
        study: f.study.clone(),
        script: f.text.clone(),
        text: text.to_owned(),
        first_line: if selected {
            prelude.matches('\n').count() + 1
        } else {
            1
        },
        at: chrono::Utc::now().format("%H:%M:%S").to_string(),
        ms: t.elapsed().as_secs_f64() * 1e3,
        answer,
    };
    me.session(&app, |s| s.runs.push(ran));
    page_get(
        &app,
        &me,
        PageQuery {
            study: Some(f.study),
            run: None,
        },
    )
    .await
}

/// The study's datasets and their columns, from the home node (names and types only).
async fn datasets(me: &Me, study: &str) -> String {
    if study.is_empty() {
        return String::new();
    }
    let list: Vec<Value> = match me
        .home
        .get(&format!(
            "/api/v1/studies/{}/datasets",
            crate::pages::seg(study)
        ))
        .await
    {
        Ok(v) => v,
        Err(e) => return alert(&format!("the datasets could not be listed: {e}")),
    };
    if list.is_empty() {
        return "<p>No data has been uploaded to this study yet.</p>".into();
    }
    let mut out = String::new();
    for d in list {
        let cols: Vec<String> = d["columns"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                format!(
                    "<li><code>{}</code> <span class=\"muted\">{}</span></li>",
                    escape(c["name"].as_str().unwrap_or_default()),
                    escape(c["kind"].as_str().unwrap_or_default())
                )
            })
            .collect();
        out.push_str(&format!(
            "<details><summary><code>{}</code> (site {}, {} rows)</summary><ul>{}</ul>\
             </details>",
            escape(d["name"].as_str().unwrap_or_default()),
            escape(d["site"].as_str().unwrap_or_default()),
            crate::pages::value(&d["rows"]),
            cols.join("")
        ));
    }
    out
}

/// The session's runs, newest first, each a link that shows it again.
fn history(runs: &[Ran]) -> String {
    if runs.is_empty() {
        return "<p class=\"muted\">Nothing run yet in this session.</p>".into();
    }
    let mut out = String::from("<ol reversed>");
    for (i, r) in runs.iter().enumerate().rev() {
        let lines: Vec<&str> = r.text.lines().filter(|l| !l.trim().is_empty()).collect();
        let first = match lines.len() {
            0 | 1 => lines.first().copied().unwrap_or("").to_owned(),
            n => format!("{} (+{} lines)", lines[0], n - 1),
        };
        let state = match &r.answer {
            Answer::Done { error: None, .. } => "ran",
            Answer::Done { .. } => "stopped by an error",
            Answer::Refused { .. } => "refused",
        };
        out.push_str(&format!(
            "<li><a href=\"/analysis?run={}\">{} · {}</a> <span class=\"muted\">{state}, \
             {:.0} ms</span><br><code>{}</code></li>",
            i + 1,
            escape(&r.at),
            escape(&r.study),
            r.ms,
            escape(&first)
        ));
    }
    out.push_str("</ol>");
    out
}

/// What the editor page shows.
struct EditorView<'a> {
    studies: &'a [String],
    study: &'a str,
    script: &'a str,
    error_line: Option<usize>,
    results: &'a str,
    datasets: &'a str,
    history: &'a str,
}

/// The editor page.
fn editor(v: EditorView<'_>) -> String {
    let options: String = v
        .studies
        .iter()
        .map(|s| {
            let sel = if s == v.study { " selected" } else { "" };
            format!("<option{sel}>{}</option>", escape(s))
        })
        .collect();
    let bad = v.error_line.unwrap_or(0);
    page(
        "Analysis",
        &format!(
            "<div class=\"columns\"><div>\
             <form method=\"post\" action=\"/run\">\
             <label for=\"study\">Study</label><select id=\"study\" name=\"study\">{options}\
             </select>\
             <label for=\"text\">Script (the analysis language: R's syntax; patient values are \
             private, only aggregates are printed)</label>\
             <div class=\"editor\"><pre id=\"gutter\" class=\"gutter\" aria-hidden=\"true\" \
             data-error-line=\"{bad}\"></pre>\
             <textarea id=\"text\" name=\"text\" rows=\"16\" cols=\"80\" spellcheck=\"false\" \
             autocapitalize=\"off\">{}</textarea></div>\
             <input type=\"hidden\" id=\"selection\" name=\"selection\" value=\"\">\
             <input type=\"hidden\" id=\"prelude\" name=\"prelude\" value=\"\">\
             <p><button type=\"submit\" id=\"run\">Run script</button> \
             <button type=\"submit\" id=\"run-selection\" class=\"secondary\" hidden>Run \
             selection (or the current line)</button> \
             <span class=\"muted\">Ctrl+Enter runs the script. <a href=\"/help\">Functions</a></span>\
             </p><p id=\"busy\" role=\"status\" hidden>Running on the three nodes… (large \
             data or many statements take longer; the results replace this page)</p></form>\
             <section aria-live=\"polite\" aria-label=\"Results\">{}</section></div>\
             <aside><h2>Datasets</h2>{}<h2>History</h2>{}</aside></div>",
            escape(v.script),
            v.results,
            v.datasets,
            v.history
        ),
    )
}
