//! Accounts (administrators only): users, bearer tokens (shown once, stored as hashes,
//! revocable) and role grants.
//!
//! A consortium user needs an account on each of the three nodes, granted by each node's own
//! administrator. To give the user one token for all three, create it on one node and register
//! its hash on the others (`token_sha256` in [`TokenBody`]); no node ever stores the token.
use crate::auth::Caller;
use crate::problem::{ApiError, Body};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use sharestat_store::{Role, RoleGrant, TokenInfo, User};
use utoipa::ToSchema;

/// A role grant.
#[derive(Serialize, Deserialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct GrantBody {
    /// admin, data_owner, researcher or auditor.
    pub role: String,
    /// Study (absent: node-wide; required for data_owner and researcher).
    #[serde(default)]
    pub study: Option<String>,
    /// Site (data_owner only).
    #[serde(default)]
    pub site: Option<String>,
}

impl From<&RoleGrant> for GrantBody {
    fn from(g: &RoleGrant) -> Self {
        GrantBody {
            role: g.role.as_str().into(),
            study: g.study.clone(),
            site: g.site.clone(),
        }
    }
}

impl GrantBody {
    fn to_grant(&self, user: &str) -> Result<RoleGrant, ApiError> {
        let role: Role = self.role.parse().map_err(|_| {
            ApiError::bad_request(format!(
                "role {:?} is not one of admin, data_owner, researcher, auditor",
                self.role
            ))
        })?;
        if matches!(role, Role::Researcher | Role::DataOwner) && self.study.is_none() {
            return Err(ApiError::bad_request(format!(
                "role {} needs a study",
                self.role
            )));
        }
        Ok(RoleGrant {
            user: user.into(),
            role,
            study: self.study.clone(),
            site: self.site.clone(),
        })
    }
}

/// A user.
#[derive(Serialize, ToSchema)]
pub struct UserView {
    /// User name.
    pub name: String,
    /// Display name.
    pub display_name: String,
    /// Creation time.
    pub created_at: String,
    /// Disabled users cannot authenticate.
    pub disabled: bool,
    /// Role grants on this node.
    pub grants: Vec<GrantBody>,
    /// Tokens (never the token values), when showing one user.
    pub tokens: Option<Vec<TokenView>>,
}

/// A token's metadata.
#[derive(Serialize, ToSchema)]
pub struct TokenView {
    /// Token id (for revocation).
    pub id: String,
    /// Label.
    pub label: String,
    /// Creation time.
    pub created_at: String,
    /// Revoked tokens no longer authenticate.
    pub revoked: bool,
}

impl From<TokenInfo> for TokenView {
    fn from(t: TokenInfo) -> Self {
        TokenView {
            id: t.id,
            label: t.label,
            created_at: t.created_at,
            revoked: t.revoked,
        }
    }
}

fn user_view(state: &AppState, u: User, with_tokens: bool) -> Result<UserView, ApiError> {
    let grants = state
        .store
        .grants(&u.name)?
        .iter()
        .map(Into::into)
        .collect();
    let tokens = if with_tokens {
        Some(
            state
                .store
                .tokens(&u.name)?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    } else {
        None
    };
    Ok(UserView {
        name: u.name,
        display_name: u.display_name,
        created_at: u.created_at,
        disabled: u.disabled,
        grants,
        tokens,
    })
}

/// A new user.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    /// User name: 1-64 of `a-z 0-9 _ . @ -`.
    pub name: String,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
    /// Roles to grant at once.
    #[serde(default)]
    pub grants: Vec<GrantBody>,
    /// Register this token hash instead of generating a token (hex SHA-256).
    #[serde(default)]
    pub token_sha256: Option<String>,
}

/// A created user or token; `token` is shown only in this response.
#[derive(Serialize, ToSchema)]
pub struct Created {
    /// The user.
    pub user: UserView,
    /// The new token (absent when a hash was registered).
    pub token: Option<String>,
    /// The token's id.
    pub token_id: String,
}

/// Token creation options.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    /// Label, e.g. the device or purpose.
    #[serde(default)]
    pub label: String,
    /// Register this hash (hex SHA-256 of a token made on another node) instead of generating.
    #[serde(default)]
    pub token_sha256: Option<String>,
}

/// A new token and its hash, or (`import`) only the hash of a token made on another node.
fn new_token(import: Option<&str>) -> Result<(Option<String>, [u8; 32]), ApiError> {
    Ok(match import {
        Some(h) => (
            None,
            crate::token::parse_hash(h)
                .ok_or_else(|| ApiError::bad_request("token_sha256 must be 64 hex characters"))?,
        ),
        None => {
            let t = crate::token::generate();
            let h = crate::token::hash(&t);
            (Some(t), h)
        }
    })
}

fn make_token(
    state: &AppState,
    user: &str,
    label: &str,
    import: Option<&str>,
) -> Result<(Option<String>, TokenInfo), ApiError> {
    let (token, hash) = new_token(import)?;
    Ok((token, state.store.add_token(user, hash, label)?))
}

/// All users of this node.
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts",
    responses((status = 200, body = [UserView]), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem)),
    security(("bearer" = ["admin"])))]
pub async fn list(
    State(state): State<AppState>,
    c: Caller,
) -> Result<Json<Vec<UserView>>, ApiError> {
    c.require(None, &[Role::Admin])?;
    let users = state.store.users()?;
    Ok(Json(
        users
            .into_iter()
            .map(|u| user_view(&state, u, false))
            .collect::<Result<_, _>>()?,
    ))
}

/// Creates a user with a first token (shown once) and optional grants.
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewUserBody,
    responses((status = 201, body = Created), (status = 400, body = crate::problem::Problem),
        (status = 401, body = crate::problem::Problem), (status = 403, body = crate::problem::Problem),
        (status = 409, body = crate::problem::Problem)),
    security(("bearer" = ["admin"])))]
pub async fn create(
    State(state): State<AppState>,
    c: Caller,
    Body(b): Body<NewUserBody>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    c.require(None, &[Role::Admin])?;
    let grants: Vec<RoleGrant> = b
        .grants
        .iter()
        .map(|g| g.to_grant(&b.name))
        .collect::<Result<_, _>>()?;
    // The user, its grants and its token are written in one transaction: a grant in a study
    // this node does not hold, or a token hash already registered, leaves no account behind.
    let (token, hash) = new_token(b.token_sha256.as_deref())?;
    let (u, info) = state
        .store
        .create_account(&b.name, &b.display_name, &grants, hash, "initial")
        .map_err(|e| match e {
            sharestat_store::StoreError::NotFound { .. } => ApiError::not_found(format!(
                "{e} on {}; user {} was not created",
                state.party_name(state.party() as usize),
                b.name
            )),
            other => other.into(),
        })?;
    let roles: Vec<String> = grants
        .iter()
        .map(|g| match &g.study {
            Some(s) => format!("{} in {s}", g.role.as_str()),
            None => g.role.as_str().to_string(),
        })
        .collect();
    crate::audit::record(
        &state,
        &c.user,
        "admin",
        "user.create",
        None,
        None,
        None,
        &format!("user {} with roles [{}]", u.name, roles.join(", ")),
        "",
    )?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            user: user_view(&state, u, true)?,
            token,
            token_id: info.id,
        }),
    ))
}

fn find_user(state: &AppState, name: &str) -> Result<User, ApiError> {
    state
        .store
        .user(name)?
        .ok_or_else(|| ApiError::not_found(format!("no user {name:?}")))
}

/// One user with grants and token metadata.
#[utoipa::path(get, path = "/api/v1/users/{user}", tag = "accounts",
    params(("user" = String, Path, description = "User name")),
    responses((status = 200, body = UserView), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem)),
    security(("bearer" = ["admin"])))]
pub async fn show(
    State(state): State<AppState>,
    c: Caller,
    Path(user): Path<String>,
) -> Result<Json<UserView>, ApiError> {
    c.require(None, &[Role::Admin])?;
    Ok(Json(user_view(&state, find_user(&state, &user)?, true)?))
}

/// Creates a token for a user (shown once), or registers a token hash made on another node.
#[utoipa::path(post, path = "/api/v1/users/{user}/tokens", tag = "accounts", request_body = TokenBody,
    params(("user" = String, Path, description = "User name")),
    responses((status = 201, body = Created), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem)),
    security(("bearer" = ["admin"])))]
pub async fn add_token(
    State(state): State<AppState>,
    c: Caller,
    Path(user): Path<String>,
    Body(b): Body<TokenBody>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    c.require(None, &[Role::Admin])?;
    let u = find_user(&state, &user)?;
    let (token, info) = make_token(&state, &u.name, &b.label, b.token_sha256.as_deref())?;
    crate::audit::record(
        &state,
        &c.user,
        "admin",
        "token.create",
        None,
        None,
        None,
        &format!("token {} for user {}", info.id, u.name),
        "",
    )?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            user: user_view(&state, u, true)?,
            token,
            token_id: info.id,
        }),
    ))
}

/// Revokes a token.
#[utoipa::path(delete, path = "/api/v1/tokens/{token}", tag = "accounts",
    params(("token" = String, Path, description = "Token id")),
    responses((status = 204), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem)),
    security(("bearer" = ["admin"])))]
pub async fn revoke_token(
    State(state): State<AppState>,
    c: Caller,
    Path(token): Path<String>,
) -> Result<StatusCode, ApiError> {
    c.require(None, &[Role::Admin])?;
    if !state.store.revoke_token(&token)? {
        return Err(ApiError::not_found(format!("no token {token:?}")));
    }
    crate::audit::record(
        &state,
        &c.user,
        "admin",
        "token.revoke",
        None,
        None,
        None,
        &format!("token {token}"),
        "",
    )?;
    Ok(StatusCode::NO_CONTENT)
}

/// Grants a role.
#[utoipa::path(post, path = "/api/v1/users/{user}/grants", tag = "accounts", request_body = GrantBody,
    params(("user" = String, Path, description = "User name")),
    responses((status = 200, body = UserView), (status = 400, body = crate::problem::Problem),
        (status = 401, body = crate::problem::Problem), (status = 403, body = crate::problem::Problem),
        (status = 404, body = crate::problem::Problem)),
    security(("bearer" = ["admin"])))]
pub async fn grant(
    State(state): State<AppState>,
    c: Caller,
    Path(user): Path<String>,
    Body(b): Body<GrantBody>,
) -> Result<Json<UserView>, ApiError> {
    c.require(None, &[Role::Admin])?;
    let u = find_user(&state, &user)?;
    state.store.grant(&b.to_grant(&u.name)?)?;
    crate::audit::record(
        &state,
        &c.user,
        "admin",
        "role.grant",
        b.study.as_deref(),
        None,
        None,
        &format!("{} to {} (site {:?})", b.role, u.name, b.site),
        "",
    )?;
    Ok(Json(user_view(&state, u, true)?))
}

/// Revokes a role grant.
#[utoipa::path(post, path = "/api/v1/users/{user}/grants/revoke", tag = "accounts", request_body = GrantBody,
    params(("user" = String, Path, description = "User name")),
    responses((status = 200, body = UserView), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem)),
    security(("bearer" = ["admin"])))]
pub async fn revoke_grant(
    State(state): State<AppState>,
    c: Caller,
    Path(user): Path<String>,
    Body(b): Body<GrantBody>,
) -> Result<Json<UserView>, ApiError> {
    c.require(None, &[Role::Admin])?;
    let u = find_user(&state, &user)?;
    if !state.store.revoke_grant(&b.to_grant(&u.name)?)? {
        return Err(ApiError::not_found(format!(
            "{} holds no such grant",
            u.name
        )));
    }
    crate::audit::record(
        &state,
        &c.user,
        "admin",
        "role.revoke",
        b.study.as_deref(),
        None,
        None,
        &format!("{} from {}", b.role, u.name),
        "",
    )?;
    Ok(Json(user_view(&state, u, true)?))
}

/// Whether a user may sign in.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisableBody {
    /// `true` disables the account (its tokens stop working), `false` enables it again.
    pub disabled: bool,
}

/// Disables a user (every token of theirs is refused) or enables them again.
#[utoipa::path(post, path = "/api/v1/users/{user}/disable", tag = "accounts", request_body = DisableBody,
    params(("user" = String, Path, description = "User name")),
    responses((status = 200, body = UserView), (status = 400, body = crate::problem::Problem),
        (status = 401, body = crate::problem::Problem), (status = 403, body = crate::problem::Problem),
        (status = 404, body = crate::problem::Problem)),
    security(("bearer" = ["admin"])))]
pub async fn disable(
    State(state): State<AppState>,
    c: Caller,
    Path(user): Path<String>,
    Body(b): Body<DisableBody>,
) -> Result<Json<UserView>, ApiError> {
    c.require(None, &[Role::Admin])?;
    if user == c.user && b.disabled {
        return Err(ApiError::bad_request(
            "an administrator cannot disable their own account (another administrator can)",
        ));
    }
    if !state.store.set_user_disabled(&user, b.disabled)? {
        return Err(ApiError::not_found(format!("no user {user:?}")));
    }
    let action = if b.disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    crate::audit::record(
        &state,
        &c.user,
        "admin",
        action,
        None,
        None,
        None,
        &format!("user {user}"),
        "",
    )?;
    Ok(Json(user_view(&state, find_user(&state, &user)?, true)?))
}
