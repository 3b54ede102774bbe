//! # sharestat-cli: the `sharestat` command
//!
//! The binary (`src/main.rs`) only parses arguments; each subcommand lives here so that the
//! tests can drive it in-process.
//!
//! ## Layout
//!
//! - [`up`]: `sharestat node` (one node) and `sharestat up` (a local consortium of three).
//! - [`admin`]: studies, users and the self-test on all three nodes of a local consortium.
//! - [`upload`]: a data owner's upload (validate, share on this machine, two-phase commit);
//!   [`fhir`]: its `--fhir` source (an export, a Bundle or a FHIR server).
//! - [`audit`]: verifying the nodes' hash-chained audit logs and cross-checking shared jobs.
//! - [`run`]: a researcher's script, printed like `Rscript`; [`repl`]: the interactive session.
//! - [`ui`]: `sharestat ui`, the browser interface on this machine (`sharestat-ui`).
//! - [`demo`]: `sharestat demo`, the whole pilot study from an empty directory to the audited
//!   analysis, in one command.
#![forbid(unsafe_code)]

pub mod admin;
pub mod audit;
pub mod demo;
pub mod fhir;
pub mod repl;
pub mod run;
pub mod ui;
pub mod up;
pub mod upload;
