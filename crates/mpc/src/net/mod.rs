//! Links between the three parties.
//!
//! A [`Transport`] moves opaque messages between this party and its two peers; it must never
//! block a sender on the receiver (protocols send before they receive, all three at once), and
//! every receive has a timeout. Two implementations live here: [`memory`] (channels, for unit
//! tests) and [`stream`] (any `Read`/`Write` pair per peer with a writer thread; [`stream::tcp_mesh`]
//! builds it over plain TCP). Mutual TLS (the node service) supplies its own streams to the same
//! [`stream::StreamTransport`].
//!
//! [`Net`] sits between protocols and the transport: it encodes `u64` vectors, adds a per-link
//! sequence number so that parties running different protocols fail loudly instead of
//! computing garbage, checks message sizes, and counts bytes, messages and rounds. It can also
//! hold a budget of bytes to send ([`Net::set_budget`]): the send that would exceed it fails
//! with [`MpcError::Budget`] before anything leaves, which is how the node bounds what one
//! query may cost in secure operations.
pub mod memory;
pub mod stream;

use crate::error::{MpcError, NetError};
use crate::party::PartyId;

/// Moves messages between this party and its two peers.
pub trait Transport: Send {
    /// This party's index.
    fn me(&self) -> PartyId;
    /// Queues one message for `to`. Must not wait for `to` to read it.
    fn send(&mut self, to: PartyId, msg: Vec<u8>) -> Result<(), NetError>;
    /// The next message from `from`, waiting at most the transport's timeout.
    fn recv(&mut self, from: PartyId) -> Result<Vec<u8>, NetError>;
}

/// Communication counters of one party.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NetStats {
    /// Bytes this party sent, headers included.
    pub bytes_sent: u64,
    /// Bytes this party received, headers included.
    pub bytes_received: u64,
    /// Messages this party sent.
    pub messages_sent: u64,
    /// Communication rounds of the protocols run (the same count at all three parties).
    pub rounds: u64,
}

impl NetStats {
    /// Counter differences `self - earlier`.
    pub fn since(&self, earlier: &NetStats) -> NetStats {
        NetStats {
            bytes_sent: self.bytes_sent - earlier.bytes_sent,
            bytes_received: self.bytes_received - earlier.bytes_received,
            messages_sent: self.messages_sent - earlier.messages_sent,
            rounds: self.rounds - earlier.rounds,
        }
    }
}

/// Bytes of the per-message header (sequence number).
pub const HEADER_BYTES: usize = 8;

/// Framing and accounting over a [`Transport`].
pub struct Net {
    t: Box<dyn Transport>,
    me: PartyId,
    stats: NetStats,
    seq_out: [u64; 3],
    seq_in: [u64; 3],
    /// Most bytes this party may send in all (`None`: no limit).
    budget: Option<u64>,
    /// Whether a send was refused for the budget.
    over_budget: bool,
}

impl std::fmt::Debug for Net {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Net")
            .field("me", &self.me)
            .field("stats", &self.stats)
            .finish()
    }
}

impl Net {
    /// Wraps a transport.
    pub fn new(t: Box<dyn Transport>) -> Self {
        let me = t.me();
        Net {
            t,
            me,
            stats: NetStats::default(),
            seq_out: [0; 3],
            seq_in: [0; 3],
            budget: None,
            over_budget: false,
        }
    }

    /// This party.
    pub fn me(&self) -> PartyId {
        self.me
    }

    /// Counters so far.
    pub fn stats(&self) -> NetStats {
        self.stats
    }

    /// Limits the bytes this party may send from now on, counted from the start of the
    /// session (`None`: no limit). A send past it fails with [`MpcError::Budget`].
    pub fn set_budget(&mut self, bytes: Option<u64>) {
        self.budget = bytes;
    }

    /// The budget set by [`Net::set_budget`].
    pub fn budget(&self) -> Option<u64> {
        self.budget
    }

    /// Whether a send was refused for the budget (the session cannot go on).
    pub fn over_budget(&self) -> bool {
        self.over_budget
    }

    /// Marks the start of a communication round; every party calls it at the same points of a
    /// protocol, whether or not it sends in that round.
    pub fn round(&mut self) {
        self.stats.rounds += 1;
    }

    /// Sends a vector of words to `to`.
    pub fn send(&mut self, to: PartyId, words: &[u64]) -> crate::Result<()> {
        let len = (HEADER_BYTES + words.len() * 8) as u64;
        if let Some(limit) = self.budget
            && self.stats.bytes_sent.saturating_add(len) > limit
        {
            self.over_budget = true;
            return Err(MpcError::Budget {
                limit,
                sent: self.stats.bytes_sent,
                wanted: len,
            });
        }
        let seq = self.seq_out[to.index()];
        self.seq_out[to.index()] += 1;
        let mut msg = vec![0u8; HEADER_BYTES + words.len() * 8];
        msg[..HEADER_BYTES].copy_from_slice(&seq.to_le_bytes());
        for (dst, w) in msg[HEADER_BYTES..].chunks_exact_mut(8).zip(words) {
            dst.copy_from_slice(&w.to_le_bytes());
        }
        self.stats.bytes_sent += msg.len() as u64;
        self.stats.messages_sent += 1;
        self.t.send(to, msg)?;
        Ok(())
    }

    /// Sends raw bytes (key set-up only).
    pub(crate) fn send_bytes(&mut self, to: PartyId, bytes: &[u8]) -> crate::Result<()> {
        let words: Vec<u64> = bytes
            .chunks(8)
            .map(|c| {
                let mut b = [0u8; 8];
                b[..c.len()].copy_from_slice(c);
                u64::from_le_bytes(b)
            })
            .collect();
        self.send(to, &words)
    }

    /// Receives exactly `n` words from `from`.
    pub fn recv(&mut self, from: PartyId, n: usize) -> crate::Result<Vec<u64>> {
        let msg = self.t.recv(from)?;
        self.stats.bytes_received += msg.len() as u64;
        if msg.len() < HEADER_BYTES || !(msg.len() - HEADER_BYTES).is_multiple_of(8) {
            return Err(NetError::Framing {
                peer: from,
                detail: format!("message of {} bytes", msg.len()),
            }
            .into());
        }
        let seq = u64::from_le_bytes(msg[..8].try_into().expect("8 bytes"));
        let want = self.seq_in[from.index()];
        self.seq_in[from.index()] += 1;
        if seq != want {
            return Err(MpcError::Desync {
                peer: from,
                detail: format!("message number {seq} arrived, expected {want}"),
            });
        }
        let got = (msg.len() - HEADER_BYTES) / 8;
        if got != n {
            return Err(MpcError::Desync {
                peer: from,
                detail: format!("expected {n} words, received {got}"),
            });
        }
        Ok(msg[HEADER_BYTES..]
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect())
    }

    /// Receives `len` raw bytes (key set-up only).
    pub(crate) fn recv_bytes(&mut self, from: PartyId, len: usize) -> crate::Result<Vec<u8>> {
        let words = self.recv(from, len.div_ceil(8))?;
        let mut out: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        out.truncate(len);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_send_past_the_budget_fails_and_sends_nothing() {
        let [a, b, _c] = memory::mesh(Duration::from_millis(200));
        let (mut na, mut nb) = (Net::new(Box::new(a)), Net::new(Box::new(b)));
        let to = nb.me();
        // Two messages of 2 words: 24 bytes each with the header.
        na.set_budget(Some(50));
        na.send(to, &[1, 2]).unwrap();
        na.send(to, &[3, 4]).unwrap();
        match na.send(to, &[5, 6]) {
            Err(MpcError::Budget {
                limit: 50,
                sent: 48,
                wanted: 24,
            }) => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(na.stats().bytes_sent, 48);
        assert!(na.over_budget());
        let from = na.me();
        assert_eq!(nb.recv(from, 2).unwrap(), vec![1, 2]);
        assert_eq!(nb.recv(from, 2).unwrap(), vec![3, 4]);
        // The refused message never left.
        assert!(nb.recv(from, 2).is_err());
        // Lifting the budget lets the session go on.
        na.set_budget(None);
        na.send(to, &[5, 6]).unwrap();
        assert_eq!(nb.recv(from, 2).unwrap(), vec![5, 6]);
    }
}
