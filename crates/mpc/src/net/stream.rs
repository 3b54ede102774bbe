//! Transport over byte streams: one reader and one writer per peer.
//!
//! Each outgoing link has its own writer thread fed by a channel, so `send` never blocks on a
//! peer that is itself busy sending (three parties sending large messages in a ring would
//! otherwise deadlock on full socket buffers). Frames are an 8-byte little-endian length followed
//! by the message. [`tcp_mesh`] connects three parties over plain TCP (benchmarks and tests on
//! loopback); the node service hands TLS streams to [`StreamTransport::new`] instead.
use super::Transport;
use crate::error::NetError;
use crate::party::PartyId;
use std::io::{BufReader, BufWriter, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Largest frame accepted from a peer (bytes).
pub const MAX_FRAME: u64 = 1 << 36;

/// Reading half of a link; its timeout is set by whoever built it.
pub type LinkReader = Box<dyn Read + Send>;
/// Writing half of a link.
pub type LinkWriter = Box<dyn Write + Send>;

struct Outgoing {
    tx: Option<Sender<Vec<u8>>>,
    failed: Arc<Mutex<Option<std::io::Error>>>,
    thread: Option<JoinHandle<()>>,
}

/// A transport over one reader and one writer per peer.
pub struct StreamTransport {
    me: PartyId,
    out: [Option<Outgoing>; 3],
    inp: [Option<BufReader<LinkReader>>; 3],
}

impl StreamTransport {
    /// Builds the transport from `(peer, reader, writer)` for both peers.
    pub fn new(me: PartyId, links: Vec<(PartyId, LinkReader, LinkWriter)>) -> Self {
        let mut t = StreamTransport {
            me,
            out: [None, None, None],
            inp: [None, None, None],
        };
        for (peer, r, w) in links {
            let (tx, rx) = channel::<Vec<u8>>();
            let failed = Arc::new(Mutex::new(None));
            let flag = failed.clone();
            let thread = std::thread::Builder::new()
                .name(format!("mpc-send-{}-{}", me, peer))
                .spawn(move || {
                    let mut w = BufWriter::with_capacity(1 << 16, w);
                    for msg in rx {
                        let res = w
                            .write_all(&(msg.len() as u64).to_le_bytes())
                            .and_then(|_| w.write_all(&msg))
                            .and_then(|_| w.flush());
                        if let Err(e) = res {
                            *flag.lock().expect("writer flag") = Some(e);
                            return;
                        }
                    }
                })
                .expect("spawn writer thread");
            t.out[peer.index()] = Some(Outgoing {
                tx: Some(tx),
                failed,
                thread: Some(thread),
            });
            t.inp[peer.index()] = Some(BufReader::with_capacity(1 << 16, r));
        }
        t
    }
}

impl Drop for StreamTransport {
    fn drop(&mut self) {
        for o in self.out.iter_mut().flatten() {
            o.tx.take();
            if let Some(h) = o.thread.take() {
                let _ = h.join();
            }
        }
    }
}

fn io_err(peer: PartyId, e: std::io::Error) -> NetError {
    use std::io::ErrorKind::*;
    match e.kind() {
        WouldBlock | TimedOut => NetError::Timeout { peer },
        UnexpectedEof | ConnectionReset | BrokenPipe | ConnectionAborted => {
            NetError::Closed { peer }
        }
        _ => NetError::Io { peer, source: e },
    }
}

impl Transport for StreamTransport {
    fn me(&self) -> PartyId {
        self.me
    }

    fn send(&mut self, to: PartyId, msg: Vec<u8>) -> Result<(), NetError> {
        let me = self.me;
        let o = self.out[to.index()]
            .as_ref()
            .ok_or(NetError::NoLink { from: me, to })?;
        if let Some(e) = o.failed.lock().expect("writer flag").take() {
            return Err(io_err(to, e));
        }
        o.tx.as_ref()
            .expect("sender present until drop")
            .send(msg)
            .map_err(|_| NetError::Closed { peer: to })
    }

    fn recv(&mut self, from: PartyId) -> Result<Vec<u8>, NetError> {
        let me = self.me;
        let r = self.inp[from.index()]
            .as_mut()
            .ok_or(NetError::NoLink { from, to: me })?;
        let mut len = [0u8; 8];
        r.read_exact(&mut len).map_err(|e| io_err(from, e))?;
        let len = u64::from_le_bytes(len);
        if len > MAX_FRAME {
            return Err(NetError::Framing {
                peer: from,
                detail: format!("frame of {len} bytes exceeds the limit"),
            });
        }
        let mut msg = vec![0u8; len as usize];
        r.read_exact(&mut msg).map_err(|e| io_err(from, e))?;
        Ok(msg)
    }
}

const HELLO: &[u8; 7] = b"SSMPC1\0";

/// Connects party `me` to its two peers over plain TCP. `listener` is this party's bound
/// listener and `addrs[j]` where party `j` listens. Party `i` dials every higher-numbered party
/// (retrying with backoff until `connect_timeout`) and accepts the lower-numbered ones, which
/// identify themselves with a hello frame. Receives time out after `io_timeout`.
///
/// Plain TCP authenticates nothing: use it on loopback for tests and benchmarks only.
pub fn tcp_mesh(
    me: PartyId,
    listener: &TcpListener,
    addrs: &[SocketAddr; 3],
    connect_timeout: Duration,
    io_timeout: Duration,
) -> Result<StreamTransport, NetError> {
    let deadline = Instant::now() + connect_timeout;
    let mut streams: [Option<TcpStream>; 3] = [None, None, None];
    for peer in PartyId::ALL.into_iter().filter(|p| p.index() > me.index()) {
        let mut backoff = Duration::from_millis(5);
        let s = loop {
            match TcpStream::connect_timeout(&addrs[peer.index()], Duration::from_secs(1)) {
                Ok(s) => break s,
                Err(e) if Instant::now() >= deadline => {
                    return Err(NetError::Connect {
                        peer,
                        detail: e.to_string(),
                    });
                }
                Err(_) => {
                    std::thread::sleep(backoff);
                    backoff = (backoff * 2).min(Duration::from_millis(500));
                }
            }
        };
        let mut s2 = s.try_clone().map_err(|e| io_err(peer, e))?;
        s2.write_all(HELLO)
            .and_then(|_| s2.write_all(&[me.index() as u8]))
            .map_err(|e| io_err(peer, e))?;
        streams[peer.index()] = Some(s);
    }
    listener.set_nonblocking(true).map_err(|e| io_err(me, e))?;
    let lower = me.index();
    let mut accepted = 0;
    while accepted < lower {
        match listener.accept() {
            Ok((mut s, _)) => {
                s.set_nonblocking(false).map_err(|e| io_err(me, e))?;
                s.set_read_timeout(Some(Duration::from_secs(5)))
                    .map_err(|e| io_err(me, e))?;
                let mut hello = [0u8; 8];
                if s.read_exact(&mut hello).is_err() || &hello[..7] != HELLO {
                    continue; // not one of ours; ignore it
                }
                let Some(peer) = PartyId::new(hello[7] as usize) else {
                    continue;
                };
                if peer.index() >= me.index() || streams[peer.index()].is_some() {
                    continue;
                }
                streams[peer.index()] = Some(s);
                accepted += 1;
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    let missing = (0..lower)
                        .find(|&j| streams[j].is_none())
                        .and_then(PartyId::new)
                        .expect("a missing lower peer");
                    return Err(NetError::Connect {
                        peer: missing,
                        detail: "no connection arrived before the deadline".into(),
                    });
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(e) => return Err(io_err(me, e)),
        }
    }
    let mut links = Vec::new();
    for (j, s) in streams.into_iter().enumerate() {
        let Some(s) = s else { continue };
        let peer = PartyId::new(j).expect("index < 3");
        s.set_nodelay(true).map_err(|e| io_err(peer, e))?;
        s.set_read_timeout(Some(io_timeout))
            .map_err(|e| io_err(peer, e))?;
        let w = s.try_clone().map_err(|e| io_err(peer, e))?;
        links.push((peer, Box::new(s) as LinkReader, Box::new(w) as LinkWriter));
    }
    Ok(StreamTransport::new(me, links))
}
