//! Datasets: metadata (columns, types, row count, owner site, upload time) and the per-node
//! share upload. No route returns share values.
//!
//! Uploads and withdrawals are in [`super::uploads`].
use crate::auth::Caller;
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use sharestat_store::Dataset;
use sharestat_wire::api::{ColumnBody, DatasetView};

/// The API view of a dataset.
pub fn view(d: Dataset) -> DatasetView {
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
