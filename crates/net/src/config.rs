//! Configuration of a mesh: this node's TLS identity, its two peers, and the timings.
use crate::error::LinkError;
use sharestat_mpc::PartyId;
use std::time::Duration;

/// Default interval of heartbeats on idle outgoing links.
pub const DEFAULT_HEARTBEAT: Duration = Duration::from_secs(1);
/// Default bound on every wait for a peer's message inside a job.
pub const DEFAULT_JOB_TIMEOUT: Duration = Duration::from_secs(10);
/// Default ceiling of the reconnect backoff.
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(2);

/// This node's identity: its party index, its name and its PEM certificate and key.
///
/// `Debug` prints the party, the name and the certificate, never the key.
#[derive(Clone)]
pub struct Identity {
    /// This node's party index.
    pub party: PartyId,
    /// The DNS name in this node's certificate SAN, e.g. `node0`.
    pub name: String,
    /// The certificate chain (leaf first), PEM.
    pub cert_pem: String,
    /// The private key, PEM (PKCS#8, SEC1 or PKCS#1).
    pub key_pem: String,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("party", &self.party)
            .field("name", &self.name)
            .field("cert_pem", &format_args!("<{} bytes>", self.cert_pem.len()))
            .field("key_pem", &format_args!("<redacted>"))
            .finish()
    }
}

/// One of the two other nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerSpec {
    /// Its party index.
    pub party: PartyId,
    /// The DNS name its certificate must be valid for.
    pub name: String,
    /// Where to dial it: `host:port`.
    pub addr: String,
}

/// Everything a [`Mesh`](crate::Mesh) needs.
#[derive(Clone, Debug)]
pub struct MeshConfig {
    /// This node.
    pub me: Identity,
    /// The consortium CA certificate(s), PEM.
    pub ca_pem: String,
    /// Exactly the two other parties.
    pub peers: Vec<PeerSpec>,
    /// Heartbeat interval on idle outgoing links (default 1 s). An incoming link silent for
    /// five intervals (at least 3 s) is considered dead.
    pub heartbeat: Duration,
    /// Bound on every wait for a peer's message inside a job (default 10 s).
    pub job_timeout: Duration,
    /// Ceiling of the exponential reconnect backoff (default 2 s).
    pub max_backoff: Duration,
}

impl MeshConfig {
    /// A configuration with the default timings.
    pub fn new(me: Identity, ca_pem: String, peers: Vec<PeerSpec>) -> Self {
        MeshConfig {
            me,
            ca_pem,
            peers,
            heartbeat: DEFAULT_HEARTBEAT,
            job_timeout: DEFAULT_JOB_TIMEOUT,
            max_backoff: DEFAULT_MAX_BACKOFF,
        }
    }

    /// Checks the peer list and the durations; returns the peers indexed by party.
    pub(crate) fn validate(&self) -> Result<[Option<PeerSpec>; 3], LinkError> {
        let bad = |detail: String| Err(LinkError::Config { detail });
        for (what, d) in [
            ("heartbeat", self.heartbeat),
            ("job_timeout", self.job_timeout),
            ("max_backoff", self.max_backoff),
        ] {
            if d.is_zero() {
                return bad(format!("{what} must be positive"));
            }
        }
        if self.peers.len() != 2 {
            return bad(format!("expected 2 peers, got {}", self.peers.len()));
        }
        let mut by_party: [Option<PeerSpec>; 3] = [None, None, None];
        for p in &self.peers {
            if p.party == self.me.party {
                return bad(format!(
                    "peer list contains this node's own party {}",
                    p.party
                ));
            }
            if by_party[p.party.index()].is_some() {
                return bad(format!("party {} is listed twice", p.party));
            }
            if rustls_pki_types::ServerName::try_from(p.name.as_str()).is_err() {
                return bad(format!(
                    "peer name {:?} of party {} is not a valid DNS name",
                    p.name, p.party
                ));
            }
            by_party[p.party.index()] = Some(p.clone());
        }
        Ok(by_party)
    }
}
