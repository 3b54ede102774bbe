//! Jobs: one computation run by all three nodes in lockstep.
//!
//! A request arrives at one node, the *front*. It authenticates and authorises the caller
//! itself, then **proposes** the job to both peers over the mutual-TLS control channel; each
//! peer authenticates the same bearer token against *its own* accounts and authorises the job
//! against *its own* copy of the study on its own ([`authorize`]). Only if both accept does the
//! front send **go**; then all three run the engine with the job's id as the session, so
//! concurrent jobs never mix messages. If either refuses or cannot be reached, the front tells
//! the other to drop the proposal and none runs. A proposal not followed by *go* within the job
//! timeout expires.
//!
//! - [`spec`]: what a job computes and who may ask for it.
//! - [`peer`]: the control messages between nodes and the peer side of the protocol.
//! - [`exec`]: running the engine for a job and recording its result.
//! - [`query`]: analysis queries: checking the text on each node, the merged policy, running.
//!
//! Queries of one study are exclusive: a node registers a query only while no other query
//! of that study is pending or running there, and a peer that is busy refuses the proposal
//! (`conflict`); the front then withdraws and retries after a random pause, up to the job
//! timeout. So every query starts from the same released-subset history on all three nodes.
//!
//! - [`limits`]: the policy's per-user concurrency and per-query wall-time limits.
pub mod exec;
pub mod limits;
pub mod peer;
pub mod query;
pub mod spec;

pub use spec::{JobSpec, JobView, authorize};

use crate::auth::Caller;
use crate::problem::ApiError;
use crate::state::AppState;
use sharestat_net::PartyId;
use sharestat_store::{JobRecord, JobState};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// A job this node knows about while it is pending or running.
pub(crate) struct Entry {
    /// What it computes.
    pub spec: JobSpec,
    /// Who asked.
    pub user: String,
    /// Set when the job is cancelled or aborted: its result must not be recorded.
    pub cancelled: bool,
    /// True once `go` arrived (or, at the front, was sent).
    pub started: bool,
    /// Woken when the job reaches a final state.
    pub done: Arc<Notify>,
    /// For queries: the disclosure policy agreed for this run (strictest of the three).
    pub policy: Option<sharestat_dict::Policy>,
    /// The job's place in its user's concurrency count (released with the entry).
    pub(crate) slot: Option<limits::Slot>,
}

/// Jobs in flight on this node.
#[derive(Default)]
pub struct Registry {
    inner: Mutex<HashMap<u64, Entry>>,
    /// Jobs in flight per user (see [`limits`]).
    pub slots: limits::UserSlots,
}

impl Registry {
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut HashMap<u64, Entry>) -> R) -> R {
        f(&mut self.inner.lock().expect("job registry lock"))
    }

    /// Registers a pending job; returns the notifier woken when it ends. A query is not
    /// registered (`None`) while another query of its study is pending or running here.
    pub(crate) fn register(&self, id: u64, spec: JobSpec, user: String) -> Option<Arc<Notify>> {
        let done = Arc::new(Notify::new());
        self.with(|m| {
            if let JobSpec::Query { study, .. } = &spec {
                let busy = m.iter().any(|(other, e)| {
                    *other != id
                        && !e.cancelled
                        && matches!(&e.spec, JobSpec::Query { study: s, .. } if s == study)
                });
                if busy {
                    return None;
                }
            }
            let entry = Entry {
                spec,
                user,
                cancelled: false,
                started: false,
                done: done.clone(),
                policy: None,
                slot: None,
            };
            m.insert(id, entry);
            Some(done)
        })
    }

    /// Number of jobs in flight.
    pub fn len(&self) -> usize {
        self.with(|m| m.len())
    }

    /// True when no job is in flight.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Job ids are random 64-bit numbers, shown as 16 hex digits.
pub fn job_name(id: u64) -> String {
    format!("{id:016x}")
}

/// Parses a job id.
pub fn parse_job(id: &str) -> Result<u64, ApiError> {
    u64::from_str_radix(id, 16)
        .ok()
        .filter(|_| id.len() == 16)
        .ok_or_else(|| ApiError::not_found(format!("no job {id:?} (ids are 16 hex digits)")))
}

fn new_job_id() -> u64 {
    loop {
        let mut b = [0u8; 8];
        getrandom::fill(&mut b).expect("operating system random source");
        let id = u64::from_le_bytes(b);
        if id != 0 {
            return id;
        }
    }
}

/// Submits a job at the front node: authorise, propose, go, run. Returns the job as recorded
/// and the set-up time (from receipt to all three nodes told to run).
pub async fn submit(
    state: &AppState,
    caller: &Caller,
    spec: JobSpec,
) -> Result<(JobView, Duration), ApiError> {
    let t0 = std::time::Instant::now();
    let study = authorize(state, caller, &spec)?;
    // The user's concurrency slot on this node, held from now until the job ends here.
    let mut slot = match &spec {
        JobSpec::Query { study: s, .. } => Some(state.jobs.slots.acquire(
            &caller.user,
            query::study_rules(state, s)?.1.max_concurrent_queries,
            &state.party_name(state.party() as usize),
        )?),
        _ => None,
    };
    let id = new_job_id();
    let name = job_name(id);
    let rec = spec::new_record(&name, &spec, &caller.user, state.party());
    // Written without waiting for the disk: the job's durable record is its audit entry
    // at the end (which flushes these with it), before anything is revealed.
    sharestat_store::deferred(|| -> Result<(), ApiError> {
        state.store.insert_job(&rec)?;
        crate::audit::record(
            state,
            &caller.user,
            spec.role().as_str(),
            "job.submit",
            study.as_deref(),
            None,
            Some(&name),
            &spec.describe(),
            "",
        )?;
        Ok(())
    })?;
    let deadline = tokio::time::Instant::now() + state.cfg.job_timeout();
    let outcome = loop {
        let busy = || {
            ApiError::conflict(format!(
                "another query of study {} is still running; try again",
                study.as_deref().unwrap_or("")
            ))
        };
        let attempt = match state.jobs.register(id, spec.clone(), caller.user.clone()) {
            None => Err(peer::Propose::Busy(busy())),
            Some(_) => peer::propose_and_go(state, id, caller, &spec).await,
        };
        match attempt {
            Err(peer::Propose::Busy(e)) => {
                state.jobs.with(|m| m.remove(&id));
                if tokio::time::Instant::now() >= deadline {
                    break Err(e);
                }
                tokio::time::sleep(backoff()).await;
            }
            Err(peer::Propose::Failed(e)) => break Err(e),
            Ok(policy) => {
                state.jobs.with(|m| {
                    if let Some(e) = m.get_mut(&id) {
                        e.policy = policy;
                        e.slot = slot.take();
                    }
                });
                break Ok(());
            }
        }
    };
    if let Err(e) = outcome {
        state.jobs.with(|m| m.remove(&id));
        state
            .store
            .update_job(&name, JobState::Failed, 0.0, None, Some(&e.detail))?;
        crate::audit::record(
            state,
            &caller.user,
            spec.role().as_str(),
            "job.refused",
            study.as_deref(),
            None,
            Some(&name),
            &e.detail,
            "",
        )?;
        return Err(e);
    }
    exec::spawn(state.clone(), id);
    Ok((view(state, &name)?, t0.elapsed()))
}

/// A random pause of 5 to 45 ms before retrying a busy study.
fn backoff() -> Duration {
    let mut b = [0u8; 1];
    getrandom::fill(&mut b).expect("operating system random source");
    Duration::from_millis(5 + u64::from(b[0]) % 40)
}

/// The job as stored.
pub fn view(state: &AppState, name: &str) -> Result<JobView, ApiError> {
    let rec = state
        .store
        .job(name)?
        .ok_or_else(|| ApiError::not_found(format!("no job {name}")))?;
    Ok(JobView::from(rec))
}

/// Waits up to `wait` for job `id` to reach a final state, then returns it as stored.
pub async fn wait(state: &AppState, id: u64, wait: Duration) -> Result<JobView, ApiError> {
    let name = job_name(id);
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let notify = state.jobs.with(|m| m.get(&id).map(|e| e.done.clone()));
        let notified = notify.as_ref().map(|n| n.notified());
        let v = view(state, &name)?;
        let final_state = !matches!(v.state, JobState::Pending | JobState::Running);
        if final_state || tokio::time::Instant::now() >= deadline {
            return Ok(v);
        }
        match notified {
            Some(n) => {
                let _ = tokio::time::timeout_at(deadline, n).await;
            }
            None => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

/// Cancels a job: marks it, tells the peers, frees its session.
pub async fn cancel(state: &AppState, caller: &Caller, id: u64) -> Result<JobView, ApiError> {
    let name = job_name(id);
    let rec: JobRecord = state
        .store
        .job(&name)?
        .ok_or_else(|| ApiError::not_found(format!("no job {name}")))?;
    if rec.submitted_by != caller.user && !caller.is_admin() {
        return Err(ApiError::forbidden(format!(
            "only {} or an administrator may cancel job {name}",
            rec.submitted_by
        )));
    }
    if matches!(rec.state, JobState::Pending | JobState::Running) {
        finish_cancelled(state, id, "cancelled by the user");
        for p in peer::peers(state) {
            let _ = peer::abort(state, p, id, "cancelled by the user").await;
        }
        crate::audit::record(
            state,
            &caller.user,
            if caller.is_admin() {
                "admin"
            } else {
                "researcher"
            },
            "job.cancel",
            rec.study.as_deref(),
            None,
            Some(&name),
            "",
            "",
        )?;
    }
    view(state, &name)
}

/// Marks a job cancelled locally (idempotent) and frees its engine session.
pub(crate) fn finish_cancelled(state: &AppState, id: u64, reason: &str) {
    let entry = state.jobs.with(|m| {
        m.get_mut(&id).map(|e| {
            e.cancelled = true;
            e.done.clone()
        })
    });
    let _ = state
        .store
        .update_job(&job_name(id), JobState::Cancelled, 0.0, None, Some(reason));
    state.mesh().close_job(id);
    if let Some(n) = entry {
        n.notify_waiters();
    }
}

/// The two other parties.
pub(crate) fn other_parties(state: &AppState) -> [PartyId; 2] {
    let me = PartyId::new(state.party() as usize).expect("party < 3");
    [me.next(), me.prev()]
}
