//! The protocols, as `impl Party` blocks, one module per family.
//!
//! | module | protocols |
//! |---|---|
//! | [`io`] | input from a party or a dealer, reveal to all or to one party |
//! | [`arith`] | multiply, dot products, reshare, random shares |
//! | [`boolean`] | AND (batched), the Kogge-Stone adder |
//! | [`compare`] | A2B / bit decomposition, MSB, less-than, less-or-equal, equality |
//! | [`convert`] | B2A, bit injection, select (mux) |
//! | [`fixed`] | truncation (floor or unbiased, per-element shifts), fixed-point multiply, reciprocal, division |
//! | [`ratio`] | `a / b` of shared numbers of any scale, normalised together |
//! | [`log`] | natural logarithm (with the reciprocal from one bit decomposition) |
//! | [`exp`] | powers of two `m 2^(y + shift)` of a fixed-point exponent (exp, sqrt, powers) |
//! | [`poly`] | public polynomials of a shared fixed-point value by Estrin's scheme |
//! | [`shuffle`] | the 3-party resharing shuffle |
//! | [`sort`] | shuffle-then-sort and k-th element selection (ordering in `partition`) |
//! | [`aggregate`] | masked sum, count, sum of squares, one-hot frequencies |
//!
//! Every party calls the same protocol with the same public arguments, in the same order.
//! `docs/protocols.md` gives rounds and bytes per element of each.
pub mod aggregate;
pub mod arith;
pub mod boolean;
pub mod compare;
pub mod convert;
pub mod exp;
pub mod fixed;
pub mod io;
pub mod log;
pub(crate) mod partition;
pub mod poly;
pub mod ratio;
pub mod shuffle;
pub mod sort;
