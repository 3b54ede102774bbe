//! Datasets: per-site uploads to a study, and this party's secret shares of
//! their columns.
//!
//! Each column's two share components (`a`, `b`) are stored in the
//! `share_chunks` table as pairs of BLOBs of at most [`CHUNK_WORDS`]
//! little-endian `u64` words, chunk `i` holding rows
//! `i * CHUNK_WORDS .. (i + 1) * CHUNK_WORDS`. Uploads are one transaction:
//! a failed [`Store::put_dataset`] leaves nothing behind.
//!
//! A dataset is either *visible* or *staged*: a staged dataset belongs to an
//! upload that the three nodes have not committed yet (see `uploads.rs`).
//! Every read and delete here sees visible datasets only; staged ones are
//! reached only through the upload methods.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use crate::error::{Result, StoreError};
use crate::studies::require_study;
use crate::{Store, check_text, now, random_hex, to_i64, to_u64};

/// Words per stored share chunk (512 KiB per component BLOB): the rows of one upload chunk,
/// defined with the upload encoding in `sharestat-wire`.
pub use sharestat_wire::CHUNK_WORDS;

/// Name and kind of one column of a dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMeta {
    /// Column name, unique within the dataset.
    pub name: String,
    /// Column kind as declared by the study's dictionary (opaque here).
    pub kind: String,
}

/// Input metadata for [`Store::put_dataset`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDataset {
    /// Study the dataset belongs to (must exist).
    pub study: String,
    /// Site that uploaded it.
    pub site: String,
    /// Dataset name chosen by the uploader.
    pub name: String,
    /// Number of rows; every column's shares have this length.
    pub rows: u64,
    /// Columns, in order.
    pub columns: Vec<ColumnMeta>,
    /// User who uploaded it.
    pub uploaded_by: String,
}

/// One party's two share components of one column, each `rows` long.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnShares {
    /// Column name, matching a [`ColumnMeta::name`].
    pub name: String,
    /// First share component.
    pub a: Vec<u64>,
    /// Second share component.
    pub b: Vec<u64>,
}

/// Share values are never printed, not even in debug output.
impl std::fmt::Debug for ColumnShares {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ColumnShares")
            .field("name", &self.name)
            .field("a.len", &self.a.len())
            .field("b.len", &self.b.len())
            .finish()
    }
}

/// A stored dataset's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dataset {
    /// Random id, 32 lower-case hex characters.
    pub id: String,
    /// Study the dataset belongs to.
    pub study: String,
    /// Site that uploaded it.
    pub site: String,
    /// Dataset name.
    pub name: String,
    /// Number of rows.
    pub rows: u64,
    /// Columns, in upload order.
    pub columns: Vec<ColumnMeta>,
    /// User who uploaded it.
    pub uploaded_by: String,
    /// Upload time, RFC 3339 UTC.
    pub uploaded_at: String,
}

pub(crate) const DATASET_COLUMNS: &str =
    "id, study, site, name, row_count, uploaded_by, uploaded_at";

/// Reads a dataset row; `rows` and `columns` are filled in by [`finish_dataset`].
pub(crate) fn dataset_from_row(r: &Row<'_>) -> rusqlite::Result<(Dataset, i64)> {
    Ok((
        Dataset {
            id: r.get(0)?,
            study: r.get(1)?,
            site: r.get(2)?,
            name: r.get(3)?,
            rows: 0,
            columns: Vec::new(),
            uploaded_by: r.get(5)?,
            uploaded_at: r.get(6)?,
        },
        r.get(4)?,
    ))
}

/// The visible dataset rows of `study`, oldest upload first (see [`dataset_from_row`]).
fn visible_rows(conn: &Connection, study: &str) -> Result<Vec<(Dataset, i64)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {DATASET_COLUMNS} FROM datasets WHERE study = ?1 AND state = 'visible'
         ORDER BY uploaded_at, id"
    ))?;
    let rows = stmt
        .query_map([study], dataset_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Completes a dataset row with its row count and column list.
pub(crate) fn finish_dataset(conn: &Connection, (mut ds, rows): (Dataset, i64)) -> Result<Dataset> {
    ds.rows = to_u64(rows, "row count")?;
    let mut stmt = conn.prepare_cached(
        "SELECT name, kind FROM dataset_columns WHERE dataset = ?1 ORDER BY position",
    )?;
    let cols = stmt.query_map([&ds.id], |r| {
        Ok(ColumnMeta {
            name: r.get(0)?,
            kind: r.get(1)?,
        })
    })?;
    ds.columns = cols.collect::<rusqlite::Result<_>>()?;
    Ok(ds)
}

/// Checks column names and kinds and that names are unique; returns the names.
pub(crate) fn check_columns(columns: &[ColumnMeta]) -> Result<HashSet<&str>> {
    let mut names = HashSet::new();
    for col in columns {
        check_text("column name", &col.name, 256)?;
        check_text("column kind", &col.kind, 256)?;
        if !names.insert(col.name.as_str()) {
            return Err(StoreError::invalid(
                "columns",
                format!("duplicate column {:?}", col.name),
            ));
        }
    }
    Ok(names)
}

/// Checks metadata and shares agree; returns shares in column order.
fn validate<'s>(new: &NewDataset, shares: &'s [ColumnShares]) -> Result<Vec<&'s ColumnShares>> {
    check_text("site", &new.site, 128)?;
    check_text("dataset name", &new.name, 256)?;
    check_text("uploaded_by", &new.uploaded_by, 256)?;
    to_i64(new.rows, "rows")?;
    let rows = usize::try_from(new.rows)
        .map_err(|_| StoreError::invalid("rows", format!("{} is too large", new.rows)))?;
    let names = check_columns(&new.columns)?;
    let mut by_name: HashMap<&str, &ColumnShares> = HashMap::new();
    for s in shares {
        if !names.contains(s.name.as_str()) {
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
        if s.a.len() != rows || s.b.len() != rows {
            return Err(StoreError::invalid(
                "shares",
                format!(
                    "column {:?} has {} a-words and {} b-words, expected {rows} each",
                    s.name,
                    s.a.len(),
                    s.b.len()
                ),
            ));
        }
    }
    new.columns
        .iter()
        .map(|c| {
            by_name.get(c.name.as_str()).copied().ok_or_else(|| {
                StoreError::invalid("shares", format!("no shares for column {:?}", c.name))
            })
        })
        .collect()
}

/// Little-endian bytes of `words`.
pub(crate) fn words_to_bytes(words: &[u64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(words.len() * 8);
    for w in words {
        out.extend_from_slice(&w.to_le_bytes());
    }
    out
}

/// Appends the little-endian words in `bytes` to `out`.
fn extend_from_bytes(out: &mut Vec<u64>, bytes: &[u8]) {
    out.extend(bytes.chunks_exact(8).map(|c| {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        u64::from_le_bytes(w)
    }));
}

impl Store {
    /// Stores a dataset and this party's shares of all its columns, in one
    /// transaction.
    ///
    /// `shares` must hold exactly one entry per declared column (any order),
    /// each with `a` and `b` of length `rows`; otherwise
    /// [`StoreError::Invalid`] names the column. The study must exist
    /// ([`StoreError::NotFound`]).
    pub fn put_dataset(&self, new: &NewDataset, shares: &[ColumnShares]) -> Result<Dataset> {
        let ordered = validate(new, shares)?;
        let ds = Dataset {
            id: random_hex(16)?,
            study: new.study.clone(),
            site: new.site.clone(),
            name: new.name.clone(),
            rows: new.rows,
            columns: new.columns.clone(),
            uploaded_by: new.uploaded_by.clone(),
            uploaded_at: now(),
        };
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        require_study(&tx, &ds.study)?;
        tx.execute(
            &format!(
                "INSERT INTO datasets ({DATASET_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
            ),
            params![
                ds.id,
                ds.study,
                ds.site,
                ds.name,
                to_i64(ds.rows, "rows")?,
                ds.uploaded_by,
                ds.uploaded_at
            ],
        )?;
        {
            let mut col_stmt = tx.prepare(
                "INSERT INTO dataset_columns (dataset, position, name, kind) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut chunk_stmt = tx.prepare(
                "INSERT INTO share_chunks (dataset, col, chunk, a, b) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (pos, (meta, sh)) in ds.columns.iter().zip(&ordered).enumerate() {
                col_stmt.execute(params![ds.id, pos as i64, meta.name, meta.kind])?;
                for (i, (a, b)) in
                    sh.a.chunks(CHUNK_WORDS)
                        .zip(sh.b.chunks(CHUNK_WORDS))
                        .enumerate()
                {
                    chunk_stmt.execute(params![
                        ds.id,
                        meta.name,
                        i as i64,
                        words_to_bytes(a),
                        words_to_bytes(b)
                    ])?;
                }
            }
        }
        tx.commit()?;
        Ok(ds)
    }

    /// The visible datasets of a study, oldest upload first.
    pub fn datasets(&self, study: &str) -> Result<Vec<Dataset>> {
        let conn = self.conn();
        let rows = visible_rows(&conn, study)?;
        rows.into_iter().map(|r| finish_dataset(&conn, r)).collect()
    }

    /// The visible datasets of `study` as [`Store::datasets`] lists them, but without their
    /// column lists (`columns` is empty): what a query needs to resolve `load("name")` (id and
    /// row count), in one statement however many datasets and columns the study has.
    pub fn dataset_index(&self, study: &str) -> Result<Vec<Dataset>> {
        let rows = visible_rows(&self.conn(), study)?;
        rows.into_iter()
            .map(|(mut ds, n)| {
                ds.rows = to_u64(n, "row count")?;
                Ok(ds)
            })
            .collect()
    }

    /// The visible dataset with this id, if any.
    pub fn dataset(&self, id: &str) -> Result<Option<Dataset>> {
        let conn = self.conn();
        let row = conn
            .query_row(
                &format!(
                    "SELECT {DATASET_COLUMNS} FROM datasets WHERE id = ?1 AND state = 'visible'"
                ),
                [id],
                dataset_from_row,
            )
            .optional()?;
        row.map(|r| finish_dataset(&conn, r)).transpose()
    }

    /// The visible dataset of `study` named `name`, if any. If several share
    /// the name (possible only via [`Store::put_dataset`]), the oldest: the
    /// first that [`Store::datasets`] lists.
    pub fn dataset_by_name(&self, study: &str, name: &str) -> Result<Option<Dataset>> {
        let conn = self.conn();
        visible_by_name(&conn, study, name)
    }

    /// Loads this party's shares `(a, b)` of one column of a visible dataset.
    ///
    /// [`StoreError::NotFound`] names the dataset (also for a staged one), or
    /// the column as `dataset_id/column`; [`StoreError::Corrupt`] if the
    /// stored chunks do not add up to the dataset's row count.
    pub fn load_column(&self, dataset_id: &str, column: &str) -> Result<(Vec<u64>, Vec<u64>)> {
        let mut conn = self.conn();
        // A read transaction gives a consistent snapshot across statements.
        let tx = conn.transaction()?;
        let rows: i64 = tx
            .query_row(
                "SELECT row_count FROM datasets WHERE id = ?1 AND state = 'visible'",
                [dataset_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::not_found("dataset", dataset_id))?;
        let rows = usize::try_from(to_u64(rows, "row count")?)
            .map_err(|_| StoreError::corrupt("row count exceeds address space"))?;
        tx.query_row(
            "SELECT 1 FROM dataset_columns WHERE dataset = ?1 AND name = ?2",
            [dataset_id, column],
            |_| Ok(()),
        )
        .optional()?
        .ok_or_else(|| StoreError::not_found("column", format!("{dataset_id}/{column}")))?;

        let mut a = Vec::with_capacity(rows);
        let mut b = Vec::with_capacity(rows);
        {
            let mut stmt = tx.prepare(
                "SELECT chunk, a, b FROM share_chunks WHERE dataset = ?1 AND col = ?2 ORDER BY chunk",
            )?;
            let mut q = stmt.query([dataset_id, column])?;
            let mut expected_chunk = 0i64;
            while let Some(r) = q.next()? {
                let chunk: i64 = r.get(0)?;
                let blob = |i: usize| -> Result<&[u8]> {
                    r.get_ref(i)?.as_blob().map_err(|_| {
                        StoreError::corrupt(format!(
                            "share chunk {chunk} of {dataset_id}/{column} is not a BLOB"
                        ))
                    })
                };
                let (ba, bb) = (blob(1)?, blob(2)?);
                let bad = chunk != expected_chunk
                    || ba.len() != bb.len()
                    || !ba.len().is_multiple_of(8)
                    || ba.len() > CHUNK_WORDS * 8
                    || a.len() + ba.len() / 8 > rows;
                if bad {
                    return Err(StoreError::corrupt(format!(
                        "share chunk {chunk} of {dataset_id}/{column} is malformed"
                    )));
                }
                extend_from_bytes(&mut a, ba);
                extend_from_bytes(&mut b, bb);
                expected_chunk += 1;
            }
        }
        if a.len() != rows {
            return Err(StoreError::corrupt(format!(
                "column {dataset_id}/{column} has {} stored rows, expected {rows}",
                a.len()
            )));
        }
        tx.finish()?;
        Ok((a, b))
    }

    /// Deletes a visible dataset with its columns and share chunks. Returns
    /// whether it existed. Staged datasets are left alone (and `false`
    /// returned): they go away with [`Store::abort_upload`].
    pub fn delete_dataset(&self, id: &str) -> Result<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let visible = tx
            .query_row(
                "SELECT 1 FROM datasets WHERE id = ?1 AND state = 'visible'",
                [id],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if visible {
            delete_dataset_rows(&tx, id)?;
            tx.commit()?;
        }
        Ok(visible)
    }

    /// Withdraws the visible dataset of `study` named `name`: deletes it with
    /// its columns and share chunks in one transaction and returns what was
    /// deleted (`None` if there was none). If several visible datasets share
    /// the name, all are deleted and the one [`Store::dataset_by_name`]
    /// returned is reported.
    pub fn withdraw_dataset(&self, study: &str, name: &str) -> Result<Option<Dataset>> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found = visible_by_name(&tx, study, name)?;
        if found.is_some() {
            delete_visible_by_name(&tx, study, name)?;
            tx.commit()?;
        }
        Ok(found)
    }
}

/// The oldest visible dataset of `study` named `name`.
fn visible_by_name(conn: &Connection, study: &str, name: &str) -> Result<Option<Dataset>> {
    let row = conn
        .query_row(
            &format!(
                "SELECT {DATASET_COLUMNS} FROM datasets
                 WHERE study = ?1 AND name = ?2 AND state = 'visible'
                 ORDER BY uploaded_at, id LIMIT 1"
            ),
            [study, name],
            dataset_from_row,
        )
        .optional()?;
    row.map(|r| finish_dataset(conn, r)).transpose()
}

/// Deletes every visible dataset of `study` named `name` (inside the
/// caller's transaction). Returns how many there were.
pub(crate) fn delete_visible_by_name(conn: &Connection, study: &str, name: &str) -> Result<usize> {
    let ids = {
        let mut stmt = conn.prepare_cached(
            "SELECT id FROM datasets WHERE study = ?1 AND name = ?2 AND state = 'visible'",
        )?;
        stmt.query_map([study, name], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?
    };
    for id in &ids {
        delete_dataset_rows(conn, id)?;
    }
    Ok(ids.len())
}

/// Deletes a dataset row with its columns and chunks, whatever its state
/// (inside the caller's transaction). Returns whether it existed.
pub(crate) fn delete_dataset_rows(conn: &Connection, id: &str) -> Result<bool> {
    conn.execute("DELETE FROM share_chunks WHERE dataset = ?1", [id])?;
    conn.execute("DELETE FROM dataset_columns WHERE dataset = ?1", [id])?;
    Ok(conn.execute("DELETE FROM datasets WHERE id = ?1", [id])? > 0)
}
