//! A checked file shared and committed, as `sharestat upload` does it
//! ([`sharestat_client::upload::upload`]): on the owner's confirmation this process splits the
//! rows into replicated secret shares chunk by chunk, sends each node only its own shares, and
//! the home node runs the two-phase commit across the three. The page follows the upload
//! with a progress bar (refreshed every second until it ends) and then shows each node's
//! record of the committed dataset. Also the site's datasets and their withdrawal (with a
//! confirmation), which removes the shares from all three nodes.
use crate::owner::{Checked, chosen, targets};
use crate::pages::{alert, escape, html, page_with_head, seg, table};
use crate::{App, Me};
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::Value;
use sharestat_client::upload::{Plan, Target, chunks, new_id, upload};
use sharestat_wire::client::Method;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Each node's name and its record of the committed dataset (or why it could not be read).
pub type Records = Vec<(String, Result<Value, String>)>;

/// An upload under way or finished.
#[derive(Debug)]
pub struct Progress {
    /// Study, site and dataset name.
    pub study: String,
    /// The data owner's site.
    pub site: String,
    /// The dataset's name.
    pub name: String,
    /// Rows shared.
    pub rows: usize,
    /// Chunks sent to all three nodes so far, and in all.
    pub done: u64,
    /// Chunks in all.
    pub total: u64,
    /// From the confirmation.
    pub started: Instant,
    /// When it ended: the milliseconds from confirmation to commit and each node's record of
    /// the dataset, or why it failed.
    pub outcome: Option<Result<(f64, Records), String>>,
}

#[derive(Deserialize)]
pub(crate) struct ConfirmForm {
    name: String,
    #[serde(default)]
    replace: Option<String>,
}

/// `POST /upload/confirm`: shares the checked file and uploads it; the answer waits for the
/// commit up to [`crate::Options::confirm_wait`], then sends the browser to the progress page.
pub(crate) async fn confirm(
    State(app): State<App>,
    me: Me,
    Form(f): Form<ConfirmForm>,
) -> Response {
    let Some(checked) = me.session(&app, |s| s.checked.take()).flatten() else {
        return crate::pages::problem(
            StatusCode::CONFLICT,
            "Nothing to upload",
            "there is no checked file waiting in this session: check the file first",
        );
    };
    let Checked {
        study,
        site,
        imported,
        ..
    } = checked;
    let name = f.name.trim().to_owned();
    let progress = Arc::new(Mutex::new(Progress {
        study: study.clone(),
        site: site.clone(),
        name: name.clone(),
        rows: imported.rows,
        done: 0,
        total: chunks(imported.rows),
        started: Instant::now(),
        outcome: None,
    }));
    me.session(&app, |s| s.upload = Some(progress.clone()));
    let home = app.cons.as_ref().map_or(0, |c| c.home);
    let (nodes, names) = (me.nodes.clone(), me.names.clone());
    let replaces = f.replace.as_deref() == Some("yes");
    let p = progress.clone();
    let task = tokio::spawn(async move {
        let target = Target {
            nodes,
            coordinator: home,
            relay: None,
        };
        let plan = Plan {
            study: &study,
            site: &site,
            name: &name,
            replaces,
            data: &imported,
        };
        let tick = p.clone();
        let outcome = match new_id() {
            Ok(id) => upload(&target, &plan, &id, false, &move |done, _| {
                tick.lock().expect("progress").done = done;
            })
            .await
            .map_err(|e| format!("{e}. Nothing became visible; check the file again and retry.")),
            Err(e) => Err(e.to_string()),
        };
        let ms = p.lock().expect("progress").started.elapsed().as_secs_f64() * 1e3;
        let outcome = match outcome {
            Ok(_) => {
                let mut records = Vec::new();
                for (n, node_name) in target.nodes.iter().zip(&names) {
                    let path = format!("/api/v1/studies/{}/datasets/{}", seg(&study), seg(&name));
                    let r = n.get::<Value>(&path).await.map_err(|e| e.to_string());
                    records.push((node_name.clone(), r));
                }
                Ok((ms, records))
            }
            Err(e) => Err(e),
        };
        p.lock().expect("progress").outcome = Some(outcome);
    });
    match tokio::time::timeout(app.confirm_wait, task).await {
        Ok(_) => progress_page(&progress),
        // Still under way: the progress page (a redirect, so that reloading it does not
        // send the confirmation again).
        Err(_) => Redirect::to("/upload/progress").into_response(),
    }
}

/// `/upload/progress`: the upload of this session.
pub(crate) async fn progress(State(app): State<App>, me: Me) -> Response {
    match me.session(&app, |s| s.upload.clone()).flatten() {
        Some(p) => progress_page(&p),
        None => Redirect::to("/upload").into_response(),
    }
}

fn progress_page(p: &Mutex<Progress>) -> Response {
    let p = p.lock().expect("progress");
    let what = format!(
        "{} rows of site {} to study {} as dataset {}",
        p.rows, p.site, p.study, p.name
    );
    let back = format!(
        "<p><a href=\"/upload?target={}%7C{}\">Back to the upload page</a></p>",
        escape(&p.study),
        escape(&p.site)
    );
    match &p.outcome {
        None => html(page_with_head(
            "Uploading",
            "<meta http-equiv=\"refresh\" content=\"1; url=/upload/progress\">",
            &format!(
                "<p>Sharing and sending {}.</p><label for=\"bar\">Chunks sent to all three \
                 nodes: {} of {}</label><progress id=\"bar\" value=\"{}\" max=\"{}\">{} of {}\
                 </progress><p class=\"muted\">This page refreshes every second until the \
                 three nodes have committed.</p>",
                escape(&what),
                p.done,
                p.total,
                p.done,
                p.total.max(1),
                p.done,
                p.total
            ),
        )),
        Some(Err(e)) => (
            StatusCode::BAD_GATEWAY,
            html(page_with_head(
                "Upload failed",
                "",
                &format!("{}{}{back}", alert(&format!("uploading {what}:")), alert(e)),
            )),
        )
            .into_response(),
        Some(Ok((ms, records))) => {
            let rows: Vec<Vec<String>> = records
                .iter()
                .map(|(node, r)| match r {
                    Ok(v) => vec![
                        escape(node),
                        "<span class=\"ok\">committed</span>".into(),
                        crate::pages::value(&v["rows"]),
                        escape(v["uploaded_at"].as_str().unwrap_or_default()),
                    ],
                    Err(e) => vec![
                        escape(node),
                        format!("<span class=\"alert\">{}</span>", escape(e)),
                        String::new(),
                        String::new(),
                    ],
                })
                .collect();
            let all = records.iter().all(|(_, r)| r.is_ok());
            let head = if all {
                format!(
                    "<p class=\"ok\" role=\"status\">Committed on all three nodes in {ms:.0} ms \
                     (from your confirmation): {}.</p>",
                    escape(&what)
                )
            } else {
                alert("the commit succeeded, but a node's record could not be read back")
            };
            html(page_with_head(
                "Uploaded",
                "",
                &format!(
                    "{head}{}{back}",
                    table(
                        "Each node's record",
                        &["Node", "State", "Rows", "Committed at (UTC)"],
                        &rows
                    )
                ),
            ))
        }
    }
}

/// The site's datasets in `study`, each with its withdrawal form.
pub(crate) async fn datasets(me: &Me, study: &str, site: &str) -> String {
    let list: Vec<Value> = match me
        .home
        .get(&format!("/api/v1/studies/{}/datasets", seg(study)))
        .await
    {
        Ok(v) => v,
        Err(e) => return alert(&format!("the datasets could not be listed: {e}")),
    };
    let rows: Vec<Vec<String>> = list
        .iter()
        .filter(|d| d["site"] == site)
        .map(|d| {
            let name = d["name"].as_str().unwrap_or_default();
            vec![
                format!("<code>{}</code>", escape(name)),
                crate::pages::value(&d["rows"]),
                escape(d["uploaded_at"].as_str().unwrap_or_default()),
                escape(d["uploaded_by"].as_str().unwrap_or_default()),
                format!(
                    "<form method=\"post\" action=\"/datasets/withdraw\" class=\"inline\">\
                     <input type=\"hidden\" name=\"study\" value=\"{s}\">\
                     <input type=\"hidden\" name=\"site\" value=\"{site}\">\
                     <input type=\"hidden\" name=\"name\" value=\"{n}\">\
                     <label class=\"inline\"><input type=\"checkbox\" name=\"confirm\" \
                     value=\"yes\" required> I want to withdraw {n}</label> \
                     <button type=\"submit\" class=\"danger\">Withdraw</button></form>",
                    s = escape(study),
                    site = escape(site),
                    n = escape(name)
                ),
            ]
        })
        .collect();
    if rows.is_empty() {
        return format!(
            "<h2>Your site's datasets</h2><p>Site {} has no dataset in this study yet.</p>",
            escape(site)
        );
    }
    format!(
        "<h2>Your site's datasets</h2><p class=\"muted\">To replace one, check the new file and \
         upload it under the same name with \"replace\" ticked.</p>{}",
        table(
            "Datasets",
            &["Name", "Rows", "Uploaded (UTC)", "By", "Withdraw"],
            &rows
        )
    )
}

#[derive(Deserialize)]
pub(crate) struct WithdrawForm {
    study: String,
    site: String,
    name: String,
    #[serde(default)]
    confirm: Option<String>,
}

/// `POST /datasets/withdraw`: the dataset's shares removed from the three nodes.
pub(crate) async fn withdraw(me: Me, Form(f): Form<WithdrawForm>) -> Response {
    let target = format!("{}|{}", f.study, f.site);
    let allowed = chosen(&targets(&me.whoami().await), Some(&target)).is_some();
    let msg = if !allowed {
        alert(&format!(
            "you hold no data-owner grant for site {} of study {}",
            f.site, f.study
        ))
    } else if f.confirm.as_deref() != Some("yes") {
        alert("tick the confirmation box to withdraw a dataset; nothing was withdrawn")
    } else {
        let path = format!(
            "/api/v1/studies/{}/datasets/{}",
            seg(&f.study),
            seg(&f.name)
        );
        match me.home.raw(Method::DELETE, &path, None).await {
            Ok((s, _)) if s.is_success() => format!(
                "<p class=\"ok\" role=\"status\">Dataset {} was withdrawn: its shares are \
                 removed from the three nodes.</p>",
                escape(&f.name)
            ),
            Ok((s, body)) => alert(&format!(
                "the node refused to withdraw {}: {}",
                f.name,
                sharestat_client::query::problem_message(s, &body)
            )),
            Err(e) => alert(&format!("the node could not be reached: {e}")),
        }
    };
    html(crate::owner::page_get(&me, Some(&target), &msg).await)
}
