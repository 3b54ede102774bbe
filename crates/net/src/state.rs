//! The state shared by a mesh's handle, its connection tasks and its job transports: which
//! links are up, the writer queue of each outgoing link, the job table and the pending control
//! calls, all behind one mutex so that "link goes down" and "job opens" cannot interleave badly.
//!
//! Lock order: the state mutex before any job slot's mutex, never the reverse.
use crate::config::PeerSpec;
use crate::frame::Frame;
use crate::jobs::{Failure, JobSlot};
use crate::mesh::ControlHandler;
use rustls_pki_types::ServerName;
use sharestat_mpc::PartyId;
use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, mpsc, oneshot, watch};
use tokio::task::JoinHandle;

/// How many closed job ids are remembered so that late messages for them are dropped.
pub(crate) const CLOSED_JOBS_REMEMBERED: usize = 1 << 16;

/// A configured peer with its parsed TLS name.
pub(crate) struct Peer {
    pub(crate) spec: PeerSpec,
    pub(crate) server_name: ServerName<'static>,
}

/// An outgoing connection that is up: its id and its writer's queue.
pub(crate) struct OutLink {
    pub(crate) conn: u64,
    pub(crate) tx: mpsc::UnboundedSender<Frame>,
}

/// An incoming connection that is up: its id and the signal that ends its reader.
pub(crate) struct InLink {
    pub(crate) conn: u64,
    pub(crate) kill: Arc<Notify>,
}

/// Both links to one peer.
#[derive(Default)]
pub(crate) struct Link {
    pub(crate) out: Option<OutLink>,
    pub(crate) inc: Option<InLink>,
    pub(crate) last_heard: Option<Instant>,
}

impl Link {
    pub(crate) fn up(&self) -> bool {
        self.out.is_some() && self.inc.is_some()
    }
}

/// Everything mutable, behind [`Inner::lock`].
#[derive(Default)]
pub(crate) struct State {
    pub(crate) links: [Link; 3],
    pub(crate) jobs: HashMap<u64, Arc<JobSlot>>,
    closed: HashSet<u64>,
    closed_order: VecDeque<u64>,
    pub(crate) calls: HashMap<u64, (PartyId, oneshot::Sender<Vec<u8>>)>,
    pub(crate) stopped: bool,
}

impl State {
    /// Fails every job (open or only buffered) and every pending call to `peer`.
    fn fail_peer(&mut self, peer: PartyId) {
        for slot in self.jobs.values() {
            slot.fail(Failure::Peer(peer));
        }
        // Dropping the senders wakes the callers with "down".
        self.calls.retain(|_, (p, _)| *p != peer);
    }

    pub(crate) fn is_closed(&self, job: u64) -> bool {
        self.closed.contains(&job)
    }

    pub(crate) fn reopen(&mut self, job: u64) {
        self.closed.remove(&job);
    }

    pub(crate) fn remember_closed(&mut self, job: u64) {
        if self.closed.insert(job) {
            self.closed_order.push_back(job);
            while self.closed_order.len() > CLOSED_JOBS_REMEMBERED {
                if let Some(old) = self.closed_order.pop_front() {
                    self.closed.remove(&old);
                }
            }
        }
    }
}

/// Logs a link going down: info at shutdown, warning otherwise.
fn log_down(peer: PartyId, what: &str, why: &str) {
    if why == crate::link::SHUTDOWN {
        tracing::info!(peer = %peer, "{what}: shutdown");
    } else {
        tracing::warn!(peer = %peer, reason = why, "{what}");
    }
}

/// The shared core of a [`Mesh`](crate::Mesh).
pub(crate) struct Inner {
    pub(crate) me: PartyId,
    pub(crate) local_addr: SocketAddr,
    pub(crate) peers: [Option<Peer>; 3],
    pub(crate) heartbeat: Duration,
    pub(crate) job_timeout: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) server_cfg: Arc<rustls::ServerConfig>,
    pub(crate) client_cfg: Arc<rustls::ClientConfig>,
    pub(crate) handler: ControlHandler,
    state: Mutex<State>,
    /// Bumped whenever a link goes up or down.
    pub(crate) changed: watch::Sender<u64>,
    /// Set once, by shutdown.
    pub(crate) stop: watch::Sender<bool>,
    next_id: AtomicU64,
    pub(crate) tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl Inner {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        me: PartyId,
        local_addr: SocketAddr,
        peers: [Option<Peer>; 3],
        heartbeat: Duration,
        job_timeout: Duration,
        max_backoff: Duration,
        server_cfg: Arc<rustls::ServerConfig>,
        client_cfg: Arc<rustls::ClientConfig>,
        handler: ControlHandler,
    ) -> Inner {
        Inner {
            me,
            local_addr,
            peers,
            heartbeat,
            job_timeout,
            max_backoff,
            server_cfg,
            client_cfg,
            handler,
            state: Mutex::new(State::default()),
            changed: watch::channel(0).0,
            stop: watch::channel(false).0,
            next_id: AtomicU64::new(1),
            tasks: Mutex::new(Vec::new()),
        }
    }

    /// The state, recovering it if a panicking thread poisoned the lock (every update leaves it
    /// consistent).
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A fresh id for a connection or a control call.
    pub(crate) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// The configured peer `p`, if `p` is one.
    pub(crate) fn peer(&self, p: PartyId) -> Option<&Peer> {
        self.peers[p.index()].as_ref()
    }

    /// The configured peers in party order.
    pub(crate) fn peer_list(&self) -> impl Iterator<Item = &Peer> {
        self.peers.iter().flatten()
    }

    /// Silent incoming links are dropped after this long.
    pub(crate) fn idle_limit(&self) -> Duration {
        (self.heartbeat * 5).max(Duration::from_secs(3))
    }

    fn bump(&self) {
        self.changed.send_modify(|v| *v = v.wrapping_add(1));
    }

    /// Registers a new outgoing connection to `peer`; returns its id, or `None` after shutdown.
    pub(crate) fn out_up(&self, peer: PartyId, tx: mpsc::UnboundedSender<Frame>) -> Option<u64> {
        let conn = self.next_id();
        let mut st = self.lock();
        if st.stopped {
            return None;
        }
        let link = &mut st.links[peer.index()];
        let replaced = link.out.replace(OutLink { conn, tx }).is_some();
        if replaced {
            st.fail_peer(peer);
        }
        drop(st);
        self.bump();
        tracing::info!(peer = %peer, "outgoing link up");
        Some(conn)
    }

    /// Unregisters outgoing connection `conn` to `peer` (if still current) and fails its jobs.
    pub(crate) fn out_down(&self, peer: PartyId, conn: u64, why: &str) {
        let mut st = self.lock();
        let link = &mut st.links[peer.index()];
        if link.out.as_ref().is_some_and(|o| o.conn == conn) {
            link.out = None;
            st.fail_peer(peer);
            drop(st);
            self.bump();
            log_down(peer, "outgoing link down", why);
        }
    }

    /// Registers a new incoming connection from `peer`, ending the previous one (the peer only
    /// dials again when its old connection failed). Returns the id, or `None` after shutdown.
    pub(crate) fn in_up(&self, peer: PartyId, kill: Arc<Notify>) -> Option<u64> {
        let conn = self.next_id();
        let mut st = self.lock();
        if st.stopped {
            return None;
        }
        let link = &mut st.links[peer.index()];
        link.last_heard = Some(Instant::now());
        if let Some(old) = link.inc.replace(InLink { conn, kill }) {
            old.kill.notify_one();
            st.fail_peer(peer);
        }
        drop(st);
        self.bump();
        tracing::info!(peer = %peer, "incoming link up");
        Some(conn)
    }

    /// Unregisters incoming connection `conn` from `peer` (if still current), failing its jobs.
    pub(crate) fn in_down(&self, peer: PartyId, conn: u64, why: &str) {
        let mut st = self.lock();
        let link = &mut st.links[peer.index()];
        if link.inc.as_ref().is_some_and(|i| i.conn == conn) {
            link.inc = None;
            st.fail_peer(peer);
            drop(st);
            self.bump();
            log_down(peer, "incoming link down", why);
        }
    }

    /// Records that a frame arrived from `peer`.
    pub(crate) fn heard(&self, peer: PartyId) {
        self.lock().links[peer.index()].last_heard = Some(Instant::now());
    }

    /// Queues a frame on the outgoing link to `peer`; false if that link is down.
    pub(crate) fn send_frame(&self, peer: PartyId, frame: Frame) -> bool {
        let st = self.lock();
        match &st.links[peer.index()].out {
            Some(o) => o.tx.send(frame).is_ok(),
            None => false,
        }
    }

    /// Hands a control response to the waiting caller, if it still waits.
    pub(crate) fn complete_call(&self, from: PartyId, id: u64, payload: Vec<u8>) {
        let mut st = self.lock();
        if st.calls.get(&id).is_some_and(|(p, _)| *p == from) {
            if let Some((_, tx)) = st.calls.remove(&id) {
                let _ = tx.send(payload);
            }
        } else {
            tracing::debug!(peer = %from, id, "response for no pending call dropped");
        }
    }

    /// Marks the mesh stopped: every link down, every job and call failed.
    pub(crate) fn mark_stopped(&self) {
        let mut st = self.lock();
        st.stopped = true;
        for link in st.links.iter_mut() {
            link.out = None;
            if let Some(i) = link.inc.take() {
                i.kill.notify_one();
            }
        }
        for slot in st.jobs.values() {
            slot.fail(Failure::Local);
        }
        st.calls.clear();
        drop(st);
        self.bump();
    }
}
