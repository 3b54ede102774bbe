//! Typed errors of the link layer. Texts name parties, files and causes, never key material or
//! message contents.
use sharestat_mpc::PartyId;

/// An error of the mesh or of building TLS configurations.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LinkError {
    /// The mesh configuration is inconsistent (peer list, durations, names).
    #[error("invalid mesh configuration: {detail}")]
    Config {
        /// What is wrong.
        detail: String,
    },
    /// A certificate, private key or CA bundle could not be loaded, or rustls refused the
    /// resulting configuration.
    #[error("TLS set-up failed ({what}): {detail}")]
    Tls {
        /// Which item failed (e.g. "node certificate", "CA bundle").
        what: &'static str,
        /// The cause, as reported by the PEM parser or rustls.
        detail: String,
    },
    /// A local socket operation failed.
    #[error("local socket error: {source}")]
    Io {
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The party is not one of this mesh's two configured peers.
    #[error("party {party} is not a configured peer")]
    UnknownPeer {
        /// The party asked for.
        party: PartyId,
    },
    /// The links to a peer did not come up before the deadline.
    #[error("links to party {peer} are not up (outgoing: {outgoing_up}, incoming: {incoming_up})")]
    NotConnected {
        /// The first peer found missing.
        peer: PartyId,
        /// Whether our connection to the peer was up at the deadline.
        outgoing_up: bool,
        /// Whether the peer's connection to us was up at the deadline.
        incoming_up: bool,
    },
    /// The peer did not answer in time.
    #[error("timed out waiting for party {peer}")]
    Timeout {
        /// The peer we waited for.
        peer: PartyId,
    },
    /// A link to the peer is down, or went down while waiting for its answer.
    #[error("link to party {peer} is down")]
    Down {
        /// The peer whose link is down.
        peer: PartyId,
    },
    /// A payload exceeds the frame limit ([`frame::MAX_PAYLOAD`](crate::frame::MAX_PAYLOAD)).
    #[error("payload of {len} bytes exceeds the frame limit")]
    TooLarge {
        /// The payload's length in bytes.
        len: usize,
    },
    /// The mesh has been shut down.
    #[error("the mesh has been shut down")]
    Stopped,
}
