//! Running the engine for a job on this node, and recording the outcome.
//!
//! The engine is synchronous; each job runs on a blocking thread with the job's own
//! [`JobTransport`](sharestat_net::JobTransport), so a slow or dead peer stalls only that job
//! and every wait ends after the job timeout with an error naming the node.
use super::{JobSpec, job_name};
use crate::state::AppState;
use sharestat_mpc::{MpcError, NetError, Party};
use sharestat_store::JobState;

/// Starts job `id` (already in the registry) on a blocking thread.
pub(crate) fn spawn(state: AppState, id: u64) {
    tokio::spawn(async move {
        let Some((spec, user, limit, budget)) = state.jobs.with(|m| {
            m.get_mut(&id).map(|e| {
                e.started = true;
                let (limit, budget) = match (&e.spec, &e.policy) {
                    (JobSpec::Query { .. }, Some(p)) => {
                        (Some(p.query_time_limit()), Some(p.query_traffic_limit()))
                    }
                    _ => (None, None),
                };
                (e.spec.clone(), e.user.clone(), limit, budget)
            })
        }) else {
            return;
        };
        let watchdog = limit.map(|l| super::limits::watch(&state, id, l));
        let name = job_name(id);
        let _ = sharestat_store::deferred(|| {
            state
                .store
                .update_job(&name, JobState::Running, 0.0, None, None)
        });
        let st = state.clone();
        let sp = spec.clone();
        let (outcome, over_budget) = tokio::task::spawn_blocking(move || run(&st, id, &sp, budget))
            .await
            .unwrap_or_else(|_| {
                (
                    Err("the job's thread panicked; see the node's log".into()),
                    false,
                )
            });
        if let Some(w) = watchdog {
            w.abort();
        }
        if let (true, Some(b)) = (over_budget, budget) {
            super::limits::cancel_for_limit(&state, id, &super::limits::traffic_reason(b)).await;
        }
        state.mesh().close_job(id);
        let cancelled = state
            .jobs
            .with(|m| m.get(&id).map(|e| e.cancelled).unwrap_or(true));
        if !cancelled {
            let role = spec.role();
            let (action, revealed) = match &outcome {
                Ok(v) => {
                    let text = v.to_string();
                    // Made durable by the audit entry just below.
                    let _ = sharestat_store::deferred(|| {
                        state
                            .store
                            .update_job(&name, JobState::Done, 1.0, Some(&text), None)
                    });
                    ("job.done", text)
                }
                Err(msg) => {
                    tracing::warn!(job = %name, error = %msg, "job failed");
                    let _ = sharestat_store::deferred(|| {
                        state
                            .store
                            .update_job(&name, JobState::Failed, 0.0, None, Some(msg))
                    });
                    ("job.failed", String::new())
                }
            };
            let detail = outcome.as_ref().err().cloned().unwrap_or_default();
            if let Err(e) = crate::audit::record(
                &state,
                &user,
                role.as_str(),
                action,
                spec.study(),
                None,
                Some(&name),
                &detail,
                &revealed,
            ) {
                tracing::error!(job = %name, error = %e.detail, "audit entry failed");
            }
        }
        if let Some(e) = state.jobs.with(|m| m.remove(&id)) {
            e.done.notify_waiters();
        }
    });
}

/// Describes an engine error in terms of node names.
pub(crate) fn describe(state: &AppState, e: &MpcError) -> String {
    let timeout = state.cfg.job_timeout().as_secs();
    match e {
        MpcError::Net(NetError::Timeout { peer }) => format!(
            "{} did not answer within {timeout} s; the job was dropped",
            state.party_name(peer.index())
        ),
        MpcError::Net(NetError::Closed { peer }) => format!(
            "the link to {} went down during the job; the job was dropped",
            state.party_name(peer.index())
        ),
        MpcError::Net(NetError::Connect { peer, .. }) => format!(
            "{} is unreachable; the job was dropped",
            state.party_name(peer.index())
        ),
        other => other.to_string(),
    }
}

/// Runs the engine for one job, with `budget` bytes to send at most, and returns its public
/// result, and whether it failed for the budget (a send was refused).
fn run(
    state: &AppState,
    id: u64,
    spec: &JobSpec,
    budget: Option<u64>,
) -> (Result<serde_json::Value, String>, bool) {
    let transport = state.mesh().job_transport(id);
    let mut p = match Party::setup(Box::new(transport)) {
        Ok(p) => p,
        Err(e) => return (Err(describe(state, &e)), false),
    };
    p.set_budget(budget);
    let r = compute(state, id, &mut p, spec);
    let failed = r.is_err();
    let r = r.map_err(|e| match e {
        Failure::Engine(e) => describe(state, &e),
        Failure::Other(s) => s,
    });
    (r, failed && p.over_budget())
}

enum Failure {
    Engine(MpcError),
    Other(String),
}

impl From<MpcError> for Failure {
    fn from(e: MpcError) -> Self {
        Failure::Engine(e)
    }
}

fn compute(
    state: &AppState,
    id: u64,
    p: &mut Party,
    spec: &JobSpec,
) -> Result<serde_json::Value, Failure> {
    match spec {
        JobSpec::Query {
            study,
            prelude,
            text,
        } => {
            let policy = state
                .jobs
                .with(|m| m.get(&id).and_then(|e| e.policy.clone()))
                .ok_or_else(|| Failure::Other("no agreed disclosure policy".into()))?;
            super::query::run(state, p, study, prelude, text, &policy).map_err(Failure::Other)
        }
        JobSpec::SelfTest { rows, rounds } => {
            let n = *rows as usize;
            let step = (*rounds / 10).max(1);
            for r in 0..*rounds {
                let x = p.random(n);
                let y = p.mul(&x, &x)?;
                let (xv, yv) = (p.reveal(&x)?, p.reveal(&y)?);
                if xv.iter().zip(&yv).any(|(a, b)| a.wrapping_mul(*a) != *b) {
                    return Err(Failure::Other(format!("self-test mismatch in round {r}")));
                }
                if (r + 1) % step == 0 {
                    let _ = state.store.update_job(
                        &job_name(id),
                        JobState::Running,
                        (r + 1) as f64 / *rounds as f64,
                        None,
                        None,
                    );
                }
            }
            let s = p.stats();
            Ok(serde_json::json!({
                "rows": rows,
                "rounds": rounds,
                "ok": true,
                "bytes_sent": s.bytes_sent,
                "communication_rounds": s.rounds,
            }))
        }
    }
}
