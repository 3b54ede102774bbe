//! The API's error document: RFC 9457 `application/problem+json` with a stable `type`.
//!
//! `type` is `urn:sharestat:problem:<slug>`; clients switch on it, humans read `title` and
//! `detail`. The node builds these documents from its route errors; the client turns them into
//! typed errors.
use serde::{Deserialize, Serialize};

/// A problem document.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// Stable identifier of the kind of problem, `urn:sharestat:problem:<slug>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short human summary of the kind of problem.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// What went wrong in this instance.
    pub detail: String,
}
