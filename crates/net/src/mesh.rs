//! [`Mesh`]: this node's links to its two peers, as one cloneable handle.
//!
//! Start it with an already-bound listener; it returns at once and brings the links up in the
//! background. Control calls ([`Mesh::call`]) are request/response pairs matched by a
//! correlation id and answered by the peer's [`ControlHandler`]; engine jobs use
//! [`Mesh::job_transport`].
use crate::config::MeshConfig;
use crate::error::LinkError;
use crate::frame::{Frame, Kind, MAX_PAYLOAD};
use crate::jobs::JobTransport;
use crate::link::{accept_loop, dial_loop};
use crate::state::{Inner, Peer};
use crate::tls::{cert_valid_for_name, client_config, parse_certs, server_config};
use rustls_pki_types::ServerName;
use sharestat_mpc::PartyId;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// Answers control requests from peers: gets `(from, request bytes)`, returns the response
/// bytes.
pub type ControlHandler =
    Arc<dyn Fn(PartyId, Vec<u8>) -> Pin<Box<dyn Future<Output = Vec<u8>> + Send>> + Send + Sync>;

/// The state of the links to one peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerStatus {
    /// The peer.
    pub party: PartyId,
    /// Its configured name.
    pub name: String,
    /// Our connection to it is up (and was accepted by it).
    pub outgoing_up: bool,
    /// Its connection to us is up.
    pub incoming_up: bool,
    /// Milliseconds since the last frame arrived from it, if any ever did.
    pub last_heard_ms: Option<u64>,
}

/// This node's links to its two peers. Cheap to clone; all clones share the links. The
/// background tasks run until [`Mesh::shutdown`] (dropping every handle does not stop them).
#[derive(Clone)]
pub struct Mesh {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Mesh {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mesh")
            .field("me", &self.inner.me)
            .field("local_addr", &self.inner.local_addr)
            .finish()
    }
}

impl Mesh {
    /// Validates the configuration, builds the TLS configurations and spawns the accept loop on
    /// `listener`, one dialer per peer (reconnecting with exponential backoff up to
    /// `max_backoff`) and the heartbeats. Returns at once; links come up in the background.
    pub async fn start(
        cfg: MeshConfig,
        listener: tokio::net::TcpListener,
        handler: ControlHandler,
    ) -> Result<Mesh, LinkError> {
        let specs = cfg.validate()?;
        let own = parse_certs(&cfg.me.cert_pem, "node certificate")?;
        cert_valid_for_name(&own[0], &cfg.me.name).map_err(|e| LinkError::Tls {
            what: "node certificate",
            detail: format!("not valid for this node's name {:?}: {e}", cfg.me.name),
        })?;
        let server_cfg = server_config(&cfg.me, &cfg.ca_pem, true)?;
        let client_cfg = client_config(&cfg.ca_pem, Some(&cfg.me))?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| LinkError::Io { source })?;
        let peers = specs.map(|s| {
            s.map(|spec| {
                let server_name =
                    ServerName::try_from(spec.name.clone()).expect("validated as a DNS name");
                Peer { spec, server_name }
            })
        });
        let inner = Arc::new(Inner::new(
            cfg.me.party,
            local_addr,
            peers,
            cfg.heartbeat,
            cfg.job_timeout,
            cfg.max_backoff,
            server_cfg,
            client_cfg,
            handler,
        ));
        let mut tasks = vec![tokio::spawn(accept_loop(inner.clone(), listener))];
        for p in inner.peer_list() {
            tasks.push(tokio::spawn(dial_loop(inner.clone(), p.spec.party)));
        }
        *inner.tasks.lock().unwrap_or_else(|e| e.into_inner()) = tasks;
        tracing::info!(me = %cfg.me.party, addr = %local_addr, "mesh started");
        Ok(Mesh { inner })
    }

    /// The address the mesh listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.inner.local_addr
    }

    /// This node's party.
    pub fn me(&self) -> PartyId {
        self.inner.me
    }

    /// The links to each peer, in party order.
    pub fn peer_status(&self) -> Vec<PeerStatus> {
        let st = self.inner.lock();
        self.inner
            .peer_list()
            .map(|p| {
                let link = &st.links[p.spec.party.index()];
                PeerStatus {
                    party: p.spec.party,
                    name: p.spec.name.clone(),
                    outgoing_up: link.out.is_some(),
                    incoming_up: link.inc.is_some(),
                    last_heard_ms: link
                        .last_heard
                        .map(|t| u64::try_from(t.elapsed().as_millis()).unwrap_or(u64::MAX)),
                }
            })
            .collect()
    }

    /// Waits until both links (both directions) to both peers are up. After `timeout`, fails
    /// with [`LinkError::NotConnected`] naming the first peer still missing.
    pub async fn wait_connected(&self, timeout: Duration) -> Result<(), LinkError> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut changes = self.inner.changed.subscribe();
        loop {
            changes.borrow_and_update();
            let missing = {
                let st = self.inner.lock();
                if st.stopped {
                    return Err(LinkError::Stopped);
                }
                self.inner.peer_list().find_map(|p| {
                    let link = &st.links[p.spec.party.index()];
                    (!link.up()).then(|| LinkError::NotConnected {
                        peer: p.spec.party,
                        outgoing_up: link.out.is_some(),
                        incoming_up: link.inc.is_some(),
                    })
                })
            };
            let Some(missing) = missing else {
                return Ok(());
            };
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => return Err(LinkError::Stopped),
                Err(_) => return Err(missing),
            }
        }
    }

    /// Sends `request` to `to` over the control channel and waits at most `timeout` for its
    /// handler's response. Fails with [`LinkError::Down`] if a link to `to` is down or goes
    /// down meanwhile, [`LinkError::Timeout`] if no answer came in time.
    pub async fn call(
        &self,
        to: PartyId,
        request: Vec<u8>,
        timeout: Duration,
    ) -> Result<Vec<u8>, LinkError> {
        if self.inner.peer(to).is_none() {
            return Err(LinkError::UnknownPeer { party: to });
        }
        if request.len() > MAX_PAYLOAD {
            return Err(LinkError::TooLarge { len: request.len() });
        }
        let id = self.inner.next_id();
        let (tx, rx) = oneshot::channel();
        {
            let mut st = self.inner.lock();
            if st.stopped {
                return Err(LinkError::Stopped);
            }
            let link = &st.links[to.index()];
            let (Some(out), true) = (&link.out, link.inc.is_some()) else {
                return Err(LinkError::Down { peer: to });
            };
            if out.tx.send(Frame::new(Kind::Request, id, request)).is_err() {
                return Err(LinkError::Down { peer: to });
            }
            st.calls.insert(id, (to, tx));
        }
        match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(resp)) => Ok(resp),
            Ok(Err(_)) if self.inner.lock().stopped => Err(LinkError::Stopped),
            Ok(Err(_)) => Err(LinkError::Down { peer: to }),
            Err(_) => {
                self.inner.lock().calls.remove(&id);
                Err(LinkError::Timeout { peer: to })
            }
        }
    }

    /// The blocking engine transport of job `job` (see [`JobTransport`]). Messages that arrived
    /// before this call are kept for it. Open a job only while connected: if a link is down
    /// now, the transport reports [`NetError::Closed`](sharestat_mpc::NetError::Closed) at once.
    /// Opening a closed job id again starts it afresh.
    pub fn job_transport(&self, job: u64) -> JobTransport {
        JobTransport::new(self.inner.clone(), job)
    }

    /// Frees the buffers of job `job` and ignores messages that arrive for it later (the last
    /// 65 536 closed ids are remembered). A transport still open for it returns
    /// [`NetError::Closed`](sharestat_mpc::NetError::Closed).
    pub fn close_job(&self, job: u64) {
        self.inner.close_job(job, None);
    }

    /// Forgets that job `job` was closed, so that messages for it are kept again: for a job
    /// whose proposal was withdrawn and is made again under the same id. Without this, the
    /// peers' first messages of the renewed job could be dropped before it starts here.
    pub fn reopen_job(&self, job: u64) {
        self.inner.lock().reopen(job);
    }

    /// Stops the accept loop (freeing the listening port), the dialers and all connection
    /// tasks, closes the links (with TLS close_notify where possible), and fails open jobs and
    /// pending calls. Idempotent.
    pub async fn shutdown(&self) {
        self.inner.stop.send_replace(true);
        let tasks =
            std::mem::take(&mut *self.inner.tasks.lock().unwrap_or_else(|e| e.into_inner()));
        let deadline = Instant::now() + Duration::from_secs(10);
        for mut t in tasks {
            let left = deadline.saturating_duration_since(Instant::now());
            if tokio::time::timeout(left, &mut t).await.is_err() {
                t.abort();
            }
        }
        self.inner.mark_stopped();
        tracing::info!(me = %self.inner.me, "mesh stopped");
    }
}
