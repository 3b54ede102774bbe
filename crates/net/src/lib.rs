//! # sharestat-net: mutual-TLS links between the three compute nodes
//!
//! The three nodes of a consortium (parties 0, 1, 2) hold every private value as replicated
//! secret shares and compute with the `sharestat-mpc` engine. This crate carries the engine's
//! messages, and the nodes' own control requests, between them:
//!
//! - **Mutual TLS only** (rustls with the *ring* provider, tokio-rustls). Every node has a
//!   certificate from the consortium CA whose SAN DNS name is the node's name. A dialer checks
//!   the server certificate against the peer's configured name; the acceptor requires a client
//!   certificate from the CA and, after the dialer's hello frame names its party, checks that the
//!   certificate is valid for that party's configured name. A peer is accepted by its
//!   certificate identity, never by its address.
//! - **Persistent links, many jobs.** Each node dials one outgoing connection to each peer
//!   (reconnecting with exponential backoff) and accepts one incoming connection from each. A
//!   node writes only on its outgoing connections and reads only on accepted ones (the single
//!   exception: the acceptor's hello acknowledgement, see [`frame`]). Many concurrent jobs and
//!   control calls are multiplexed over these links by id.
//! - **Engine transports.** [`Mesh::job_transport`] gives a blocking
//!   [`Transport`](sharestat_mpc::net::Transport) for one job; messages that arrive for a job not
//!   yet opened locally are buffered.
//!
//! ## Failure policy
//!
//! Queued messages are never carried over a reconnect: when either link to a peer goes down
//! (closed, reset, garbage, or silent for several heartbeats), every open or buffered job fails
//! and every pending [`Mesh::call`] to that peer returns [`LinkError::Down`]. A failed job's
//! `recv` first hands out the messages already received, then returns
//! [`NetError::Closed`](sharestat_mpc::NetError::Closed) naming the peer whose link dropped
//! (a three-party job cannot finish without any one of them, so waiting for the job timeout
//! would only delay the error). Jobs opened while a link is down fail at once the same way: wait
//! for [`Mesh::wait_connected`] first.
//!
//! ## Layout
//!
//! - [`config`]: [`Identity`], [`PeerSpec`], [`MeshConfig`] and the defaults.
//! - [`tls`]: rustls server and client configurations (also used by the node's HTTPS API) and
//!   the certificate-name check of the acceptor.
//! - [`frame`]: the wire format `[kind u8][id u64 LE][len u32 LE][payload]`.
//! - [`mesh`]: [`Mesh`], the public handle: start, status, control calls, jobs, shutdown.
//! - `state` (private): the shared state behind a mesh: link table, job table, pending calls.
//! - `link` (private): the connection tasks: accept loop, dialers, readers and writers.
//! - [`jobs`]: per-job message queues and [`JobTransport`].
//! - [`error`]: the typed error of this crate, [`LinkError`].
//! - [`testpki`]: throw-away CA and node certificates for tests (this and other crates').
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod config;
pub mod error;
pub mod frame;
pub mod jobs;
mod link;
pub mod mesh;
mod state;
pub mod testpki;
pub mod tls;

pub use config::{Identity, MeshConfig, PeerSpec};
pub use error::LinkError;
pub use jobs::JobTransport;
pub use mesh::{ControlHandler, Mesh, PeerStatus};
pub use sharestat_mpc::PartyId;
pub use tls::{client_config, ring_provider, server_config};
