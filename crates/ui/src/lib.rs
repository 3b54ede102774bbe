//! # sharestat-ui: the local web application (`sharestat ui`, issue 17)
//!
//! A web application that runs on the user's own machine, on 127.0.0.1, so that every role
//! can work from a browser with the command line's guarantee: whatever this process reads (a
//! data owner's file) stays on the machine and only shares leave it; the user's token stays
//! in this process's memory.
//!
//! ## Layout
//!
//! - [`guard`]: who may talk to the app (the one-time secret and its session cookie, Host and
//!   Origin checks against DNS rebinding and cross-site requests).
//! - [`pages`]: server-rendered HTML, escaped.
//! - [`analysis`]: the researcher's editor and the outputs as R prints them.
//! - [`owner`]: the data owner's file check (read and validated in this process).
//! - this file: the app's state, its routes and [`Ui::start`].
//!
//! Issue 17 so far: the guard, signing in (the token checked against a node's
//! `/api/v1/whoami`) and the researcher's editor. The other roles' pages come next.
#![forbid(unsafe_code)]

pub mod analysis;
pub mod guard;
pub mod owner;
pub mod pages;

use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Router, middleware};
use guard::{COOKIE, Guard, refusal};
use serde::Deserialize;
use sharestat_wire::Client;
use std::net::SocketAddr;
use std::sync::Arc;

/// The app's state.
#[derive(Clone)]
struct App {
    guard: Arc<Guard>,
    /// A client of the consortium's node (no token): the user's token is checked there.
    node: Option<Client>,
}

/// A running app.
pub struct Ui {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The URL to open, with the one-time secret.
    pub url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Ui {
    /// Starts the app on 127.0.0.1:`port` (0: a free port), signing users in against `node`.
    pub async fn start(port: u16, node: Option<Client>) -> std::io::Result<Ui> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let secret = guard::random_hex();
        let guard = Guard::new(addr.port(), secret.clone());
        let app = App { guard, node };
        let router = Router::new()
            .route("/", get(home))
            .route("/open", get(open))
            .route("/signin", post(sign_in))
            .route("/analysis", get(analysis_page))
            .route("/run", post(run_script))
            .route("/upload", get(upload_page))
            .route("/upload/check", post(upload_check))
            .layer(middleware::from_fn_with_state(
                app.guard.clone(),
                guard::check,
            ))
            .with_state(app);
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::error!("the local app stopped: {e}");
            }
        });
        Ok(Ui {
            addr,
            url: format!("http://127.0.0.1:{}/open?secret={secret}", addr.port()),
            task,
        })
    }

    /// Stops the app.
    pub fn stop(self) {
        self.task.abort();
    }
}

#[derive(Deserialize)]
struct OpenQuery {
    secret: String,
}

/// `/open?secret=...`: the one-time secret becomes this browser's session cookie.
async fn open(State(app): State<App>, Query(q): Query<OpenQuery>) -> Response {
    match app.guard.open(&q.secret) {
        Some(id) => (
            [(
                header::SET_COOKIE,
                format!("{COOKIE}={id}; HttpOnly; SameSite=Strict; Path=/"),
            )],
            Redirect::to("/"),
        )
            .into_response(),
        None => refusal(
            StatusCode::FORBIDDEN,
            "this link has been used already, or is not the one sharestat ui printed",
        ),
    }
}

fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// `/`: the sign-in form, or the signed-in user's page.
async fn home(State(app): State<App>, headers: axum::http::HeaderMap) -> Response {
    let user = app
        .guard
        .session_id(&headers)
        .and_then(|id| app.guard.with_session(&id, |s| s.signed_in.clone()))
        .flatten();
    html(match user {
        Some((_, user)) => pages::home(&user),
        None => pages::sign_in(None),
    })
}

#[derive(Deserialize)]
struct SignIn {
    token: String,
}

/// `POST /signin`: the token is checked with the node (`/api/v1/whoami`) and kept in memory.
async fn sign_in(
    State(app): State<App>,
    headers: axum::http::HeaderMap,
    Form(f): Form<SignIn>,
) -> Response {
    let Some(id) = app.guard.session_id(&headers) else {
        return refusal(StatusCode::UNAUTHORIZED, "no session");
    };
    let Some(node) = &app.node else {
        return html(pages::sign_in(Some(
            "this app was started without a consortium to sign in to",
        )));
    };
    let token = f.token.trim().to_owned();
    match node
        .with_token(Some(token.clone()))
        .get::<serde_json::Value>("/api/v1/whoami")
        .await
    {
        Ok(who) => {
            let user = who["user"].as_str().unwrap_or("?").to_owned();
            app.guard
                .with_session(&id, |s| s.signed_in = Some((token, user)));
            Redirect::to("/").into_response()
        }
        Err(e) => {
            let status = StatusCode::UNAUTHORIZED;
            let msg = format!("the node did not accept this token ({e}); check it and try again");
            (status, html(pages::sign_in(Some(&msg)))).into_response()
        }
    }
}

/// The node client with the signed-in user's token, for session `headers`.
fn signed_in(app: &App, headers: &axum::http::HeaderMap) -> Option<Client> {
    let id = app.guard.session_id(headers)?;
    let (token, _) = app
        .guard
        .with_session(&id, |s| s.signed_in.clone())
        .flatten()?;
    Some(app.node.as_ref()?.with_token(Some(token)))
}

/// The user's grants as the node states them now (`Null` when it cannot be asked): what
/// the pages offer and accept follows them, not what the session remembers.
async fn whoami(node: &Client) -> serde_json::Value {
    node.get("/api/v1/whoami")
        .await
        .unwrap_or(serde_json::Value::Null)
}

/// `/analysis`: the editor.
async fn analysis_page(State(app): State<App>, headers: axum::http::HeaderMap) -> Response {
    let Some(node) = signed_in(&app, &headers) else {
        return Redirect::to("/").into_response();
    };
    let studies = analysis::studies(&whoami(&node).await);
    let first = studies.first().cloned().unwrap_or_default();
    html(analysis::editor(&studies, &first, "", ""))
}

#[derive(Deserialize)]
struct RunForm {
    study: String,
    text: String,
}

/// `POST /run`: the script run on the consortium, its outputs under the editor.
async fn run_script(
    State(app): State<App>,
    headers: axum::http::HeaderMap,
    Form(f): Form<RunForm>,
) -> Response {
    let Some(node) = signed_in(&app, &headers) else {
        return Redirect::to("/").into_response();
    };
    let studies = analysis::studies(&whoami(&node).await);
    if !studies.contains(&f.study) {
        let msg = format!(
            "you may not run queries in study {}",
            pages::escape(&f.study)
        );
        return (
            StatusCode::FORBIDDEN,
            html(analysis::editor(
                &studies,
                "",
                &f.text,
                &format!("<p role=\"alert\">{msg}</p>"),
            )),
        )
            .into_response();
    }
    let results = analysis::run(&node, &f.study, &f.text).await;
    html(analysis::editor(&studies, &f.study, &f.text, &results))
}

/// `/upload`: the data owner's form.
async fn upload_page(State(app): State<App>, headers: axum::http::HeaderMap) -> Response {
    let Some(node) = signed_in(&app, &headers) else {
        return Redirect::to("/").into_response();
    };
    html(owner::form(&owner::targets(&whoami(&node).await), ""))
}

/// `POST /upload/check`: the file read from the form into memory and validated here.
async fn upload_check(
    State(app): State<App>,
    headers: axum::http::HeaderMap,
    mut form: axum::extract::Multipart,
) -> Response {
    let Some(node) = signed_in(&app, &headers) else {
        return Redirect::to("/").into_response();
    };
    let targets = owner::targets(&whoami(&node).await);
    let (mut target, mut file) = (None, None);
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("target") => target = field.text().await.ok(),
            Some("file") => {
                let name = field.file_name().unwrap_or("file").to_owned();
                file = field.bytes().await.ok().map(|b| (name, b.to_vec()));
            }
            _ => {}
        }
    }
    let chosen = target
        .as_deref()
        .and_then(|t| t.split_once('|'))
        .map(|(s, site)| (s.to_owned(), site.to_owned()))
        .filter(|t| targets.contains(t));
    let (Some((study, site)), Some((name, bytes))) = (chosen, file) else {
        let msg = "choose one of your studies and sites, and a file";
        return (
            StatusCode::BAD_REQUEST,
            html(owner::form(
                &targets,
                &format!("<p role=\"alert\">{msg}</p>"),
            )),
        )
            .into_response();
    };
    let results = owner::check(&node, &study, &site, &name, bytes).await;
    html(owner::form(&targets, &results))
}
