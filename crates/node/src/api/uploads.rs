//! Uploads (data owners): begin, send this node's share chunks, commit or abort at the
//! coordinator; and withdrawal of a dataset. The handlers check the caller and call the upload
//! domain ([`crate::uploads`]: staging, relay, two-phase commit), whose refusals become
//! problem documents.
use crate::auth::Caller;
use crate::problem::{ApiError, Body};
use crate::state::AppState;
use crate::uploads::{coordinator, relay, staging};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use sharestat_store::{Role, Upload};
use sharestat_wire::api::{BeginBody, DatasetView, UploadView};

/// The API view of an upload's state on this node.
pub fn view(u: Upload) -> UploadView {
    UploadView {
        state: u.state.as_str().into(),
        id: u.id,
        study: u.study,
        name: u.name,
        site: u.site,
        rows: u.rows,
        chunks_received: u.chunks_received,
        total_chunks: u.total_chunks,
        coordinator: u.coordinator,
    }
}

/// 403 unless `c` is a data owner somewhere (the upload's own checks follow).
fn require_data_owner(c: &Caller) -> Result<(), ApiError> {
    if !c.has_anywhere(Role::DataOwner) {
        return Err(ApiError::forbidden(format!(
            "user {} is not a data owner",
            c.user
        )));
    }
    Ok(())
}

/// The upload `id`, if `c` is the data owner who began it.
fn own_upload(state: &AppState, c: &Caller, id: &str) -> Result<Upload, ApiError> {
    require_data_owner(c)?;
    Ok(staging::own_upload(state, c, id)?)
}

/// Begins (or resumes) an upload: opens a staged, invisible dataset on this node.
#[utoipa::path(post, path = "/api/v1/studies/{study}/uploads", tag = "datasets", request_body = BeginBody,
    params(("study" = String, Path, description = "Study id")),
    responses((status = 201, body = UploadView), (status = 400, body = crate::problem::Problem),
        (status = 401, body = crate::problem::Problem), (status = 403, body = crate::problem::Problem),
        (status = 409, body = crate::problem::Problem)),
    security(("bearer" = ["data_owner"])))]
pub async fn begin(
    State(state): State<AppState>,
    c: Caller,
    Path(study): Path<String>,
    Body(b): Body<BeginBody>,
) -> Result<(StatusCode, Json<UploadView>), ApiError> {
    let up = staging::begin(&state, &c, study, b)?;
    Ok((StatusCode::CREATED, Json(view(up))))
}

/// Stores this node's shares of one chunk of rows (binary: per column, `x_i` then `x_{i+1}`
/// as little-endian u64). Re-sending a chunk overwrites it.
#[utoipa::path(put, path = "/api/v1/uploads/{upload}/chunks/{chunk}", tag = "datasets",
    params(("upload" = String, Path, description = "Upload id"), ("chunk" = u64, Path, description = "Chunk number from 0")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 204), (status = 400, body = crate::problem::Problem),
        (status = 401, body = crate::problem::Problem), (status = 403, body = crate::problem::Problem),
        (status = 404, body = crate::problem::Problem)),
    security(("bearer" = ["data_owner"])))]
pub async fn chunk(
    State(state): State<AppState>,
    c: Caller,
    Path((upload, chunk)): Path<(String, u64)>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let up = own_upload(&state, &c, &upload)?;
    staging::store_chunk(&state, &up, chunk, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An upload's state here (its data owner or an administrator).
#[utoipa::path(get, path = "/api/v1/uploads/{upload}", tag = "datasets",
    params(("upload" = String, Path, description = "Upload id")),
    responses((status = 200, body = UploadView), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem)),
    security(("bearer" = ["data_owner", "admin"])))]
pub async fn show(
    State(state): State<AppState>,
    c: Caller,
    Path(upload): Path<String>,
) -> Result<Json<UploadView>, ApiError> {
    if c.is_admin() {
        return Ok(Json(view(staging::find(&state, &upload)?)));
    }
    Ok(Json(view(own_upload(&state, &c, &upload)?)))
}

/// Commits an upload on all three nodes (at its coordinator): two-phase commit.
#[utoipa::path(post, path = "/api/v1/uploads/{upload}/commit", tag = "datasets",
    params(("upload" = String, Path, description = "Upload id")),
    responses((status = 200, body = DatasetView), (status = 400, body = crate::problem::Problem),
        (status = 401, body = crate::problem::Problem), (status = 403, body = crate::problem::Problem),
        (status = 404, body = crate::problem::Problem), (status = 409, body = crate::problem::Problem),
        (status = 502, body = crate::problem::Problem)),
    security(("bearer" = ["data_owner"])))]
pub async fn commit(
    State(state): State<AppState>,
    c: Caller,
    Path(upload): Path<String>,
) -> Result<Json<DatasetView>, ApiError> {
    require_data_owner(&c)?;
    let ds = coordinator::commit(&state, &c, &upload).await?;
    Ok(Json(crate::api::datasets::view(ds)))
}

/// Aborts an upload on all three nodes (at its coordinator).
#[utoipa::path(post, path = "/api/v1/uploads/{upload}/abort", tag = "datasets",
    params(("upload" = String, Path, description = "Upload id")),
    responses((status = 200, body = UploadView), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem),
        (status = 409, body = crate::problem::Problem)),
    security(("bearer" = ["data_owner"])))]
pub async fn abort(
    State(state): State<AppState>,
    c: Caller,
    Path(upload): Path<String>,
) -> Result<Json<UploadView>, ApiError> {
    require_data_owner(&c)?;
    Ok(Json(view(coordinator::abort(&state, &c, &upload).await?)))
}

/// Withdraws a dataset: removes its shares from all three nodes (a data owner of its site).
#[utoipa::path(delete, path = "/api/v1/studies/{study}/datasets/{dataset}", tag = "datasets",
    params(("study" = String, Path, description = "Study id"), ("dataset" = String, Path, description = "Dataset name")),
    responses((status = 200, body = DatasetView), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem),
        (status = 502, body = crate::problem::Problem)),
    security(("bearer" = ["data_owner"])))]
pub async fn withdraw(
    State(state): State<AppState>,
    c: Caller,
    Path((study, dataset)): Path<(String, String)>,
) -> Result<Json<DatasetView>, ApiError> {
    let ds = coordinator::withdraw(&state, &c, &study, &dataset).await?;
    Ok(Json(crate::api::datasets::view(ds)))
}

/// Begins an upload on all three nodes through this one, for a site that can reach only its
/// own node; this node coordinates it. Each peer checks the data owner's token itself.
#[utoipa::path(post, path = "/api/v1/studies/{study}/uploads/relay", tag = "datasets", request_body = BeginBody,
    params(("study" = String, Path, description = "Study id")),
    responses((status = 201, body = UploadView), (status = 400, body = crate::problem::Problem),
        (status = 401, body = crate::problem::Problem), (status = 403, body = crate::problem::Problem),
        (status = 502, body = crate::problem::Problem)),
    security(("bearer" = ["data_owner"])))]
pub async fn relay_begin(
    State(state): State<AppState>,
    c: Caller,
    Path(study): Path<String>,
    Body(b): Body<BeginBody>,
) -> Result<(StatusCode, Json<UploadView>), ApiError> {
    let up = relay::begin(&state, &c, study, b).await?;
    Ok((StatusCode::CREATED, Json(view(up))))
}

/// Stores this node's part of a relayed chunk and forwards the parts sealed (HPKE) for the
/// other two nodes, which this node cannot open. Body: see `sharestat_wire::chunk::encode_envelope`.
#[utoipa::path(put, path = "/api/v1/uploads/{upload}/relay/{chunk}", tag = "datasets",
    params(("upload" = String, Path, description = "Upload id"), ("chunk" = u64, Path, description = "Chunk number from 0")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 204), (status = 400, body = crate::problem::Problem),
        (status = 401, body = crate::problem::Problem), (status = 403, body = crate::problem::Problem),
        (status = 404, body = crate::problem::Problem), (status = 502, body = crate::problem::Problem)),
    security(("bearer" = ["data_owner"])))]
pub async fn relay_chunk(
    State(state): State<AppState>,
    c: Caller,
    Path((upload, chunk)): Path<(String, u64)>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let up = own_upload(&state, &c, &upload)?;
    relay::chunk(&state, &up, chunk, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}
