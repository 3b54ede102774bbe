//! Resolving in-doubt uploads: a background pass every few seconds (and right after start).
//!
//! - At the coordinator, a prepared upload with decision *commit* is committed (the node
//!   crashed between deciding and applying); one without a decision is aborted (presumed
//!   abort: the coordinator never decided, so no node can have committed).
//! - At a peer, a prepared upload asks its coordinator for the decision and applies it; while
//!   the coordinator is unreachable or undecided the upload stays prepared and invisible.
//!
//! Uploads whose commit is running right now on this node are skipped.
use super::coordinator::push_decision;
use crate::jobs::peer::{PeerReply, PeerRequest, call};
use crate::state::AppState;
use sharestat_net::PartyId;
use sharestat_store::{Decision, UploadState};
use std::time::Duration;

/// How often in-doubt uploads are looked at.
pub const INTERVAL: Duration = Duration::from_secs(2);

/// Starts the recovery loop; it ends when the node's state is dropped.
pub fn spawn(state: &AppState) {
    let weak = std::sync::Arc::downgrade(state);
    tokio::spawn(async move {
        loop {
            let Some(st) = weak.upgrade() else { return };
            pass(&st).await;
            drop(st);
            tokio::time::sleep(INTERVAL).await;
        }
    });
}

/// One recovery pass.
pub async fn pass(state: &AppState) {
    let prepared = match state.store.uploads(Some(UploadState::Prepared)) {
        Ok(u) => u,
        Err(e) => {
            tracing::error!(error = %e, "cannot list in-doubt uploads");
            return;
        }
    };
    for up in prepared {
        if state.upload_busy(&up.id) {
            continue;
        }
        let result = if up.coordinator == state.party() {
            let decision = up.decision.unwrap_or(Decision::Abort);
            let applied = match decision {
                Decision::Commit => state.store.commit_upload(&up.id).map(|_| ()),
                Decision::Abort => state
                    .store
                    .record_decision(&up.id, Decision::Abort)
                    .and_then(|_| state.store.abort_upload(&up.id).map(|_| ())),
            };
            if applied.is_ok() {
                tracing::info!(upload = %up.id, ?decision, "in-doubt upload resolved by its coordinator");
                push_decision(state, &up, decision).await;
            }
            applied.map_err(|e| e.to_string())
        } else {
            let coord = PartyId::new(up.coordinator as usize).expect("party < 3");
            match call(
                state,
                coord,
                &PeerRequest::UploadDecision {
                    upload: up.id.clone(),
                },
            )
            .await
            {
                Ok(PeerReply::Decision { commit: Some(true) }) => state
                    .store
                    .commit_upload(&up.id)
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                Ok(PeerReply::Decision {
                    commit: Some(false),
                }) => state
                    .store
                    .abort_upload(&up.id)
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                _ => Ok(()), // undecided or unreachable: stay in doubt, ask again later
            }
        };
        if let Err(e) = result {
            tracing::warn!(upload = %up.id, error = %e, "recovery of an upload failed; will retry");
        }
    }
}
