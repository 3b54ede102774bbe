//! Starting and stopping a node: storage, the bootstrap administrator, the peer mesh and the
//! HTTPS API (TLS with the node's certificate; HTTP/1.1 and HTTP/2).
use crate::config::NodeConfig;
use crate::jobs::Registry;
use crate::state::{AppState, NodeState};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use sharestat_net::{ControlHandler, Identity, Mesh, MeshConfig, PartyId, PeerSpec};
use sharestat_store::{Role, RoleGrant, Store};
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Why a node could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// A file named in the configuration could not be read.
    #[error("cannot read {path}: {source}")]
    File {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The data directory could not be opened (e.g. written by a newer version).
    #[error("data directory: {0}")]
    Store(#[from] sharestat_store::StoreError),
    /// A listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// TLS or peer-link set-up failed.
    #[error("peer links: {0}")]
    Mesh(#[from] sharestat_net::LinkError),
    /// The configuration is inconsistent.
    #[error("configuration: {0}")]
    Config(String),
}

/// A running node.
pub struct NodeHandle {
    /// Where the HTTPS API listens.
    pub api_addr: SocketAddr,
    /// Where the peer links listen.
    pub peer_addr: SocketAddr,
    state: AppState,
    stop: watch::Sender<bool>,
    api_task: JoinHandle<()>,
}

impl NodeHandle {
    /// The node's shared state.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Stops accepting requests, closes the peer links and waits for the API loop to end.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        self.state.mesh().shutdown().await;
        let _ = self.api_task.await;
    }
}

fn read(cfg: &NodeConfig, p: &std::path::Path) -> Result<String, StartError> {
    let path = cfg.resolve(p);
    std::fs::read_to_string(&path).map_err(|source| StartError::File { path, source })
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, StartError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })
}

/// Ensures the bootstrap administrator of the config exists with its token and role.
fn bootstrap_admin(store: &Store, cfg: &NodeConfig) -> Result<(), StartError> {
    let name = &cfg.admin.user;
    if store.user(name)?.is_none() {
        store.create_user(name, "bootstrap administrator")?;
    }
    store.grant(&RoleGrant {
        user: name.clone(),
        role: Role::Admin,
        study: None,
        site: None,
    })?;
    let hash = crate::token::parse_hash(&cfg.admin.token_sha256)
        .ok_or_else(|| StartError::Config("admin.token_sha256 is not 64 hex digits".into()))?;
    if store.tokens(name)?.iter().all(|t| t.label != "bootstrap") {
        store.add_token(name, hash, "bootstrap")?;
    }
    Ok(())
}

/// Starts a node from its configuration, binding the addresses it names.
pub async fn start(cfg: NodeConfig) -> Result<NodeHandle, StartError> {
    let api_listener = bind(cfg.node.api_listen).await?;
    let peer_listener = bind(cfg.node.peer_listen).await?;
    start_bound(cfg, api_listener, peer_listener).await
}

/// Starts a node on listeners bound by the caller (tests bind port 0 first).
pub async fn start_bound(
    cfg: NodeConfig,
    api_listener: TcpListener,
    peer_listener: TcpListener,
) -> Result<NodeHandle, StartError> {
    crate::alloc::tune_allocator();
    let store = Store::open(&cfg.resolve(&cfg.node.data_dir))?;
    bootstrap_admin(&store, &cfg)?;
    let stale = store.fail_unfinished_jobs("the node restarted while the job ran")?;
    if stale > 0 {
        tracing::warn!(jobs = stale, "marked jobs of the previous run as failed");
    }
    let ca_pem = read(&cfg, &cfg.tls.ca_cert)?;
    let upload_seed = match &cfg.tls.upload_key {
        Some(p) => Some(read(&cfg, p)?.trim().to_string()),
        None => None,
    };
    let me = PartyId::new(cfg.node.party as usize)
        .ok_or_else(|| StartError::Config("node.party must be 0, 1 or 2".into()))?;
    let identity = Identity {
        party: me,
        name: cfg.node.name.clone(),
        cert_pem: read(&cfg, &cfg.tls.cert)?,
        key_pem: read(&cfg, &cfg.tls.key)?,
    };
    let api_tls = {
        let base = sharestat_net::server_config(&identity, &ca_pem, false)?;
        let mut c = (*base).clone();
        c.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Arc::new(c)
    };
    let peers = cfg
        .peers
        .iter()
        .map(|p| {
            Ok(PeerSpec {
                party: PartyId::new(p.party as usize)
                    .ok_or_else(|| StartError::Config(format!("peer party {}", p.party)))?,
                name: p.name.clone(),
                addr: p.addr.clone(),
            })
        })
        .collect::<Result<Vec<_>, StartError>>()?;
    let api_addr = api_listener
        .local_addr()
        .map_err(|source| StartError::Bind {
            addr: cfg.node.api_listen,
            source,
        })?;
    let mesh_cfg = MeshConfig {
        me: identity,
        ca_pem,
        peers,
        heartbeat: Duration::from_millis(cfg.node.heartbeat_ms.max(50)),
        job_timeout: cfg.job_timeout(),
        max_backoff: Duration::from_secs(2),
    };
    let state: AppState = Arc::new(NodeState {
        cfg,
        store: Arc::new(store),
        mesh: OnceLock::new(),
        jobs: Registry::default(),
        started: Instant::now(),
        uploads_busy: Default::default(),
        histories: Default::default(),
        rules: Default::default(),
        columns: crate::cache::ColumnCache::new(crate::cache::DEFAULT_BUDGET),
        upload_seed,
    });
    let weak = Arc::downgrade(&state);
    let handler: ControlHandler = Arc::new(move |from, body| {
        let weak = weak.clone();
        Box::pin(async move {
            match weak.upgrade() {
                Some(st) => crate::jobs::peer::handle(st, from, body).await,
                None => b"{\"msg\":\"refused\",\"status\":503,\"slug\":\"stopping\",\"detail\":\"node is stopping\"}".to_vec(),
            }
        })
    });
    let mesh = Mesh::start(mesh_cfg, peer_listener, handler).await?;
    let peer_addr = mesh.local_addr();
    let _ = state.mesh.set(mesh);
    crate::uploads::recovery::spawn(&state);
    crate::uploads::expiry::spawn(&state);
    let (stop, stop_rx) = watch::channel(false);
    let app = crate::api::router(state.clone());
    let api_task = tokio::spawn(serve(api_listener, api_tls, app, stop_rx));
    tracing::info!(party = state.party(), api = %api_addr, peers = %peer_addr, "node started");
    Ok(NodeHandle {
        api_addr,
        peer_addr,
        state,
        stop,
        api_task,
    })
}

async fn serve(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    app: axum::Router,
    mut stop: watch::Receiver<bool>,
) {
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    loop {
        let accepted = tokio::select! {
            _ = stop.changed() => break,
            r = listener.accept() => r,
        };
        let Ok((tcp, remote)) = accepted else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let acceptor = acceptor.clone();
        let app = app.clone();
        let mut stop = stop.clone();
        tokio::spawn(async move {
            let tls = match acceptor.accept(tcp).await {
                Ok(t) => t,
                Err(e) => {
                    tracing::debug!(%remote, error = %e, "TLS handshake failed");
                    return;
                }
            };
            let builder = auto::Builder::new(TokioExecutor::new());
            let conn = builder.serve_connection(TokioIo::new(tls), TowerToHyperService::new(app));
            tokio::select! {
                _ = conn => {}
                _ = stop.changed() => {}
            }
        });
    }
}
