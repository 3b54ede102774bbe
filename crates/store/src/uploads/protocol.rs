//! The state transitions of an upload: begin, chunks, prepare, commit,
//! abort, and the coordinator's decision log (see the parent module for the
//! protocol). Each is one `IMMEDIATE` transaction and idempotent.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{
    Decision, NewUpload, PARTIES, UPLOAD_COLUMNS, Upload, UploadState, require_upload, upload_row,
    with_progress,
};
use crate::datasets::{
    DATASET_COLUMNS, check_columns, dataset_from_row, delete_dataset_rows, delete_visible_by_name,
    finish_dataset, words_to_bytes,
};
use crate::error::{Result, StoreError};
use crate::studies::require_study;
use crate::{
    CHUNK_WORDS, ColumnShares, Dataset, Store, check_text, now, random_hex, to_i64, to_u64,
};

/// How many missing chunks an error message lists.
const MISSING_LISTED: usize = 10;

/// Validates the fields of a new upload (not the study's existence).
fn check_new(new: &NewUpload) -> Result<()> {
    if new.id.len() != 32
        || !new
            .id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(StoreError::invalid(
            "upload id",
            "must be 32 lower-case hex characters",
        ));
    }
    check_text("site", &new.site, 128)?;
    check_text("dataset name", &new.name, 256)?;
    check_text("uploaded_by", &new.uploaded_by, 256)?;
    to_i64(new.rows, "rows")?;
    if new.chunk_rows != CHUNK_WORDS as u64 {
        return Err(StoreError::invalid(
            "chunk_rows",
            format!("must be {CHUNK_WORDS}, got {}", new.chunk_rows),
        ));
    }
    if new.columns.is_empty() {
        return Err(StoreError::invalid("columns", "at least one is required"));
    }
    check_columns(&new.columns)?;
    if new.coordinator >= PARTIES {
        return Err(StoreError::invalid(
            "coordinator",
            format!("party {} is not in 0..{PARTIES}", new.coordinator),
        ));
    }
    Ok(())
}

/// Whether `up` was begun with exactly the parameters of `new`.
fn same_params(new: &NewUpload, up: &Upload) -> bool {
    new.id == up.id
        && new.study == up.study
        && new.site == up.site
        && new.name == up.name
        && new.rows == up.rows
        && new.columns == up.columns
        && new.chunk_rows == up.chunk_rows
        && new.replaces == up.replaces
        && new.uploaded_by == up.uploaded_by
        && new.coordinator == up.coordinator
}

/// The error for a transition the upload's state does not allow.
fn wrong_state(up: &Upload, action: &str, why: &str) -> StoreError {
    StoreError::invalid(
        "upload state",
        format!("cannot {action} upload {}: it is {}{why}", up.id, up.state),
    )
}

/// Fails if the coordinator logged `forbidden` for `up`.
fn check_not_decided(up: &Upload, action: &str, forbidden: Decision) -> Result<()> {
    if up.decision == Some(forbidden) {
        return Err(wrong_state(
            up,
            action,
            &format!(" and the coordinator decided {forbidden}"),
        ));
    }
    Ok(())
}

/// Whether a visible dataset of `study` is named `name`.
fn visible_exists(conn: &Connection, study: &str, name: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM datasets WHERE study = ?1 AND name = ?2 AND state = 'visible' LIMIT 1",
            [study, name],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Sets an upload's state and stamps `updated_at`.
fn set_state(conn: &Connection, id: &str, state: UploadState, ts: &str) -> Result<()> {
    conn.execute(
        "UPDATE uploads SET state = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, state.as_str(), ts],
    )?;
    Ok(())
}

/// Checks the sizes of the stored chunks of `up`; returns the first
/// [`MISSING_LISTED`] chunk numbers not stored for every column, and how
/// many such chunks there are.
fn missing_chunks(conn: &Connection, up: &Upload) -> Result<(Vec<u64>, u64)> {
    let mut counts: HashMap<u64, usize> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT col, chunk, length(a), length(b) FROM share_chunks WHERE dataset = ?1",
    )?;
    let mut q = stmt.query([&up.dataset_id])?;
    while let Some(r) = q.next()? {
        let (col, chunk): (String, i64) = (r.get(0)?, r.get(1)?);
        let (la, lb): (i64, i64) = (r.get(2)?, r.get(3)?);
        let chunk = to_u64(chunk, "chunk")?;
        let words = up
            .rows
            .saturating_sub(chunk.saturating_mul(CHUNK_WORDS as u64));
        let expected = 8 * words.min(CHUNK_WORDS as u64);
        let ok = chunk < up.total_chunks
            && up.columns.iter().any(|c| c.name == col)
            && u64::try_from(la).is_ok_and(|la| la == expected)
            && la == lb;
        if !ok {
            return Err(StoreError::corrupt(format!(
                "upload {}: stored chunk {chunk} of column {col:?} is malformed",
                up.id
            )));
        }
        *counts.entry(chunk).or_default() += 1;
    }
    let complete: HashSet<u64> = counts
        .into_iter()
        .filter(|&(_, n)| n == up.columns.len())
        .map(|(c, _)| c)
        .collect();
    let first = (0..up.total_chunks)
        .filter(|c| !complete.contains(c))
        .take(MISSING_LISTED)
        .collect();
    Ok((first, up.total_chunks - complete.len() as u64))
}

impl Store {
    /// Begins (or resumes) an upload: records it in state `open` and creates
    /// its staged dataset, with its columns and no chunks yet.
    ///
    /// Idempotent: for an existing id with identical parameters, returns
    /// that upload as it is now (in whatever state; callers check `state`).
    ///
    /// Errors: [`StoreError::Invalid`] for a bad id, empty or duplicate
    /// columns, `chunk_rows != CHUNK_WORDS` or a coordinator outside 0..=2;
    /// [`StoreError::NotFound`] for an unknown study; [`StoreError::Exists`]
    /// for an id taken with other parameters (`what: "upload"`), a visible
    /// dataset of that name when `replaces` is false (`"dataset"`, id
    /// `study/name`).
    pub fn begin_upload(&self, new: &NewUpload) -> Result<Upload> {
        check_new(new)?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(up) = upload_row(&tx, &new.id)? {
            if !same_params(new, &up) {
                return Err(StoreError::Exists {
                    what: "upload",
                    id: new.id.clone(),
                });
            }
            return with_progress(&tx, up);
        }
        require_study(&tx, &new.study)?;
        if !new.replaces && visible_exists(&tx, &new.study, &new.name)? {
            return Err(StoreError::Exists {
                what: "dataset",
                id: format!("{}/{}", new.study, new.name),
            });
        }
        let dataset_id = random_hex(16)?;
        let ts = now();
        let rows = to_i64(new.rows, "rows")?;
        tx.execute(
            &format!(
                "INSERT INTO datasets ({DATASET_COLUMNS}, state)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'staged')"
            ),
            params![
                dataset_id,
                new.study,
                new.site,
                new.name,
                rows,
                new.uploaded_by,
                ts
            ],
        )?;
        tx.execute(
            &format!(
                "INSERT INTO uploads ({UPLOAD_COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'open', NULL, ?11, ?11)"
            ),
            params![
                new.id,
                new.study,
                new.site,
                new.name,
                rows,
                to_i64(new.chunk_rows, "chunk_rows")?,
                new.replaces,
                new.uploaded_by,
                new.coordinator,
                dataset_id,
                ts
            ],
        )?;
        {
            let mut ds_col = tx.prepare(
                "INSERT INTO dataset_columns (dataset, position, name, kind) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut up_col = tx.prepare(
                "INSERT INTO upload_columns (upload, position, name, kind) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (pos, c) in new.columns.iter().enumerate() {
                ds_col.execute(params![dataset_id, pos as i64, c.name, c.kind])?;
                up_col.execute(params![new.id, pos as i64, c.name, c.kind])?;
            }
        }
        let up = with_progress(&tx, require_upload(&tx, &new.id)?)?;
        tx.commit()?;
        Ok(up)
    }

    /// Stores chunk `chunk` (rows `chunk * CHUNK_WORDS ..`) of every column
    /// of an open upload, overwriting a previous copy of that chunk.
    ///
    /// `columns` must hold each of the upload's columns exactly once, each
    /// with `a` and `b` as long as the chunk (`CHUNK_WORDS`, or the rest of
    /// the rows for the last chunk); otherwise [`StoreError::Invalid`] names
    /// the column and the expected length. Also Invalid: a chunk number past
    /// the end, or an upload that is not open. [`StoreError::NotFound`] for
    /// an unknown upload.
    pub fn put_upload_chunk(&self, id: &str, chunk: u64, columns: &[ColumnShares]) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let up = require_upload(&tx, id)?;
        if up.state != UploadState::Open {
            return Err(wrong_state(&up, "add a chunk to", ""));
        }
        if chunk >= up.total_chunks {
            return Err(StoreError::invalid(
                "chunk",
                format!(
                    "chunk {chunk} out of range: upload {id} has {} chunks (0..{})",
                    up.total_chunks, up.total_chunks
                ),
            ));
        }
        let expected = (up.rows - chunk * CHUNK_WORDS as u64).min(CHUNK_WORDS as u64) as usize;
        let mut by_name: HashMap<&str, &ColumnShares> = HashMap::new();
        for s in columns {
            if !up.columns.iter().any(|c| c.name == s.name) {
                return Err(StoreError::invalid(
                    "shares",
                    format!("shares for undeclared column {:?}", s.name),
                ));
            }
            if by_name.insert(s.name.as_str(), s).is_some() {
                return Err(StoreError::invalid(
                    "shares",
                    format!("shares for column {:?} given twice", s.name),
                ));
            }
            if s.a.len() != expected || s.b.len() != expected {
                return Err(StoreError::invalid(
                    "shares",
                    format!(
                        "column {:?} has {} a-words and {} b-words in chunk {chunk}, \
                         expected {expected} each",
                        s.name,
                        s.a.len(),
                        s.b.len()
                    ),
                ));
            }
        }
        if let Some(c) = up
            .columns
            .iter()
            .find(|c| !by_name.contains_key(c.name.as_str()))
        {
            return Err(StoreError::invalid(
                "shares",
                format!(
                    "no shares for column {:?} in chunk {chunk} (expected {expected} words)",
                    c.name
                ),
            ));
        }
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO share_chunks (dataset, col, chunk, a, b) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (dataset, col, chunk) DO UPDATE SET a = excluded.a, b = excluded.b",
            )?;
            for s in columns {
                stmt.execute(params![
                    up.dataset_id,
                    s.name,
                    to_i64(chunk, "chunk")?,
                    words_to_bytes(&s.a),
                    words_to_bytes(&s.b)
                ])?;
            }
        }
        tx.execute(
            "UPDATE uploads SET updated_at = ?2 WHERE id = ?1",
            params![id, now()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// This node's yes vote: moves an open upload to `prepared` after
    /// checking that every chunk of every column is stored, in one durable
    /// transaction. Idempotent for a prepared or committed upload.
    ///
    /// Errors: [`StoreError::Invalid`] listing the first missing chunks, or
    /// for an aborted upload (or one the coordinator decided to abort);
    /// [`StoreError::Exists`] if the upload does not replace and a visible
    /// dataset of the same name exists by now (`what: "dataset"`), or if
    /// another upload of the same name is prepared (with that upload's id);
    /// [`StoreError::NotFound`] for an unknown upload.
    pub fn prepare_upload(&self, id: &str) -> Result<Upload> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let up = require_upload(&tx, id)?;
        match up.state {
            UploadState::Committed => return with_progress(&tx, up),
            UploadState::Aborted => return Err(wrong_state(&up, "prepare", "")),
            UploadState::Open | UploadState::Prepared => {}
        }
        check_not_decided(&up, "prepare", Decision::Abort)?;
        if up.state == UploadState::Prepared {
            return with_progress(&tx, up);
        }
        let (first, missing) = missing_chunks(&tx, &up)?;
        if missing > 0 {
            let listed: Vec<String> = first.iter().map(u64::to_string).collect();
            return Err(StoreError::invalid(
                "upload",
                format!(
                    "upload {id} is incomplete: missing chunk(s) {}{} ({missing} of {} chunks)",
                    listed.join(", "),
                    if missing > first.len() as u64 {
                        ", ..."
                    } else {
                        ""
                    },
                    up.total_chunks
                ),
            ));
        }
        if !up.replaces && visible_exists(&tx, &up.study, &up.name)? {
            return Err(StoreError::Exists {
                what: "dataset",
                id: format!("{}/{}", up.study, up.name),
            });
        }
        let other: Option<String> = tx
            .query_row(
                "SELECT id FROM uploads WHERE study = ?1 AND name = ?2 AND state = 'prepared'",
                [&up.study, &up.name],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(other) = other {
            return Err(StoreError::Exists {
                what: "prepared upload of this dataset",
                id: other,
            });
        }
        set_state(&tx, id, UploadState::Prepared, &now())?;
        let up = with_progress(&tx, require_upload(&tx, id)?)?;
        tx.commit()?;
        Ok(up)
    }

    /// Commits a prepared upload in one transaction: deletes the visible
    /// dataset(s) of the same study and name if the upload `replaces`, makes
    /// the staged dataset visible (`uploaded_at` now) and marks the upload
    /// committed. Returns the now-visible dataset.
    ///
    /// Idempotent: for a committed upload, returns the dataset as committed
    /// (even if it has since been withdrawn or replaced).
    ///
    /// Errors: [`StoreError::Invalid`] for an open or aborted upload, or one
    /// the coordinator decided to abort; [`StoreError::NotFound`] for an
    /// unknown upload.
    pub fn commit_upload(&self, id: &str) -> Result<Dataset> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let up = require_upload(&tx, id)?;
        match up.state {
            UploadState::Committed => return committed_dataset(&tx, up),
            UploadState::Open => return Err(wrong_state(&up, "commit", "; prepare it first")),
            UploadState::Aborted => return Err(wrong_state(&up, "commit", "")),
            UploadState::Prepared => {}
        }
        check_not_decided(&up, "commit", Decision::Abort)?;
        let ts = now();
        if up.replaces {
            delete_visible_by_name(&tx, &up.study, &up.name)?;
        }
        let n = tx.execute(
            "UPDATE datasets SET state = 'visible', uploaded_at = ?2
             WHERE id = ?1 AND state = 'staged'",
            params![up.dataset_id, ts],
        )?;
        if n != 1 {
            return Err(StoreError::corrupt(format!(
                "upload {id}: staged dataset {} is missing",
                up.dataset_id
            )));
        }
        set_state(&tx, id, UploadState::Committed, &ts)?;
        let ds = committed_dataset(&tx, require_upload(&tx, id)?)?;
        tx.commit()?;
        Ok(ds)
    }

    /// Aborts an open or prepared upload: deletes its staged dataset and
    /// chunks and marks it aborted, in one transaction. Returns `true` if it
    /// was aborted now, `false` if it already was.
    ///
    /// Errors: [`StoreError::Invalid`] for a committed upload (too late) or
    /// one the coordinator decided to commit; [`StoreError::NotFound`] for
    /// an unknown upload.
    pub fn abort_upload(&self, id: &str) -> Result<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let up = require_upload(&tx, id)?;
        match up.state {
            UploadState::Aborted => return Ok(false),
            UploadState::Committed => return Err(wrong_state(&up, "abort", "; too late")),
            UploadState::Open | UploadState::Prepared => {}
        }
        check_not_decided(&up, "abort", Decision::Commit)?;
        let staged = tx
            .query_row(
                "SELECT state = 'staged' FROM datasets WHERE id = ?1",
                [&up.dataset_id],
                |r| r.get::<_, bool>(0),
            )
            .optional()?;
        match staged {
            Some(true) => {
                delete_dataset_rows(&tx, &up.dataset_id)?;
            }
            None => {}
            Some(false) => {
                return Err(StoreError::corrupt(format!(
                    "upload {id}: dataset {} is visible before commit",
                    up.dataset_id
                )));
            }
        }
        set_state(&tx, id, UploadState::Aborted, &now())?;
        tx.commit()?;
        Ok(true)
    }

    /// Logs the coordinator's decision durably. Recording the same decision
    /// again is a no-op.
    ///
    /// Errors: [`StoreError::Invalid`] if another decision is recorded, for
    /// *commit* unless the upload is prepared (or committed), for *abort* if
    /// it is committed; [`StoreError::NotFound`] for an unknown upload.
    pub fn record_decision(&self, id: &str, decision: Decision) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let up = require_upload(&tx, id)?;
        match up.decision {
            Some(d) if d == decision => return Ok(()),
            Some(d) => {
                return Err(StoreError::invalid(
                    "decision",
                    format!("upload {id}: decision {d} already recorded, cannot record {decision}"),
                ));
            }
            None => {}
        }
        let allowed = match decision {
            Decision::Commit => {
                matches!(up.state, UploadState::Prepared | UploadState::Committed)
            }
            Decision::Abort => up.state != UploadState::Committed,
        };
        if !allowed {
            return Err(wrong_state(&up, &format!("decide {decision} for"), ""));
        }
        // A finished upload keeps `updated_at` (a committed one: its commit time).
        tx.execute(
            "UPDATE uploads SET decision = ?2,
                 updated_at = CASE WHEN state IN ('committed', 'aborted') THEN updated_at ELSE ?3 END
             WHERE id = ?1",
            params![id, decision.as_str(), now()],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// The dataset a committed upload made visible: read back if it still
/// exists, otherwise rebuilt from the upload (it was withdrawn or replaced).
fn committed_dataset(conn: &Connection, up: Upload) -> Result<Dataset> {
    let row = conn
        .query_row(
            &format!("SELECT {DATASET_COLUMNS} FROM datasets WHERE id = ?1 AND state = 'visible'"),
            [&up.dataset_id],
            dataset_from_row,
        )
        .optional()?;
    match row {
        Some(r) => finish_dataset(conn, r),
        None => Ok(Dataset {
            id: up.dataset_id,
            study: up.study,
            site: up.site,
            name: up.name,
            rows: up.rows,
            columns: up.columns,
            uploaded_by: up.uploaded_by,
            uploaded_at: up.updated_at,
        }),
    }
}
