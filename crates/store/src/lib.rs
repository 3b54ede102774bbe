//! Durable storage for a sharestat compute node.
//!
//! A node keeps everything it must remember across restarts in one SQLite
//! file, `<dir>/node.sqlite3`, opened in WAL mode with `synchronous=FULL`
//! and foreign keys on: study definitions, this party's secret shares of
//! uploaded datasets (including staged uploads not yet committed), user
//! accounts with hashed API tokens and role grants, the job table, and an
//! append-only, hash-chained audit log.
//!
//! Every commit waits for the disk, except writes made inside [`deferred`] (a job's
//! submission and running state): those are flushed, in order, by the next full commit
//! (the job's result and audit entry).
//!
//! [`Store`] is `Send + Sync`; its methods take `&self`, are synchronous and
//! serialise on an internal mutex around the connection. Async callers may
//! call them directly for small operations or via `spawn_blocking` for
//! large share transfers.
//!
//! # Layout
//!
//! | module        | contents |
//! |---------------|----------|
//! | `lib.rs`      | [`Store`]: opening, pragmas, connection lock, shared helpers |
//! | `error.rs`    | [`StoreError`] and the [`Result`] alias |
//! | `schema.rs`   | migrations, [`SCHEMA_VERSION`] |
//! | `studies.rs`  | [`NewStudy`], [`Study`] |
//! | `datasets.rs` | dataset metadata and chunked share storage ([`Dataset`], [`ColumnShares`]) |
//! | `accounts.rs` | users, token hashes, role grants ([`User`], [`TokenInfo`], [`Role`], [`RoleGrant`]) |
//! | `uploads.rs`  | staged uploads committed by two-phase commit ([`NewUpload`], [`Upload`], [`UploadState`], [`Decision`]); their state transitions in `uploads/protocol.rs` |
//! | `jobs.rs`     | [`JobRecord`], [`JobState`] |
//! | `released.rs` | subsets released per study (shares of their row masks), for disclosure control |
//! | `records.rs`  | the rest of the record: dataset versions released on, released quantiles with their rows |
//! | `audit.rs`    | the hash-chained audit log ([`AuditEntry`], [`AuditReport`]) |
//!
//! Secrets: the store never sees API tokens, only their SHA-256; share
//! values and token hashes never appear in [`StoreError`] messages.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod accounts;
mod audit;
mod datasets;
mod error;
mod jobs;
mod records;
mod released;
mod schema;
mod studies;
mod uploads;

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use rusqlite::Connection;

pub use accounts::{Role, RoleGrant, TokenInfo, User};
pub use audit::{AuditEntry, AuditFault, AuditReport, NewAuditEntry};
pub use datasets::{CHUNK_WORDS, ColumnMeta, ColumnShares, Dataset, NewDataset};
pub use error::{Result, StoreError};
pub use jobs::{JobRecord, JobState};
pub use records::{MaskPartRef, ReleasedQuantiles};
pub use released::MaskPart;
pub use schema::SCHEMA_VERSION;
pub use studies::{NewStudy, Study};
pub use uploads::{Decision, NewUpload, Upload, UploadState};

/// File name of the database inside the store directory.
pub const DB_FILE_NAME: &str = "node.sqlite3";

/// How long a statement waits for a lock held by another connection.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A node's durable store: one SQLite database behind a mutex.
#[derive(Debug)]
pub struct Store {
    /// Path of the database file.
    path: PathBuf,
    /// The single connection; every method locks it for its duration.
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens (creating if needed) the store in `dir`, then migrates it to
    /// [`SCHEMA_VERSION`].
    ///
    /// Fails with [`StoreError::SchemaTooNew`], without modifying the file, if
    /// it was written by a newer schema.
    pub fn open(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join(DB_FILE_NAME);
        let mut conn = Connection::open(&path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        // Refuse a too-new file before the first write (switching to WAL is one).
        schema::check_not_too_new(schema::read_version(&conn)?)?;
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::corrupt(format!(
                "cannot enable WAL journal mode (got {mode})"
            )));
        }
        schema::migrate(&mut conn)?;
        Ok(Store {
            path,
            conn: Mutex::new(conn),
        })
    }

    /// Path of the database file (`<dir>/node.sqlite3`).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version recorded in the file.
    pub fn schema_version(&self) -> Result<u32> {
        let conn = self.conn();
        schema::read_version(&conn)?.ok_or_else(|| StoreError::corrupt("schema_version missing"))
    }

    /// Locks the connection. A poisoned lock is taken over: any transaction
    /// the panicking thread had open was rolled back when it was dropped. Inside
    /// [`deferred`], the connection commits without waiting for the disk until the
    /// guard is dropped.
    pub(crate) fn conn(&self) -> ConnGuard<'_> {
        let guard = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let relaxed = DEFERRED.with(Cell::get);
        if relaxed {
            let _ = guard.pragma_update(None, "synchronous", "NORMAL");
        }
        ConnGuard { guard, relaxed }
    }
}

thread_local! {
    static DEFERRED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with the writes this thread makes committed without waiting for the disk
/// (`synchronous=NORMAL` in WAL mode): they survive a crash of the process, and a power loss
/// only if a later write with the default full durability committed, which flushes them with
/// it, in order. For records whose loss would be harmless until something that depends on
/// them is written durably — a job's submission and running state before its result and audit
/// entry. Other threads' writes keep full durability.
pub fn deferred<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            DEFERRED.with(|d| d.set(self.0));
        }
    }
    let _reset = Reset(DEFERRED.with(|d| d.replace(true)));
    f()
}

/// The locked connection; restores full durability when dropped after [`deferred`] writes.
pub(crate) struct ConnGuard<'a> {
    guard: MutexGuard<'a, Connection>,
    relaxed: bool,
}

impl std::ops::Deref for ConnGuard<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.guard
    }
}

impl std::ops::DerefMut for ConnGuard<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.guard
    }
}

impl Drop for ConnGuard<'_> {
    fn drop(&mut self) {
        if self.relaxed {
            let _ = self.guard.pragma_update(None, "synchronous", "FULL");
        }
    }
}

/// The current time as an RFC 3339 UTC string with millisecond precision.
pub(crate) fn now() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

/// `n` random bytes from the OS, hex-encoded (`2 * n` characters).
pub(crate) fn random_hex(n: usize) -> Result<String> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).map_err(|e| StoreError::Random {
        detail: e.to_string(),
    })?;
    Ok(hex::encode(buf))
}

/// Lower-case hex SHA-256 of `data`.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}

/// Checks that `value` has 1..=`max` characters, all accepted by `allowed`.
pub(crate) fn check_name(
    field: &'static str,
    value: &str,
    max: usize,
    allowed: impl Fn(char) -> bool,
    allowed_desc: &str,
) -> Result<()> {
    let len = value.chars().count();
    if len == 0 || len > max {
        return Err(StoreError::invalid(
            field,
            format!("must be 1..={max} characters, got {len}"),
        ));
    }
    if let Some(c) = value.chars().find(|&c| !allowed(c)) {
        return Err(StoreError::invalid(
            field,
            format!("character {c:?} not allowed (allowed: {allowed_desc})"),
        ));
    }
    Ok(())
}

/// Checks a free-text label: 1..=`max` characters, no control characters.
pub(crate) fn check_text(field: &'static str, value: &str, max: usize) -> Result<()> {
    check_name(
        field,
        value,
        max,
        |c| !c.is_control(),
        "any non-control character",
    )
}

/// Validates a study id: 1..=64 characters of `[a-z0-9_-]`.
pub(crate) fn check_study_id(id: &str) -> Result<()> {
    check_name(
        "study id",
        id,
        64,
        |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-',
        "a-z 0-9 _ -",
    )
}

/// Converts a stored INTEGER that must be non-negative.
pub(crate) fn to_u64(v: i64, what: &str) -> Result<u64> {
    u64::try_from(v).map_err(|_| StoreError::corrupt(format!("negative {what}: {v}")))
}

/// Converts a count or size for storage as an SQLite INTEGER.
pub(crate) fn to_i64(v: u64, field: &'static str) -> Result<i64> {
    i64::try_from(v).map_err(|_| StoreError::invalid(field, format!("{v} is too large")))
}
