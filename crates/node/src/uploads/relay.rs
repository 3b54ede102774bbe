//! Uploads relayed through one node, for a site that can reach only its own node. The relay
//! coordinates the upload: it stages it here and at both peers (each checks the data owner's
//! token against its own accounts), stores its own part of each chunk and forwards the parts
//! sealed (HPKE, [`sharestat_wire::sealed`]) for the two other nodes, which it cannot open.
//! The commit is the ordinary two-phase commit ([`super::coordinator`]).
use super::error::UploadError;
use super::staging;
use crate::auth::Caller;
use crate::jobs::peer::{PeerRequest, call, expect_ok, other_parties};
use crate::state::AppState;
use base64::Engine;
use sharestat_net::PartyId;
use sharestat_store::Upload;
use sharestat_wire::api::BeginBody;
use sharestat_wire::chunk::decode_envelope;
use sharestat_wire::sealed;

/// Begins an upload on all three nodes through this one, which must be its coordinator.
pub async fn begin(
    state: &AppState,
    c: &Caller,
    study: String,
    b: BeginBody,
) -> Result<Upload, UploadError> {
    if b.coordinator != state.party() {
        return Err(UploadError::Invalid(format!(
            "a relayed upload is coordinated by the relay: set coordinator to {}",
            state.party()
        )));
    }
    let up = staging::begin(state, c, study.clone(), b.clone())?;
    let req = PeerRequest::RelayBegin {
        study,
        begin: serde_json::to_value(&b).expect("serialises"),
        token: c.token.clone(),
    };
    let [p, q] = other_parties(state);
    let (rp, rq) = tokio::join!(call(state, p, &req), call(state, q, &req));
    expect_ok(state, p, rp)?;
    expect_ok(state, q, rq)?;
    Ok(up)
}

/// Stores this node's part of a relayed chunk (an envelope, see
/// [`sharestat_wire::chunk::encode_envelope`]) and forwards the parts sealed for the other two nodes.
pub async fn chunk(
    state: &AppState,
    up: &Upload,
    chunk: u64,
    body: &[u8],
) -> Result<(), UploadError> {
    let [own, first, second] = decode_envelope(body)
        .ok_or_else(|| UploadError::Invalid("malformed relay envelope".into()))?;
    staging::store_chunk(state, up, chunk, own).await?;
    let b64 = base64::engine::general_purpose::STANDARD;
    let [a, b] = {
        let mut o = other_parties(state);
        o.sort();
        o
    };
    for (p, part) in [(a, first), (b, second)] {
        let req = PeerRequest::RelayChunk {
            upload: up.id.clone(),
            chunk,
            sealed: b64.encode(part),
        };
        expect_ok(state, p, call(state, p, &req).await)?;
    }
    Ok(())
}

/// Peer side of a relayed begin from `from`: the data owner's token checked here, the relay
/// as the coordinator, and the begin staged as the data owner's own would be.
pub fn begin_at_peer(
    state: &AppState,
    from: PartyId,
    study: String,
    begin: serde_json::Value,
    token: &str,
) -> Result<(), UploadError> {
    let caller = Caller::authenticate(state, token)?;
    let b: BeginBody = serde_json::from_value(begin)
        .map_err(|e| UploadError::Invalid(format!("relayed begin: {e}")))?;
    if b.coordinator as usize != from.index() {
        return Err(UploadError::Forbidden(
            "a relayed upload must be coordinated by its relay".into(),
        ));
    }
    staging::begin(state, &caller, study, b)?;
    Ok(())
}

/// Peer side of a relayed chunk from the upload's coordinator: opens the part sealed for
/// this node and stores it.
pub async fn chunk_at_peer(
    state: &AppState,
    from: PartyId,
    upload: &str,
    chunk: u64,
    sealed_b64: &str,
) -> Result<(), UploadError> {
    let up = staging::from_coordinator(state, from, upload)?;
    let seed = state
        .upload_seed
        .as_deref()
        .ok_or_else(|| UploadError::Conflict("this node has no upload key configured".into()))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(sealed_b64)
        .map_err(|e| UploadError::Invalid(format!("relayed chunk: {e}")))?;
    let plain = sealed::open(seed, upload, chunk, state.party() as usize, &bytes)
        .map_err(UploadError::Invalid)?;
    staging::store_chunk(state, &up, chunk, &plain).await
}
