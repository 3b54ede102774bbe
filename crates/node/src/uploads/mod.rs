//! Uploads: a dataset reaches the nodes in chunks of shares and becomes visible on all three
//! nodes or on none, by two-phase commit with one node as coordinator.
//!
//! 1. **Begin** (each node, from the data owner's client): checks the caller owns the site, that
//!    the columns are exactly the study dictionary's encoded columns, and opens a *staged*
//!    (invisible) dataset. Idempotent, so an interrupted upload can resume.
//! 2. **Chunks** (each node): the client sends each node only its own share pair for each chunk
//!    of rows; re-sending a chunk overwrites it.
//! 3. **Commit** (at the coordinator, chosen by the client at begin): the coordinator *prepares*
//!    itself and asks both peers to prepare (each checks the caller's token and that every chunk
//!    is stored durably). If all three prepared, it records the decision *commit* durably, makes
//!    its copy visible and tells the peers to commit; otherwise it records *abort* and tells
//!    everyone to drop the staged data.
//! 4. **Recovery** ([`recovery`]): after a restart a prepared upload is *in doubt*: a peer asks
//!    the coordinator for the decision; a coordinator re-sends its decision, and presumes abort
//!    for a prepared upload it never decided. Until then the staged dataset stays invisible.
//! 5. **Expiry** ([`expiry`]): an upload begun but never committed expires after the node's
//!    `upload_expiry_secs` without activity: aborted on every node, its shares removed, audited.
//!
//! A begin declaring more rows than the study policy's `max_upload_rows` is refused (400).
//!
//! Modules: [`staging`] (the checks of a begin, storing a chunk), [`relay`] (an upload relayed
//! through one node), [`coordinator`] (the two-phase commit, withdrawal, and their peer side),
//! [`recovery`], [`expiry`]; [`error`] says why a step was refused. The API's handlers
//! (`api::uploads`) only check the caller, call these and answer.
//!
//! The chunk encoding and the sealing of relayed chunks are shared with the client in
//! `sharestat-wire` ([`sharestat_wire::chunk`], [`sharestat_wire::sealed`]).
pub mod coordinator;
pub mod error;
pub mod expiry;
pub mod recovery;
pub mod relay;
pub mod staging;
