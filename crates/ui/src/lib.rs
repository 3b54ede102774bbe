//! # sharestat-ui: the local web application (`sharestat ui`, issue 17)
//!
//! A web application that runs on the user's own machine, on 127.0.0.1, so that every role
//! can work from a browser with the command line's guarantee: whatever this process reads (a
//! data owner's file) stays on the machine and only shares leave it; the user's token stays
//! in this process's memory.
//!
//! ## Layout
//!
//! | module | what it holds |
//! |---|---|
//! | [`guard`] | who may talk to the app: the one-time secret and its session cookie, Host and Origin checks (DNS rebinding, cross-site requests), the security headers |
//! | [`pages`] | the page frame, escaping, small HTML helpers; the app's own CSS and script |
//! | [`home`] | opening the link, signing in and out, each role's entry page |
//! | [`analysis`] | the researcher's editor, runs (whole script or selection) and the session's history |
//! | [`results`] | a run's outputs as R prints them, tables as tables, plots, JSON and CSV downloads |
//! | [`help`] | `help()` of every function of the analysis language |
//! | [`owner`] | the data owner's page: dictionary, file check (in this process), datasets, audit entries |
//! | [`sharing`] | a checked file shared on this machine and committed on the three nodes, with progress; withdrawal |
//! | [`audit`] | the data protection officer's page: the three nodes' logs, their chains and the cross-check |
//! | [`operator`] | the node operator's page: health, studies, accounts |
//! | this file | the app's state, the signed-in user ([`Me`]), the routes and [`Ui::start`] |
//!
//! Every page is rendered on the server; the only script is the app's own `app.js` (line
//! numbers and "run selection" in the editor). Nothing is fetched from elsewhere: the app
//! works offline, talking only to the consortium's nodes.
#![forbid(unsafe_code)]

pub mod analysis;
pub mod audit;
pub mod guard;
pub mod help;
pub mod home;
pub mod operator;
pub mod owner;
pub mod pages;
pub mod results;
pub mod sharing;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Router, middleware};
use guard::Guard;
use sharestat_wire::Client;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// The consortium the app talks to: its three nodes' API clients (party order, without a
/// token: the signed-in user's is added per request) and their names.
pub struct Consortium {
    /// The nodes' clients, party order.
    pub nodes: Vec<Client>,
    /// The nodes' names, party order.
    pub names: Vec<String>,
    /// The node that signs users in and runs their queries.
    pub home: usize,
}

/// How to start the app.
#[derive(Default)]
pub struct Options {
    /// Port on 127.0.0.1 (0: a free one).
    pub port: u16,
    /// The consortium (without one, the app can only show that it has none).
    pub consortium: Option<Consortium>,
    /// A token that signs in the session of the one-time link (`sharestat demo --ui`).
    pub token: Option<String>,
    /// The editor's text before the first run (`sharestat demo --ui`: the pilot's analysis).
    pub script: Option<String>,
    /// How long the data owner's confirmation waits for the commit before it answers with the
    /// progress page (default: two seconds).
    pub confirm_wait: Option<std::time::Duration>,
}

/// The app's state.
#[derive(Clone)]
pub(crate) struct App {
    pub(crate) guard: Arc<Guard>,
    pub(crate) cons: Option<Arc<Consortium>>,
    /// The editor's first text.
    pub(crate) script: Arc<String>,
    /// The token that signs in the first session, until it is used.
    pub(crate) preset: Arc<Mutex<Option<String>>>,
    /// See [`Options::confirm_wait`].
    pub(crate) confirm_wait: std::time::Duration,
}

/// The signed-in user of a request: handlers that take it redirect to the sign-in page when
/// there is none.
pub(crate) struct Me {
    /// The session id.
    pub session: String,
    /// The user's name.
    pub user: String,
    /// The three nodes with the user's token, party order.
    pub nodes: Vec<Client>,
    /// The node that runs queries and answers reads.
    pub home: Client,
    /// The nodes' names.
    pub names: Vec<String>,
    /// The home node's name.
    pub home_name: String,
}

impl Me {
    /// The user's grants as the home node states them now (`Null` when it cannot be asked):
    /// what the pages offer and accept follows them, not what the session remembers.
    pub async fn whoami(&self) -> serde_json::Value {
        self.home
            .get("/api/v1/whoami")
            .await
            .unwrap_or(serde_json::Value::Null)
    }

    /// Reads or changes this user's session.
    pub fn session<T>(&self, app: &App, f: impl FnOnce(&mut guard::Session) -> T) -> Option<T> {
        app.guard.with_session(&self.session, f)
    }
}

impl FromRequestParts<App> for Me {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Me, Response> {
        let not_signed_in = || Redirect::to("/").into_response();
        let id = app
            .guard
            .session_id(&parts.headers)
            .ok_or_else(not_signed_in)?;
        let (token, user) = app
            .guard
            .with_session(&id, |s| s.signed_in.clone())
            .flatten()
            .ok_or_else(not_signed_in)?;
        let cons = app.cons.as_ref().ok_or_else(not_signed_in)?;
        let nodes: Vec<Client> = cons
            .nodes
            .iter()
            .map(|n| n.with_token(Some(token.clone())))
            .collect();
        Ok(Me {
            session: id,
            user,
            home: nodes[cons.home].clone(),
            home_name: cons.names[cons.home].clone(),
            nodes,
            names: cons.names.clone(),
        })
    }
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
    /// Starts the app on 127.0.0.1 as `opts` say.
    pub async fn start(opts: Options) -> std::io::Result<Ui> {
        if let Some(c) = &opts.consortium
            && (c.nodes.len() != 3 || c.names.len() != 3 || c.home > 2)
        {
            return Err(std::io::Error::other(
                "a consortium has three nodes, and the home node is one of them",
            ));
        }
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", opts.port)).await?;
        let addr = listener.local_addr()?;
        let secret = guard::random_hex();
        let app = App {
            guard: Guard::new(addr.port(), secret.clone()),
            cons: opts.consortium.map(Arc::new),
            script: Arc::new(opts.script.unwrap_or_default()),
            preset: Arc::new(Mutex::new(opts.token)),
            confirm_wait: opts
                .confirm_wait
                .unwrap_or(std::time::Duration::from_secs(2)),
        };
        let router = Router::new()
            .route("/", get(home::home))
            .route("/open", get(home::open))
            .route("/signin", post(home::sign_in))
            .route("/signout", post(home::sign_out))
            .route("/app.css", get(pages::css))
            .route("/app.js", get(pages::js))
            .route("/analysis", get(analysis::show))
            .route("/run", post(analysis::run))
            .route("/results/{run}/{file}", get(results::download))
            .route("/plot/{run}/{output}/{file}", get(results::plot))
            .route("/help", get(help::index))
            .route("/help/{name}", get(help::show))
            .route("/upload", get(owner::show))
            // A site's file may be large; it stays in this process (no limit, axum's default is 2 MB).
            .route(
                "/upload/check",
                post(owner::check).layer(axum::extract::DefaultBodyLimit::disable()),
            )
            .route("/upload/errors.csv", get(owner::errors_csv))
            .route("/upload/confirm", post(sharing::confirm))
            .route("/upload/progress", get(sharing::progress))
            .route("/datasets/withdraw", post(sharing::withdraw))
            .route("/audit", get(audit::show))
            .route("/audit/job/{job}", get(audit::job))
            .route("/nodes", get(operator::show))
            .route("/nodes/users", post(operator::add_user))
            .route("/nodes/users/disable", post(operator::disable_user))
            .route("/nodes/tokens/revoke", post(operator::revoke_token))
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
