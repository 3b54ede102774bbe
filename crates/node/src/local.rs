//! A whole consortium in one process: `consortium init` in a directory, three nodes on
//! 127.0.0.1 listeners bound to port 0, real TLS everywhere. Used by `sharestat up
//! --in-process`, the tests and the benchmarks; every helper goes through the public API.
use crate::config::NodeConfig;
use crate::consortium::{ConsortiumFile, InitOptions, init};
use crate::{NodeHandle, start_bound};
use serde_json::{Value, json};
use sharestat_wire::{Client, ClientError};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::net::TcpListener;

/// Three running nodes and an admin client of each.
pub struct LocalConsortium {
    /// The consortium directory.
    pub dir: PathBuf,
    /// The nodes, party order (`None` while stopped).
    pub nodes: Vec<Option<NodeHandle>>,
    /// Their configurations (with the addresses they were given).
    pub configs: Vec<NodeConfig>,
    /// Admin clients, party order.
    pub admins: Vec<Client>,
    /// The CA certificate (PEM).
    pub ca: String,
}

/// Errors of the local consortium helpers.
pub type LocalError = String;

impl LocalConsortium {
    /// Creates a consortium in `dir` (which must not hold one) and starts its three nodes on
    /// free ports; returns once every node sees both peers.
    pub async fn start(dir: &Path, job_timeout_secs: u64) -> Result<LocalConsortium, LocalError> {
        Self::start_routed(dir, job_timeout_secs, &|_, _, a| Ok(a.to_string())).await
    }

    /// [`LocalConsortium::start`], with node `i` reaching node `j`'s peer listener `addr` at
    /// `route(i, j, addr)` instead (e.g. a relay that delays traffic, to emulate a wide-area
    /// link; TLS runs end to end through it).
    pub async fn start_routed(
        dir: &Path,
        job_timeout_secs: u64,
        route: &dyn Fn(usize, usize, std::net::SocketAddr) -> Result<String, LocalError>,
    ) -> Result<LocalConsortium, LocalError> {
        let tokens = init(dir, &InitOptions::default()).map_err(|e| e.to_string())?;
        let bind = || async {
            TcpListener::bind("127.0.0.1:0")
                .await
                .map_err(|e| format!("cannot bind 127.0.0.1: {e}"))
        };
        let mut api = Vec::new();
        let mut peer = Vec::new();
        for _ in 0..3 {
            api.push(bind().await?);
            peer.push(bind().await?);
        }
        let addr = |l: &TcpListener| l.local_addr().map_err(|e| e.to_string());
        let api_addr = api.iter().map(addr).collect::<Result<Vec<_>, _>>()?;
        let peer_addr = peer.iter().map(addr).collect::<Result<Vec<_>, _>>()?;
        let mut configs = Vec::new();
        for i in 0..3 {
            let path = dir.join(format!("node{i}/node.toml"));
            let mut cfg = NodeConfig::load(&path).map_err(|e| e.to_string())?;
            cfg.node.api_listen = api_addr[i];
            cfg.node.peer_listen = peer_addr[i];
            cfg.node.job_timeout_secs = job_timeout_secs;
            cfg.node.heartbeat_ms = 200;
            for p in cfg.peers.iter_mut() {
                p.addr = route(i, p.party as usize, peer_addr[p.party as usize])?;
                p.api_url = format!("https://{}", api_addr[p.party as usize]);
            }
            std::fs::write(&path, cfg.to_toml()).map_err(|e| e.to_string())?;
            configs.push(NodeConfig::load(&path).map_err(|e| e.to_string())?);
        }
        // Clients (`sharestat run`, `upload`, ...) find the nodes through consortium.toml.
        let mut file = ConsortiumFile::load(dir)?;
        for n in file.nodes.iter_mut() {
            n.api_url = format!("https://{}", api_addr[n.party as usize]);
        }
        let text = toml::to_string_pretty(&file).map_err(|e| e.to_string())?;
        std::fs::write(dir.join("consortium.toml"), text).map_err(|e| e.to_string())?;
        let mut nodes = Vec::new();
        for ((cfg, a), p) in configs.iter().cloned().zip(api).zip(peer) {
            nodes.push(Some(
                start_bound(cfg, a, p).await.map_err(|e| e.to_string())?,
            ));
        }
        let ca = std::fs::read_to_string(dir.join("ca/ca.pem")).map_err(|e| e.to_string())?;
        let admins = (0..3)
            .map(|i| {
                Client::new(
                    &format!("https://{}", api_addr[i]),
                    &ca,
                    Some(tokens[i].clone()),
                )
                .map_err(|e| e.to_string())
            })
            .collect::<Result<Vec<_>, _>>()?;
        let c = LocalConsortium {
            dir: dir.into(),
            nodes,
            configs,
            admins,
            ca,
        };
        c.wait_linked().await?;
        Ok(c)
    }

    /// Node `i` (panics while it is stopped).
    pub fn node(&self, i: usize) -> &NodeHandle {
        self.nodes[i].as_ref().expect("node is running")
    }

    /// Waits until every running node sees both peers.
    pub async fn wait_linked(&self) -> Result<(), LocalError> {
        for n in self.nodes.iter().flatten() {
            n.state()
                .mesh()
                .wait_connected(Duration::from_secs(20))
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Stops node `i` (its data directory stays).
    pub async fn stop(&mut self, i: usize) {
        if let Some(n) = self.nodes[i].take() {
            n.shutdown().await;
        }
    }

    /// Starts node `i` again on its addresses and waits until all running nodes are linked.
    pub async fn restart(&mut self, i: usize) -> Result<(), LocalError> {
        self.stop(i).await;
        let cfg = self.configs[i].clone();
        let mut tries = 0;
        let (a, p) = loop {
            let a = TcpListener::bind(cfg.node.api_listen).await;
            let p = TcpListener::bind(cfg.node.peer_listen).await;
            match (a, p) {
                (Ok(a), Ok(p)) => break (a, p),
                _ if tries < 50 => {
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                (a, p) => {
                    return Err(format!(
                        "cannot rebind node {i}: {:?} {:?}",
                        a.err(),
                        p.err()
                    ));
                }
            }
        };
        self.nodes[i] = Some(start_bound(cfg, a, p).await.map_err(|e| e.to_string())?);
        self.wait_linked().await
    }

    /// Creates a study on all three nodes.
    pub async fn create_study(
        &self,
        id: &str,
        dictionary: &str,
        policy: &str,
    ) -> Result<(), ClientError> {
        create_study_on(&self.admins, id, dictionary, policy).await
    }

    /// Creates a user with one grant on all three nodes; see [`add_user_on`].
    pub async fn add_user(
        &self,
        name: &str,
        role: &str,
        study: Option<&str>,
        site: Option<&str>,
    ) -> Result<String, ClientError> {
        add_user_on(&self.admins, name, role, study, site).await
    }

    /// A client of node `i` with `token`.
    pub fn client(&self, i: usize, token: &str) -> Client {
        self.admins[i].with_token(Some(token.to_string()))
    }

    /// Stops the three nodes.
    pub async fn shutdown(self) {
        for n in self.nodes.into_iter().flatten() {
            n.shutdown().await;
        }
    }
}

/// Creates a study on the nodes of `admins` (admin clients).
pub async fn create_study_on(
    admins: &[Client],
    id: &str,
    dictionary: &str,
    policy: &str,
) -> Result<(), ClientError> {
    let body = json!({"id": id, "title": id, "dictionary": dictionary, "policy": policy});
    for c in admins {
        let _: Value = c.post("/api/v1/studies", &body).await?;
    }
    Ok(())
}

/// Creates a user with one grant on the nodes of `admins` (one token: made on the first node,
/// its hash registered on the others) and returns the token.
pub async fn add_user_on(
    admins: &[Client],
    name: &str,
    role: &str,
    study: Option<&str>,
    site: Option<&str>,
) -> Result<String, ClientError> {
    let grant = json!({"role": role, "study": study, "site": site});
    let first: Value = admins[0]
        .post("/api/v1/users", &json!({"name": name, "grants": [grant]}))
        .await?;
    let token = first["token"].as_str().unwrap_or_default().to_string();
    let hash = crate::token::hash_hex(&token);
    let body = json!({"name": name, "grants": [grant], "token_sha256": hash});
    for c in &admins[1..] {
        let _: Value = c.post("/api/v1/users", &body).await?;
    }
    Ok(token)
}

/// A minimal data dictionary: study `study` with required integer columns `columns`.
pub fn integer_dictionary(study: &str, columns: &[&str]) -> String {
    let mut d = format!("study = \"{study}\"\ntitle = \"{study}\"\n");
    for c in columns {
        d.push_str(&format!(
            "\n[[columns]]\nname = \"{c}\"\ntype = \"integer\"\nrequired = true\n"
        ));
    }
    d
}

/// Splits integer `values` into shares on this machine (a dealer, as a data owner's client
/// does) and uploads them as dataset `dataset` with one integer column `column` (the study's
/// dictionary must be [`integer_dictionary`] with that column): begin on all three nodes, one
/// chunk per 65536 rows, commit at node 0.
pub async fn upload_dealt(
    nodes: &[Client],
    study: &str,
    site: &str,
    dataset: &str,
    column: &str,
    values: &[i64],
) -> Result<(), ClientError> {
    upload_version(nodes, study, site, dataset, column, values, false).await
}

/// As [`upload_dealt`]; with `replaces`, a new version of the existing dataset `dataset`
/// (it replaces the current one when committed).
pub async fn upload_version(
    nodes: &[Client],
    study: &str,
    site: &str,
    dataset: &str,
    column: &str,
    values: &[i64],
    replaces: bool,
) -> Result<(), ClientError> {
    let id = stage_dealt(nodes, study, site, dataset, column, values, replaces).await?;
    let _: Value = nodes[0]
        .post(&format!("/api/v1/uploads/{id}/commit"), &json!({}))
        .await?;
    Ok(())
}

/// The first half of [`upload_dealt`] (with `replaces`, of [`upload_version`]): begins the
/// upload (coordinator: node 0) and sends every chunk, without committing. Returns the upload
/// id.
pub async fn stage_dealt(
    nodes: &[Client],
    study: &str,
    site: &str,
    dataset: &str,
    column: &str,
    values: &[i64],
    replaces: bool,
) -> Result<String, ClientError> {
    use sharestat_wire::CHUNK_WORDS;
    let raw: Vec<u64> = values.iter().map(|&v| v as u64).collect();
    let mut prg = sharestat_mpc::prg::Prg::from_os().expect("operating system random source");
    let mut idb = [0u8; 16];
    getrandom::fill(&mut idb).expect("operating system random source");
    let id = hex::encode(idb);
    let begin = json!({
        "id": id, "name": dataset, "site": site, "rows": values.len(),
        "columns": [{"name": column, "kind": "integer"}], "chunk_rows": CHUNK_WORDS,
        "replaces": replaces, "coordinator": 0,
    });
    for c in nodes {
        let _: Value = c
            .post(&format!("/api/v1/studies/{study}/uploads"), &begin)
            .await?;
    }
    for (k, part) in raw.chunks(CHUNK_WORDS).enumerate() {
        let dealt = sharestat_mpc::proto::io::deal(part, &mut prg);
        for (c, sh) in nodes.iter().zip(&dealt) {
            let body = sharestat_wire::chunk::encode_chunk(&[sh.parts()]);
            c.put_bytes(&format!("/api/v1/uploads/{id}/chunks/{k}"), body)
                .await?;
        }
    }
    Ok(id)
}
