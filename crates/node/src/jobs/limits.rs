//! The study policy's per-query limits that the node enforces (the row limit is the
//! evaluator's, see `sharestat_lang::eval`):
//!
//! - **Concurrency** (`max_concurrent_queries`): each node counts, per user, the queries that
//!   are submitted or running on it (raw jobs such as `sum` are not counted), whether it is
//!   their front or a peer. The front takes a slot before proposing (and holds it while it
//!   retries a busy study), each peer takes one when it accepts; a user already holding the limit is refused with `429`
//!   (`urn:sharestat:problem:too-many-queries`) naming the limit. A slot is released when the
//!   job leaves the node's registry (done, failed, cancelled, or its proposal withdrawn).
//! - **Wall time** (`max_query_seconds`): when a query starts on a node, a watchdog is armed
//!   with the agreed (strictest) policy's limit. If the query is still running when it fires,
//!   the node cancels it locally (closing the job's engine session, so the evaluator's next
//!   secure operation fails at once and its thread ends), tells both peers to abort it (each
//!   also has its own watchdog), having first audited the cancellation (`job.limit`). The nodes' other jobs are not
//!   affected, and the study is free for the next query.
//! - **Secure operations** (`max_query_traffic_mb`): the job's engine session holds a budget
//!   of bytes to send ([`sharestat_mpc::Party::set_budget`]); the protocol step that would
//!   exceed it sends nothing and fails, and the node cancels the query as for the wall time
//!   (audited, stopped on all three nodes; the peers, left waiting for its message, end when
//!   they are told to abort). The budget counts what this node sends, so it bounds the work of
//!   every secure multiplication, comparison, sort and opening alike.
//! - **Memory** (`max_query_memory_mb`) is the evaluator's: sizes are public, so all three
//!   nodes refuse the same assignment (`sharestat_lang::eval`).
use super::job_name;
use crate::problem::ApiError;
use crate::state::AppState;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Per-user counts of jobs in flight on this node.
#[derive(Default, Clone)]
pub struct UserSlots {
    inner: Arc<Mutex<HashMap<String, u32>>>,
}

/// One job's place in its user's count; released on drop.
pub struct Slot {
    slots: UserSlots,
    user: String,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut m = self.slots.lock();
        if let Some(n) = m.get_mut(&self.user) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                m.remove(&self.user);
            }
        }
    }
}

impl UserSlots {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, u32>> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes a slot for `user` if fewer than `max` are held; otherwise `429` naming the limit
    /// and the node.
    pub fn acquire(&self, user: &str, max: u32, node: &str) -> Result<Slot, ApiError> {
        let mut m = self.lock();
        let held = m.entry(user.to_owned()).or_insert(0);
        if *held >= max {
            let held = *held;
            if held == 0 {
                m.remove(user);
            }
            return Err(ApiError::too_many_requests(format!(
                "user {user} already has {held} queries submitted or running on {node}; the \
                 study's limit is max_concurrent_queries = {max}: wait for one to finish"
            )));
        }
        *held += 1;
        Ok(Slot {
            slots: self.clone(),
            user: user.to_owned(),
        })
    }

    /// Slots `user` holds now.
    pub fn held(&self, user: &str) -> u32 {
        self.lock().get(user).copied().unwrap_or(0)
    }
}

/// Arms the wall-time watchdog of query `id` (running on this node) for `limit`. The returned
/// task must be aborted when the job ends.
pub(crate) fn watch(state: &AppState, id: u64, limit: Duration) -> tokio::task::JoinHandle<()> {
    let st = state.clone();
    tokio::spawn(async move {
        tokio::time::sleep(limit).await;
        let secs = limit.as_secs_f64();
        let reason = format!(
            "cancelled: the query ran longer than the study's limit of {secs} s \
             (max_query_seconds); it was stopped on all three nodes"
        );
        cancel_for_limit(&st, id, &reason).await;
    })
}

/// The reason given when this node's share of query `id` would send more than the study's
/// `limit` bytes.
pub(crate) fn traffic_reason(limit: u64) -> String {
    format!(
        "cancelled: the query's secure operations would send more than the study's limit of \
         {} MB from one node (max_query_traffic_mb); it was stopped on all three nodes before \
         the step that would exceed it. Run it on fewer rows or split it into smaller queries",
        limit as f64 / 1e6
    )
}

/// Cancels query `id` for a cost limit (`reason` names it), if it is still running here:
/// audits the cancellation (`job.limit`), cancels it locally and tells both peers to abort it.
pub(crate) async fn cancel_for_limit(st: &AppState, id: u64, reason: &str) {
    let running = st.jobs.with(|m| match m.get(&id) {
        Some(e) if !e.cancelled => Some((e.user.clone(), e.spec.study().map(str::to_owned))),
        _ => None,
    });
    let Some((user, study)) = running else { return };
    if let Err(e) = crate::audit::record(
        st,
        &user,
        "researcher",
        "job.limit",
        study.as_deref(),
        None,
        Some(&job_name(id)),
        reason,
        "",
    ) {
        tracing::error!(job = %job_name(id), error = %e.detail, "audit entry failed");
    }
    tracing::warn!(job = %job_name(id), "{reason}");
    super::finish_cancelled(st, id, reason);
    for p in super::peer::peers(st) {
        let _ = super::peer::abort(st, p, id, reason).await;
    }
}
