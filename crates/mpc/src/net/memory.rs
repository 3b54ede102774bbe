//! In-memory transport over channels, for unit tests and single-process runs.
use super::Transport;
use crate::error::NetError;
use crate::party::PartyId;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

/// One party's end of an in-memory three-party mesh.
pub struct MemTransport {
    me: PartyId,
    tx: [Option<Sender<Vec<u8>>>; 3],
    rx: [Option<Receiver<Vec<u8>>>; 3],
    timeout: Duration,
}

/// Three connected in-memory transports, one per party, with the given receive timeout.
pub fn mesh(timeout: Duration) -> [MemTransport; 3] {
    let mut ends: Vec<MemTransport> = PartyId::ALL
        .iter()
        .map(|&me| MemTransport {
            me,
            tx: [None, None, None],
            rx: [None, None, None],
            timeout,
        })
        .collect();
    for from in 0..3 {
        for to in 0..3 {
            if from != to {
                let (s, r) = channel();
                ends[from].tx[to] = Some(s);
                ends[to].rx[from] = Some(r);
            }
        }
    }
    let mut it = ends.into_iter();
    let mut next = || it.next().expect("three ends");
    [next(), next(), next()]
}

impl Transport for MemTransport {
    fn me(&self) -> PartyId {
        self.me
    }

    fn send(&mut self, to: PartyId, msg: Vec<u8>) -> Result<(), NetError> {
        let tx = self.tx[to.index()]
            .as_ref()
            .ok_or(NetError::NoLink { from: self.me, to })?;
        tx.send(msg).map_err(|_| NetError::Closed { peer: to })
    }

    fn recv(&mut self, from: PartyId) -> Result<Vec<u8>, NetError> {
        let rx = self.rx[from.index()]
            .as_ref()
            .ok_or(NetError::NoLink { from, to: self.me })?;
        rx.recv_timeout(self.timeout).map_err(|e| match e {
            RecvTimeoutError::Timeout => NetError::Timeout { peer: from },
            RecvTimeoutError::Disconnected => NetError::Closed { peer: from },
        })
    }
}
