//! The data owner's page: the study's dictionary as a table (columns, types, units, ranges,
//! levels, the site's aliases and file conventions), the file check, the site's datasets
//! (withdraw, or replace by uploading again), and the audit entries of the queries that read
//! the study's data.
//!
//! A file is read from the form into this process's memory and validated against the
//! dictionary with the site's conventions (`sharestat_client::import::import_bytes`: no copy on
//! disk); every problem is listed (row, column, text, what was expected) and can be downloaded
//! as CSV; a valid file shows the summary the command line shows and waits in the session for
//! the owner's confirmation ([`crate::sharing`]). Checking sends nothing of the file anywhere:
//! the dictionary comes from the nodes (whose three copies must agree), the rows stay here.
use crate::pages::{alert, csv_field, download, escape, html, html_status, page, seg, table};
use crate::{App, Me};
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use sharestat_client::import::{CellError, ImportErrors, ImportOptions, Imported, import_bytes};
use sharestat_dict::{ColumnType, Dictionary};

/// A valid file waiting for its owner's confirmation (in the session's memory only).
pub struct Checked {
    /// Study.
    pub study: String,
    /// Site.
    pub site: String,
    /// The file's name.
    pub file: String,
    /// Its validated, encoded columns.
    pub imported: Imported,
}

/// The `(study, site)` pairs the user may upload to.
pub fn targets(whoami: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = whoami["grants"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|g| g["role"] == "data_owner")
        .filter_map(|g| {
            Some((
                g["study"].as_str()?.to_owned(),
                g["site"].as_str()?.to_owned(),
            ))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `study|site` of a form's target, when it is one of `targets`.
pub fn chosen(targets: &[(String, String)], target: Option<&str>) -> Option<(String, String)> {
    match target {
        Some(t) => t
            .split_once('|')
            .map(|(s, site)| (s.to_owned(), site.to_owned()))
            .filter(|t| targets.contains(t)),
        None if targets.len() == 1 => targets.first().cloned(),
        None => None,
    }
}

/// The study's dictionary, read from the three nodes: their copies must agree.
pub(crate) async fn dictionary(me: &Me, study: &str) -> Result<(Dictionary, String), String> {
    let mut first: Option<(String, String)> = None;
    for (node, name) in me.nodes.iter().zip(&me.names) {
        let s: Value = node
            .get(&format!("/api/v1/studies/{}", seg(study)))
            .await
            .map_err(|e| format!("{name}: the study's dictionary could not be read: {e}"))?;
        let hash = s["dictionary_sha256"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let text = s["dictionary"].as_str().unwrap_or_default().to_owned();
        match &first {
            None => first = Some((hash, text)),
            Some((h, _)) if *h != hash => {
                return Err(format!(
                    "the nodes hold different dictionaries for study {study} ({name} differs): \
                     nothing can be uploaded until the administrators agree on one"
                ));
            }
            Some(_) => {}
        }
    }
    let (hash, text) = first.ok_or("no nodes")?;
    let dict = Dictionary::parse(&text).map_err(|e| format!("the study's dictionary: {e}"))?;
    Ok((dict, hash))
}

#[derive(Deserialize)]
pub(crate) struct PageQuery {
    target: Option<String>,
}

/// `/upload?target=study|site`.
pub(crate) async fn page_get(me: &Me, target: Option<&str>, results: &str) -> String {
    let targets = targets(&me.whoami().await);
    let chosen = chosen(&targets, target);
    let options: String = targets
        .iter()
        .map(|(s, site)| {
            let sel = if chosen.as_ref() == Some(&(s.clone(), site.clone())) {
                " selected"
            } else {
                ""
            };
            format!(
                "<option value=\"{}|{}\"{sel}>study {} — site {}</option>",
                escape(s),
                escape(site),
                escape(s),
                escape(site)
            )
        })
        .collect();
    if targets.is_empty() {
        return page(
            "Upload data",
            &alert("your token has no data-owner grant; ask your consortium's administrator"),
        );
    }
    let pick = format!(
        "<form method=\"get\" action=\"/upload\"><label for=\"pick\">Study and site</label>\
         <select id=\"pick\" name=\"target\">{options}</select> \
         <button type=\"submit\" class=\"secondary\">Show</button></form>"
    );
    let Some((study, site)) = chosen else {
        return page(
            "Upload data",
            &format!("{pick}{results}<p>Choose a study and site.</p>"),
        );
    };
    let target = format!("{study}|{site}");
    let check = format!(
        "<h2>Check a file</h2><form method=\"post\" action=\"/upload/check\" \
         enctype=\"multipart/form-data\"><input type=\"hidden\" name=\"target\" value=\"{}\">\
         <label for=\"file\">File (CSV, TSV, XLSX, XLS or ODS; or FHIR R4: a Bundle .json, \
         .ndjson or .ndjson.gz, mapped by the dictionary's [fhir] section): choose it or drop \
         it here</label>\
         <input id=\"file\" name=\"file\" type=\"file\" required \
         accept=\".csv,.tsv,.txt,.xlsx,.xlsm,.xls,.xlsb,.ods,.json,.ndjson,.gz\">\
         <p><button type=\"submit\">Check the file</button></p>\
         <p class=\"muted\">The file is read on this computer. Checking it sends nothing; after \
         the check you see a summary and decide whether to share it.</p></form>",
        escape(&target)
    );
    let dict = match dictionary(me, &study).await {
        Ok((d, hash)) => dictionary_table(&d, &site, &hash),
        Err(e) => alert(&e),
    };
    let body = format!(
        "{pick}<section aria-live=\"polite\" aria-label=\"Check\">{results}</section>{check}\
         {}{}<h2>Dictionary of study {}</h2>{dict}",
        crate::sharing::datasets(me, &study, &site).await,
        reads(me, &study).await,
        escape(&study)
    );
    page("Upload data", &body)
}

/// `/upload`.
pub(crate) async fn show(me: Me, Query(q): Query<PageQuery>) -> Response {
    html(page_get(&me, q.target.as_deref(), "").await)
}

/// A bound of `col` in its human form.
fn bound(col: &sharestat_dict::ColumnSpec, v: Option<i64>) -> String {
    v.map(|v| col.display_value(v)).unwrap_or_default()
}

/// The dictionary as tables: the site's file conventions, then one row per column.
fn dictionary_table(d: &Dictionary, site: &str, hash: &str) -> String {
    let conv = d.sites.get(site).cloned().unwrap_or_default();
    let missing: Vec<String> = d.missing.iter().chain(&conv.missing).cloned().collect();
    let mut html = format!(
        "<p class=\"muted\">SHA-256 {} (the same on the three nodes).</p>\
         <p>Your site's files: delimiter {}, decimal separator <code>{}</code>, dates \
         <code>{}</code> (ISO dates are always accepted), sheet {}; missing values written as \
         {}.</p>",
        escape(hash),
        conv.delimiter
            .map(|c| format!("<code>{}</code>", escape(&c.to_string())))
            .unwrap_or_else(|| "by the file's extension (comma, tab for .tsv)".into()),
        escape(&conv.decimal_separator.to_string()),
        escape(&conv.date_format),
        conv.sheet
            .as_deref()
            .map(escape)
            .unwrap_or_else(|| "the first".into()),
        if missing.is_empty() {
            "an empty cell".to_owned()
        } else {
            format!(
                "an empty cell or {}",
                missing
                    .iter()
                    .map(|m| format!("<code>{}</code>", escape(m)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
    let rows: Vec<Vec<String>> = d
        .columns
        .iter()
        .map(|c| {
            let allowed = match &c.ty {
                ColumnType::Categorical { levels, .. } => format!("levels: {}", levels.join(", ")),
                ColumnType::Boolean => "TRUE or FALSE (1 or 0)".into(),
                _ if c.min.is_none() && c.max.is_none() => String::new(),
                _ => format!("{} .. {}", bound(c, c.min), bound(c, c.max)),
            };
            let aliases = c
                .aliases
                .get(site)
                .map(|m| {
                    m.iter()
                        .map(|(from, to)| format!("{from} → {to}"))
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default();
            vec![
                format!("<code>{}</code>", escape(&c.name)),
                escape(c.ty.name()),
                escape(&c.unit),
                if c.required { "yes" } else { "no" }.into(),
                escape(&allowed),
                escape(&aliases),
                escape(&c.description),
            ]
        })
        .collect();
    html.push_str(&table(
        "Columns",
        &[
            "Column",
            "Type",
            "Unit",
            "Required",
            "Allowed values",
            &format!("Written differently at {site}"),
            "Description",
        ],
        &rows,
    ));
    html
}

/// The queries of the study (they read every site's data), from the home node's audit log.
async fn reads(me: &Me, study: &str) -> String {
    let entries: Vec<Value> = match me
        .home
        .get(&format!("/api/v1/audit?study={}&limit=10000", seg(study)))
        .await
    {
        Ok(v) => v,
        Err(e) => return alert(&format!("the audit log could not be read: {e}")),
    };
    let rows: Vec<Vec<String>> = entries
        .iter()
        .rev()
        .filter(|e| matches!(e["action"].as_str(), Some("job.done" | "job.failed")))
        .take(50)
        .map(|e| {
            let job = e["job"].as_str().unwrap_or_default();
            vec![
                escape(e["ts"].as_str().unwrap_or_default()),
                escape(e["actor"].as_str().unwrap_or_default()),
                escape(e["action"].as_str().unwrap_or_default()),
                format!(
                    "<a href=\"/audit/job/{0}\"><code>{0}</code></a>",
                    escape(job)
                ),
            ]
        })
        .collect();
    if rows.is_empty() {
        return "<h2>Queries that read this study's data</h2><p>None yet.</p>".into();
    }
    format!(
        "<h2>Queries that read this study's data</h2><p class=\"muted\">Every query of the \
         study reads the pooled data of all its sites, yours included; the newest 50, from the \
         audit log of node {}. Each links to its text and what it revealed.</p>{}",
        escape(&me.home_name),
        table("Queries", &["Time (UTC)", "User", "Outcome", "Job"], &rows)
    )
}

/// `POST /upload/check`: the file read from the form into memory and validated here.
pub(crate) async fn check(State(app): State<App>, me: Me, mut form: Multipart) -> Response {
    let targets = targets(&me.whoami().await);
    let (mut target, mut file, mut broken) = (None, None, None);
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("target") => target = field.text().await.ok(),
                Some("file") => {
                    let name = field.file_name().unwrap_or("file").to_owned();
                    match field.bytes().await {
                        Ok(b) => file = Some((name, b.to_vec())),
                        Err(e) => broken = Some(format!("{name} could not be read: {e}")),
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(e) => {
                broken = Some(format!("the form could not be read: {e}"));
                break;
            }
        }
    }
    if let Some(why) = broken {
        let msg = alert(&format!("{why}; choose the file again"));
        return html_status(
            StatusCode::BAD_REQUEST,
            page_get(&me, target.as_deref(), &msg).await,
        );
    }
    let pick = chosen(&targets, target.as_deref());
    let (Some((study, site)), Some((name, bytes))) = (pick, file) else {
        let msg = alert("choose one of your studies and sites, and a file, then check it again");
        return html_status(
            StatusCode::BAD_REQUEST,
            page_get(&me, target.as_deref(), &msg).await,
        );
    };
    let dict = match dictionary(&me, &study).await {
        Ok((d, _)) => d,
        Err(e) => return html(page_get(&me, target.as_deref(), &alert(&e)).await),
    };
    let opts = ImportOptions {
        site: site.clone(),
        drop_bad_rows: false,
    };
    let file_name = name.clone();
    let imported =
        tokio::task::spawn_blocking(move || import_bytes(&file_name, bytes, &dict, &opts)).await;
    let results = match imported {
        Ok(Ok(imp)) => {
            let html = summary(&name, &imp, &study, &site);
            me.session(&app, |s| {
                s.problems = None;
                s.checked = Some(Checked {
                    study: study.clone(),
                    site: site.clone(),
                    file: name,
                    imported: imp,
                });
            });
            html
        }
        Ok(Err(e)) => {
            me.session(&app, |s| {
                s.checked = None;
                s.problems = Some(problems_csv(&e));
            });
            errors(&e)
        }
        Err(e) => alert(&format!("the file could not be read: {e}")),
    };
    html(page_get(&me, target.as_deref(), &results).await)
}

/// `/upload/errors.csv`: the last checked file's problems.
pub(crate) async fn errors_csv(State(app): State<App>, me: Me) -> Response {
    match me.session(&app, |s| s.problems.clone()).flatten() {
        Some(csv) => download("problems.csv", "text/csv", csv.into_bytes()),
        None => crate::pages::problem(
            StatusCode::NOT_FOUND,
            "No problems to download",
            "the last file checked had none, or no file has been checked in this session",
        ),
    }
}

/// Whether the problems are a FHIR source's (placed by file, line or entry, resource and
/// element rather than by row).
fn fhir(e: &ImportErrors) -> bool {
    e.errors.iter().any(|c| !c.location.is_empty())
}

/// Where a FHIR problem is: `Observation.ndjson line 3 (Observation/o3, valueQuantity.code)`.
fn place(c: &CellError) -> String {
    format!("{} {}", c.file, c.location)
}

/// The problems as CSV: row, column, text, expected (for FHIR: where instead of row).
fn problems_csv(e: &ImportErrors) -> String {
    let fhir = fhir(e);
    let mut csv = String::from(if fhir {
        "where,column,text,expected\r\n"
    } else {
        "row,column,text,expected\r\n"
    });
    if let Some(f) = &e.fatal {
        csv.push_str(&format!(",,,{}\r\n", csv_field(f)));
    }
    for c in &e.errors {
        let at = if fhir {
            csv_field(&place(c))
        } else {
            c.row.to_string()
        };
        csv.push_str(&format!(
            "{at},{},{},{}\r\n",
            csv_field(&c.column),
            csv_field(&c.text),
            csv_field(&c.expected)
        ));
    }
    csv
}

/// Every problem of the file, a row each.
fn errors(e: &ImportErrors) -> String {
    let mut html = format!(
        "<h2>{} cannot be uploaded</h2><p>Nothing was sent. Correct the file and check it \
         again. <a href=\"/upload/errors.csv\">Download the problems (CSV)</a></p>",
        escape(&e.file)
    );
    if let Some(f) = &e.fatal {
        html.push_str(&alert(f));
    }
    if !e.errors.is_empty() {
        let n = e.errors.len();
        html.push_str(&alert(&format!(
            "{n} problem{}",
            if n == 1 { "" } else { "s" }
        )));
        let fhir = fhir(e);
        let rows: Vec<Vec<String>> = e
            .errors
            .iter()
            .map(|c| {
                vec![
                    if fhir {
                        escape(&place(c))
                    } else {
                        c.row.to_string()
                    },
                    escape(&c.column),
                    escape(&c.text),
                    escape(&c.expected),
                ]
            })
            .collect();
        html.push_str(&table(
            "Problems",
            &[
                if fhir { "Where" } else { "Row" },
                "Column",
                "Text",
                "Expected",
            ],
            &rows,
        ));
    }
    html
}

/// The summary of a valid file and the confirmation form.
fn summary(name: &str, imp: &Imported, study: &str, site: &str) -> String {
    let rows: Vec<Vec<String>> = imp
        .summary
        .columns
        .iter()
        .map(|c| {
            let detail = c.detail();
            vec![
                format!("<code>{}</code>", escape(&c.name)),
                escape(&c.kind),
                format!("<span class=\"num\">{}</span>", c.missing),
                escape(&detail),
            ]
        })
        .collect();
    format!(
        "<h2 class=\"ok\">{} is valid: {} rows</h2>{}<p class=\"muted\">Computed on this \
         computer; nothing has been sent.</p>\
         <form method=\"post\" action=\"/upload/confirm\"><fieldset><legend>Share it with the \
         three nodes</legend><label for=\"name\">Dataset name</label>\
         <input id=\"name\" name=\"name\" value=\"{}\" required pattern=\"[A-Za-z0-9_.\\-]+\">\
         <label><input type=\"checkbox\" name=\"replace\" value=\"yes\"> Replace my site's \
         current dataset of this name</label>\
         <p>The rows are split into secret shares on this computer; each node receives only \
         its shares, and the dataset becomes visible when all three have committed it.</p>\
         <p><button type=\"submit\" id=\"confirm\">Share and upload {} rows to study {} as site \
         {}</button></p></fieldset></form>",
        escape(name),
        imp.rows,
        table(
            "Summary",
            &["Column", "Type", "Missing", "Range or counts per level"],
            &rows
        ),
        escape(site),
        imp.rows,
        escape(study),
        escape(site)
    )
}
