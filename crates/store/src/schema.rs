//! Schema migrations.
//!
//! The `meta` table holds `schema_version`, the number of entries of
//! [`MIGRATIONS`] that have been applied. Opening a store applies the missing
//! steps, in order, inside one `IMMEDIATE` transaction, so a file is either
//! fully at the new version or untouched. A file whose version is newer than
//! [`SCHEMA_VERSION`] is refused before anything is written.
//!
//! Migrations are append-only: never edit a step that has shipped; add a new
//! one at the end.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::error::{Result, StoreError};

/// The schema version this build creates and understands.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Migration steps; step `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5];

/// Version 1: studies, datasets and share chunks, accounts, jobs, audit log.
const V1: &str = r#"
CREATE TABLE studies (
    id                TEXT PRIMARY KEY NOT NULL,
    title             TEXT NOT NULL,
    dictionary        TEXT NOT NULL,
    policy            TEXT NOT NULL,
    dictionary_sha256 TEXT NOT NULL,
    policy_sha256     TEXT NOT NULL,
    created_at        TEXT NOT NULL
);

CREATE TABLE datasets (
    id          TEXT PRIMARY KEY NOT NULL,
    study       TEXT NOT NULL REFERENCES studies(id),
    site        TEXT NOT NULL,
    name        TEXT NOT NULL,
    row_count   INTEGER NOT NULL CHECK (row_count >= 0),
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX datasets_by_study ON datasets(study, uploaded_at);

CREATE TABLE dataset_columns (
    dataset  TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    kind     TEXT NOT NULL,
    PRIMARY KEY (dataset, name),
    UNIQUE (dataset, position)
);

-- One party's two share components of a column, in chunks of at most
-- CHUNK_WORDS little-endian u64 words each.
CREATE TABLE share_chunks (
    dataset TEXT NOT NULL,
    col     TEXT NOT NULL,
    chunk   INTEGER NOT NULL,
    a       BLOB NOT NULL,
    b       BLOB NOT NULL,
    PRIMARY KEY (dataset, col, chunk),
    FOREIGN KEY (dataset, col) REFERENCES dataset_columns(dataset, name) ON DELETE CASCADE
);

CREATE TABLE users (
    name         TEXT PRIMARY KEY NOT NULL,
    display_name TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    disabled     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE tokens (
    id           TEXT PRIMARY KEY NOT NULL,
    user         TEXT NOT NULL REFERENCES users(name),
    token_sha256 BLOB NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    label        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    revoked      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tokens_by_user ON tokens(user);

CREATE TABLE grants (
    user  TEXT NOT NULL REFERENCES users(name),
    role  TEXT NOT NULL,
    study TEXT REFERENCES studies(id),
    site  TEXT
);
CREATE UNIQUE INDEX grants_unique ON grants(user, role, ifnull(study, ''), ifnull(site, ''));

CREATE TABLE jobs (
    id           TEXT PRIMARY KEY NOT NULL,
    study        TEXT REFERENCES studies(id),
    kind         TEXT NOT NULL,
    spec         TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    front        INTEGER NOT NULL,
    state        TEXT NOT NULL,
    progress     REAL NOT NULL,
    result       TEXT,
    error        TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX jobs_by_study ON jobs(study, created_at);
CREATE INDEX jobs_by_state ON jobs(state);

CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY NOT NULL,
    ts        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    role      TEXT NOT NULL,
    action    TEXT NOT NULL,
    study     TEXT,
    dataset   TEXT,
    job       TEXT,
    detail    TEXT NOT NULL,
    revealed  TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_by_study ON audit(study, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;
"#;

/// Version 2: staged uploads (two-phase commit across the three nodes).
///
/// Datasets get a `state`: `visible` (every existing row) or `staged` (an
/// upload not yet committed, invisible to all dataset reads). `uploads` and
/// `upload_columns` record each upload's parameters, its 2PC state and the
/// coordinator's decision; upload rows are kept after they finish.
const V2: &str = r#"
ALTER TABLE datasets ADD COLUMN state TEXT NOT NULL DEFAULT 'visible'
    CHECK (state IN ('visible', 'staged'));
CREATE INDEX datasets_by_name ON datasets(study, name, state);

CREATE TABLE uploads (
    id          TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 32),
    study       TEXT NOT NULL REFERENCES studies(id),
    site        TEXT NOT NULL,
    name        TEXT NOT NULL,
    row_count   INTEGER NOT NULL CHECK (row_count >= 0),
    chunk_rows  INTEGER NOT NULL CHECK (chunk_rows > 0),
    replaces    INTEGER NOT NULL CHECK (replaces IN (0, 1)),
    uploaded_by TEXT NOT NULL,
    coordinator INTEGER NOT NULL CHECK (coordinator BETWEEN 0 AND 2),
    dataset_id  TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('open', 'prepared', 'committed', 'aborted')),
    decision    TEXT CHECK (decision IN ('commit', 'abort')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX uploads_by_state ON uploads(state, created_at);
-- At most one prepared upload per dataset name: it holds the name until the
-- coordinator's decision arrives, so all nodes commit uploads of one name in
-- the same order.
CREATE UNIQUE INDEX uploads_prepared ON uploads(study, name) WHERE state = 'prepared';

CREATE TABLE upload_columns (
    upload   TEXT NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    kind     TEXT NOT NULL,
    PRIMARY KEY (upload, position),
    UNIQUE (upload, name)
);
"#;

/// Reads `schema_version`; `None` for a file that has never been migrated.
pub(crate) fn read_version(conn: &Connection) -> Result<Option<u32>> {
    let has_meta: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta')",
        [],
        |r| r.get(0),
    )?;
    if !has_meta {
        return Ok(None);
    }
    let v: Option<i64> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    match v {
        None => Ok(None),
        Some(v) => u32::try_from(v)
            .map(Some)
            .map_err(|_| StoreError::corrupt(format!("schema_version {v} out of range"))),
    }
}

/// Fails with [`StoreError::SchemaTooNew`] if `found` is newer than this build.
pub(crate) fn check_not_too_new(found: Option<u32>) -> Result<()> {
    match found {
        Some(found) if found > SCHEMA_VERSION => Err(StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        }),
        _ => Ok(()),
    }
}

/// Brings the file up to [`SCHEMA_VERSION`] in one transaction.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Re-read under the write lock: another process may have migrated meanwhile.
    let current = read_version(&tx)?;
    check_not_too_new(current)?;
    let current = current.unwrap_or(0);
    if current == SCHEMA_VERSION {
        return Ok(()); // dropping `tx` rolls back the (empty) transaction
    }
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY NOT NULL, value NOT NULL)",
    )?;
    for step in &MIGRATIONS[current as usize..] {
        tx.execute_batch(step)?;
    }
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [i64::from(SCHEMA_VERSION)],
    )?;
    tx.commit()?;
    Ok(())
}

/// Version 3: the subsets released in each study (this node's shares of their row masks, per
/// dataset version), for the differencing defence of disclosure control.
const V3: &str = r#"
CREATE TABLE released_subsets (
    study      TEXT NOT NULL REFERENCES studies(id),
    seq        INTEGER NOT NULL,
    dataset    TEXT NOT NULL,
    a          BLOB NOT NULL,
    b          BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (study, seq, dataset)
);
"#;

/// Version 4: each released subset's provenance key (the hash of the program and dataset
/// versions that made it), so that a repeated query adds nothing, the same way on every node
/// and after a restart. Subsets are never deleted any more.
const V4: &str = r#"
ALTER TABLE released_subsets ADD COLUMN provenance INTEGER;
"#;

/// Version 5: the rest of a study's record of releases, so that a restart forgets nothing: the
/// dataset versions aggregates were released on (the `version_change` rule) and the released
/// quantiles (public parts as JSON; rows as this node's shares of their masks, low 32 bits).
const V5: &str = r#"
CREATE TABLE released_versions (
    study      TEXT NOT NULL REFERENCES studies(id),
    version    TEXT NOT NULL,
    dataset    TEXT NOT NULL,
    rows       INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (study, version)
);
CREATE TABLE released_quantiles (
    study      TEXT NOT NULL REFERENCES studies(id),
    seq        INTEGER NOT NULL,
    public     TEXT NOT NULL,
    all_rows   INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (study, seq)
);
CREATE TABLE released_quantile_rows (
    study      TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    dataset    TEXT NOT NULL,
    a          BLOB NOT NULL,
    b          BLOB NOT NULL,
    PRIMARY KEY (study, seq, dataset),
    FOREIGN KEY (study, seq) REFERENCES released_quantiles(study, seq)
);
"#;
