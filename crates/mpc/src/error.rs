//! Typed errors of the engine. Error texts never contain share or secret values.
use crate::party::PartyId;

/// A failure of the transport between parties.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NetError {
    /// The peer did not send the expected message within the transport's timeout.
    #[error("timed out waiting for party {peer}")]
    Timeout {
        /// The party we waited for.
        peer: PartyId,
    },
    /// The link to the peer is closed (the peer stopped or the connection dropped).
    #[error("connection to party {peer} is closed")]
    Closed {
        /// The party whose link closed.
        peer: PartyId,
    },
    /// An I/O error on the link to the peer.
    #[error("i/o error on the link to party {peer}: {source}")]
    Io {
        /// The party on the other end of the link.
        peer: PartyId,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Could not establish a link to the peer before the deadline.
    #[error("could not connect to party {peer}: {detail}")]
    Connect {
        /// The party we tried to reach.
        peer: PartyId,
        /// What went wrong.
        detail: String,
    },
    /// A message from the peer was malformed (bad frame, unexpected size or sequence).
    #[error("malformed message from party {peer}: {detail}")]
    Framing {
        /// The party that sent the message.
        peer: PartyId,
        /// What was wrong with it.
        detail: String,
    },
    /// A party tried to talk to itself or to a party index outside 0..3.
    #[error("no link from party {from} to party {to}")]
    NoLink {
        /// The sender.
        from: PartyId,
        /// The intended receiver.
        to: PartyId,
    },
}

/// An error of the engine.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MpcError {
    /// The transport failed.
    #[error(transparent)]
    Net(#[from] NetError),
    /// Key confirmation with a peer failed: the two parties do not hold the same pairwise key,
    /// so every later protocol would compute garbage.
    #[error("pairwise key confirmation with party {peer} failed: the parties hold different keys")]
    KeyConfirmation {
        /// The peer whose key check value did not match.
        peer: PartyId,
    },
    /// This party's budget of bytes to send ([`crate::net::Net::set_budget`]) would be
    /// exceeded; nothing was sent.
    #[error(
        "the computation would send more than its budget of {limit} bytes ({sent} sent, \
         {wanted} more wanted)"
    )]
    Budget {
        /// The budget in bytes.
        limit: u64,
        /// Bytes sent before.
        sent: u64,
        /// Bytes of the refused message.
        wanted: u64,
    },
    /// The parties disagree about the protocol being run (message sizes or order differ).
    #[error("protocol desynchronised with party {peer}: {detail}")]
    Desync {
        /// The peer that sent an unexpected message.
        peer: PartyId,
        /// What was expected and what arrived.
        detail: String,
    },
    /// Operands of a vector operation have different lengths.
    #[error("length mismatch in {op}: {left} vs {right}")]
    Length {
        /// The operation.
        op: &'static str,
        /// Length of the left operand.
        left: usize,
        /// Length of the right operand.
        right: usize,
    },
    /// A parameter is outside the range the protocol supports (bit widths, column sizes, ...).
    #[error("invalid parameter for {op}: {detail}")]
    Param {
        /// The operation.
        op: &'static str,
        /// Which parameter and why.
        detail: String,
    },
    /// The operating system's random source failed.
    #[error("os random source failed: {0}")]
    Entropy(String),
}

impl MpcError {
    pub(crate) fn param(op: &'static str, detail: impl Into<String>) -> Self {
        MpcError::Param {
            op,
            detail: detail.into(),
        }
    }
}

/// Checks that two operands have the same length.
pub(crate) fn same_len(op: &'static str, left: usize, right: usize) -> crate::Result<()> {
    if left == right {
        Ok(())
    } else {
        Err(MpcError::Length { op, left, right })
    }
}
