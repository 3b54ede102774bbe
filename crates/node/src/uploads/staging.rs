//! Staging an upload on this node: the checks of a begin (the caller, the study's data
//! dictionary and policy, the datasets already stored) and the storing of this node's part of
//! each chunk, before the two-phase commit ([`super::coordinator`]) makes it visible.
//!
//! The data owner's own requests (`api::uploads`) and the peer messages of an upload relayed
//! through another node ([`super::relay`]) both run these steps.
use super::error::UploadError;
use crate::auth::Caller;
use crate::state::AppState;
use sharestat_net::PartyId;
use sharestat_store::{ColumnMeta, ColumnShares, NewUpload, Role, Upload};
use sharestat_wire::CHUNK_WORDS;
use sharestat_wire::api::{BeginBody, ColumnBody};
use sharestat_wire::chunk::decode_chunk;

/// Finds an upload, or 404.
pub fn find(state: &AppState, id: &str) -> Result<Upload, UploadError> {
    state
        .store
        .upload(id)?
        .ok_or_else(|| UploadError::NotFound(format!("no upload {id:?}")))
}

/// Checks that `caller` is the data owner who began `up` and still owns its site.
pub fn check_uploader(caller: &Caller, up: &Upload) -> Result<(), UploadError> {
    if caller.user != up.uploaded_by || !caller.owner_sites(&up.study).contains(&up.site) {
        return Err(UploadError::Forbidden(format!(
            "upload {} belongs to {} (data owner of site {} in study {})",
            up.id, up.uploaded_by, up.site, up.study
        )));
    }
    Ok(())
}

/// The upload `id`, if `caller` is the data owner who began it.
pub fn own_upload(state: &AppState, caller: &Caller, id: &str) -> Result<Upload, UploadError> {
    let up = find(state, id)?;
    check_uploader(caller, &up)?;
    Ok(up)
}

/// The upload `id`, if `from` is its coordinator (only the coordinator decides and relays).
pub fn from_coordinator(state: &AppState, from: PartyId, id: &str) -> Result<Upload, UploadError> {
    let up = find(state, id)?;
    if up.coordinator as usize != from.index() {
        return Err(UploadError::Forbidden(format!(
            "{} is not the coordinator of upload {id}",
            state.party_name(from.index())
        )));
    }
    Ok(up)
}

/// Checks the upload's columns against the study's data dictionary.
fn check_columns(state: &AppState, study: &str, columns: &[ColumnBody]) -> Result<(), UploadError> {
    let s = state
        .store
        .study(study)?
        .ok_or_else(|| UploadError::NotFound(format!("no study {study:?}")))?;
    let dict = sharestat_dict::Dictionary::parse(&s.dictionary).map_err(|e| {
        UploadError::Conflict(format!("study {study} has no usable data dictionary: {e}"))
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
        return Err(UploadError::Invalid(format!(
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
/// Idempotent: a begin that matches a staged upload resumes it.
pub fn begin(
    state: &AppState,
    c: &Caller,
    study: String,
    b: BeginBody,
) -> Result<Upload, UploadError> {
    c.require(Some(&study), &[Role::DataOwner])?;
    if !c.owner_sites(&study).contains(&b.site) {
        return Err(UploadError::Forbidden(format!(
            "user {} is not a data owner of site {:?} in study {study}",
            c.user, b.site
        )));
    }
    if b.chunk_rows != CHUNK_WORDS as u64 {
        return Err(UploadError::Invalid(format!(
            "chunk_rows must be {CHUNK_WORDS}"
        )));
    }
    if b.coordinator > 2 {
        return Err(UploadError::Invalid("coordinator must be 0, 1 or 2".into()));
    }
    check_columns(state, &study, &b.columns)?;
    // The declared size is bounded by this node's copy of the study policy (and so are the
    // chunks: ceil(rows / chunk_rows)).
    let max = crate::jobs::query::study_rules(state, &study)?
        .1
        .max_upload_rows;
    if b.rows > max {
        return Err(UploadError::Invalid(format!(
            "rows: the upload declares {} rows ({} chunks); study {study} accepts at most {max} \
             rows per upload (max_upload_rows)",
            b.rows,
            b.rows.div_ceil(CHUNK_WORDS as u64)
        )));
    }
    if let Some(old) = state.store.dataset_by_name(&study, &b.name)? {
        if old.site != b.site {
            return Err(UploadError::Forbidden(format!(
                "dataset {} belongs to site {}; a data owner of {} cannot replace it",
                b.name, old.site, b.site
            )));
        }
        if !b.replaces {
            return Err(UploadError::Conflict(format!(
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

/// Decodes and stores this node's part of chunk `chunk` of `up` (see [`sharestat_wire::chunk`]
/// for the body); re-sending a chunk overwrites it.
pub async fn store_chunk(
    state: &AppState,
    up: &Upload,
    chunk: u64,
    body: &[u8],
) -> Result<(), UploadError> {
    if chunk >= up.total_chunks {
        return Err(UploadError::Invalid(format!(
            "chunk {chunk} out of range: the upload has {} chunks",
            up.total_chunks
        )));
    }
    let rows = (up.rows - chunk * up.chunk_rows).min(up.chunk_rows) as usize;
    let cols = decode_chunk(body, up.columns.len(), rows).ok_or_else(|| {
        UploadError::Invalid(format!(
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
        .map_err(|_| UploadError::Task)??;
    Ok(())
}
