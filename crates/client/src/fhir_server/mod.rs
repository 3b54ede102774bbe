//! A FHIR R4 server client that downloads a site's resources into a local directory laid out
//! like a Bulk Data export: one `<Type>-<n>.ndjson` (export) or `<Type>.ndjson` (search) file
//! per resource type, one resource per line, and a `manifest.json` whose `output[].url` are
//! the file names relative to the directory. The FHIR file reader
//! ([`crate::import`]) reads that directory.
//!
//! # How
//!
//! [`download`] with [`Mode::Auto`]:
//!
//! 1. `GET {base}/metadata`: a server that cannot be reached fails here; a
//!    `CapabilityStatement` that lists no `export` operation (system level or on `Patient`)
//!    goes straight to the search of step 3.
//! 2. Bulk Data `$export` (Bulk Data Access IG v2): kick-off
//!    `GET {base}/Patient/$export?_type=<types>` (then `{base}/$export` if that answers 404 or
//!    405 or 501) with `Prefer: respond-async`; `202` with `Content-Location`; the status URL
//!    polled, waiting what `Retry-After` says (seconds or an HTTP date; 2 s without it) but at
//!    most [`ServerOptions::max_poll_interval`], until the manifest (`200`) or
//!    [`ServerOptions::max_wait`]; each `output[]` file streamed to disk (never whole in
//!    memory), its lines checked and counted against the manifest's `count`; the job deleted
//!    on the server at the end (`DELETE` of the status URL, also after a failure). If neither
//!    kick-off exists (404/405/501), step 3.
//! 3. Paged search: `GET {base}/{Type}?_count={page_size}` for each type, following
//!    `link[relation=next]` until there is none; each match entry's `resource` one compact
//!    line of `<Type>.ndjson`.
//!
//! [`Mode::Export`] and [`Mode::Search`] force one way (no fallback).
//!
//! # Safety rules
//!
//! - The bearer token (and the status URL, search `next` links, files that
//!   `requiresAccessToken`) stay on the base URL's origin (scheme, host, port): a link to
//!   elsewhere is refused ([`ServerError::ForeignUrl`]), so a compromised or misconfigured
//!   server cannot make us send the token to another host. Files that do not require the
//!   token (pre-signed storage URLs) may be elsewhere and are fetched without it.
//! - A bearer token is never sent over plain `http://` except to this machine (`localhost`,
//!   `127.0.0.0/8`, `::1`).
//! - TLS is rustls with **only the roots in [`ServerOptions::ca_pem`]**: the workspace's
//!   reqwest carries no built-in roots (no `webpki-roots`, no platform store), so an
//!   `https://` base needs the CA (or CA bundle) that signed the server's certificate.
//!   Mutual TLS takes the client certificate chain and key as PEM ([`Auth::MutualTls`]).
//! - The target directory must be new or empty (old files would be read with the new ones);
//!   on any error, and when the future is dropped, the files written are removed again.
//! - Only the resource types asked for are written; other types in a manifest are skipped
//!   (listed in [`Downloaded::skipped`]).
//!
//! Patient-level export returns the resources of the Patient compartment: types outside it
//! (Organization, Practitioner, Medication, ...) may be missing from a Patient-level export,
//! as the IG allows. The search fallback returns every resource of each type.
//!
//! Modules: `http` (client, auth, errors of HTTP), `export` (step 2), `search` (step 3),
//! `output` (the directory, files and manifest), `error` ([`ServerError`]).
mod error;
mod export;
mod http;
mod output;
mod search;

pub use error::ServerError;

use std::path::{Path, PathBuf};
use std::time::Duration;

/// How to authenticate to the server.
#[derive(Clone)]
pub enum Auth {
    /// No credentials.
    None,
    /// `Authorization: Bearer <token>` on every request to the base URL's origin (e.g. a
    /// SMART Backend Services access token obtained beforehand).
    Bearer(String),
    /// Mutual TLS: the client certificate (chain, leaf first) and its private key (PKCS#8,
    /// PKCS#1 or SEC1), both PEM.
    MutualTls {
        /// The certificate chain, PEM.
        cert_pem: Vec<u8>,
        /// The private key, PEM.
        key_pem: Vec<u8>,
    },
}

impl std::fmt::Debug for Auth {
    /// Never prints the token or the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Bearer(_) => f.write_str("Bearer(<redacted>)"),
            Auth::MutualTls { .. } => f.write_str("MutualTls { <certificate and key> }"),
        }
    }
}

/// Which way to download.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    /// Bulk Data `$export` when the server has it, else the paged search.
    #[default]
    Auto,
    /// Bulk Data `$export` only ([`ServerError::NoExport`] without it).
    Export,
    /// Paged search only.
    Search,
}

/// Where and what to download. [`ServerOptions::new`] sets the defaults.
#[derive(Clone, Debug)]
pub struct ServerOptions {
    /// The FHIR base URL (`https://fhir.example.org/r4`); a trailing `/` is ignored.
    pub base: String,
    /// The credentials.
    pub auth: Auth,
    /// Extra trusted CA certificates, PEM (one or several). Required for an `https://` base:
    /// no built-in roots are trusted.
    pub ca_pem: Option<Vec<u8>>,
    /// The resource types to fetch (`Patient`, `Observation`, ...).
    pub types: Vec<String>,
    /// `Auto`, `Export` or `Search`.
    pub mode: Mode,
    /// `_count` of a search page. Default 500.
    pub page_size: u32,
    /// Give up an export still running after this long. Default 1 hour.
    pub max_wait: Duration,
    /// The longest wait between two polls of an export's status, whatever the server's
    /// `Retry-After` says. Default 120 s (servers such as Helios FHIR Server say
    /// `Retry-After: 120` for an export that takes a fraction of a second: lower it for
    /// small data).
    pub max_poll_interval: Duration,
    /// Timeout of a connection. Default 10 s.
    pub connect_timeout: Duration,
    /// Timeout of a request with a JSON answer (a page, a poll, the manifest), and of each
    /// read of a file download. Default 300 s.
    pub request_timeout: Duration,
}

impl ServerOptions {
    /// Options for `base` and `types` with the defaults: no credentials, no extra roots,
    /// [`Mode::Auto`], pages of 500, 1 hour of polling at most 120 s apart, 10 s to connect,
    /// 300 s per request.
    pub fn new(base: impl Into<String>, types: &[&str]) -> ServerOptions {
        ServerOptions {
            base: base.into(),
            auth: Auth::None,
            ca_pem: None,
            types: types.iter().map(|t| t.to_string()).collect(),
            mode: Mode::Auto,
            page_size: 500,
            max_wait: Duration::from_secs(3600),
            max_poll_interval: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(300),
        }
    }
}

/// How the resources were fetched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// Bulk Data `$export`.
    Export,
    /// Paged search.
    Search,
}

/// One file written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DownloadedFile {
    /// Its resource type.
    pub resource_type: String,
    /// Its path (in the target directory).
    pub path: PathBuf,
    /// How many resources (lines) it holds.
    pub resources: u64,
    /// Its size.
    pub bytes: u64,
}

/// What [`download`] wrote.
#[derive(Clone, Debug)]
pub struct Downloaded {
    /// The directory.
    pub dir: PathBuf,
    /// The NDJSON files, in the manifest's order (search: in the order of the types).
    pub files: Vec<DownloadedFile>,
    /// The export's error files (`OperationOutcome` NDJSON, under `errors/`): resources the
    /// server could not export. Empty for a search.
    pub error_files: Vec<DownloadedFile>,
    /// Resource types of the manifest that were not asked for, not downloaded.
    pub skipped: Vec<String>,
    /// `$export` or search.
    pub via: Via,
    /// Bytes of NDJSON written.
    pub bytes: u64,
}

impl Downloaded {
    /// The resources of all files.
    pub fn resources(&self) -> u64 {
        self.files.iter().map(|f| f.resources).sum()
    }
}

/// What a progress bar shows.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Progress {
    /// The way taken: the kick-off URL of an export, the base URL of a search.
    Started {
        /// `Export` or `Search`.
        via: Via,
        /// The URL.
        url: String,
    },
    /// The export is still running on the server.
    Polling {
        /// The server's `X-Progress` text, or `in progress`.
        status: String,
        /// Time since the kick-off.
        elapsed: Duration,
        /// The wait before the next poll.
        next_poll: Duration,
    },
    /// The export's manifest arrived.
    Manifest {
        /// Files to download (of the types asked for).
        files: usize,
        /// Their resources, when the server counts them.
        resources: Option<u64>,
    },
    /// Bytes received.
    Bytes {
        /// The resource type of the file being received.
        resource_type: String,
        /// Bytes of this file so far.
        file_bytes: u64,
        /// Bytes of all files so far.
        total_bytes: u64,
    },
    /// A search page was written.
    Page {
        /// The type searched.
        resource_type: String,
        /// Pages of this type so far.
        page: u64,
        /// Resources of this type so far.
        resources: u64,
    },
    /// A file is complete.
    FileDone {
        /// The file.
        file: DownloadedFile,
        /// Files complete so far.
        files_done: usize,
        /// Files in all (export: the manifest's; search: the types).
        files_total: usize,
    },
}

/// Downloads the resources of `opts.types` from the FHIR server at `opts.base` into `dir`
/// (created if missing; must be empty otherwise), reporting to `progress` as it goes. See the
/// module documentation for the protocol and its safety rules. On error nothing is left in
/// `dir`, and the error names the URL, the HTTP status and the server's diagnostics.
pub async fn download(
    opts: &ServerOptions,
    dir: &Path,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Downloaded, ServerError> {
    let types = check_types(&opts.types)?;
    if opts.page_size == 0 {
        return Err(ServerError::Config("page_size must be at least 1".into()));
    }
    let http = http::Http::new(opts)?;
    let mut out = output::OutDir::open(dir)?;
    let done = match opts.mode {
        Mode::Search => search::run(&http, opts, &types, &mut out, progress).await?,
        Mode::Export => match export::kick_off(&http, &types).await? {
            export::KickOff::Started(job) => {
                export::run(&http, opts, &types, job, &mut out, progress).await?
            }
            export::KickOff::NotSupported { url, status } => {
                return Err(ServerError::NoExport { url, status });
            }
        },
        Mode::Auto => {
            // A server whose capability statement has no $export is not asked to start one.
            let job = match export::advertised(&http).await? {
                true => match export::kick_off(&http, &types).await? {
                    export::KickOff::Started(job) => Some(job),
                    export::KickOff::NotSupported { .. } => None,
                },
                false => None,
            };
            match job {
                Some(job) => export::run(&http, opts, &types, job, &mut out, progress).await?,
                None => search::run(&http, opts, &types, &mut out, progress).await?,
            }
        }
    };
    out.keep();
    Ok(done)
}

/// The types, each a FHIR type name (`[A-Z][A-Za-z]*`, so also a safe file name), without
/// repeats.
fn check_types(types: &[String]) -> Result<Vec<String>, ServerError> {
    if types.is_empty() {
        return Err(ServerError::Config(
            "no resource types to download (ServerOptions::types)".into(),
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for t in types {
        let t = t.trim();
        if !is_type_name(t) {
            return Err(ServerError::Config(format!(
                "{t:?} is not a FHIR resource type name"
            )));
        }
        if !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    }
    Ok(out)
}

/// `[A-Z][A-Za-z]{0,63}`.
fn is_type_name(t: &str) -> bool {
    let mut chars = t.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && t.len() <= 64
        && chars.all(|c| c.is_ascii_alphabetic())
}
