//! [`ServerError`]: why a download from a FHIR server failed, naming the URL and, for an
//! HTTP error, the status and the server's `OperationOutcome` text.
use std::path::PathBuf;
use std::time::Duration;

/// Why [`download`](super::download) failed. Every variant names the URL (or the local path)
/// it is about; the files written before the failure have been removed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The options cannot work: a base URL that is not `http(s)://`, no resource types, a
    /// resource type that is not a FHIR type name, an unreadable PEM, a bearer token over
    /// plain HTTP to a host that is not this machine, an `https://` base without a CA.
    #[error("{0}")]
    Config(String),
    /// No connection to the server: refused, timed out, name not resolved, TLS handshake
    /// failed (an unknown certificate authority, a client certificate refused).
    #[error("cannot reach the FHIR server at {url}: {reason}")]
    Unreachable {
        /// The URL requested.
        url: String,
        /// What went wrong (`connection refused`, `invalid peer certificate: UnknownIssuer`, ...).
        reason: String,
    },
    /// The connection broke or timed out after it was made (while sending the request or
    /// reading the response).
    #[error("{what} {url} failed: {reason}")]
    Transport {
        /// The step (`GET`, `$export kick-off`, `download of`, ...).
        what: &'static str,
        /// The URL requested.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The server refused the credentials (HTTP 401 or 403).
    #[error("the FHIR server refused the credentials: {what} {url} answered HTTP {}{}", status_text(*.status), diagnostics_suffix(.diagnostics))]
    Unauthorized {
        /// The step.
        what: &'static str,
        /// The URL requested.
        url: String,
        /// 401 or 403.
        status: u16,
        /// The text of the server's `OperationOutcome` (its issues' `diagnostics` or
        /// `details.text`), or a short plain-text body.
        diagnostics: Option<String>,
    },
    /// The server answered an HTTP error status (4xx or 5xx) other than 401/403.
    #[error("{what} {url} answered HTTP {}{}", status_text(*.status), diagnostics_suffix(.diagnostics))]
    Status {
        /// The step.
        what: &'static str,
        /// The URL requested.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The text of the server's `OperationOutcome`, or a short plain-text body.
        diagnostics: Option<String>,
    },
    /// `Mode::Export` was asked for but the server has no Bulk Data `$export` (the
    /// system-level kick-off answered 404, 405 or 501).
    #[error("the FHIR server has no Bulk Data $export: {url} answered HTTP {}", status_text(*.status))]
    NoExport {
        /// The last kick-off URL tried.
        url: String,
        /// Its status.
        status: u16,
    },
    /// The export was still running when `ServerOptions::max_wait` ran out (the job was
    /// cancelled with `DELETE`).
    #[error("the export at {url} was not finished after {}s (ServerOptions::max_wait)", .waited.as_secs())]
    ExportTimeout {
        /// The status URL.
        url: String,
        /// How long we polled.
        waited: Duration,
    },
    /// The server pointed us to another origin (scheme, host or port differ from the base
    /// URL's) where we would have to send the credentials: a search `next` link, the export's
    /// status URL, or a file that `requiresAccessToken`.
    #[error(
        "refused {what} {url}: another server than {base} (the credentials are sent only to the base URL's origin)"
    )]
    ForeignUrl {
        /// What the URL was (`next link`, `status URL`, `file URL`).
        what: &'static str,
        /// The URL refused.
        url: String,
        /// The configured base URL.
        base: String,
    },
    /// A response that is not what the protocol says: not JSON, a Bundle that is not a
    /// `searchset`, a 202 without `Content-Location`, a manifest without `output`, an NDJSON
    /// line that is not a resource of its file's type, fewer lines than the manifest's count,
    /// a body larger than the limit, a `next` link seen before.
    #[error("unexpected answer from {url}: {reason}")]
    BadResponse {
        /// The URL requested.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The target directory exists and is not empty (an earlier download would mix with this
    /// one: the reader takes every `*.ndjson` file of the directory).
    #[error("{} is not empty: download into a new or empty directory", .dir.display())]
    DirNotEmpty {
        /// The directory.
        dir: PathBuf,
    },
    /// Writing a local file failed.
    #[error("cannot write {}: {source}", .path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

/// `404 Not Found`, or the bare number for a code without a reason phrase.
fn status_text(status: u16) -> String {
    match reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

/// `: <text>` when the server said something.
fn diagnostics_suffix(d: &Option<String>) -> String {
    match d {
        Some(text) => format!(": {text}"),
        None => String::new(),
    }
}
