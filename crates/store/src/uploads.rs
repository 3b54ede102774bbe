//! Staged uploads: a dataset reaches a node in chunks of shares and becomes
//! visible only once the three nodes commit it (two-phase commit, driven by
//! the node crate with one node as coordinator).
//!
//! [`Store::begin_upload`] records the upload under the id the client chose
//! (the same on all three nodes) and creates a *staged* dataset, which no
//! dataset read sees. [`Store::put_upload_chunk`] writes one chunk of rows of
//! every column straight into the staged dataset's `share_chunks` rows, so
//! upload chunks map 1:1 onto storage chunks ([`CHUNK_WORDS`] rows each).
//! Re-sending a chunk overwrites it: an interrupted upload resumes from
//! [`Store::upload_chunks_received`].
//!
//! ```text
//! open ──prepare──> prepared ──commit──> committed
//!   │                  │
//!   └──────abort───────┴──────> aborted
//! ```
//!
//! * *prepare* is this node's yes vote: every chunk is stored durably. From
//!   then on the upload waits for the coordinator's decision.
//! * *commit* deletes the replaced dataset (if the upload `replaces` one) and
//!   makes the staged dataset visible, in one transaction.
//! * *abort* deletes the staged dataset and its chunks.
//! * The coordinator logs its decision durably with [`Store::record_decision`]
//!   before telling the peers; commit and abort refuse to contradict it.
//!
//! Each step is one `IMMEDIATE` transaction (with `synchronous=FULL`) and is
//! idempotent, so messages can be retried after a crash or a lost reply.
//! Upload rows are kept after they finish: they record the outcome.
//!
//! Several uploads of one study and dataset name may be open at once, but at
//! most one may be prepared: a prepared upload holds the name until it is
//! decided, so every node commits the uploads of a name in the same order.

mod protocol;

use std::fmt;
use std::str::FromStr;

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use crate::error::{Result, StoreError};
use crate::{CHUNK_WORDS, ColumnMeta, Store, to_u64};

/// Number of parties; coordinators are `0..PARTIES`.
const PARTIES: u8 = 3;

/// Input for [`Store::begin_upload`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUpload {
    /// Upload id chosen by the client, the same on all three nodes:
    /// 32 lower-case hex characters.
    pub id: String,
    /// Study the dataset belongs to (must exist).
    pub study: String,
    /// Site that uploads it.
    pub site: String,
    /// Dataset name.
    pub name: String,
    /// Number of rows.
    pub rows: u64,
    /// Columns, in order (non-empty, unique names).
    pub columns: Vec<ColumnMeta>,
    /// Rows per chunk; must be [`CHUNK_WORDS`].
    pub chunk_rows: u64,
    /// Whether committing replaces the visible dataset of the same study and
    /// name (if any). Without it, an existing name is refused.
    pub replaces: bool,
    /// User who uploads it.
    pub uploaded_by: String,
    /// Party index (0..=2) of the node coordinating the commit.
    pub coordinator: u8,
}

/// Two-phase-commit state of an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadState {
    /// Receiving chunks.
    Open,
    /// Complete and durable; waiting for the coordinator's decision.
    Prepared,
    /// The dataset is visible.
    Committed,
    /// The staged data was deleted.
    Aborted,
}

impl UploadState {
    /// All states.
    pub const ALL: [UploadState; 4] = [
        UploadState::Open,
        UploadState::Prepared,
        UploadState::Committed,
        UploadState::Aborted,
    ];

    /// The state's stable name: `open`, `prepared`, `committed`, `aborted`.
    pub fn as_str(self) -> &'static str {
        match self {
            UploadState::Open => "open",
            UploadState::Prepared => "prepared",
            UploadState::Committed => "committed",
            UploadState::Aborted => "aborted",
        }
    }

    /// Whether the upload has finished (committed or aborted).
    pub fn is_terminal(self) -> bool {
        matches!(self, UploadState::Committed | UploadState::Aborted)
    }
}

impl fmt::Display for UploadState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for UploadState {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<UploadState> {
        UploadState::ALL
            .into_iter()
            .find(|u| u.as_str() == s)
            .ok_or_else(|| StoreError::invalid("upload state", format!("unknown state {s:?}")))
    }
}

/// The coordinator's decision on an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// All three nodes prepared: make the dataset visible.
    Commit,
    /// Drop the staged data.
    Abort,
}

impl Decision {
    /// The decision's stable name: `commit` or `abort`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Commit => "commit",
            Decision::Abort => "abort",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Decision {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Decision> {
        [Decision::Commit, Decision::Abort]
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| StoreError::invalid("decision", format!("unknown decision {s:?}")))
    }
}

/// An upload as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload {
    /// Upload id (32 lower-case hex characters, the same on all nodes).
    pub id: String,
    /// Study.
    pub study: String,
    /// Uploading site.
    pub site: String,
    /// Dataset name.
    pub name: String,
    /// Number of rows.
    pub rows: u64,
    /// Columns, in order.
    pub columns: Vec<ColumnMeta>,
    /// Rows per chunk ([`CHUNK_WORDS`]).
    pub chunk_rows: u64,
    /// Whether committing replaces the visible dataset of the same name.
    pub replaces: bool,
    /// Uploading user.
    pub uploaded_by: String,
    /// Party index of the coordinating node.
    pub coordinator: u8,
    /// Id of this node's dataset for the upload (staged until committed;
    /// random, so it differs between nodes).
    pub dataset_id: String,
    /// Current state.
    pub state: UploadState,
    /// The decision, if this node coordinates and has logged one.
    pub decision: Option<Decision>,
    /// Chunks stored for every column (all of them once committed, none
    /// once aborted).
    pub chunks_received: u64,
    /// Chunks the upload has: `ceil(rows / chunk_rows)`.
    pub total_chunks: u64,
    /// Creation time, RFC 3339 UTC.
    pub created_at: String,
    /// Time of the last change (for a committed upload: the commit),
    /// RFC 3339 UTC.
    pub updated_at: String,
}

const UPLOAD_COLUMNS: &str = "id, study, site, name, row_count, chunk_rows, replaces, \
                              uploaded_by, coordinator, dataset_id, state, decision, \
                              created_at, updated_at";

/// The unparsed fields of an upload row.
struct RawUpload {
    rows: i64,
    chunk_rows: i64,
    coordinator: i64,
    state: String,
    decision: Option<String>,
}

fn upload_from_row(r: &Row<'_>) -> rusqlite::Result<(Upload, RawUpload)> {
    Ok((
        Upload {
            id: r.get(0)?,
            study: r.get(1)?,
            site: r.get(2)?,
            name: r.get(3)?,
            rows: 0,
            columns: Vec::new(),
            chunk_rows: 0,
            replaces: r.get(6)?,
            uploaded_by: r.get(7)?,
            coordinator: 0,
            dataset_id: r.get(9)?,
            state: UploadState::Open,
            decision: None,
            chunks_received: 0,
            total_chunks: 0,
            created_at: r.get(12)?,
            updated_at: r.get(13)?,
        },
        RawUpload {
            rows: r.get(4)?,
            chunk_rows: r.get(5)?,
            coordinator: r.get(8)?,
            state: r.get(10)?,
            decision: r.get(11)?,
        },
    ))
}

/// Chunks needed for `rows` rows.
fn total_chunks(rows: u64) -> u64 {
    rows.div_ceil(CHUNK_WORDS as u64)
}

/// Reads an upload with its columns; `chunks_received` is left at 0 (see
/// [`with_progress`]).
fn upload_row(conn: &Connection, id: &str) -> Result<Option<Upload>> {
    let row = conn
        .query_row(
            &format!("SELECT {UPLOAD_COLUMNS} FROM uploads WHERE id = ?1"),
            [id],
            upload_from_row,
        )
        .optional()?;
    row.map(|r| finish_upload(conn, r)).transpose()
}

fn finish_upload(conn: &Connection, (mut up, raw): (Upload, RawUpload)) -> Result<Upload> {
    let bad = |what: &str, v: &dyn fmt::Debug| {
        StoreError::corrupt(format!("upload {}: bad {what} {v:?}", up.id))
    };
    up.rows = to_u64(raw.rows, "row count")?;
    up.chunk_rows = to_u64(raw.chunk_rows, "chunk rows")?;
    up.coordinator = u8::try_from(raw.coordinator)
        .ok()
        .filter(|&c| c < PARTIES)
        .ok_or_else(|| bad("coordinator", &raw.coordinator))?;
    up.state = raw.state.parse().map_err(|_| bad("state", &raw.state))?;
    up.decision = match &raw.decision {
        None => None,
        Some(d) => Some(d.parse().map_err(|_| bad("decision", d))?),
    };
    up.total_chunks = total_chunks(up.rows);
    let mut stmt = conn.prepare_cached(
        "SELECT name, kind FROM upload_columns WHERE upload = ?1 ORDER BY position",
    )?;
    let cols = stmt.query_map([&up.id], |r| {
        Ok(ColumnMeta {
            name: r.get(0)?,
            kind: r.get(1)?,
        })
    })?;
    up.columns = cols.collect::<rusqlite::Result<_>>()?;
    Ok(up)
}

/// Fills in `chunks_received`.
fn with_progress(conn: &Connection, mut up: Upload) -> Result<Upload> {
    up.chunks_received = match up.state {
        UploadState::Committed => up.total_chunks,
        UploadState::Aborted => 0,
        UploadState::Open | UploadState::Prepared => conn
            .query_row(
                "SELECT count(*) FROM (SELECT chunk FROM share_chunks WHERE dataset = ?1
                                   GROUP BY chunk HAVING count(*) = ?2)",
                params![up.dataset_id, up.columns.len() as i64],
                |r| r.get::<_, i64>(0),
            )
            .map_err(StoreError::from)
            .and_then(|n| to_u64(n, "chunk count"))?,
    };
    Ok(up)
}

/// Reads an upload or fails with [`StoreError::NotFound`].
fn require_upload(conn: &Connection, id: &str) -> Result<Upload> {
    upload_row(conn, id)?.ok_or_else(|| StoreError::not_found("upload", id))
}

/// Chunk numbers stored for every column of `up`, ascending.
fn received_chunks(conn: &Connection, up: &Upload) -> Result<Vec<u64>> {
    match up.state {
        UploadState::Committed => return Ok((0..up.total_chunks).collect()),
        UploadState::Aborted => return Ok(Vec::new()),
        UploadState::Open | UploadState::Prepared => {}
    }
    let mut stmt = conn.prepare_cached(
        "SELECT chunk FROM share_chunks WHERE dataset = ?1
         GROUP BY chunk HAVING count(*) = ?2 ORDER BY chunk",
    )?;
    let chunks = stmt
        .query_map(params![up.dataset_id, up.columns.len() as i64], |r| {
            r.get::<_, i64>(0)
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    chunks.into_iter().map(|c| to_u64(c, "chunk")).collect()
}

impl Store {
    /// The upload with this id, if any.
    pub fn upload(&self, id: &str) -> Result<Option<Upload>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let up = upload_row(&tx, id)?
            .map(|up| with_progress(&tx, up))
            .transpose()?;
        tx.finish()?;
        Ok(up)
    }

    /// All uploads, or those in `state`, oldest first (e.g. the prepared
    /// ones, to resolve after a restart).
    pub fn uploads(&self, state: Option<UploadState>) -> Result<Vec<Upload>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let rows = {
            let mut stmt = tx.prepare(&format!(
                "SELECT {UPLOAD_COLUMNS} FROM uploads WHERE ?1 IS NULL OR state = ?1
                 ORDER BY created_at, id"
            ))?;
            stmt.query_map([state.map(UploadState::as_str)], upload_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        };
        let ups = rows
            .into_iter()
            .map(|r| with_progress(&tx, finish_upload(&tx, r)?))
            .collect::<Result<Vec<_>>>()?;
        tx.finish()?;
        Ok(ups)
    }

    /// The chunk numbers stored for every column of an upload, ascending (to
    /// resume an interrupted upload). All chunks once committed, none once
    /// aborted. [`StoreError::NotFound`] for an unknown upload.
    pub fn upload_chunks_received(&self, id: &str) -> Result<Vec<u64>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let up = require_upload(&tx, id)?;
        let chunks = received_chunks(&tx, &up)?;
        tx.finish()?;
        Ok(chunks)
    }
}
