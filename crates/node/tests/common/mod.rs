//! A real three-node consortium for tests: `consortium init` in a temporary directory, listeners
//! bound on 127.0.0.1 port 0, real TLS for the API and mutual TLS between nodes.
#![allow(dead_code)]
use sharestat_node::client::Client;
use sharestat_node::config::NodeConfig;
use sharestat_node::consortium::{InitOptions, init};
use sharestat_node::{NodeHandle, start_bound};
use tokio::net::TcpListener;

pub struct TestConsortium {
    pub dir: tempfile::TempDir,
    pub nodes: Vec<NodeHandle>,
    /// Admin clients, party order.
    pub admins: Vec<Client>,
    pub ca: String,
    pub configs: Vec<NodeConfig>,
}

/// Starts three nodes with the given job timeout.
pub async fn start(job_timeout_secs: u64) -> TestConsortium {
    let dir = tempfile::tempdir().unwrap();
    let tokens = init(dir.path(), &InitOptions::default()).unwrap();
    let mut api = Vec::new();
    let mut peer = Vec::new();
    for _ in 0..3 {
        api.push(TcpListener::bind("127.0.0.1:0").await.unwrap());
        peer.push(TcpListener::bind("127.0.0.1:0").await.unwrap());
    }
    let api_addr: Vec<_> = api.iter().map(|l| l.local_addr().unwrap()).collect();
    let peer_addr: Vec<_> = peer.iter().map(|l| l.local_addr().unwrap()).collect();
    let mut configs = Vec::new();
    for i in 0..3 {
        let path = dir.path().join(format!("node{i}/node.toml"));
        let mut cfg = NodeConfig::load(&path).unwrap();
        cfg.node.api_listen = api_addr[i];
        cfg.node.peer_listen = peer_addr[i];
        cfg.node.job_timeout_secs = job_timeout_secs;
        cfg.node.heartbeat_ms = 200;
        for p in cfg.peers.iter_mut() {
            p.addr = peer_addr[p.party as usize].to_string();
            p.api_url = format!("https://{}", api_addr[p.party as usize]);
        }
        std::fs::write(&path, cfg.to_toml()).unwrap();
        configs.push(NodeConfig::load(&path).unwrap());
    }
    let mut nodes = Vec::new();
    for ((cfg, a), p) in configs.iter().cloned().zip(api).zip(peer) {
        nodes.push(start_bound(cfg, a, p).await.unwrap());
    }
    let ca = std::fs::read_to_string(dir.path().join("ca/ca.pem")).unwrap();
    let admins = (0..3)
        .map(|i| {
            Client::new(
                &format!("https://{}", api_addr[i]),
                &ca,
                Some(tokens[i].clone()),
            )
            .unwrap()
        })
        .collect();
    for n in &nodes {
        n.state()
            .mesh()
            .wait_connected(std::time::Duration::from_secs(20))
            .await
            .unwrap();
    }
    TestConsortium {
        dir,
        nodes,
        admins,
        ca,
        configs,
    }
}

impl TestConsortium {
    /// Creates a study on all three nodes.
    pub async fn study(&self, id: &str) {
        for c in &self.admins {
            let _: serde_json::Value = c
                .post(
                    "/api/v1/studies",
                    &serde_json::json!({"id": id, "title": id, "dictionary": "[columns]\n", "policy": "min_cell = 5\n"}),
                )
                .await
                .unwrap();
        }
    }

    /// Creates a user with one grant on all three nodes; returns its token.
    pub async fn user(
        &self,
        name: &str,
        role: &str,
        study: Option<&str>,
        site: Option<&str>,
    ) -> String {
        let grant = serde_json::json!({"role": role, "study": study, "site": site});
        let first: serde_json::Value = self.admins[0]
            .post(
                "/api/v1/users",
                &serde_json::json!({"name": name, "grants": [grant]}),
            )
            .await
            .unwrap();
        let token = first["token"].as_str().unwrap().to_string();
        let hash = sharestat_node::token::hash_hex(&token);
        for c in &self.admins[1..] {
            let _: serde_json::Value = c
                .post(
                    "/api/v1/users",
                    &serde_json::json!({"name": name, "grants": [grant], "token_sha256": hash}),
                )
                .await
                .unwrap();
        }
        token
    }

    /// A client of node `i` with `token`.
    pub fn client(&self, i: usize, token: &str) -> Client {
        self.admins[i].with_token(Some(token.to_string()))
    }

    /// Deals `values` as one integer column and uploads each node's shares as `owner`.
    pub async fn upload(&self, owner: &str, study: &str, site: &str, name: &str, values: &[i64]) {
        use base64::Engine;
        let raw: Vec<u64> = values.iter().map(|&v| v as u64).collect();
        let mut prg = sharestat_mpc::prg::Prg::from_os().unwrap();
        let dealt = sharestat_mpc::proto::io::deal(&raw, &mut prg);
        let b64 = |w: &[u64]| {
            let bytes: Vec<u8> = w.iter().flat_map(|x| x.to_le_bytes()).collect();
            base64::engine::general_purpose::STANDARD.encode(bytes)
        };
        for (i, sh) in dealt.iter().enumerate() {
            let (a, b) = sh.parts();
            let body = serde_json::json!({
                "name": name, "site": site, "rows": values.len(),
                "columns": [{"name": "age", "kind": "integer"}],
                "shares": [{"name": "age", "a": b64(a), "b": b64(b)}],
            });
            let _: serde_json::Value = self
                .client(i, owner)
                .post(&format!("/api/v1/studies/{study}/datasets"), &body)
                .await
                .unwrap();
        }
    }

    pub async fn shutdown(self) {
        for n in self.nodes {
            n.shutdown().await;
        }
    }
}
