//! Uploads (data owners): begin, send this node's share chunks, commit or abort at the
//! coordinator; and withdrawal of a dataset. See [`crate::uploads`] for the protocol.
use crate::auth::Caller;
use crate::jobs::peer::{PeerRequest, call, expect_ok, other_parties};
use crate::problem::{ApiError, Body};
use crate::state::AppState;
use crate::uploads::coordinator;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use sharestat_store::{ColumnMeta, ColumnShares, NewUpload, Role, Upload};
use sharestat_wire::CHUNK_WORDS;
use sharestat_wire::api::{BeginBody, ColumnBody, DatasetView, UploadView};
use sharestat_wire::chunk::{decode_chunk, decode_envelope};

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

/// Checks the upload's columns against the study's data dictionary.
fn check_columns(state: &AppState, study: &str, columns: &[ColumnBody]) -> Result<(), ApiError> {
    let s = crate::api::studies::find(state, study)?;
    let dict = sharestat_dict::Dictionary::parse(&s.dictionary).map_err(|e| {
        ApiError::conflict(format!("study {study} has no usable data dictionary: {e}"))
    })?;
    let want: Vec<(String, String)> = dict
        .encoded_columns()
        .into_iter()
        .map(|c| (c.name, c.kind.as_str()))
        .collect();
    let got: Vec<(String, String)> = columns
        .iter()
        .map(|c| (c.name.clone(), c.kind.clone()))
        .collect();
    if want != got {
        let first = want
            .iter()
            .zip(&got)
            .position(|(w, g)| w != g)
            .unwrap_or(want.len().min(got.len()));
        return Err(ApiError::bad_request(format!(
            "columns differ from the study dictionary of {study} at position {first}: expected {:?}, got {:?} ({} columns expected, {} sent)",
            want.get(first),
            got.get(first),
            want.len(),
            got.len()
        )));
    }
    Ok(())
}

/// The checks and the staged dataset of a begin, on this node (also run by peers for a
/// relayed begin, with the data owner's token checked against their own accounts).
pub fn begin_here(
    state: &AppState,
    c: &Caller,
    study: String,
    b: BeginBody,
) -> Result<Upload, ApiError> {
    c.require(Some(&study), &[Role::DataOwner])?;
    if !c.owner_sites(&study).contains(&b.site) {
        return Err(ApiError::forbidden(format!(
            "user {} is not a data owner of site {:?} in study {study}",
            c.user, b.site
        )));
    }
    if b.chunk_rows != CHUNK_WORDS as u64 {
        return Err(ApiError::bad_request(format!(
            "chunk_rows must be {CHUNK_WORDS}"
        )));
    }
    if b.coordinator > 2 {
        return Err(ApiError::bad_request("coordinator must be 0, 1 or 2"));
    }
    check_columns(state, &study, &b.columns)?;
    // The declared size is bounded by this node's copy of the study policy (and so are the
    // chunks: ceil(rows / chunk_rows)).
    let max = crate::jobs::query::study_rules(state, &study)?
        .1
        .max_upload_rows;
    if b.rows > max {
        return Err(ApiError::bad_request(format!(
            "rows: the upload declares {} rows ({} chunks); study {study} accepts at most {max} \
             rows per upload (max_upload_rows)",
            b.rows,
            b.rows.div_ceil(CHUNK_WORDS as u64)
        )));
    }
    if let Some(old) = state.store.dataset_by_name(&study, &b.name)? {
        if old.site != b.site {
            return Err(ApiError::forbidden(format!(
                "dataset {} belongs to site {}; a data owner of {} cannot replace it",
                b.name, old.site, b.site
            )));
        }
        if !b.replaces {
            return Err(ApiError::conflict(format!(
                "study {study} already has a dataset {:?}; upload with replaces = true for a new version",
                b.name
            )));
        }
    }
    Ok(state.store.begin_upload(&NewUpload {
        id: b.id,
        study,
        site: b.site,
        name: b.name,
        rows: b.rows,
        columns: b
            .columns
            .iter()
            .map(|c| ColumnMeta {
                name: c.name.clone(),
                kind: c.kind.clone(),
            })
            .collect(),
        chunk_rows: b.chunk_rows,
        replaces: b.replaces,
        uploaded_by: c.user.clone(),
        coordinator: b.coordinator,
    })?)
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
    let up = begin_here(&state, &c, study, b)?;
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
    store_chunk(&state, &up, chunk, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The upload `id`, if `c` is the data owner who began it.
fn own_upload(state: &AppState, c: &Caller, id: &str) -> Result<Upload, ApiError> {
    if !c.has_anywhere(Role::DataOwner) {
        return Err(ApiError::forbidden(format!(
            "user {} is not a data owner",
            c.user
        )));
    }
    let up = coordinator::find(state, id)?;
    coordinator::check_uploader(c, &up)?;
    Ok(up)
}

/// Decodes and stores this node's part of one chunk.
pub async fn store_chunk(
    state: &AppState,
    up: &Upload,
    chunk: u64,
    body: &[u8],
) -> Result<(), ApiError> {
    if chunk >= up.total_chunks {
        return Err(ApiError::bad_request(format!(
            "chunk {chunk} out of range: the upload has {} chunks",
            up.total_chunks
        )));
    }
    let rows = (up.rows - chunk * up.chunk_rows).min(up.chunk_rows) as usize;
    let cols = decode_chunk(body, up.columns.len(), rows).ok_or_else(|| {
        ApiError::bad_request(format!(
            "chunk {chunk} has {} bytes; expected {} columns x {rows} rows x 16",
            body.len(),
            up.columns.len()
        ))
    })?;
    let shares: Vec<ColumnShares> = up
        .columns
        .iter()
        .zip(cols)
        .map(|(m, (a, b))| ColumnShares {
            name: m.name.clone(),
            a,
            b,
        })
        .collect();
    let st = state.clone();
    let upload = up.id.clone();
    tokio::task::spawn_blocking(move || st.store.put_upload_chunk(&upload, chunk, &shares))
        .await
        .map_err(|_| ApiError::internal("chunk task failed"))??;
    Ok(())
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
    if !c.is_admin() && !c.has_anywhere(Role::DataOwner) {
        return Err(ApiError::forbidden(format!(
            "user {} is not a data owner",
            c.user
        )));
    }
    let up = coordinator::find(&state, &upload)?;
    if !c.is_admin() {
        coordinator::check_uploader(&c, &up)?;
    }
    Ok(Json(view(up)))
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
    if !c.has_anywhere(Role::DataOwner) {
        return Err(ApiError::forbidden(format!(
            "user {} is not a data owner",
            c.user
        )));
    }
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
    if !c.has_anywhere(Role::DataOwner) {
        return Err(ApiError::forbidden(format!(
            "user {} is not a data owner",
            c.user
        )));
    }
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
    if b.coordinator != state.party() {
        return Err(ApiError::bad_request(format!(
            "a relayed upload is coordinated by the relay: set coordinator to {}",
            state.party()
        )));
    }
    let up = begin_here(&state, &c, study.clone(), b.clone())?;
    let req = PeerRequest::RelayBegin {
        study,
        begin: serde_json::to_value(&b).expect("serialises"),
        token: c.token.clone(),
    };
    forward(&state, &req).await?;
    Ok((StatusCode::CREATED, Json(view(up))))
}

/// Calls both peers with `req`; any refusal or failure is an error naming the node.
async fn forward(state: &AppState, req: &PeerRequest) -> Result<(), ApiError> {
    let [a, b] = other_parties(state);
    let (ra, rb) = tokio::join!(call(state, a, req), call(state, b, req));
    expect_ok(state, a, ra)?;
    expect_ok(state, b, rb)
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
    let [own, first, second] =
        decode_envelope(&body).ok_or_else(|| ApiError::bad_request("malformed relay envelope"))?;
    store_chunk(&state, &up, chunk, own).await?;
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let [a, b] = {
        let mut o = other_parties(&state);
        o.sort();
        o
    };
    for (p, sealed) in [(a, first), (b, second)] {
        let req = PeerRequest::RelayChunk {
            upload: upload.clone(),
            chunk,
            sealed: b64.encode(sealed),
        };
        expect_ok(&state, p, call(&state, p, &req).await)?;
    }
    Ok(StatusCode::NO_CONTENT)
}
