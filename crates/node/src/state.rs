//! The state shared by the API handlers, the peer-message handler and running jobs.
use crate::config::NodeConfig;
use crate::jobs::Registry;
use sharestat_net::Mesh;
use sharestat_store::Store;
use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

/// Shared node state (cheap to clone).
pub type AppState = Arc<NodeState>;

/// Everything a node needs at run time.
pub struct NodeState {
    /// The configuration it was started with.
    pub cfg: NodeConfig,
    /// Durable storage.
    pub store: Arc<Store>,
    /// Links to the two peers (set once at start-up).
    pub mesh: OnceLock<Mesh>,
    /// Jobs this node knows about while they run.
    pub jobs: Registry,
    /// When the node started.
    pub started: Instant,
    /// Secret seed of this node's key for relayed upload chunks (hex), if configured.
    pub upload_seed: Option<String>,
    /// Uploads whose commit or abort this node is coordinating right now.
    pub uploads_busy: Mutex<HashSet<String>>,
    /// Per study, the subsets released so far (shares), for the differencing defence.
    /// Each is locked for the whole of a query of its study.
    #[allow(clippy::type_complexity)]
    pub histories: Mutex<
        std::collections::HashMap<String, std::sync::Arc<Mutex<sharestat_lang::eval::History>>>,
    >,
    /// Parsed dictionary and policy per study, under their documents' hashes.
    pub rules: Mutex<
        std::collections::HashMap<
            String,
            (String, sharestat_dict::Dictionary, sharestat_dict::Policy),
        >,
    >,
    /// Share columns recently read for queries.
    pub columns: crate::cache::ColumnCache,
}

impl NodeState {
    /// True while this node coordinates the commit or abort of upload `id`.
    pub fn upload_busy(&self, id: &str) -> bool {
        self.uploads_busy.lock().expect("uploads lock").contains(id)
    }

    /// Marks upload `id` busy until the guard is dropped.
    pub fn busy_upload(self: &Arc<Self>, id: &str) -> BusyUpload {
        self.uploads_busy
            .lock()
            .expect("uploads lock")
            .insert(id.to_string());
        BusyUpload {
            state: self.clone(),
            id: id.to_string(),
        }
    }

    /// The peer links.
    pub fn mesh(&self) -> &Mesh {
        self.mesh.get().expect("mesh is set at start-up")
    }

    /// This node's party index.
    pub fn party(&self) -> u8 {
        self.cfg.node.party
    }

    /// Human name of a party: its node name and index.
    pub fn party_name(&self, party: usize) -> String {
        if party == self.cfg.node.party as usize {
            return format!("{} (party {party})", self.cfg.node.name);
        }
        self.cfg
            .peers
            .iter()
            .find(|p| p.party as usize == party)
            .map(|p| format!("{} (party {party})", p.name))
            .unwrap_or_else(|| format!("party {party}"))
    }
}

/// Keeps an upload marked busy (see [`NodeState::busy_upload`]).
pub struct BusyUpload {
    state: AppState,
    id: String,
}

impl Drop for BusyUpload {
    fn drop(&mut self) {
        if let Ok(mut set) = self.state.uploads_busy.lock() {
            set.remove(&self.id);
        }
    }
}
