//! What a job computes, who may ask for it, and how it is shown through the API.
use crate::auth::Caller;
use crate::problem::ApiError;
use crate::state::AppState;
use serde::{Deserialize, Serialize};
use sharestat_store::{JobRecord, JobState, Role};
use utoipa::ToSchema;

/// Largest self-test.
const SELFTEST_MAX: u64 = 10_000_000;

/// A computation across the three nodes.
///
/// There is no raw aggregate kind (the former `sum` of one column): every computation on a
/// study's data is a `query`, so it goes through the language's checks and the study's
/// disclosure policy and release history. A submission of another kind is refused with a
/// 400 naming `kind` before anything is computed.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum JobSpec {
    /// An analysis query (design brief §6): `text` is run after `prelude` (the session's
    /// earlier lines, replayed without printing). Every node parses and type-checks it and
    /// runs it under the strictest of the three nodes' disclosure policies. Reveals what the
    /// printed aggregates reveal (see the language documentation), to the researcher.
    Query {
        /// Study id.
        study: String,
        /// Earlier lines of the session (assignments are replayed, nothing is printed).
        #[serde(default)]
        prelude: String,
        /// The statements to run.
        text: String,
    },
    /// Engine self-test across the three nodes (administrators): `rounds` times, multiply
    /// `rows` fresh random shared values by themselves and check the opened products. Reveals
    /// only random test values and reads no data; exercises links, key set-up and the engine.
    /// The front node's administrator authorises it; the peers check only its size.
    SelfTest {
        /// Values per round.
        rows: u32,
        /// Number of rounds.
        rounds: u32,
    },
}

/// The kinds of job a caller may submit.
pub const KINDS: [&str; 2] = ["query", "self_test"];

impl JobSpec {
    /// Reads a submitted job. An unknown `kind` (e.g. the removed raw `sum`) is refused with a
    /// 400 that names `kind` and says to submit a query instead; other mistakes name the field.
    pub fn from_json(v: serde_json::Value) -> Result<JobSpec, ApiError> {
        let kinds = KINDS.join(", ");
        let kind = match v.get("kind") {
            Some(serde_json::Value::String(k)) => k.clone(),
            Some(_) => {
                return Err(ApiError::bad_request(format!(
                    "kind must be a string, one of: {kinds}"
                )));
            }
            None => {
                return Err(ApiError::bad_request(format!(
                    "missing field kind (one of: {kinds})"
                )));
            }
        };
        if !KINDS.contains(&kind.as_str()) {
            let shown = if kind.len() <= 32
                && kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                format!("kind {kind:?}")
            } else {
                "kind".to_string()
            };
            return Err(ApiError::bad_request(format!(
                "{shown} is not a job kind (kinds: {kinds}); a computation on a study's data is a \
                 query, checked against the study's disclosure policy: {{\"kind\": \"query\", \
                 \"study\": ..., \"text\": \"sum(load(\\\"dataset\\\")$column)\"}}"
            )));
        }
        serde_json::from_value(v).map_err(|e| ApiError::bad_request(format!("{kind} job: {e}")))
    }

    /// The study it runs in, if any.
    pub fn study(&self) -> Option<&str> {
        match self {
            JobSpec::Query { study, .. } => Some(study),
            JobSpec::SelfTest { .. } => None,
        }
    }
    /// The role that may run it.
    pub fn role(&self) -> Role {
        match self {
            JobSpec::Query { .. } => Role::Researcher,
            JobSpec::SelfTest { .. } => Role::Admin,
        }
    }
    /// Short name of the kind.
    pub fn kind(&self) -> &'static str {
        match self {
            JobSpec::Query { .. } => "query",
            JobSpec::SelfTest { .. } => "self_test",
        }
    }
    /// The query text recorded in the audit log.
    pub fn describe(&self) -> String {
        serde_json::to_string(self).expect("spec serialises")
    }
}

/// Checks on this node that `caller` may run `spec` and that everything it reads exists here.
/// Every node runs this itself before it agrees to a job. Returns the job's study.
pub fn authorize(
    state: &AppState,
    caller: &Caller,
    spec: &JobSpec,
) -> Result<Option<String>, ApiError> {
    match spec {
        JobSpec::Query {
            study,
            prelude,
            text,
        } => {
            caller.require(Some(study), &[Role::Researcher])?;
            super::query::check(state, study, prelude, text)?;
            Ok(Some(study.clone()))
        }
        JobSpec::SelfTest { .. } => {
            caller.require(None, &[Role::Admin])?;
            check_self_test(spec)?;
            Ok(None)
        }
    }
}

/// Checks the size of a self-test (every node does, whoever asked).
pub fn check_self_test(spec: &JobSpec) -> Result<(), ApiError> {
    if let JobSpec::SelfTest { rows, rounds } = spec
        && (*rows == 0 || (*rows as u64) * (*rounds as u64) > SELFTEST_MAX)
    {
        return Err(ApiError::bad_request(format!(
            "self_test needs rows >= 1 and rows * rounds <= {SELFTEST_MAX}"
        )));
    }
    Ok(())
}

/// A new job record in state `pending`.
pub(crate) fn new_record(name: &str, spec: &JobSpec, user: &str, front: u8) -> JobRecord {
    let now = humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string();
    JobRecord {
        id: name.to_string(),
        study: spec.study().map(String::from),
        kind: spec.kind().to_string(),
        spec: spec.describe(),
        submitted_by: user.to_string(),
        front,
        state: JobState::Pending,
        progress: 0.0,
        result: None,
        error: None,
        created_at: now.clone(),
        updated_at: now,
    }
}

/// A job as the API shows it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct JobView {
    /// Job id (16 hex digits).
    pub id: String,
    /// Study, if the job runs in one.
    pub study: Option<String>,
    /// Kind of job.
    pub kind: String,
    /// The job as submitted.
    #[schema(value_type = Object)]
    pub spec: serde_json::Value,
    /// Who submitted it.
    pub submitted_by: String,
    /// Party index of the node that received it.
    pub front: u8,
    /// pending, running, done, failed or cancelled.
    #[schema(value_type = String)]
    pub state: JobState,
    /// Fraction done, 0 to 1.
    pub progress: f64,
    /// The public result (what was revealed), when done.
    #[schema(value_type = Object)]
    pub result: Option<serde_json::Value>,
    /// Why it failed, naming the node at fault.
    pub error: Option<String>,
    /// When it was submitted (RFC 3339).
    pub created_at: String,
    /// Last change (RFC 3339).
    pub updated_at: String,
}

impl From<JobRecord> for JobView {
    fn from(r: JobRecord) -> Self {
        let parse = |s: &str| serde_json::from_str(s).unwrap_or(serde_json::Value::Null);
        JobView {
            spec: parse(&r.spec),
            result: r.result.as_deref().map(parse),
            id: r.id,
            study: r.study,
            kind: r.kind,
            submitted_by: r.submitted_by,
            front: r.front,
            state: r.state,
            progress: r.progress,
            error: r.error,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
