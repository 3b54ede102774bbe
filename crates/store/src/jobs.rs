//! The job table: analyses submitted to the node, their state, progress and
//! result, so clients can poll them and a restarted node can tell which
//! jobs were interrupted.

use std::fmt;
use std::str::FromStr;

use rusqlite::{OptionalExtension, Row, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use crate::error::{Result, StoreError};
use crate::studies::require_study;
use crate::{Store, check_text, now};

/// Lifecycle state of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Accepted, not started.
    Pending,
    /// Being computed.
    Running,
    /// Finished with a result.
    Done,
    /// Finished with an error.
    Failed,
    /// Cancelled by a user.
    Cancelled,
}

impl JobState {
    /// All states.
    pub const ALL: [JobState; 5] = [
        JobState::Pending,
        JobState::Running,
        JobState::Done,
        JobState::Failed,
        JobState::Cancelled,
    ];

    /// The state's stable name: `pending`, `running`, `done`, `failed`, `cancelled`.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Pending => "pending",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
        }
    }

    /// Whether the job has finished (done, failed or cancelled).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            JobState::Done | JobState::Failed | JobState::Cancelled
        )
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for JobState {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<JobState> {
        JobState::ALL
            .into_iter()
            .find(|j| j.as_str() == s)
            .ok_or_else(|| StoreError::invalid("job state", format!("unknown state {s:?}")))
    }
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    /// Job id, chosen by the caller (unique).
    pub id: String,
    /// Study the job runs on, if any (must exist).
    pub study: Option<String>,
    /// Kind of analysis.
    pub kind: String,
    /// Job specification, JSON text.
    pub spec: String,
    /// Submitting user.
    pub submitted_by: String,
    /// Which node ("front") the job was submitted to, 0..=2.
    pub front: u8,
    /// Current state.
    pub state: JobState,
    /// Progress in `0.0..=1.0`.
    pub progress: f64,
    /// Result, JSON text, once done.
    pub result: Option<String>,
    /// Error message, once failed.
    pub error: Option<String>,
    /// Submission time, RFC 3339 UTC.
    pub created_at: String,
    /// Last update time, RFC 3339 UTC.
    pub updated_at: String,
}

const JOB_COLUMNS: &str = "id, study, kind, spec, submitted_by, front, state, progress, \
                           result, error, created_at, updated_at";

/// Raw row: the record plus the unparsed state and front.
fn job_from_row(r: &Row<'_>) -> rusqlite::Result<(JobRecord, String, i64)> {
    Ok((
        JobRecord {
            id: r.get(0)?,
            study: r.get(1)?,
            kind: r.get(2)?,
            spec: r.get(3)?,
            submitted_by: r.get(4)?,
            front: 0,
            state: JobState::Pending,
            progress: r.get(7)?,
            result: r.get(8)?,
            error: r.get(9)?,
            created_at: r.get(10)?,
            updated_at: r.get(11)?,
        },
        r.get(6)?,
        r.get(5)?,
    ))
}

fn finish_job((mut job, state, front): (JobRecord, String, i64)) -> Result<JobRecord> {
    job.state = state
        .parse()
        .map_err(|_| StoreError::corrupt(format!("job {}: unknown state {state:?}", job.id)))?;
    job.front = u8::try_from(front)
        .map_err(|_| StoreError::corrupt(format!("job {}: front {front} out of range", job.id)))?;
    Ok(job)
}

fn check_progress(progress: f64) -> Result<()> {
    if (0.0..=1.0).contains(&progress) {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "progress",
            format!("{progress} not in 0..=1"),
        ))
    }
}

impl Store {
    /// Inserts a new job record as given (timestamps included).
    ///
    /// Errors: [`StoreError::Exists`] if the id is taken,
    /// [`StoreError::NotFound`] for an unknown study,
    /// [`StoreError::Invalid`] for an empty id/kind or progress outside `0..=1`.
    pub fn insert_job(&self, job: &JobRecord) -> Result<()> {
        check_text("job id", &job.id, 128)?;
        check_text("job kind", &job.kind, 128)?;
        check_progress(job.progress)?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(study) = &job.study {
            require_study(&tx, study)?;
        }
        let exists = tx
            .query_row("SELECT 1 FROM jobs WHERE id = ?1", [&job.id], |_| Ok(()))
            .optional()?
            .is_some();
        if exists {
            return Err(StoreError::Exists {
                what: "job",
                id: job.id.clone(),
            });
        }
        tx.execute(
            &format!(
                "INSERT INTO jobs ({JOB_COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
            ),
            params![
                job.id,
                job.study,
                job.kind,
                job.spec,
                job.submitted_by,
                job.front,
                job.state.as_str(),
                job.progress,
                job.result,
                job.error,
                job.created_at,
                job.updated_at
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Sets a job's state, progress, result and error, and stamps
    /// `updated_at`. The update is unconditional: callers enforce state
    /// transitions.
    ///
    /// Errors: [`StoreError::NotFound`] for an unknown job,
    /// [`StoreError::Invalid`] for progress outside `0..=1`.
    pub fn update_job(
        &self,
        id: &str,
        state: JobState,
        progress: f64,
        result: Option<&str>,
        error: Option<&str>,
    ) -> Result<()> {
        check_progress(progress)?;
        let conn = self.conn();
        let n = conn.execute(
            "UPDATE jobs SET state = ?2, progress = ?3, result = ?4, error = ?5, updated_at = ?6
             WHERE id = ?1",
            params![id, state.as_str(), progress, result, error, now()],
        )?;
        if n == 0 {
            return Err(StoreError::not_found("job", id));
        }
        Ok(())
    }

    /// The job with this id, if any.
    pub fn job(&self, id: &str) -> Result<Option<JobRecord>> {
        let conn = self.conn();
        let row = conn
            .query_row(
                &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1"),
                [id],
                job_from_row,
            )
            .optional()?;
        row.map(finish_job).transpose()
    }

    /// Up to `limit` jobs, newest first; only those of `study` if given.
    pub fn jobs(&self, study: Option<&str>, limit: usize) -> Result<Vec<JobRecord>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE ?1 IS NULL OR study = ?1
             ORDER BY created_at DESC, rowid DESC LIMIT ?2"
        ))?;
        let rows = stmt
            .query_map(params![study, limit], job_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(finish_job).collect()
    }

    /// Marks every pending or running job as failed with `reason` as its
    /// error. Called at node start: such jobs belong to a previous run.
    /// Returns how many jobs were changed.
    pub fn fail_unfinished_jobs(&self, reason: &str) -> Result<usize> {
        let conn = self.conn();
        let n = conn.execute(
            "UPDATE jobs SET state = 'failed', error = ?1, updated_at = ?2
             WHERE state IN ('pending', 'running')",
            params![reason, now()],
        )?;
        Ok(n)
    }
}
