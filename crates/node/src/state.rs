//! The state shared by the API handlers, the peer-message handler and running jobs.
use crate::config::NodeConfig;
use crate::jobs::Registry;
use sharestat_net::Mesh;
use sharestat_store::Store;
use std::sync::{Arc, OnceLock};
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
}

impl NodeState {
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
