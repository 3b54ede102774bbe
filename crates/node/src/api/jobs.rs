//! Jobs: submit a computation (it runs on all three nodes or none), follow it, cancel it.
use crate::auth::Caller;
use crate::jobs::{self, JobSpec, JobView, parse_job};
use crate::problem::{ApiError, Body};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use sharestat_store::{JobState, Role};
use std::time::Duration;
use utoipa::{IntoParams, ToSchema};

/// Longest wait a client may ask for.
const MAX_WAIT_SECS: u64 = 300;

/// Optional wait for the job to finish.
#[derive(Deserialize, IntoParams, ToSchema)]
pub struct WaitQuery {
    /// Wait up to this many seconds for a final state before answering.
    #[serde(default)]
    pub wait_secs: Option<u64>,
}

/// Requires that the caller holds one of `roles` somewhere (jobs span studies). The route's
/// gate checked it already; handlers check again where they use it.
fn require_any(c: &Caller, roles: &'static [Role]) -> Result<(), ApiError> {
    crate::api::gate::Gate::Anywhere(roles).check(c, None)
}

fn status_of(v: &JobView) -> StatusCode {
    match v.state {
        JobState::Pending | JobState::Running => StatusCode::ACCEPTED,
        _ => StatusCode::OK,
    }
}

/// Submits a job. This node becomes its front: it checks the caller, proposes the job to the
/// other two nodes (each checks it on its own), and starts it only if both agree. The
/// `Server-Timing` header's `setup` entry is the time until all three were told to run.
#[utoipa::path(post, path = "/api/v1/jobs", tag = "jobs", request_body = JobSpec, params(WaitQuery),
    responses((status = 200, body = JobView, description = "finished within wait_secs"),
        (status = 202, body = JobView, description = "running"),
        (status = 400, body = crate::problem::Problem), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 502, body = crate::problem::Problem)),
    security(("bearer" = ["researcher", "admin"])))]
pub async fn submit(
    State(state): State<AppState>,
    c: Caller,
    Query(q): Query<WaitQuery>,
    Body(spec): Body<serde_json::Value>,
) -> Result<(StatusCode, [(&'static str, String); 1], Json<JobView>), ApiError> {
    require_any(&c, &[Role::Researcher, Role::Admin])?;
    let spec = JobSpec::from_json(spec)?;
    let (v, setup) = jobs::submit(&state, &c, spec).await?;
    let timing = format!("setup;dur={:.3}", setup.as_secs_f64() * 1e3);
    let v = match q.wait_secs {
        Some(w) if w > 0 => {
            let id = parse_job(&v.id)?;
            jobs::wait(&state, id, Duration::from_secs(w.min(MAX_WAIT_SECS))).await?
        }
        _ => v,
    };
    Ok((status_of(&v), [("server-timing", timing)], Json(v)))
}

/// Filters for the job list.
#[derive(Deserialize, IntoParams)]
pub struct ListQuery {
    /// Only jobs of this study.
    pub study: Option<String>,
    /// At most this many (newest first; default 100).
    pub limit: Option<usize>,
}

fn may_see(c: &Caller, v: &JobView) -> bool {
    c.is_admin() || v.submitted_by == c.user || c.has(Role::Auditor, v.study.as_deref())
}

/// Jobs on this node: all for administrators and auditors, one's own for researchers.
#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", params(ListQuery),
    responses((status = 200, body = [JobView]), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem)),
    security(("bearer" = ["admin", "auditor", "researcher"])))]
pub async fn list(
    State(state): State<AppState>,
    c: Caller,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<JobView>>, ApiError> {
    require_any(&c, &[Role::Admin, Role::Auditor, Role::Researcher])?;
    let recs = state
        .store
        .jobs(q.study.as_deref(), q.limit.unwrap_or(100).min(1000))?;
    Ok(Json(
        recs.into_iter()
            .map(JobView::from)
            .filter(|v| may_see(&c, v))
            .collect(),
    ))
}

/// One job; with `wait_secs`, waits for it to finish first.
#[utoipa::path(get, path = "/api/v1/jobs/{job}", tag = "jobs", params(("job" = String, Path, description = "Job id"), WaitQuery),
    responses((status = 200, body = JobView), (status = 202, body = JobView),
        (status = 401, body = crate::problem::Problem), (status = 403, body = crate::problem::Problem),
        (status = 404, body = crate::problem::Problem)),
    security(("bearer" = ["admin", "auditor", "researcher"])))]
pub async fn show(
    State(state): State<AppState>,
    c: Caller,
    Path(job): Path<String>,
    Query(q): Query<WaitQuery>,
) -> Result<(StatusCode, Json<JobView>), ApiError> {
    require_any(&c, &[Role::Admin, Role::Auditor, Role::Researcher])?;
    let id = parse_job(&job)?;
    let v = jobs::view(&state, &job)?;
    if !may_see(&c, &v) {
        return Err(ApiError::forbidden(format!(
            "job {job} belongs to another user"
        )));
    }
    let v = match q.wait_secs {
        Some(w) if w > 0 => {
            jobs::wait(&state, id, Duration::from_secs(w.min(MAX_WAIT_SECS))).await?
        }
        _ => v,
    };
    Ok((status_of(&v), Json(v)))
}

/// Cancels a job on all three nodes (its submitter or an administrator).
#[utoipa::path(post, path = "/api/v1/jobs/{job}/cancel", tag = "jobs", params(("job" = String, Path, description = "Job id")),
    responses((status = 200, body = JobView), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem)),
    security(("bearer" = ["admin", "researcher"])))]
pub async fn cancel(
    State(state): State<AppState>,
    c: Caller,
    Path(job): Path<String>,
) -> Result<Json<JobView>, ApiError> {
    require_any(&c, &[Role::Researcher, Role::Admin])?;
    let id = parse_job(&job)?;
    Ok(Json(jobs::cancel(&state, &c, id).await?))
}
