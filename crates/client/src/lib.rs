//! `sharestat-client`: what runs on a data owner's or researcher's machine.
//!
//! # Layout
//!
//! | module | what it holds |
//! |---|---|
//! | [`fhir_server`] | a site's FHIR R4 server (Bulk Data `$export`, or paged search) downloaded to a local NDJSON directory for the FHIR reader |
//! | [`import`] | a site's file (CSV/TSV or spreadsheet) or FHIR R4 resources (mapped by the dictionary's `[fhir]` section) -> validated, harmonised, encoded columns ready to be secret-shared |
//! | [`upload`] | secret sharing on this machine, chunked upload to the three nodes, two-phase commit |
//! | [`query`] | a researcher's script run as a job on the consortium, its printed outputs or the refusal |
//! | [`audit`] | the three nodes' audit chains verified and their records of each job cross-checked |
#![forbid(unsafe_code)]

pub mod audit;
pub mod fhir_server;
pub mod import;
pub mod query;
pub mod upload;
