//! Opening the one-time link, signing in and out, and the start page: the pages of each role
//! the user's grants open (data owner, researcher, auditor, node operator).
use crate::guard::{COOKIE, refusal};
use crate::pages::{escape, html, html_status, page, sign_in as sign_in_page};
use crate::{App, Me};
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
pub(crate) struct OpenQuery {
    secret: String,
}

/// `/open?secret=...`: the one-time secret becomes this browser's session cookie (signed in
/// already when the app was started with a token, as `sharestat demo --ui` does).
pub(crate) async fn open(State(app): State<App>, Query(q): Query<OpenQuery>) -> Response {
    let Some(id) = app.guard.open(&q.secret) else {
        return refusal(
            StatusCode::FORBIDDEN,
            "this link has been used already, or is not the one sharestat ui printed",
        );
    };
    let preset = app.preset.lock().expect("preset").take();
    if let Some(token) = preset {
        // A wrong preset token leaves the session signed out: the sign-in page says so.
        let _ = check_token(&app, &id, token).await;
    }
    (
        [(
            header::SET_COOKIE,
            format!("{COOKIE}={id}; HttpOnly; SameSite=Strict; Path=/"),
        )],
        Redirect::to("/"),
    )
        .into_response()
}

/// Checks `token` at the home node and signs session `id` in with it.
async fn check_token(app: &App, id: &str, token: String) -> Result<(), String> {
    let Some(cons) = &app.cons else {
        return Err("this app was started without a consortium to sign in to".into());
    };
    let node = cons.nodes[cons.home].with_token(Some(token.clone()));
    match node.get::<Value>("/api/v1/whoami").await {
        Ok(who) => {
            let user = who["user"].as_str().unwrap_or("?").to_owned();
            app.guard
                .with_session(id, |s| s.signed_in = Some((token, user)));
            Ok(())
        }
        Err(e) => Err(format!(
            "the node did not accept this token ({e}); check it and try again"
        )),
    }
}

/// `/`: the sign-in form, or the signed-in user's start page.
pub(crate) async fn home(me: Result<Me, Response>) -> Response {
    match me {
        Ok(me) => html(start_page(&me.user, &me.whoami().await)),
        Err(_) => html(sign_in_page(None)),
    }
}

/// The pages a user's grants open, as links with what each is for.
fn start_page(user: &str, who: &Value) -> String {
    let grants: Vec<&Value> = who["grants"].as_array().into_iter().flatten().collect();
    let has = |role: &str| grants.iter().any(|g| g["role"] == role);
    let node_wide = |role: &str| {
        grants
            .iter()
            .any(|g| g["role"] == role && g["study"].is_null())
    };
    let mut links = String::new();
    let mut link = |href: &str, name: &str, what: &str| {
        links.push_str(&format!(
            "<li><a href=\"{href}\">{name}</a>: {}</li>",
            escape(what)
        ));
    };
    if has("data_owner") {
        link(
            "/upload",
            "Upload data",
            "check your site's file here, then share it with the three nodes; your datasets; \
             the queries that read them",
        );
    }
    if has("researcher") || node_wide("admin") {
        link(
            "/analysis",
            "Analysis",
            "run scripts of the analysis language on the pooled data",
        );
    }
    if has("auditor") || node_wide("admin") || has("data_owner") {
        link(
            "/audit",
            "Audit",
            "the three nodes' audit logs, their verification, and what each query revealed",
        );
    }
    if node_wide("admin") {
        link(
            "/nodes",
            "Nodes",
            "each node's health, studies and accounts",
        );
    }
    let grants_text: Vec<String> = grants
        .iter()
        .map(|g| {
            let mut s = g["role"].as_str().unwrap_or("?").to_owned();
            if let Some(st) = g["study"].as_str() {
                s.push_str(&format!(" of study {st}"));
            }
            if let Some(site) = g["site"].as_str() {
                s.push_str(&format!(", site {site}"));
            }
            escape(&s)
        })
        .collect();
    let none = if links.is_empty() {
        "<p class=\"alert\" role=\"alert\">Your token has no grant that this app can use; ask \
         your consortium's administrator.</p>"
    } else {
        ""
    };
    page(
        "Start",
        &format!(
            "<p>Signed in as <strong>{}</strong> ({}).</p>{none}<ul>{links}</ul>\
             <form method=\"post\" action=\"/signout\"><button class=\"secondary\" \
             type=\"submit\">Sign out</button></form>",
            escape(user),
            grants_text.join("; ")
        ),
    )
}

#[derive(Deserialize)]
pub(crate) struct SignIn {
    token: String,
}

/// `POST /signin`: the token is checked with the node (`/api/v1/whoami`) and kept in memory.
pub(crate) async fn sign_in(
    State(app): State<App>,
    headers: HeaderMap,
    Form(f): Form<SignIn>,
) -> Response {
    let Some(id) = app.guard.session_id(&headers) else {
        return refusal(StatusCode::UNAUTHORIZED, "no session");
    };
    match check_token(&app, &id, f.token.trim().to_owned()).await {
        Ok(()) => Redirect::to("/").into_response(),
        Err(msg) => html_status(StatusCode::UNAUTHORIZED, sign_in_page(Some(&msg))),
    }
}

/// `POST /signout`: the token is forgotten, with everything the session held.
pub(crate) async fn sign_out(State(app): State<App>, headers: HeaderMap) -> Response {
    if let Some(id) = app.guard.session_id(&headers) {
        app.guard
            .with_session(&id, |s| *s = crate::guard::Session::default());
    }
    Redirect::to("/").into_response()
}
