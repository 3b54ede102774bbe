//! Studies: a data dictionary and a disclosure policy that the consortium agreed on; every node
//! keeps its own copy and its hash.
use crate::auth::Caller;
use crate::problem::{ApiError, Body};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use sharestat_store::{NewStudy, Role, Study};
use utoipa::ToSchema;

/// Roles that may read a study.
pub const READERS: [Role; 4] = [
    Role::Admin,
    Role::Auditor,
    Role::Researcher,
    Role::DataOwner,
];

/// A new study.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStudyBody {
    /// Identifier: 1-64 of `a-z 0-9 _ -`.
    pub id: String,
    /// Human title.
    pub title: String,
    /// The data dictionary (TOML text).
    pub dictionary: String,
    /// The disclosure policy (TOML text).
    pub policy: String,
}

/// A study.
#[derive(Serialize, ToSchema)]
pub struct StudyView {
    /// Identifier.
    pub id: String,
    /// Title.
    pub title: String,
    /// SHA-256 of the dictionary text (hex): compare across nodes.
    pub dictionary_sha256: String,
    /// SHA-256 of the policy text (hex).
    pub policy_sha256: String,
    /// Creation time.
    pub created_at: String,
    /// Dictionary text (only when showing one study).
    pub dictionary: Option<String>,
    /// Policy text (only when showing one study).
    pub policy: Option<String>,
}

fn view(s: Study, full: bool) -> StudyView {
    StudyView {
        dictionary: full.then(|| s.dictionary.clone()),
        policy: full.then(|| s.policy.clone()),
        id: s.id,
        title: s.title,
        dictionary_sha256: s.dictionary_sha256,
        policy_sha256: s.policy_sha256,
        created_at: s.created_at,
    }
}

/// The studies the caller has a role in (all of them for administrators and node auditors).
#[utoipa::path(get, path = "/api/v1/studies", tag = "studies",
    responses((status = 200, body = [StudyView]), (status = 401, body = crate::problem::Problem)),
    security(("bearer" = ["any"])))]
pub async fn list(
    State(state): State<AppState>,
    c: Caller,
) -> Result<Json<Vec<StudyView>>, ApiError> {
    let all = state.store.studies()?;
    Ok(Json(
        all.into_iter()
            .filter(|s| READERS.iter().any(|&r| c.has(r, Some(&s.id))))
            .map(|s| view(s, false))
            .collect(),
    ))
}

/// Creates a study (administrators). Each node's administrator creates the same study on their
/// node; the hashes let them check they hold the same texts.
#[utoipa::path(post, path = "/api/v1/studies", tag = "studies", request_body = NewStudyBody,
    responses((status = 201, body = StudyView), (status = 400, body = crate::problem::Problem),
        (status = 401, body = crate::problem::Problem), (status = 403, body = crate::problem::Problem),
        (status = 409, body = crate::problem::Problem)),
    security(("bearer" = ["admin"])))]
pub async fn create(
    State(state): State<AppState>,
    c: Caller,
    Body(b): Body<NewStudyBody>,
) -> Result<(StatusCode, Json<StudyView>), ApiError> {
    c.require(None, &[Role::Admin])?;
    let dict = sharestat_dict::Dictionary::parse(&b.dictionary)
        .map_err(|e| ApiError::bad_request(format!("data dictionary: {e}")))?;
    sharestat_dict::Policy::parse(&b.policy).map_err(|e| ApiError::bad_request(e.to_string()))?;
    if dict.study != b.id {
        return Err(ApiError::bad_request(format!(
            "the data dictionary is for study {:?}, not {:?}",
            dict.study, b.id
        )));
    }
    let s = state.store.create_study(&NewStudy {
        id: b.id,
        title: b.title,
        dictionary: b.dictionary,
        policy: b.policy,
    })?;
    crate::audit::record(
        &state,
        &c.user,
        "admin",
        "study.create",
        Some(&s.id),
        None,
        None,
        &format!(
            "dictionary sha256 {}, policy sha256 {}",
            s.dictionary_sha256, s.policy_sha256
        ),
        "",
    )?;
    Ok((StatusCode::CREATED, Json(view(s, true))))
}

/// Looks a study up, or 404.
pub fn find(state: &AppState, study: &str) -> Result<Study, ApiError> {
    state
        .store
        .study(study)?
        .ok_or_else(|| ApiError::not_found(format!("no study {study:?}")))
}

/// One study with its dictionary and policy.
#[utoipa::path(get, path = "/api/v1/studies/{study}", tag = "studies",
    params(("study" = String, Path, description = "Study id")),
    responses((status = 200, body = StudyView), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem)),
    security(("bearer" = ["admin", "auditor", "researcher", "data_owner"])))]
pub async fn show(
    State(state): State<AppState>,
    c: Caller,
    Path(study): Path<String>,
) -> Result<Json<StudyView>, ApiError> {
    c.require(Some(&study), &READERS)?;
    Ok(Json(view(find(&state, &study)?, true)))
}
