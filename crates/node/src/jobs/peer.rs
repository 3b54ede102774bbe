//! Control messages between nodes (JSON over the mutual-TLS control channel) and the peer side
//! of the job protocol: *propose* (each peer authorises on its own), *go*, *abort*.
use super::{JobSpec, authorize, exec, job_name, spec::new_record};
use crate::auth::Caller;
use crate::problem::ApiError;
use crate::state::AppState;
use serde::{Deserialize, Serialize};
use sharestat_net::PartyId;
use sharestat_store::JobState;
use std::time::Duration;

/// A request from one node to another.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "msg", rename_all = "snake_case")]
pub enum PeerRequest {
    /// Proposes a job; the receiver authorises it itself.
    Propose {
        /// Job id.
        job: u64,
        /// The caller's bearer token, checked against the receiver's own accounts.
        token: String,
        /// What to compute.
        spec: JobSpec,
    },
    /// Starts a proposed job.
    Go {
        /// Job id.
        job: u64,
        /// For queries: the disclosure policy the front agreed (strictest of the three).
        #[serde(default)]
        policy: Option<sharestat_dict::Policy>,
    },
    /// Drops a proposed or running job.
    Abort {
        /// Job id.
        job: u64,
        /// Why.
        reason: String,
    },
    /// Upload phase 1 (coordinator to peer): store durably and vote.
    UploadPrepare {
        /// Upload id.
        upload: String,
        /// The data owner's token, checked against the receiver's accounts.
        token: String,
    },
    /// Upload phase 2: the coordinator decided to commit.
    UploadCommit {
        /// Upload id.
        upload: String,
    },
    /// Upload phase 2: the coordinator decided to abort.
    UploadAbort {
        /// Upload id.
        upload: String,
        /// Why, when it is not an ordinary abort (e.g. the upload expired).
        #[serde(default)]
        reason: Option<String>,
    },
    /// Recovery: a peer asks the coordinator what it decided.
    UploadDecision {
        /// Upload id.
        upload: String,
    },
    /// A relayed upload begins (the receiver checks the data owner's token itself).
    RelayBegin {
        /// Study id.
        study: String,
        /// The begin request as the data owner sent it.
        begin: serde_json::Value,
        /// The data owner's token.
        token: String,
    },
    /// A relayed chunk, sealed for the receiver (base64).
    RelayChunk {
        /// Upload id.
        upload: String,
        /// Chunk number.
        chunk: u64,
        /// HPKE-sealed chunk body for the receiver.
        sealed: String,
    },
    /// Withdraws a dataset (each node checks the data owner's token itself).
    Withdraw {
        /// Study id.
        study: String,
        /// Dataset name.
        dataset: String,
        /// The data owner's token.
        token: String,
    },
}

/// The answer to a [`PeerRequest`].
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "msg", rename_all = "snake_case")]
pub enum PeerReply {
    /// Done as asked.
    Ok,
    /// A query proposal accepted, with this node's disclosure policy for the study.
    Accepted {
        /// The policy.
        policy: sharestat_dict::Policy,
    },
    /// The coordinator's decision on an upload (`None`: not decided).
    Decision {
        /// `Some(true)` commit, `Some(false)` abort.
        commit: Option<bool>,
    },
    /// Refused, with the receiver's own problem document fields.
    Refused {
        /// HTTP status the receiver would have answered.
        status: u16,
        /// Problem slug.
        slug: String,
        /// Detail.
        detail: String,
    },
}

/// The two other parties.
pub(crate) fn peers(state: &AppState) -> [PartyId; 2] {
    other_parties(state)
}

pub(crate) use super::other_parties;

/// Sends one control request to a peer and decodes its reply.
pub(crate) async fn call(
    state: &AppState,
    to: PartyId,
    req: &PeerRequest,
) -> Result<PeerReply, ApiError> {
    let body = serde_json::to_vec(req).expect("request serialises");
    let timeout = state.cfg.job_timeout();
    let bytes = state.mesh().call(to, body, timeout).await.map_err(|e| {
        ApiError::peer_unavailable(format!(
            "{} is unreachable: {e}",
            state.party_name(to.index())
        ))
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::peer_unavailable(format!(
            "{} sent an unreadable reply: {e}",
            state.party_name(to.index())
        ))
    })
}

/// Turns a peer's answer into `Ok(())` for [`PeerReply::Ok`] or an error naming the peer.
pub(crate) fn expect_ok(
    state: &AppState,
    peer: PartyId,
    reply: Result<PeerReply, ApiError>,
) -> Result<(), ApiError> {
    match reply? {
        PeerReply::Ok => Ok(()),
        PeerReply::Refused { detail, .. } => Err(ApiError::refused_by_peer(format!(
            "{} refused: {detail}",
            state.party_name(peer.index())
        ))),
        other => Err(ApiError::internal(format!(
            "unexpected reply from {}: {other:?}",
            state.party_name(peer.index())
        ))),
    }
}

/// Tells `to` to drop job `id`.
pub(crate) async fn abort(
    state: &AppState,
    to: PartyId,
    id: u64,
    reason: &str,
) -> Result<(), ApiError> {
    call(
        state,
        to,
        &PeerRequest::Abort {
            job: id,
            reason: reason.into(),
        },
    )
    .await
    .map(|_| ())
}

/// The front node's half: propose to both peers at once, then go to both.
/// Why a proposal did not start a job.
pub(crate) enum Propose {
    /// A node runs another query of the study: withdraw and retry.
    Busy(ApiError),
    /// Refused or failed for good.
    Failed(ApiError),
}

/// Proposes the job to both peers and, if both accept, tells them to go. For a query, the
/// result is the strictest of the three nodes' disclosure policies, sent along with *go*.
pub(crate) async fn propose_and_go(
    state: &AppState,
    id: u64,
    caller: &Caller,
    spec: &JobSpec,
) -> Result<Option<sharestat_dict::Policy>, Propose> {
    let mut policy = match spec {
        JobSpec::Query { study, .. } => Some(
            super::query::study_rules(state, study)
                .map_err(Propose::Failed)?
                .1,
        ),
        _ => None,
    };
    let mut busy = false;
    let [a, b] = peers(state);
    let propose = |to| {
        let req = PeerRequest::Propose {
            job: id,
            token: caller.token.clone(),
            spec: spec.clone(),
        };
        async move { (to, call(state, to, &req).await) }
    };
    let (ra, rb) = tokio::join!(propose(a), propose(b));
    let mut failure = None;
    let mut accepted = Vec::new();
    for (to, r) in [ra, rb] {
        match r {
            Ok(PeerReply::Ok) => accepted.push(to),
            Ok(PeerReply::Accepted { policy: theirs }) => {
                policy = policy.map(|p| p.strictest(&theirs));
                accepted.push(to);
            }
            Ok(PeerReply::Decision { .. }) => {
                failure.get_or_insert(ApiError::internal("unexpected reply to a proposal"));
            }
            Ok(PeerReply::Refused {
                status,
                slug,
                detail,
            }) => {
                busy |= slug == "conflict" && detail.contains("still running");
                let msg = format!(
                    "{} refused the job ({slug}): {detail}",
                    state.party_name(to.index())
                );
                failure.get_or_insert(if status == 429 {
                    ApiError::too_many_requests(msg)
                } else {
                    ApiError::refused_by_peer(msg)
                });
            }
            Err(e) => {
                failure.get_or_insert(e);
            }
        }
    }
    if let Some(err) = failure {
        for to in accepted {
            let _ = abort(state, to, id, "another node refused the job").await;
        }
        return Err(if busy {
            Propose::Busy(err)
        } else {
            Propose::Failed(err)
        });
    }
    let go = PeerRequest::Go {
        job: id,
        policy: policy.clone(),
    };
    let (ga, gb) = tokio::join!(call(state, a, &go), call(state, b, &go));
    for (to, r) in [(a, ga), (b, gb)] {
        if let Err(e) = r {
            for p in [a, b] {
                let _ = abort(state, p, id, "a node did not start the job").await;
            }
            return Err(Propose::Failed(ApiError::peer_unavailable(format!(
                "{} did not start the job: {}",
                state.party_name(to.index()),
                e.detail
            ))));
        }
    }
    Ok(policy)
}

/// The peer's half: handles one control request from `from`.
pub async fn handle(state: AppState, from: PartyId, body: Vec<u8>) -> Vec<u8> {
    let reply = match serde_json::from_slice::<PeerRequest>(&body) {
        Ok(req) => handle_request(&state, from, req).await,
        Err(e) => refused(&ApiError::bad_request(format!("unreadable request: {e}"))),
    };
    serde_json::to_vec(&reply).expect("reply serialises")
}

fn refused(e: &ApiError) -> PeerReply {
    PeerReply::Refused {
        status: e.status.as_u16(),
        slug: e.slug.into(),
        detail: e.detail.clone(),
    }
}

async fn handle_request(state: &AppState, from: PartyId, req: PeerRequest) -> PeerReply {
    match req {
        PeerRequest::Propose { job, token, spec } => match accept(state, from, job, &token, spec) {
            Ok(None) => PeerReply::Ok,
            Ok(Some(policy)) => PeerReply::Accepted { policy },
            Err(e) => refused(&e),
        },
        PeerRequest::Go { job, policy } => {
            let known = state.jobs.with(|m| match m.get_mut(&job) {
                Some(e) if !e.started && !e.cancelled => {
                    e.started = true;
                    e.policy = policy;
                    true
                }
                _ => false,
            });
            if !known {
                return refused(&ApiError::not_found(format!(
                    "no pending job {}",
                    job_name(job)
                )));
            }
            exec::spawn(state.clone(), job);
            PeerReply::Ok
        }
        PeerRequest::Abort { job, reason } => {
            let known = state.jobs.with(|m| m.contains_key(&job));
            if known {
                super::finish_cancelled(
                    state,
                    job,
                    &format!("aborted by {}: {reason}", state.party_name(from.index())),
                );
                state.jobs.with(|m| m.remove(&job));
            }
            PeerReply::Ok
        }
        other => match crate::uploads::coordinator::handle(state, from, other).await {
            Ok(r) => r,
            Err(e) => refused(&e),
        },
    }
}

/// Authenticates and authorises a proposed job on this node and records it as pending.
fn accept(
    state: &AppState,
    from: PartyId,
    job: u64,
    token: &str,
    spec: JobSpec,
) -> Result<Option<sharestat_dict::Policy>, ApiError> {
    // A self-test reads no data and reveals only random values: peers run it for the front
    // node's administrator, who need not hold an account here. Every other job must pass this
    // node's own authentication and authorisation.
    let (user, study) = match &spec {
        JobSpec::SelfTest { .. } => {
            super::spec::check_self_test(&spec)?;
            (format!("admin@{}", state.party_name(from.index())), None)
        }
        _ => {
            let caller = Caller::authenticate(state, token)?;
            let study = authorize(state, &caller, &spec)?;
            (caller.user, study)
        }
    };
    let name = job_name(job);
    // A front whose proposal was withdrawn because another node was busy proposes the same
    // job again: a cancelled record of the very same job is reopened.
    let retry = match state.store.job(&name)? {
        None => false,
        Some(rec) if rec.state == JobState::Cancelled && rec.spec == spec.describe() => true,
        Some(_) => return Err(ApiError::conflict(format!("job {name} exists already"))),
    };
    let policy = match &spec {
        JobSpec::Query { study, .. } => Some(super::query::study_rules(state, study)?.1),
        _ => None,
    };
    // The user's concurrency slot here (this node's own copy of the study's limit).
    let slot = match &spec {
        JobSpec::Query { study: s, .. } => Some(
            state.jobs.slots.acquire(
                &user,
                super::query::study_rules(state, s)?
                    .1
                    .max_concurrent_queries,
                &state.party_name(state.party() as usize),
            )?,
        ),
        _ => None,
    };
    if state
        .jobs
        .register(job, spec.clone(), user.clone())
        .is_none()
    {
        return Err(ApiError::conflict(format!(
            "another query of study {} is still running on {}",
            study.as_deref().unwrap_or(""),
            state.party_name(state.party() as usize)
        )));
    }
    state.jobs.with(|m| {
        if let Some(e) = m.get_mut(&job) {
            e.slot = slot;
        }
    });
    // Submission records are written without waiting for the disk (see `jobs::submit`).
    if retry {
        // The withdrawn proposal closed the job's engine session here; accept its messages
        // again before the other nodes start sending.
        state.mesh().reopen_job(job);
    }
    let stored = sharestat_store::deferred(|| {
        if retry {
            state
                .store
                .update_job(&name, JobState::Pending, 0.0, None, None)
        } else {
            state
                .store
                .insert_job(&new_record(&name, &spec, &user, from.index() as u8))
        }
    });
    if let Err(e) = stored {
        state.jobs.with(|m| m.remove(&job));
        return Err(e.into());
    }
    sharestat_store::deferred(|| {
        crate::audit::record(
            state,
            &user,
            spec.role().as_str(),
            "job.accept",
            study.as_deref(),
            None,
            Some(&name),
            &spec.describe(),
            "",
        )
    })?;
    // A proposal without `go` expires after the job timeout.
    let st = state.clone();
    tokio::spawn(async move {
        tokio::time::sleep(st.cfg.job_timeout() + Duration::from_secs(1)).await;
        let stale = st.jobs.with(|m| match m.get(&job) {
            Some(e) if !e.started => {
                m.remove(&job);
                true
            }
            _ => false,
        });
        if stale {
            let _ = st.store.update_job(
                &job_name(job),
                JobState::Failed,
                0.0,
                None,
                Some("proposal expired: the front node never started it"),
            );
        }
    });
    Ok(policy)
}
