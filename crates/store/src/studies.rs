//! Studies: an id, a title, and the data dictionary and disclosure policy
//! documents (opaque text, e.g. TOML) with their SHA-256 digests, which the
//! three nodes compare to agree they run the same study definition.

use rusqlite::{OptionalExtension, Row, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use crate::error::{Result, StoreError};
use crate::{Store, check_study_id, check_text, now, sha256_hex};

/// Input for [`Store::create_study`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewStudy {
    /// Study id: 1..=64 characters of `[a-z0-9_-]`.
    pub id: String,
    /// Human-readable title.
    pub title: String,
    /// Data dictionary document.
    pub dictionary: String,
    /// Disclosure policy document.
    pub policy: String,
}

/// A stored study.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Study {
    /// Study id.
    pub id: String,
    /// Human-readable title.
    pub title: String,
    /// Data dictionary document.
    pub dictionary: String,
    /// Disclosure policy document.
    pub policy: String,
    /// Lower-case hex SHA-256 of `dictionary`'s UTF-8 bytes.
    pub dictionary_sha256: String,
    /// Lower-case hex SHA-256 of `policy`'s UTF-8 bytes.
    pub policy_sha256: String,
    /// Creation time, RFC 3339 UTC.
    pub created_at: String,
}

const STUDY_COLUMNS: &str =
    "id, title, dictionary, policy, dictionary_sha256, policy_sha256, created_at";

fn study_from_row(r: &Row<'_>) -> rusqlite::Result<Study> {
    Ok(Study {
        id: r.get(0)?,
        title: r.get(1)?,
        dictionary: r.get(2)?,
        policy: r.get(3)?,
        dictionary_sha256: r.get(4)?,
        policy_sha256: r.get(5)?,
        created_at: r.get(6)?,
    })
}

impl Store {
    /// Creates a study.
    ///
    /// Errors: [`StoreError::Invalid`] for a bad id or empty title,
    /// [`StoreError::Exists`] if the id is taken.
    pub fn create_study(&self, new: &NewStudy) -> Result<Study> {
        check_study_id(&new.id)?;
        check_text("study title", &new.title, 1024)?;
        let study = Study {
            id: new.id.clone(),
            title: new.title.clone(),
            dictionary: new.dictionary.clone(),
            policy: new.policy.clone(),
            dictionary_sha256: sha256_hex(new.dictionary.as_bytes()),
            policy_sha256: sha256_hex(new.policy.as_bytes()),
            created_at: now(),
        };
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let exists = tx
            .query_row("SELECT 1 FROM studies WHERE id = ?1", [&study.id], |_| {
                Ok(())
            })
            .optional()?
            .is_some();
        if exists {
            return Err(StoreError::Exists {
                what: "study",
                id: study.id,
            });
        }
        tx.execute(
            &format!("INSERT INTO studies ({STUDY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
            params![
                study.id,
                study.title,
                study.dictionary,
                study.policy,
                study.dictionary_sha256,
                study.policy_sha256,
                study.created_at
            ],
        )?;
        tx.commit()?;
        Ok(study)
    }

    /// The study with this id, if any.
    pub fn study(&self, id: &str) -> Result<Option<Study>> {
        let conn = self.conn();
        let study = conn
            .query_row(
                &format!("SELECT {STUDY_COLUMNS} FROM studies WHERE id = ?1"),
                [id],
                study_from_row,
            )
            .optional()?;
        Ok(study)
    }

    /// All studies, ordered by id.
    pub fn studies(&self) -> Result<Vec<Study>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("SELECT {STUDY_COLUMNS} FROM studies ORDER BY id"))?;
        let rows = stmt.query_map([], study_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Fails with [`StoreError::NotFound`] unless study `id` exists.
pub(crate) fn require_study(conn: &rusqlite::Connection, id: &str) -> Result<()> {
    let found = conn
        .query_row("SELECT 1 FROM studies WHERE id = ?1", [id], |_| Ok(()))
        .optional()?;
    found.ok_or_else(|| StoreError::not_found("study", id))
}
