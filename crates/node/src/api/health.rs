//! Health, version and the caller's identity.
use crate::auth::Caller;
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

/// Node health.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the node answers.
    pub status: &'static str,
    /// Software version.
    pub version: &'static str,
    /// Database schema version.
    pub schema_version: u32,
    /// This node's party index.
    pub party: u8,
    /// This node's name.
    pub name: String,
    /// Seconds since start.
    pub uptime_secs: u64,
    /// Jobs pending or running here.
    pub jobs_in_flight: usize,
    /// Links to the other two nodes.
    pub peers: Vec<PeerHealth>,
    /// Bytes of the node's store on disk (database and its write-ahead log), when readable.
    pub store_bytes: Option<u64>,
}

/// One peer link as seen from this node.
#[derive(Serialize, ToSchema)]
pub struct PeerHealth {
    /// Party index.
    pub party: u8,
    /// Node name.
    pub name: String,
    /// Our connection to it is up.
    pub outgoing_up: bool,
    /// Its connection to us is up.
    pub incoming_up: bool,
    /// Milliseconds since we last heard from it.
    pub last_heard_ms: Option<u64>,
}

/// Health and version of this node and its links.
#[utoipa::path(get, path = "/api/v1/health", tag = "node",
    responses((status = 200, body = Health), (status = 401, body = crate::problem::Problem)),
    security(("bearer" = ["any"])))]
pub async fn health(State(state): State<AppState>, _c: Caller) -> Result<Json<Health>, ApiError> {
    let peers = state
        .mesh()
        .peer_status()
        .into_iter()
        .map(|p| PeerHealth {
            party: p.party.index() as u8,
            name: p.name,
            outgoing_up: p.outgoing_up,
            incoming_up: p.incoming_up,
            last_heard_ms: p.last_heard_ms,
        })
        .collect();
    Ok(Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        schema_version: sharestat_store::SCHEMA_VERSION,
        party: state.party(),
        name: state.cfg.node.name.clone(),
        uptime_secs: state.started.elapsed().as_secs(),
        jobs_in_flight: state.jobs.len(),
        peers,
        store_bytes: store_bytes(state.store.path()),
    }))
}

/// The database file and its `-wal` and `-shm` companions, in bytes.
fn store_bytes(db: &std::path::Path) -> Option<u64> {
    let main = std::fs::metadata(db).ok()?.len();
    let side: u64 = ["-wal", "-shm"]
        .iter()
        .filter_map(|ext| {
            let mut p = db.as_os_str().to_owned();
            p.push(ext);
            std::fs::metadata(p).ok().map(|m| m.len())
        })
        .sum();
    Some(main + side)
}

/// The caller and its roles on this node.
#[derive(Serialize, ToSchema)]
pub struct WhoAmI {
    /// User name.
    pub user: String,
    /// Role grants.
    pub grants: Vec<crate::api::users::GrantBody>,
}

/// Who the token belongs to, and its roles here.
#[utoipa::path(get, path = "/api/v1/whoami", tag = "node",
    responses((status = 200, body = WhoAmI), (status = 401, body = crate::problem::Problem)),
    security(("bearer" = ["any"])))]
pub async fn whoami(c: Caller) -> Json<WhoAmI> {
    Json(WhoAmI {
        grants: c.grants.iter().map(Into::into).collect(),
        user: c.user,
    })
}
