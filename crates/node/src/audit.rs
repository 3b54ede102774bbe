//! Writing this node's audit log (every upload, job and account change) and checking it.
use crate::problem::ApiError;
use crate::state::AppState;
use sharestat_store::NewAuditEntry;

/// Appends one entry to the hash-chained audit log. A failure to audit fails the operation.
#[allow(clippy::too_many_arguments)]
pub fn record(
    state: &AppState,
    actor: &str,
    role: &str,
    action: &str,
    study: Option<&str>,
    dataset: Option<&str>,
    job: Option<&str>,
    detail: &str,
    revealed: &str,
) -> Result<(), ApiError> {
    state.store.append_audit(&NewAuditEntry {
        actor: actor.into(),
        role: role.into(),
        action: action.into(),
        study: study.map(String::from),
        dataset: dataset.map(String::from),
        job: job.map(String::from),
        detail: detail.into(),
        revealed: revealed.into(),
    })?;
    Ok(())
}
