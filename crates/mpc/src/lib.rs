//! # sharestat-mpc: the secure computation engine
//!
//! Three compute nodes hold every private value as a *3-party replicated secret sharing*
//! over the ring Z_2^64 (arithmetic) or over Z_2 packed 64 bits to a word (boolean): a secret
//! `x = x0 + x1 + x2` and party `i` holds the pair `(x_i, x_{i+1})`. Any two parties together
//! can reconstruct; any single party sees uniformly random values. Security is semi-honest with
//! an honest majority (Araki, Furukawa, Lindell, Nof, Ohara, CCS 2016; Mohassel & Rindal,
//! ABY3, CCS 2018).
//!
//! ## Layout
//!
//! - [`share`]: the share types ([`AShares`], [`BShares`], [`Bits`]) and the local
//!   (communication-free) operations on them; public values are plain `u64` slices and never
//!   convert into shares implicitly.
//! - [`prg`]: AES-128-CTR pseudo-random generator, the only source of randomness in protocols.
//! - [`net`]: the [`Transport`](net::Transport) trait, its in-memory and TCP implementations,
//!   and [`Net`](net::Net), the framing and byte/round accounting layer every protocol talks to.
//! - [`party`]: a [`Party`], one of the three participants of a session, and its session set-up
//!   (pairwise PRF keys agreed over the transport and confirmed).
//! - [`proto`]: the protocols, written as `impl Party` blocks, one module per family (input and
//!   reveal, arithmetic, boolean circuits, comparison, conversions, fixed point, shuffle, sort and
//!   selection, masked aggregates). `docs/protocols.md` lists rounds and bytes of each.
//! - [`fixed`]: fixed-point encoding of reals.
//! - [`harness`]: run the same closure as all three parties, in memory or over TCP loopback;
//!   used by tests and benchmarks.
//!
//! The protocols are written here rather than taken from a crate because no maintained Rust
//! library implements 3-party replicated secret sharing (the alternatives are C++/Python
//! frameworks such as MP-SPDZ or SecretFlow SPU that cannot be embedded as a library); AES, CTR
//! mode, parallelism and errors come from `aes`, `ctr`, `rayon` and `thiserror`.
//!
//! Every operation is vectorised: one call works on a whole column, and the number of
//! communication rounds does not depend on the column length. Large local steps (PRG expansion,
//! local products, bit transposition) are split across cores with rayon above
//! [`PAR_THRESHOLD`] elements without changing the message pattern.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod bitslice;
pub mod error;
pub mod fixed;
pub mod harness;
pub mod net;
pub mod party;
pub mod prg;
pub mod proto;
pub mod share;

pub use error::{MpcError, NetError};
pub use party::{Party, PartyId};
pub use share::{AShares, BShares, Bits};

/// Vectors at least this long have their local work split across cores (rayon).
pub const PAR_THRESHOLD: usize = 1 << 14;

/// Result type of the engine.
pub type Result<T, E = MpcError> = std::result::Result<T, E>;
