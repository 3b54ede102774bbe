//! The two-phase commit of an upload, the withdrawal of a dataset, and the peer side of both
//! (the peer messages of a relayed upload are handed to [`super::relay`]).
use super::relay;
use super::staging::{find, from_coordinator, own_upload};
use crate::auth::Caller;
use crate::jobs::peer::{PeerReply, PeerRequest, call, expect_ok, other_parties};
use crate::problem::ApiError;
use crate::state::AppState;
use sharestat_net::PartyId;
use sharestat_store::{Dataset, Decision, Role, Upload, UploadState};

fn audit_upload(state: &AppState, user: &str, action: &str, up: &Upload, detail: &str) {
    if let Err(e) = crate::audit::record(
        state,
        user,
        Role::DataOwner.as_str(),
        action,
        Some(&up.study),
        Some(&up.name),
        None,
        detail,
        "",
    ) {
        tracing::error!(upload = %up.id, error = %e.detail, "audit entry failed");
    }
}

fn summary(up: &Upload) -> String {
    format!(
        "upload {} of site {}: {} rows, {} columns{}",
        up.id,
        up.site,
        up.rows,
        up.columns.len(),
        if up.replaces {
            ", replacing the previous version"
        } else {
            ""
        }
    )
}

/// The coordinator's half: prepare everywhere, decide, commit or abort everywhere.
pub async fn commit(state: &AppState, caller: &Caller, id: &str) -> Result<Dataset, ApiError> {
    let _busy = state.busy_upload(id);
    let up = own_upload(state, caller, id)?;
    if up.coordinator != state.party() {
        return Err(ApiError::conflict(format!(
            "upload {id} is coordinated by {}; send the commit there",
            state.party_name(up.coordinator as usize)
        )));
    }
    if up.state == UploadState::Committed {
        return state.store.commit_upload(id).map_err(Into::into);
    }
    // Phase 1: prepare here and at both peers.
    let mut failure = state.store.prepare_upload(id).err().map(|e| {
        ApiError::bad_request(format!("{}: {e}", state.party_name(state.party() as usize)))
    });
    if failure.is_none() {
        let req = PeerRequest::UploadPrepare {
            upload: id.into(),
            token: caller.token.clone(),
        };
        let [a, b] = other_parties(state);
        let (ra, rb) = tokio::join!(call(state, a, &req), call(state, b, &req));
        for (p, r) in [(a, ra), (b, rb)] {
            let err = match r {
                Ok(PeerReply::Ok) => continue,
                Ok(PeerReply::Refused { detail, .. }) => ApiError::refused_by_peer(format!(
                    "{} could not prepare the upload: {detail}",
                    state.party_name(p.index())
                )),
                Ok(other) => ApiError::internal(format!("unexpected reply {other:?}")),
                Err(e) => e,
            };
            failure.get_or_insert(err);
        }
    }
    if let Some(err) = failure {
        state.store.record_decision(id, Decision::Abort)?;
        abort_everywhere(state, &up).await;
        audit_upload(
            state,
            &caller.user,
            "dataset.upload_aborted",
            &up,
            &err.detail,
        );
        return Err(err);
    }
    // Phase 2: the decision is durable before anyone commits.
    state.store.record_decision(id, Decision::Commit)?;
    let ds = state.store.commit_upload(id)?;
    audit_upload(state, &caller.user, "dataset.upload", &up, &summary(&up));
    push_decision(state, &up, Decision::Commit).await;
    Ok(ds)
}

/// Tells both peers the decision; a peer that cannot be reached learns it during recovery.
pub async fn push_decision(state: &AppState, up: &Upload, d: Decision) -> bool {
    let req = match d {
        Decision::Commit => PeerRequest::UploadCommit {
            upload: up.id.clone(),
        },
        Decision::Abort => PeerRequest::UploadAbort {
            upload: up.id.clone(),
            reason: None,
        },
    };
    let [a, b] = other_parties(state);
    let (ra, rb) = tokio::join!(call(state, a, &req), call(state, b, &req));
    let mut all = true;
    for (p, r) in [(a, ra), (b, rb)] {
        if !matches!(r, Ok(PeerReply::Ok)) {
            all = false;
            tracing::warn!(upload = %up.id, peer = %state.party_name(p.index()), "decision not delivered yet; recovery will retry");
        }
    }
    all
}

async fn abort_everywhere(state: &AppState, up: &Upload) {
    if let Err(e) = state.store.abort_upload(&up.id) {
        tracing::warn!(upload = %up.id, error = %e, "local abort failed");
    }
    push_decision(state, up, Decision::Abort).await;
}

/// Aborts an upload on all three nodes (its uploader, at the coordinator).
pub async fn abort(state: &AppState, caller: &Caller, id: &str) -> Result<Upload, ApiError> {
    let _busy = state.busy_upload(id);
    let up = own_upload(state, caller, id)?;
    if up.coordinator != state.party() {
        return Err(ApiError::conflict(format!(
            "upload {id} is coordinated by {}",
            state.party_name(up.coordinator as usize)
        )));
    }
    if up.state == UploadState::Committed {
        return Err(ApiError::conflict(format!(
            "upload {id} is committed already"
        )));
    }
    state.store.record_decision(id, Decision::Abort)?;
    abort_everywhere(state, &up).await;
    audit_upload(
        state,
        &caller.user,
        "dataset.upload_aborted",
        &up,
        "aborted by the data owner",
    );
    Ok(find(state, id)?)
}

/// Withdraws a dataset from all three nodes (a data owner of its site, at any node).
pub async fn withdraw(
    state: &AppState,
    caller: &Caller,
    study: &str,
    name: &str,
) -> Result<Dataset, ApiError> {
    let ds = withdraw_here(state, caller, study, name)?;
    let req = PeerRequest::Withdraw {
        study: study.into(),
        dataset: name.into(),
        token: caller.token.clone(),
    };
    let [a, b] = other_parties(state);
    let (ra, rb) = tokio::join!(call(state, a, &req), call(state, b, &req));
    for (p, r) in [(a, ra), (b, rb)] {
        expect_ok(state, p, r).map_err(|e| ApiError {
            detail: format!("withdrawn here, but not yet everywhere: {}", e.detail),
            ..e
        })?;
    }
    Ok(ds)
}

fn withdraw_here(
    state: &AppState,
    caller: &Caller,
    study: &str,
    name: &str,
) -> Result<Dataset, ApiError> {
    caller.require(Some(study), &[Role::DataOwner])?;
    let ds = state
        .store
        .dataset_by_name(study, name)?
        .ok_or_else(|| ApiError::not_found(format!("study {study} has no dataset {name:?}")))?;
    if !caller.owner_sites(study).contains(&ds.site) {
        return Err(ApiError::forbidden(format!(
            "dataset {name} belongs to site {}; user {} is not its data owner",
            ds.site, caller.user
        )));
    }
    state.store.withdraw_dataset(study, name)?;
    state.columns.forget(&ds.id);
    crate::audit::record(
        state,
        &caller.user,
        Role::DataOwner.as_str(),
        "dataset.withdraw",
        Some(study),
        Some(name),
        None,
        &format!("site {}, {} rows", ds.site, ds.rows),
        "",
    )?;
    Ok(ds)
}

/// Peer side of the upload and withdrawal messages.
pub async fn handle(
    state: &AppState,
    from: PartyId,
    req: PeerRequest,
) -> Result<PeerReply, ApiError> {
    match req {
        PeerRequest::UploadPrepare { upload, token } => {
            let caller = Caller::authenticate(state, &token)?;
            let up = own_upload(state, &caller, &upload)?;
            if up.coordinator as usize != from.index() {
                return Err(ApiError::forbidden(
                    "only the upload's coordinator may prepare it",
                ));
            }
            state.store.prepare_upload(&upload)?;
            Ok(PeerReply::Ok)
        }
        PeerRequest::UploadCommit { upload } => {
            let up = from_coordinator(state, from, &upload)?;
            state.store.commit_upload(&upload)?;
            audit_upload(state, &up.uploaded_by, "dataset.upload", &up, &summary(&up));
            Ok(PeerReply::Ok)
        }
        PeerRequest::UploadAbort { upload, reason } => {
            let up = from_coordinator(state, from, &upload)?;
            if state.store.abort_upload(&upload)? {
                let (action, detail) = match &reason {
                    Some(r) if r.starts_with("expired") => (
                        "dataset.upload_expired",
                        format!(
                            "upload {upload} of site {}: {r} (at the coordinator)",
                            up.site
                        ),
                    ),
                    Some(r) => ("dataset.upload_aborted", r.clone()),
                    None => (
                        "dataset.upload_aborted",
                        "aborted by the coordinator".to_string(),
                    ),
                };
                audit_upload(state, &up.uploaded_by, action, &up, &detail);
            }
            Ok(PeerReply::Ok)
        }
        PeerRequest::UploadDecision { upload } => {
            let d = state.store.upload(&upload)?.and_then(|u| u.decision);
            Ok(PeerReply::Decision {
                commit: d.map(|d| d == Decision::Commit),
            })
        }
        PeerRequest::RelayBegin {
            study,
            begin,
            token,
        } => {
            relay::begin_at_peer(state, from, study, begin, &token)?;
            Ok(PeerReply::Ok)
        }
        PeerRequest::RelayChunk {
            upload,
            chunk,
            sealed,
        } => {
            relay::chunk_at_peer(state, from, &upload, chunk, &sealed).await?;
            Ok(PeerReply::Ok)
        }
        PeerRequest::Withdraw {
            study,
            dataset,
            token,
        } => {
            let caller = Caller::authenticate(state, &token)?;
            match withdraw_here(state, &caller, &study, &dataset) {
                Ok(_) => Ok(PeerReply::Ok),
                Err(e) if e.status == axum::http::StatusCode::NOT_FOUND => Ok(PeerReply::Ok),
                Err(e) => Err(e),
            }
        }
        other => Err(ApiError::internal(format!(
            "not an upload message: {other:?}"
        ))),
    }
}
