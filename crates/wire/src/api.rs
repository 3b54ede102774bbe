//! The JSON bodies of the node's upload and dataset routes that the data owner's client sends
//! or reads (the node's other routes are read by the CLI as plain JSON).
//!
//! An upload: `POST /studies/{study}/uploads` (or `.../uploads/relay`) with a [`BeginBody`]
//! answers an [`UploadView`]; the chunks follow (see [`crate::chunk`]); the commit answers the
//! new dataset's [`DatasetView`].
use serde::{Deserialize, Serialize};

/// Starts (or resumes) an upload on this node.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BeginBody {
    /// Upload id: 32 hex digits chosen by the client, the same on all three nodes.
    pub id: String,
    /// Dataset name in the study.
    pub name: String,
    /// Owning site.
    pub site: String,
    /// Number of rows.
    pub rows: u64,
    /// The encoded columns, exactly as the study dictionary defines them.
    pub columns: Vec<ColumnBody>,
    /// Rows per chunk (must be 65536).
    pub chunk_rows: u64,
    /// Replace the site's current dataset of this name when the upload commits.
    #[serde(default)]
    pub replaces: bool,
    /// Party index of the node that will coordinate the commit.
    pub coordinator: u8,
}

/// An upload's state on this node.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadView {
    /// Upload id.
    pub id: String,
    /// Study.
    pub study: String,
    /// Dataset name.
    pub name: String,
    /// Site.
    pub site: String,
    /// Rows.
    pub rows: u64,
    /// open, prepared, committed or aborted.
    pub state: String,
    /// Chunks stored here so far.
    pub chunks_received: u64,
    /// Chunks expected.
    pub total_chunks: u64,
    /// Coordinating party.
    pub coordinator: u8,
}

/// A dataset's metadata.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DatasetView {
    /// Name within the study (the same on all three nodes).
    pub name: String,
    /// Study id.
    pub study: String,
    /// Site (hospital) that owns it.
    pub site: String,
    /// Number of rows.
    pub rows: u64,
    /// Columns and their types.
    pub columns: Vec<ColumnBody>,
    /// Data owner who uploaded it.
    pub uploaded_by: String,
    /// Upload time (RFC 3339).
    pub uploaded_at: String,
}

/// A column's name and type.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ColumnBody {
    /// Column name.
    pub name: String,
    /// Type (integer, decimal, categorical, boolean, date, mask, ...).
    pub kind: String,
}
