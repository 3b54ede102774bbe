//! The store's error type.
//!
//! Messages name tables, fields, record ids and sizes only: they never carry
//! share values, token material or token hashes, so they are safe to log and
//! to return to API clients.

use std::path::PathBuf;

/// Everything that can go wrong in [`crate::Store`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store directory could not be created.
    #[error("cannot create store directory {}: {source}", path.display())]
    CreateDir {
        /// The directory that could not be created.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// SQLite reported an error (I/O, locking, constraint, malformed file...).
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    /// The database was written by a newer version of the software; nothing was changed.
    #[error("database schema version {found} is newer than the supported version {supported}")]
    SchemaTooNew {
        /// The schema version recorded in the file.
        found: u32,
        /// The newest schema version this build understands ([`crate::SCHEMA_VERSION`]).
        supported: u32,
    },
    /// A record with this id already exists.
    #[error("{what} {id:?} already exists")]
    Exists {
        /// The kind of record (e.g. "study", "user").
        what: &'static str,
        /// The record's id.
        id: String,
    },
    /// A referenced record does not exist.
    #[error("{what} {id:?} not found")]
    NotFound {
        /// The kind of record (e.g. "study", "dataset", "column").
        what: &'static str,
        /// The record's id (for a column: `dataset_id/column`).
        id: String,
    },
    /// An argument failed validation.
    #[error("invalid {field}: {detail}")]
    Invalid {
        /// The offending field.
        field: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// Stored data is inconsistent (e.g. a share chunk of the wrong size).
    #[error("corrupt store: {detail}")]
    Corrupt {
        /// What is inconsistent.
        detail: String,
    },
    /// The operating system's random number generator failed.
    #[error("random number generator failed: {detail}")]
    Random {
        /// The generator's error message.
        detail: String,
    },
}

/// Shorthand for results of store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// Builds an [`StoreError::Invalid`].
    pub(crate) fn invalid(field: &'static str, detail: impl Into<String>) -> Self {
        StoreError::Invalid {
            field,
            detail: detail.into(),
        }
    }

    /// Builds a [`StoreError::NotFound`].
    pub(crate) fn not_found(what: &'static str, id: impl Into<String>) -> Self {
        StoreError::NotFound {
            what,
            id: id.into(),
        }
    }

    /// Builds a [`StoreError::Corrupt`].
    pub(crate) fn corrupt(detail: impl Into<String>) -> Self {
        StoreError::Corrupt {
            detail: detail.into(),
        }
    }
}
