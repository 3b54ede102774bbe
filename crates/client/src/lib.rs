//! `sharestat-client`: what runs on a data owner's or researcher's machine.
//!
//! # Layout
//!
//! | module | what it holds |
//! |---|---|
//! | [`import`] | a site's file (CSV/TSV or spreadsheet) -> validated, harmonised, encoded columns ready to be secret-shared |
//! | [`upload`] | secret sharing on this machine, chunked upload to the three nodes, two-phase commit |
#![forbid(unsafe_code)]

pub mod import;
pub mod upload;
