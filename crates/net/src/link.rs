//! The connection tasks of a mesh.
//!
//! - `accept_loop`: accepts TCP connections, runs the TLS handshake (client certificate
//!   required), checks the dialer's Hello against its certificate, acknowledges, then reads
//!   frames until the connection ends or is replaced.
//! - `dial_loop` (one per peer): dials, verifies the peer's server certificate for its name,
//!   sends Hello, waits for the acknowledgement, then writes frames from its queue with
//!   heartbeats when idle; reconnects with exponential backoff.
//!
//! Nothing here logs payloads or key material; rejected connections are logged with their
//! address and the reason.
use crate::frame::{Frame, FrameError, HELLO_MAGIC, Kind, MAX_PAYLOAD, read_frame, write_frame};
use crate::state::Inner;
use crate::tls::cert_valid_for_name;
use sharestat_mpc::PartyId;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::timeout;

/// Bound on TCP connect, TLS handshake and the Hello exchange.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// First reconnect delay; doubles up to the configured maximum.
const INITIAL_BACKOFF: Duration = Duration::from_millis(50);
/// Connections still in their handshake at once; more are dropped unanswered.
const MAX_PENDING_HANDSHAKES: usize = 32;
/// Time given to a graceful TLS close at shutdown.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);
/// The reason logged for links closed by [`Mesh::shutdown`](crate::Mesh::shutdown).
pub(crate) const SHUTDOWN: &str = "shutdown";
/// Buffer of each connection's reader and writer.
const IO_BUFFER: usize = 1 << 16;

/// Why setting up a connection failed (logged, never returned to users).
#[derive(Debug, thiserror::Error)]
enum ConnError {
    /// Socket or TLS failure, including a failed handshake.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A step took longer than the handshake timeout.
    #[error("{0} timed out")]
    Timeout(&'static str),
    /// The hello exchange failed.
    #[error("bad hello: {0}")]
    Frame(#[from] FrameError),
    /// The other side is not who it must be.
    #[error("rejected: {0}")]
    Rejected(String),
}

async fn within<T, E: Into<ConnError>>(
    what: &'static str,
    fut: impl Future<Output = Result<T, E>>,
) -> Result<T, ConnError> {
    match timeout(HANDSHAKE_TIMEOUT, fut).await {
        Ok(r) => r.map_err(Into::into),
        Err(_) => Err(ConnError::Timeout(what)),
    }
}

/// Resolves once shutdown has been signalled.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    // An error means the sender is gone, i.e. the mesh is gone: stop too.
    let _ = stop.wait_for(|s| *s).await;
}

/// Accepts connections until shutdown; then waits for its connection tasks to end.
pub(crate) async fn accept_loop(inner: Arc<Inner>, listener: TcpListener) {
    let mut stop = inner.stop.subscribe();
    let pending = Arc::new(Semaphore::new(MAX_PENDING_HANDSHAKES));
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = stopped(&mut stop) => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            r = listener.accept() => match r {
                Ok((tcp, addr)) => {
                    let Ok(permit) = pending.clone().try_acquire_owned() else {
                        tracing::warn!(%addr, "too many pending handshakes; connection dropped");
                        continue;
                    };
                    conns.spawn(incoming(inner.clone(), tcp, addr, permit));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
        }
    }
    drop(listener);
    while timeout(CLOSE_TIMEOUT, conns.join_next())
        .await
        .is_ok_and(|r| r.is_some())
    {}
    conns.abort_all();
}

/// Handles one accepted connection from handshake to end.
async fn incoming(
    inner: Arc<Inner>,
    tcp: TcpStream,
    addr: SocketAddr,
    permit: OwnedSemaphorePermit,
) {
    let mut stop = inner.stop.subscribe();
    let setup = tokio::select! {
        _ = stopped(&mut stop) => return,
        r = accept_handshake(&inner, tcp) => r,
    };
    drop(permit);
    let (peer, tls) = match setup {
        Ok(x) => x,
        Err(e) => {
            tracing::warn!(%addr, error = %e, "incoming connection refused");
            return;
        }
    };
    let kill = Arc::new(Notify::new());
    let Some(conn) = inner.in_up(peer, kill.clone()) else {
        return;
    };
    let (rd, mut wr) = tokio::io::split(tls);
    let ack = async {
        write_frame(&mut wr, &Frame::hello(inner.me.index())).await?;
        wr.flush().await
    };
    if let Err(e) = within("hello acknowledgement", ack).await {
        inner.in_down(peer, conn, &e.to_string());
        return;
    }
    let mut rd = BufReader::with_capacity(IO_BUFFER, rd);
    let why = tokio::select! {
        _ = stopped(&mut stop) => SHUTDOWN.to_string(),
        _ = kill.notified() => "replaced by a new connection".to_string(),
        e = read_loop(&inner, peer, &mut rd) => e,
    };
    inner.in_down(peer, conn, &why);
    if why == SHUTDOWN {
        // Send close_notify so the peer sees the link end at once.
        let _ = timeout(CLOSE_TIMEOUT, wr.shutdown()).await;
    }
}

/// TLS handshake, Hello, and the identity check: the certificate must be valid for the
/// configured name of the party the Hello claims.
async fn accept_handshake(
    inner: &Inner,
    tcp: TcpStream,
) -> Result<(PartyId, tokio_rustls::server::TlsStream<TcpStream>), ConnError> {
    tcp.set_nodelay(true)?;
    let acceptor = tokio_rustls::TlsAcceptor::from(inner.server_cfg.clone());
    let mut tls = within("TLS handshake", acceptor.accept(tcp)).await?;
    let hello = within("hello", read_frame(&mut tls, HANDSHAKE_TIMEOUT)).await?;
    if hello.kind != Kind::Hello || hello.payload != HELLO_MAGIC {
        return Err(ConnError::Rejected("first frame is not a hello".into()));
    }
    let claimed = usize::try_from(hello.id).ok().and_then(PartyId::new);
    let Some(peer) = claimed.and_then(|p| inner.peer(p)) else {
        return Err(ConnError::Rejected(format!(
            "hello claims party index {}, not a configured peer",
            hello.id
        )));
    };
    let cert = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|c| c.first())
        .ok_or_else(|| ConnError::Rejected("no client certificate".into()))?;
    cert_valid_for_name(cert, &peer.spec.name).map_err(|e| {
        ConnError::Rejected(format!(
            "client certificate is not valid for {:?}, the name of party {}: {e}",
            peer.spec.name, peer.spec.party
        ))
    })?;
    Ok((peer.spec.party, tls))
}

/// Reads frames from `peer` and dispatches them; returns why the link ended.
async fn read_loop<R: AsyncRead + Unpin>(inner: &Arc<Inner>, peer: PartyId, rd: &mut R) -> String {
    let idle = inner.idle_limit();
    loop {
        let f = match read_frame(rd, idle).await {
            Ok(f) => f,
            Err(e) => return e.to_string(),
        };
        inner.heard(peer);
        match f.kind {
            Kind::Heartbeat => {}
            Kind::Job => inner.deliver_job(peer, f.id, f.payload),
            Kind::Response => inner.complete_call(peer, f.id, f.payload),
            Kind::Request => {
                let inner = inner.clone();
                tokio::spawn(async move {
                    let resp = (inner.handler)(peer, f.payload).await;
                    if resp.len() > MAX_PAYLOAD {
                        tracing::warn!(peer = %peer, len = resp.len(), "control response too large; dropped");
                    } else if !inner.send_frame(peer, Frame::new(Kind::Response, f.id, resp)) {
                        tracing::debug!(peer = %peer, "control response dropped: link down");
                    }
                });
            }
            Kind::Hello => return "unexpected hello".into(),
        }
    }
}

/// Keeps one outgoing connection to `peer` up until shutdown.
pub(crate) async fn dial_loop(inner: Arc<Inner>, peer: PartyId) {
    let mut stop = inner.stop.subscribe();
    let mut backoff = INITIAL_BACKOFF;
    loop {
        let attempt = tokio::select! {
            _ = stopped(&mut stop) => return,
            r = dial(&inner, peer) => r,
        };
        match attempt {
            Ok(tls) => {
                backoff = INITIAL_BACKOFF;
                run_outgoing(&inner, peer, tls, &mut stop).await;
            }
            Err(ConnError::Io(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                tracing::debug!(peer = %peer, "peer not listening yet");
            }
            Err(e) => tracing::warn!(peer = %peer, error = %e, "connecting to peer failed"),
        }
        tokio::select! {
            _ = stopped(&mut stop) => return,
            _ = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(inner.max_backoff);
    }
}

type ClientTls = tokio_rustls::client::TlsStream<TcpStream>;

/// TCP connect, TLS handshake for the peer's name, Hello and its acknowledgement.
async fn dial(inner: &Inner, peer: PartyId) -> Result<ClientTls, ConnError> {
    let p = inner.peer(peer).expect("dialers run for configured peers");
    let tcp = within("TCP connect", TcpStream::connect(p.spec.addr.as_str())).await?;
    tcp.set_nodelay(true)?;
    let connector = tokio_rustls::TlsConnector::from(inner.client_cfg.clone());
    let mut tls = within(
        "TLS handshake",
        connector.connect(p.server_name.clone(), tcp),
    )
    .await?;
    let hello = async {
        write_frame(&mut tls, &Frame::hello(inner.me.index())).await?;
        tls.flush().await
    };
    within("hello", hello).await?;
    let ack = within(
        "hello acknowledgement",
        read_frame(&mut tls, HANDSHAKE_TIMEOUT),
    )
    .await?;
    if ack.kind != Kind::Hello || ack.id != peer.index() as u64 || ack.payload != HELLO_MAGIC {
        return Err(ConnError::Rejected("bad hello acknowledgement".into()));
    }
    Ok(tls)
}

/// Writes queued frames to an established outgoing connection until it fails or shutdown.
async fn run_outgoing(
    inner: &Inner,
    peer: PartyId,
    tls: ClientTls,
    stop: &mut watch::Receiver<bool>,
) {
    let (tx, rx) = mpsc::unbounded_channel();
    let Some(conn) = inner.out_up(peer, tx) else {
        return;
    };
    let (rd, wr) = tokio::io::split(tls);
    let mut wr = BufWriter::with_capacity(IO_BUFFER, wr);
    let (why, graceful) = tokio::select! {
        _ = stopped(stop) => (SHUTDOWN.to_string(), true),
        r = write_loop(&mut wr, rx, inner.heartbeat) => (match r {
            Ok(()) => "writer queue closed".to_string(),
            Err(e) => e.to_string(),
        }, false),
        why = watch_close(rd) => (why, false),
    };
    inner.out_down(peer, conn, &why);
    if graceful {
        // Send close_notify so the peer sees the link end at once.
        let _ = timeout(CLOSE_TIMEOUT, wr.shutdown()).await;
    }
}

/// Writes frames as they are queued, coalescing bursts into one flush; sends a heartbeat when
/// nothing was queued for `heartbeat`.
async fn write_loop<W: AsyncWrite + Unpin>(
    wr: &mut BufWriter<W>,
    mut rx: mpsc::UnboundedReceiver<Frame>,
    heartbeat: Duration,
) -> std::io::Result<()> {
    loop {
        let f = match timeout(heartbeat, rx.recv()).await {
            Ok(Some(f)) => f,
            Ok(None) => return Ok(()),
            Err(_) => Frame::heartbeat(),
        };
        write_frame(wr, &f).await?;
        while let Ok(f) = rx.try_recv() {
            write_frame(wr, &f).await?;
        }
        wr.flush().await?;
    }
}

/// The acceptor never writes after its acknowledgement, so anything read here means the
/// connection ended (or the other side misbehaves).
async fn watch_close<R: AsyncRead + Unpin>(mut rd: R) -> String {
    let mut buf = [0u8; 64];
    match rd.read(&mut buf).await {
        Ok(0) => "closed by peer".into(),
        Ok(_) => "unexpected data from acceptor".into(),
        Err(e) => e.to_string(),
    }
}
