//! Who is calling: bearer-token authentication and role checks.
//!
//! Every route's gate ([`crate::api::gate`]) authenticates the caller before the handler reads
//! the request (401), checks the route's roles (403) and hands the [`Caller`] to the handler,
//! which makes its finer checks with [`Caller::require`] (403 otherwise). Roles are
//! per study (`researcher`, `data_owner` bound to one site, `auditor`) or node-wide (`admin`,
//! and `auditor` for the whole node).
use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sharestat_store::{Role, RoleGrant};

/// An authenticated caller.
#[derive(Clone, Debug)]
pub struct Caller {
    /// User name.
    pub user: String,
    /// The caller's role grants on this node.
    pub grants: Vec<RoleGrant>,
    /// The bearer token, kept only to forward a job proposal to the peers (each peer checks it
    /// against its own accounts). Never logged.
    pub token: String,
}

impl Caller {
    /// Authenticates a raw bearer token against this node's accounts.
    pub fn authenticate(state: &AppState, token: &str) -> Result<Caller, ApiError> {
        let hash = crate::token::hash(token);
        let Some((user, _)) = state.store.authenticate(&hash)? else {
            return Err(ApiError::unauthorized("unknown, revoked or disabled token"));
        };
        let grants = state.store.grants(&user.name)?;
        Ok(Caller {
            user: user.name,
            grants,
            token: token.to_string(),
        })
    }

    /// True if the caller holds `role` for `study` (a node-wide grant covers every study).
    pub fn has(&self, role: Role, study: Option<&str>) -> bool {
        self.grants.iter().any(|g| {
            g.role == role && (g.study.is_none() || study.is_some() && g.study.as_deref() == study)
        })
    }

    /// True for a node administrator.
    pub fn is_admin(&self) -> bool {
        self.has(Role::Admin, None)
    }

    /// True if the caller holds `role` in any study or node-wide.
    pub fn has_anywhere(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// Requires one of `roles` for `study` (or node-wide when `study` is `None`).
    pub fn require(&self, study: Option<&str>, roles: &[Role]) -> Result<(), ApiError> {
        if roles.iter().any(|&r| self.has(r, study)) {
            return Ok(());
        }
        let want: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        Err(ApiError::forbidden(match study {
            Some(s) => format!(
                "user {} needs one of the roles [{}] in study {s}",
                self.user,
                want.join(", ")
            ),
            None => format!(
                "user {} needs one of the node-wide roles [{}]",
                self.user,
                want.join(", ")
            ),
        }))
    }

    /// Sites for which the caller is a data owner in `study`.
    pub fn owner_sites(&self, study: &str) -> Vec<String> {
        self.grants
            .iter()
            .filter(|g| g.role == Role::DataOwner && g.study.as_deref() == Some(study))
            .filter_map(|g| g.site.clone())
            .collect()
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        // Already authenticated by the route's gate (crate::api::gate).
        if let Some(c) = parts.extensions.get::<Caller>() {
            return Ok(c.clone());
        }
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .ok_or_else(|| ApiError::unauthorized("missing Authorization: Bearer <token>"))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::unauthorized("Authorization header is not a bearer token"))?;
        // One indexed SQLite lookup (tens of microseconds): done inline.
        Caller::authenticate(state, token)
    }
}
