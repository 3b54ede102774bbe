//! # sharestat-wire: what a data owner's client and a node agree on
//!
//! The data owner's client (`sharestat-client`, the CLI) and the node (`sharestat-node`) both
//! depend on this crate and on nothing of each other; it depends on no other sharestat crate.
//! The node's storage (`sharestat-store`) takes only [`CHUNK_WORDS`] from here.
//!
//! ## Layout
//!
//! | module | what it holds |
//! |---|---|
//! | [`chunk`] | the binary body of an upload chunk ([`CHUNK_WORDS`] rows of one node's share pairs) and the envelope of a chunk relayed through another node |
//! | `sealed` (feature `seal`) | HPKE sealing of a relayed chunk to the node that may read it |
//! | [`problem`] | the API's error document ([`Problem`], RFC 9457 `application/problem+json`) |
//! | [`api`] | the JSON bodies of the upload and dataset routes: begin, an upload's state, a dataset's metadata |
//! | `client` (feature `client`) | the HTTPS client of the node API: consortium CA only, bearer token, problem documents as typed errors |
//!
//! ## Features
//!
//! `seal` and `client` are on by default; `openapi` derives the bodies' OpenAPI schemas for
//! the node's document. The store uses none of them.
#![forbid(unsafe_code)]

pub mod api;
pub mod chunk;
#[cfg(feature = "client")]
pub mod client;
pub mod problem;
#[cfg(feature = "seal")]
pub mod sealed;

pub use chunk::CHUNK_WORDS;
#[cfg(feature = "client")]
pub use client::{Client, ClientError};
pub use problem::Problem;
