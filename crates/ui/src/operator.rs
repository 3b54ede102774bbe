//! The node operator's page, from the admin token of the home node (each node's operator
//! administers their own node; `sharestat ui --node N` picks it): each node's health as far
//! as the token is accepted there (links up in both directions, version, store size), the
//! home node's studies and accounts, and the account actions: add a user (the token is shown
//! once), disable or enable one, revoke a token. Every action is the node's API's, checked and
//! audited there.
use crate::pages::{alert, escape, html, page, seg, table, value};
use crate::{App, Me};
use axum::extract::{Form, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};
use sharestat_wire::client::Method;

/// Whether the user is an administrator of the home node.
fn is_admin(who: &Value) -> bool {
    who["grants"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|g| g["role"] == "admin" && g["study"].is_null())
}

/// A size in bytes for a person.
fn size(b: u64) -> String {
    match b {
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / f64::from(1u32 << 30)),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / f64::from(1u32 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} bytes"),
    }
}

/// One node's health as HTML.
fn health(name: &str, h: Result<Value, String>) -> String {
    let h = match h {
        Ok(h) => h,
        Err(e) => {
            return format!(
                "<section><h3>{}</h3>{}<p class=\"muted\">Each node's operator signs in at \
                 their own node; its health shows there.</p></section>",
                escape(name),
                alert(&format!("not reachable with this token: {e}"))
            );
        }
    };
    let up = |b: &Value| {
        if *b == true {
            "<span class=\"ok\">up</span>"
        } else {
            "<span class=\"alert\">DOWN</span>"
        }
    };
    let peers: Vec<Vec<String>> = h["peers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            vec![
                escape(p["name"].as_str().unwrap_or_default()),
                up(&p["outgoing_up"]).into(),
                up(&p["incoming_up"]).into(),
                p["last_heard_ms"]
                    .as_u64()
                    .map(|ms| format!("{ms} ms ago"))
                    .unwrap_or_else(|| "never".into()),
            ]
        })
        .collect();
    format!(
        "<section><h3>{}</h3><p>{} · version {} (schema {}) · up {} s · {} jobs in flight · \
         store {}</p>{}</section>",
        escape(name),
        if h["status"] == "ok" {
            "<span class=\"ok\">answering</span>"
        } else {
            "<span class=\"alert\">not ok</span>"
        },
        escape(h["version"].as_str().unwrap_or_default()),
        value(&h["schema_version"]),
        value(&h["uptime_secs"]),
        value(&h["jobs_in_flight"]),
        h["store_bytes"]
            .as_u64()
            .map(size)
            .unwrap_or_else(|| "size unknown".into()),
        table(
            "Links",
            &["Peer", "Ours to it", "Its to us", "Last heard"],
            &peers
        )
    )
}

/// `/nodes`.
pub(crate) async fn show(me: Me) -> Response {
    html(page_with(&me, "").await)
}

/// The page with `message` (already HTML) on top.
async fn page_with(me: &Me, message: &str) -> String {
    if !is_admin(&me.whoami().await) {
        return page(
            "Nodes",
            &alert("this page needs a node administrator's token (the admin token of your node)"),
        );
    }
    let mut body = format!("{message}<h2>Health</h2><div class=\"nodes\">");
    for (n, name) in me.nodes.iter().zip(&me.names) {
        let h = n
            .get::<Value>("/api/v1/health")
            .await
            .map_err(|e| e.to_string());
        body.push_str(&health(name, h));
    }
    body.push_str("</div>");
    let studies: Vec<Value> = me.home.get("/api/v1/studies").await.unwrap_or_default();
    let rows: Vec<Vec<String>> = studies
        .iter()
        .map(|s| {
            let t = |k: &str| escape(s[k].as_str().unwrap_or_default());
            vec![
                t("id"),
                t("title"),
                format!("<code>{}</code>", &t("dictionary_sha256")),
                format!("<code>{}</code>", &t("policy_sha256")),
                t("created_at"),
            ]
        })
        .collect();
    body.push_str(&format!(
        "<h2>Studies on this node</h2>{}",
        table(
            "Studies",
            &[
                "Id",
                "Title",
                "Dictionary SHA-256",
                "Policy SHA-256",
                "Created (UTC)"
            ],
            &rows
        )
    ));
    body.push_str(&accounts(me).await);
    page("Nodes", &body)
}

/// The home node's accounts with their actions, and the form that adds one.
async fn accounts(me: &Me) -> String {
    let users: Vec<Value> = match me.home.get("/api/v1/users").await {
        Ok(u) => u,
        Err(e) => return alert(&format!("the accounts could not be listed: {e}")),
    };
    let mut rows = Vec::new();
    for u in &users {
        let name = u["name"].as_str().unwrap_or_default();
        let full: Value = me
            .home
            .get(&format!("/api/v1/users/{}", seg(name)))
            .await
            .unwrap_or_else(|_| u.clone());
        let grants: Vec<String> = full["grants"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|g| {
                let mut s = g["role"].as_str().unwrap_or("?").to_owned();
                if let Some(st) = g["study"].as_str() {
                    s.push_str(&format!(" / {st}"));
                }
                if let Some(site) = g["site"].as_str() {
                    s.push_str(&format!(" / {site}"));
                }
                escape(&s)
            })
            .collect();
        let tokens: Vec<String> = full["tokens"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| {
                let id = escape(t["id"].as_str().unwrap_or_default());
                if t["revoked"] == true {
                    format!("<s><code>{id}</code></s> revoked")
                } else {
                    format!(
                        "<form method=\"post\" action=\"/nodes/tokens/revoke\" class=\"inline\">\
                         <input type=\"hidden\" name=\"token\" value=\"{id}\"><code>{id}</code> \
                         {} <button type=\"submit\" class=\"danger\" aria-label=\"Revoke token \
                         {id}\">Revoke</button></form>",
                        escape(t["label"].as_str().unwrap_or_default())
                    )
                }
            })
            .collect();
        let disabled = full["disabled"] == true;
        let toggle = format!(
            "<form method=\"post\" action=\"/nodes/users/disable\" class=\"inline\">\
             <input type=\"hidden\" name=\"user\" value=\"{n}\">\
             <input type=\"hidden\" name=\"disabled\" value=\"{}\">\
             <button type=\"submit\" class=\"{}\" aria-label=\"{} {n}\">{}</button></form>",
            !disabled,
            if disabled { "secondary" } else { "danger" },
            if disabled { "Enable" } else { "Disable" },
            if disabled { "Enable" } else { "Disable" },
            n = escape(name)
        );
        rows.push(vec![
            escape(name),
            if disabled {
                "<span class=\"alert\">disabled</span>".into()
            } else {
                "active".into()
            },
            grants.join("<br>"),
            tokens.join("<br>"),
            toggle,
        ]);
    }
    format!(
        "<h2>Accounts on this node</h2>{}\
         <form method=\"post\" action=\"/nodes/users\"><fieldset><legend>Add a user on this \
         node</legend><label for=\"u-name\">Name</label><input id=\"u-name\" name=\"name\" \
         required><label for=\"u-role\">Role</label><select id=\"u-role\" name=\"role\">\
         <option value=\"researcher\">researcher</option><option value=\"data_owner\">data \
         owner</option><option value=\"auditor\">auditor</option><option value=\"admin\">\
         administrator</option></select><label for=\"u-study\">Study (researcher, data owner; \
         empty for a node-wide auditor or administrator)</label><input id=\"u-study\" \
         name=\"study\"><label for=\"u-site\">Site (data owner)</label><input id=\"u-site\" \
         name=\"site\"><label for=\"u-hash\">Token SHA-256, when another node created the \
         account (the user keeps one token for all three nodes); empty: a new token, shown \
         once</label><input id=\"u-hash\" name=\"token_sha256\" size=\"64\">\
         <p><button type=\"submit\">Add user</button></p></fieldset></form>",
        table(
            "Accounts",
            &["User", "State", "Grants", "Tokens", "Account"],
            &rows
        )
    )
}

#[derive(Deserialize)]
pub(crate) struct NewUser {
    name: String,
    role: String,
    #[serde(default)]
    study: String,
    #[serde(default)]
    site: String,
    #[serde(default)]
    token_sha256: String,
}

fn opt(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

/// The node's answer to an account action: its message, or `ok` as HTML.
async fn act(me: &Me, method: Method, path: &str, body: Option<Value>, ok: String) -> String {
    match me.home.raw(method, path, body.as_ref()).await {
        Ok((s, _)) if s.is_success() => ok,
        Ok((s, v)) => alert(&format!(
            "the node refused: {}",
            sharestat_client::query::problem_message(s, &v)
        )),
        Err(e) => alert(&format!("the node could not be reached: {e}")),
    }
}

/// `POST /nodes/users`: a user with one grant on the home node.
pub(crate) async fn add_user(State(_app): State<App>, me: Me, Form(f): Form<NewUser>) -> Response {
    let body = json!({
        "name": f.name.trim(),
        "grants": [{"role": f.role, "study": opt(&f.study), "site": opt(&f.site)}],
        "token_sha256": opt(&f.token_sha256),
    });
    let msg = match me
        .home
        .raw(Method::POST, "/api/v1/users", Some(&body))
        .await
    {
        Ok((s, v)) if s.is_success() => match v["token"].as_str() {
            Some(t) => format!(
                "<div role=\"status\"><p class=\"ok\">User {} added. Their token, shown this \
                 once (give it to them over a safe channel; register it on the other nodes \
                 with its SHA-256):</p><pre>{}</pre></div>",
                escape(f.name.trim()),
                escape(t)
            ),
            None => format!(
                "<p class=\"ok\" role=\"status\">User {} added with the given token hash.</p>",
                escape(f.name.trim())
            ),
        },
        Ok((s, v)) => alert(&format!(
            "the node refused: {}",
            sharestat_client::query::problem_message(s, &v)
        )),
        Err(e) => alert(&format!("the node could not be reached: {e}")),
    };
    html(page_with(&me, &msg).await)
}

#[derive(Deserialize)]
pub(crate) struct Disable {
    user: String,
    disabled: bool,
}

/// `POST /nodes/users/disable`.
pub(crate) async fn disable_user(me: Me, Form(f): Form<Disable>) -> Response {
    let path = format!("/api/v1/users/{}/disable", seg(&f.user));
    let done = if f.disabled { "disabled" } else { "enabled" };
    let ok = format!(
        "<p class=\"ok\" role=\"status\">User {} {done}.</p>",
        escape(&f.user)
    );
    let msg = act(
        &me,
        Method::POST,
        &path,
        Some(json!({"disabled": f.disabled})),
        ok,
    )
    .await;
    html(page_with(&me, &msg).await)
}

#[derive(Deserialize)]
pub(crate) struct Revoke {
    token: String,
}

/// `POST /nodes/tokens/revoke`.
pub(crate) async fn revoke_token(me: Me, Form(f): Form<Revoke>) -> Response {
    let path = format!("/api/v1/tokens/{}", seg(&f.token));
    let ok = format!(
        "<p class=\"ok\" role=\"status\">Token {} revoked.</p>",
        escape(&f.token)
    );
    let msg = act(&me, Method::DELETE, &path, None, ok).await;
    html(page_with(&me, &msg).await)
}
