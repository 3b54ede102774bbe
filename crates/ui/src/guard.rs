//! Who may talk to the local app: only the browser of the user who started it.
//!
//! The app listens on 127.0.0.1, where every program and every web page the user's browser
//! opens can reach it. Three checks, in the order a request meets them (as Jupyter's server
//! makes them):
//!
//! 1. **Host** must be `127.0.0.1:<port>` or `localhost:<port>`: a page of another site that
//!    rebinds its DNS name to 127.0.0.1 (DNS rebinding) sends its own name and is refused.
//! 2. **Origin**, when the browser sends one, must be this app's; a request that changes
//!    anything (every method but GET and HEAD) must carry it: a form of another site posting
//!    here (cross-site request forgery) is refused.
//! 3. **Session**: the URL `sharestat ui` prints carries a one-time secret; its first use
//!    (`/open?secret=...`) sets a random session cookie (`HttpOnly`: no script reads it;
//!    `SameSite=Strict`: no other site's request carries it) and the secret is spent. Every
//!    other route needs that cookie; a second browser, or the same link again, is refused.
//!
//! Secrets and session ids are 32 random bytes from the operating system, compared in
//! constant time.
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The session cookie's name.
pub const COOKIE: &str = "sharestat_ui";

/// One browser's session, in this process's memory only: the token, and what the user is
/// working on (a checked file, an upload, the runs of the editor).
#[derive(Default)]
pub struct Session {
    /// The token the user signed in with, and who it belongs to.
    pub signed_in: Option<(String, String)>,
    /// A file checked and waiting for the data owner's confirmation.
    pub checked: Option<crate::owner::Checked>,
    /// The problems of the last file checked, as CSV (for its download).
    pub problems: Option<String>,
    /// The upload under way or last finished.
    pub upload: Option<Arc<Mutex<crate::sharing::Progress>>>,
    /// The scripts run in this session, oldest first.
    pub runs: Vec<crate::analysis::Ran>,
}

/// Without the token (a debug print or a log line must not carry it).
impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user", &self.signed_in.as_ref().map(|(_, u)| u))
            .field("runs", &self.runs.len())
            .finish_non_exhaustive()
    }
}

/// The guard's state: the port, the one-time secret until it is used, the sessions.
pub struct Guard {
    port: u16,
    secret: Mutex<Option<String>>,
    sessions: Mutex<HashMap<String, Session>>,
}

/// 32 random bytes, hex.
pub fn random_hex() -> String {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("the operating system's random numbers");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Whether `a` and `b` are equal, in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Without the secret and the session ids.
impl std::fmt::Debug for Guard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guard").field("port", &self.port).finish()
    }
}

impl Guard {
    /// A guard for the app on `port` with the one-time `secret`.
    pub fn new(port: u16, secret: String) -> Arc<Guard> {
        Arc::new(Guard {
            port,
            secret: Mutex::new(Some(secret)),
            sessions: Mutex::new(HashMap::new()),
        })
    }

    /// The origins of this app.
    fn origins(&self) -> [String; 2] {
        [
            format!("http://127.0.0.1:{}", self.port),
            format!("http://localhost:{}", self.port),
        ]
    }

    /// Spends the one-time secret: a new session id when `given` is it.
    pub fn open(&self, given: &str) -> Option<String> {
        let mut secret = self.secret.lock().expect("guard");
        match secret.as_deref() {
            Some(s) if same(s, given) => {
                *secret = None;
                let id = random_hex();
                self.sessions
                    .lock()
                    .expect("guard")
                    .insert(id.clone(), Session::default());
                Some(id)
            }
            _ => None,
        }
    }

    /// The session of the request's cookie, if it is one of ours.
    pub fn session_id(&self, headers: &HeaderMap) -> Option<String> {
        let cookies = headers.get_all(header::COOKIE);
        let sessions = self.sessions.lock().expect("guard");
        cookies
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .filter(|(k, _)| *k == COOKIE)
            .find_map(|(_, v)| sessions.keys().find(|id| same(id, v)).cloned())
    }

    /// Reads or changes session `id`.
    pub fn with_session<T>(&self, id: &str, f: impl FnOnce(&mut Session) -> T) -> Option<T> {
        self.sessions.lock().expect("guard").get_mut(id).map(f)
    }

    /// Why the request's Host or Origin is refused, if it is.
    fn foreign(&self, method: &Method, headers: &HeaderMap) -> Option<&'static str> {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let ok_host = host.is_some_and(|h| {
            [
                format!("127.0.0.1:{}", self.port),
                format!("localhost:{}", self.port),
            ]
            .iter()
            .any(|x| x == h)
        });
        if !ok_host {
            return Some(
                "this app answers only to 127.0.0.1 or localhost with its port (a foreign Host \
                 is how DNS rebinding reaches a local app)",
            );
        }
        let origin = headers.get(header::ORIGIN).and_then(|h| h.to_str().ok());
        match origin {
            Some(o) if !self.origins().iter().any(|x| x == o) => {
                Some("a request from another site's page is refused (cross-site request forgery)")
            }
            None if !matches!(*method, Method::GET | Method::HEAD) => Some(
                "a request that changes something must come from this app's own page (no \
                 Origin header)",
            ),
            _ => None,
        }
    }
}

/// A refusal page with its status.
pub fn refusal(status: StatusCode, why: &str) -> Response {
    let body = crate::pages::page(
        "Refused",
        &format!(
            "<p role=\"alert\">{}</p>\
             <p>Open the link that <code>sharestat ui</code> printed in the terminal where you \
             started it; that link works once, in one browser.</p>",
            crate::pages::escape(why)
        ),
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Routes without a session: the one-time link and the app's own style sheet and script
/// (the same for everyone; the refusal page uses the style sheet).
const OPEN_PATHS: [&str; 3] = ["/open", "/app.css", "/app.js"];

/// The middleware: Host and Origin on every route; the session on every route but
/// [`OPEN_PATHS`]; on every answer, headers that keep it out of caches and frames and allow
/// only the app's own style sheet, script and images.
pub async fn check(State(g): State<Arc<Guard>>, req: Request<Body>, next: Next) -> Response {
    let mut resp = if let Some(why) = g.foreign(req.method(), req.headers()) {
        refusal(StatusCode::FORBIDDEN, why)
    } else if !OPEN_PATHS.contains(&req.uri().path()) && g.session_id(req.headers()).is_none() {
        refusal(
            StatusCode::UNAUTHORIZED,
            "this browser has no session with this app",
        )
    } else {
        next.run(req).await
    };
    let h = resp.headers_mut();
    for (name, value) in [
        // Results and a data owner's problems are not written to the browser's cache.
        (header::CACHE_CONTROL, "no-store"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // `same-origin`: with `no-referrer` a browser sends `Origin: null` on form posts.
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        h.insert(name, axum::http::HeaderValue::from_static(value));
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_prints_carry_no_secret_token_or_session_id() {
        let g = Guard::new(1234, "s3cr3t".into());
        let id = g.open("s3cr3t").unwrap();
        g.with_session(&id, |s| s.signed_in = Some(("t0k3n".into(), "rita".into())));
        let text = format!("{g:?} {:?}", g.with_session(&id, |s| format!("{s:?}")));
        assert!(text.contains("rita"), "{text}");
        for hidden in ["s3cr3t", "t0k3n", id.as_str()] {
            assert!(!text.contains(hidden), "{text}");
        }
        // The secret works once.
        assert!(g.open("s3cr3t").is_none());
    }
}
