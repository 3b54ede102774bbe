//! Reading and verifying this node's audit log.
use crate::auth::Caller;
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use sharestat_store::{AuditEntry, Role};
use utoipa::{IntoParams, ToSchema};

/// One audit entry.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, PartialEq)]
pub struct AuditView {
    /// Position in the chain, from 1.
    pub seq: u64,
    /// Time (RFC 3339).
    pub ts: String,
    /// Who acted.
    pub actor: String,
    /// In which role.
    pub role: String,
    /// What happened (e.g. `job.submit`, `dataset.upload`).
    pub action: String,
    /// Study concerned.
    pub study: Option<String>,
    /// Dataset concerned.
    pub dataset: Option<String>,
    /// Job concerned.
    pub job: Option<String>,
    /// Query text or upload summary.
    pub detail: String,
    /// What was revealed (public results).
    pub revealed: String,
    /// Hash of the previous entry (hex).
    pub prev_hash: String,
    /// Hash of this entry (hex).
    pub hash: String,
}

impl From<AuditEntry> for AuditView {
    fn from(e: AuditEntry) -> Self {
        AuditView {
            seq: e.seq,
            ts: e.ts,
            actor: e.actor,
            role: e.role,
            action: e.action,
            study: e.study,
            dataset: e.dataset,
            job: e.job,
            detail: e.detail,
            revealed: e.revealed,
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

/// Audit list filters.
#[derive(Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Only entries after this sequence number.
    pub after: Option<u64>,
    /// At most this many (default 1000).
    pub limit: Option<usize>,
    /// Only entries of this study (required for study-level auditors and data owners).
    pub study: Option<String>,
}

/// Audit entries: administrators and node auditors see all; study auditors and data owners see
/// their study's entries.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = [AuditView]), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem)),
    security(("bearer" = ["admin", "auditor", "data_owner"])))]
pub async fn list(
    State(state): State<AppState>,
    c: Caller,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Vec<AuditView>>, ApiError> {
    match &q.study {
        None => c.require(None, &[Role::Admin, Role::Auditor])?,
        Some(s) => c.require(Some(s), &[Role::Admin, Role::Auditor, Role::DataOwner])?,
    }
    let entries = state.store.audit(
        q.after.unwrap_or(0),
        q.limit.unwrap_or(1000).min(10_000),
        q.study.as_deref(),
    )?;
    Ok(Json(entries.into_iter().map(Into::into).collect()))
}

/// Result of checking the hash chain.
#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct VerifyView {
    /// True when every entry's hash and link check out.
    pub ok: bool,
    /// Number of entries.
    pub entries: u64,
    /// Hash of the last entry.
    pub head: String,
    /// The first entry that does not check out.
    pub first_bad_seq: Option<u64>,
    /// Why it does not.
    pub reason: Option<String>,
}

/// Recomputes the whole hash chain of this node's audit log.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit",
    responses((status = 200, body = VerifyView), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem)),
    security(("bearer" = ["admin", "auditor"])))]
pub async fn verify(
    State(state): State<AppState>,
    c: Caller,
) -> Result<Json<VerifyView>, ApiError> {
    c.require(None, &[Role::Admin, Role::Auditor])?;
    let st = state.clone();
    let r = tokio::task::spawn_blocking(move || st.store.verify_audit())
        .await
        .map_err(|_| ApiError::internal("verification task failed"))??;
    Ok(Json(VerifyView {
        ok: r.first_bad.is_none(),
        entries: r.entries,
        head: r.head,
        first_bad_seq: r.first_bad.as_ref().map(|f| f.seq),
        reason: r.first_bad.map(|f| f.reason),
    }))
}
