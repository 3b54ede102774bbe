//! Role gates: every route's authentication and role check, run as route middleware *before*
//! the handler's extractors (path, query string, body).
//!
//! A caller without a token gets 401 and a caller without the route's role gets 403 whatever
//! they send: a malformed or huge body is never read, let alone parsed, so its 400 cannot tell
//! a stranger what the route expects, and a forbidden upload costs the node nothing. The gate
//! puts the authenticated [`Caller`] into the request's extensions, where the handler's
//! `Caller` argument finds it (one token lookup per request).
//!
//! A gate checks what can be known before the body: the roles node-wide, in the study named by
//! the path, or anywhere (when the study is in the body or the stored resource). Handlers then
//! make the finer checks that need the body or the resource (the study of a job, the site of
//! an upload); those callers hold the route's role, so a 400 tells them nothing new.
use crate::auth::Caller;
use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequestParts, RawPathParams, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use sharestat_store::Role;

/// What a route requires before its handler runs.
#[derive(Clone, Copy, Debug)]
pub enum Gate {
    /// Any authenticated user.
    Any,
    /// One of these roles node-wide.
    Node(&'static [Role]),
    /// One of these roles in the study of the path's `{study}` (or node-wide).
    Study(&'static [Role]),
    /// One of these roles in some study or node-wide.
    Anywhere(&'static [Role]),
}

impl Gate {
    /// Checks `caller` against the gate; `study` is the path's `{study}`, if any.
    pub fn check(&self, caller: &Caller, study: Option<&str>) -> Result<(), ApiError> {
        match *self {
            Gate::Any => Ok(()),
            Gate::Node(roles) => caller.require(None, roles),
            Gate::Study(roles) => match study {
                Some(s) => caller.require(Some(s), roles),
                None => Err(ApiError::internal(
                    "a study gate on a route without {study}",
                )),
            },
            Gate::Anywhere(roles) => {
                if roles.iter().any(|&r| caller.has_anywhere(r)) {
                    return Ok(());
                }
                let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                Err(ApiError::forbidden(format!(
                    "user {} holds none of the roles [{}]",
                    caller.user,
                    names.join(", ")
                )))
            }
        }
    }
}

/// The middleware: authenticate, check the gate, pass the caller on.
async fn run(State((state, gate)): State<(AppState, Gate)>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let caller = match Caller::from_request_parts(&mut parts, &state).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let study = match RawPathParams::from_request_parts(&mut parts, &state).await {
        Ok(params) => params
            .iter()
            .find(|(k, _)| *k == "study")
            .map(|(_, v)| v.to_owned()),
        // Not valid UTF-8 once percent-decoded: no study has that name, so only node-wide
        // grants pass (and the handler's path extractor then answers 400).
        Err(_) => Some(String::new()),
    };
    if let Err(e) = gate.check(&caller, study.as_deref()) {
        return e.into_response();
    }
    parts.extensions.insert(caller);
    next.run(Request::from_parts(parts, body)).await
}

/// `route` with `gate` in front of its handler.
pub fn gated(
    state: &AppState,
    gate: Gate,
    route: MethodRouter<AppState>,
) -> MethodRouter<AppState> {
    route.route_layer(axum::middleware::from_fn_with_state(
        (state.clone(), gate),
        run,
    ))
}
