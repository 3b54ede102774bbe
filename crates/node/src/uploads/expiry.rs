//! Expiry of staged uploads: an upload that was begun but is still *open* (never prepared,
//! committed or aborted) and has seen no activity (begin or chunk) for the node's
//! `upload_expiry_secs` (default 24 h) is aborted: its staged dataset and every share chunk are
//! deleted, and the expiry is written to the audit log.
//!
//! Every node sweeps its own open uploads (a background pass every [`INTERVAL`], and
//! [`sweep`] on demand). Aborting an *open* upload alone is always safe: a later commit would
//! fail to prepare on this node and abort everywhere. The coordinator additionally records the
//! decision *abort* and tells both peers, so the upload is aborted on all three nodes even if a
//! peer's clock or configuration differs. Prepared uploads are left to [`super::recovery`]:
//! only their coordinator may decide them.
use crate::jobs::peer::{PeerRequest, call, other_parties};
use crate::state::AppState;
use sharestat_store::{Decision, Role, Upload, UploadState};
use std::time::{Duration, SystemTime};

/// How often the background pass looks for expired uploads.
pub const INTERVAL: Duration = Duration::from_secs(60);

/// Starts the background pass; it ends when the node's state is dropped.
pub fn spawn(state: &AppState) {
    let weak = std::sync::Arc::downgrade(state);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(INTERVAL).await;
            let Some(st) = weak.upgrade() else { return };
            sweep(&st, SystemTime::now()).await;
        }
    });
}

/// Whether `up` is open and its last activity is older than `expiry` at `now`.
fn expired(up: &Upload, now: SystemTime, expiry: Duration) -> bool {
    if up.state != UploadState::Open {
        return false;
    }
    match humantime::parse_rfc3339(&up.updated_at) {
        Ok(t) => now.duration_since(t).is_ok_and(|idle| idle >= expiry),
        // An unreadable time stamp cannot be judged; recovery or the owner must act.
        Err(_) => false,
    }
}

/// Aborts every open upload of this node idle for longer than the configured expiry at
/// `now` (tests pass a time in the future), as described in the module documentation.
/// Returns the ids of the uploads it expired.
pub async fn sweep(state: &AppState, now: SystemTime) -> Vec<String> {
    let expiry = state.cfg.upload_expiry();
    let open = match state.store.uploads(Some(UploadState::Open)) {
        Ok(u) => u,
        Err(e) => {
            tracing::error!(error = %e, "cannot list open uploads");
            return Vec::new();
        }
    };
    let mut done = Vec::new();
    for up in open.into_iter().filter(|u| expired(u, now, expiry)) {
        // An upload whose commit or abort is running right now on this node is left alone.
        if state.upload_busy(&up.id) {
            continue;
        }
        let _busy = state.busy_upload(&up.id);
        let reason = format!(
            "expired: staged for longer than {} s without being committed (upload_expiry_secs)",
            expiry.as_secs()
        );
        let coordinator = up.coordinator == state.party();
        let aborted = if coordinator {
            state
                .store
                .record_decision(&up.id, Decision::Abort)
                .and_then(|()| state.store.abort_upload(&up.id))
        } else {
            state.store.abort_upload(&up.id)
        };
        match aborted {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::warn!(upload = %up.id, error = %e, "could not expire the upload");
                continue;
            }
        }
        if let Err(e) = crate::audit::record(
            state,
            &up.uploaded_by,
            Role::DataOwner.as_str(),
            "dataset.upload_expired",
            Some(&up.study),
            Some(&up.name),
            None,
            &format!("upload {} of site {}: {reason}", up.id, up.site),
            "",
        ) {
            tracing::error!(upload = %up.id, error = %e.detail, "audit entry failed");
        }
        if coordinator {
            let req = PeerRequest::UploadAbort {
                upload: up.id.clone(),
                reason: Some(reason.clone()),
            };
            let [a, b] = other_parties(state);
            let (ra, rb) = tokio::join!(call(state, a, &req), call(state, b, &req));
            if ra.is_err() || rb.is_err() {
                tracing::warn!(upload = %up.id, "a peer did not hear of the expiry; its own sweep will expire it");
            }
        }
        tracing::info!(upload = %up.id, "staged upload expired");
        done.push(up.id);
    }
    done
}
