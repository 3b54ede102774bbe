//! Datasets: metadata (columns, types, row count, owner site, upload time) and the per-node
//! share upload. No route returns share values.
//!
//! The upload here stores *this node's* shares of a dataset that the data owner's client split
//! on the owner's machine; the client sends each node only its own pair of share components.
//! Coordinating the three nodes so that a dataset appears on all or none (two-phase commit) is
//! the upload layer's job.
use crate::auth::Caller;
use crate::problem::{ApiError, Body};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sharestat_store::{ColumnMeta, ColumnShares, Dataset, NewDataset, Role};
use utoipa::ToSchema;

/// A dataset's metadata.
#[derive(Serialize, ToSchema)]
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
#[derive(Serialize, Deserialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct ColumnBody {
    /// Column name.
    pub name: String,
    /// Type (integer, decimal, categorical, boolean, date, mask, ...).
    pub kind: String,
}

/// One column of this node's shares: base64 of little-endian u64 words.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnSharesBody {
    /// Column name.
    pub name: String,
    /// This node's first share component (`x_i`), base64 of `rows` little-endian u64.
    pub a: String,
    /// This node's second share component (`x_{i+1}`), likewise.
    pub b: String,
}

/// This node's part of a dataset upload.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadBody {
    /// Dataset name, unique in the study.
    pub name: String,
    /// Owning site; the caller must be a data owner of this site in the study.
    pub site: String,
    /// Number of rows.
    pub rows: u64,
    /// Columns.
    pub columns: Vec<ColumnBody>,
    /// This node's shares, one entry per column.
    pub shares: Vec<ColumnSharesBody>,
}

fn view(d: Dataset) -> DatasetView {
    DatasetView {
        name: d.name,
        study: d.study,
        site: d.site,
        rows: d.rows,
        columns: d
            .columns
            .into_iter()
            .map(|c| ColumnBody {
                name: c.name,
                kind: c.kind,
            })
            .collect(),
        uploaded_by: d.uploaded_by,
        uploaded_at: d.uploaded_at,
    }
}

/// Finds a dataset of a study by name, or 404.
pub fn find(state: &AppState, study: &str, name: &str) -> Result<Dataset, ApiError> {
    state
        .store
        .datasets(study)?
        .into_iter()
        .find(|d| d.name == name)
        .ok_or_else(|| ApiError::not_found(format!("study {study} has no dataset {name:?}")))
}

/// The datasets of a study (metadata only).
#[utoipa::path(get, path = "/api/v1/studies/{study}/datasets", tag = "datasets",
    params(("study" = String, Path, description = "Study id")),
    responses((status = 200, body = [DatasetView]), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem)),
    security(("bearer" = ["admin", "auditor", "researcher", "data_owner"])))]
pub async fn list(
    State(state): State<AppState>,
    c: Caller,
    Path(study): Path<String>,
) -> Result<Json<Vec<DatasetView>>, ApiError> {
    c.require(Some(&study), &super::studies::READERS)?;
    super::studies::find(&state, &study)?;
    Ok(Json(
        state
            .store
            .datasets(&study)?
            .into_iter()
            .map(view)
            .collect(),
    ))
}

/// One dataset's metadata.
#[utoipa::path(get, path = "/api/v1/studies/{study}/datasets/{dataset}", tag = "datasets",
    params(("study" = String, Path, description = "Study id"), ("dataset" = String, Path, description = "Dataset name")),
    responses((status = 200, body = DatasetView), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem)),
    security(("bearer" = ["admin", "auditor", "researcher", "data_owner"])))]
pub async fn show(
    State(state): State<AppState>,
    c: Caller,
    Path((study, dataset)): Path<(String, String)>,
) -> Result<Json<DatasetView>, ApiError> {
    c.require(Some(&study), &super::studies::READERS)?;
    Ok(Json(view(find(&state, &study, &dataset)?)))
}

fn decode(column: &str, which: &str, text: &str, rows: u64) -> Result<Vec<u64>, ApiError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| {
            ApiError::bad_request(format!("column {column}: share {which} is not base64: {e}"))
        })?;
    if bytes.len() as u64 != rows * 8 {
        return Err(ApiError::bad_request(format!(
            "column {column}: share {which} holds {} bytes, expected {} ({rows} rows x 8)",
            bytes.len(),
            rows * 8
        )));
    }
    Ok(bytes
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect())
}

/// Stores this node's shares of a dataset (data owners of the named site).
#[utoipa::path(post, path = "/api/v1/studies/{study}/datasets", tag = "datasets", request_body = UploadBody,
    params(("study" = String, Path, description = "Study id")),
    responses((status = 201, body = DatasetView), (status = 400, body = crate::problem::Problem),
        (status = 401, body = crate::problem::Problem), (status = 403, body = crate::problem::Problem),
        (status = 409, body = crate::problem::Problem)),
    security(("bearer" = ["data_owner"])))]
pub async fn upload(
    State(state): State<AppState>,
    c: Caller,
    Path(study): Path<String>,
    Body(b): Body<UploadBody>,
) -> Result<(StatusCode, Json<DatasetView>), ApiError> {
    c.require(Some(&study), &[Role::DataOwner])?;
    if !c.owner_sites(&study).contains(&b.site) {
        return Err(ApiError::forbidden(format!(
            "user {} is not a data owner of site {:?} in study {study}",
            c.user, b.site
        )));
    }
    super::studies::find(&state, &study)?;
    if find(&state, &study, &b.name).is_ok() {
        return Err(ApiError::conflict(format!(
            "study {study} already has a dataset {:?}",
            b.name
        )));
    }
    let mut shares = Vec::with_capacity(b.shares.len());
    for s in &b.shares {
        shares.push(ColumnShares {
            name: s.name.clone(),
            a: decode(&s.name, "a", &s.a, b.rows)?,
            b: decode(&s.name, "b", &s.b, b.rows)?,
        });
    }
    let columns: Vec<ColumnMeta> = b
        .columns
        .iter()
        .map(|c| ColumnMeta {
            name: c.name.clone(),
            kind: c.kind.clone(),
        })
        .collect();
    let st = state.clone();
    let new = NewDataset {
        study: study.clone(),
        site: b.site.clone(),
        name: b.name.clone(),
        rows: b.rows,
        columns,
        uploaded_by: c.user.clone(),
    };
    let d = tokio::task::spawn_blocking(move || st.store.put_dataset(&new, &shares))
        .await
        .map_err(|_| ApiError::internal("upload task failed"))??;
    let summary = format!(
        "site {}, {} rows, columns [{}]",
        d.site,
        d.rows,
        d.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    crate::audit::record(
        &state,
        &c.user,
        "data_owner",
        "dataset.upload",
        Some(&study),
        Some(&d.name),
        None,
        &summary,
        "",
    )?;
    Ok((StatusCode::CREATED, Json(view(d))))
}
