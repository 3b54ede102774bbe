//! # sharestat-node: one compute node of a consortium
//!
//! A node holds its share of every dataset, talks to the two other nodes over mutual TLS, and
//! serves an HTTPS API to data owners, researchers, auditors and its administrator.
//!
//! ## Layout
//!
//! - [`config`]: the node's TOML configuration; [`consortium`]: `consortium init` (CA, three
//!   node identities and configs).
//! - [`server`]: start/stop: storage, bootstrap administrator, peer mesh, HTTPS API.
//! - [`api`]: the routes under `/api/v1` and the OpenAPI document; [`auth`] (who is calling,
//!   which roles), [`token`] (bearer tokens), [`problem`] (problem+json errors).
//! - [`jobs`]: computations across the three nodes: propose / go / run in lockstep, and the
//!   analysis queries; [`cache`]: share columns kept in memory between queries.
//! - [`uploads`]: staged uploads and their two-phase commit across the three nodes, with
//!   recovery of in-doubt uploads after a restart.
//! - [`audit`]: appending to the hash-chained audit log.
//! - [`local`]: a whole consortium in one process (tests, benchmarks, `up --in-process`).
//!
//! Storage is `sharestat-store`, peer links are `sharestat-net`, computation is
//! `sharestat-mpc`; what the data owner's client and a node share (the upload chunk encoding,
//! sealed chunks, the upload JSON bodies, problem documents, the API's HTTPS client) is
//! `sharestat-wire`. This crate only wires them together and enforces who may do what.
//!
//! [`alloc`] tunes glibc's allocator for a node's large share vectors (the crate's one
//! `unsafe` call, `mallopt`).
#![deny(unsafe_code)]

pub mod alloc;
pub mod api;
pub mod audit;
pub mod auth;
pub mod cache;
pub mod config;
pub mod consortium;
pub mod jobs;
pub mod local;
pub mod problem;
pub mod server;
pub mod state;
pub mod token;
pub mod uploads;

pub use config::NodeConfig;
pub use server::{NodeHandle, StartError, start, start_bound};
