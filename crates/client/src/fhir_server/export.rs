//! Bulk Data `$export` (FHIR Bulk Data Access IG v2): whether the server advertises it, the
//! kick-off (Patient level, then system level), polling the status URL as `Retry-After`
//! says (capped by [`ServerOptions::max_poll_interval`]), the files of the manifest
//! streamed to disk and checked, the manifest rewritten to local file names, and the job
//! deleted on the server.
use super::http::{Call, Http, read_json, read_limited, status_error, transport_error};
use super::output::OutDir;
use super::{Downloaded, DownloadedFile, Progress, ServerError, ServerOptions, Via, is_type_name};
use reqwest::header::RETRY_AFTER;
use reqwest::{Method, StatusCode, Url};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// The wait between polls when the server gives no `Retry-After`.
const DEFAULT_POLL: Duration = Duration::from_secs(2);
/// The shortest wait between polls (a server saying `Retry-After: 0` is not hammered).
const MIN_POLL: Duration = Duration::from_millis(100);

/// An export job on the server.
pub(super) struct Job {
    /// The kick-off URL.
    kick_off: Url,
    /// The status URL (`Content-Location` of the kick-off).
    status: Url,
}

/// The kick-off's outcome.
pub(super) enum KickOff {
    /// A job was started.
    Started(Job),
    /// Neither kick-off exists (404, 405 or 501): the last URL tried and its status.
    NotSupported {
        /// The URL.
        url: String,
        /// The status.
        status: u16,
    },
}

/// Whether the server's `CapabilityStatement` lists an `export` operation (at system level or
/// on `Patient`). `true` when it cannot tell (no `CapabilityStatement`, not JSON): the
/// kick-off will say. Connection failures and refused credentials are errors.
pub(super) async fn advertised(http: &Http) -> Result<bool, ServerError> {
    let url = http.url("metadata")?;
    let resp = http.send(Method::GET, &url, Call::json("GET")).await?;
    let status = resp.status();
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        return Err(status_error("GET", &url, resp).await);
    }
    if !status.is_success() {
        return Ok(true);
    }
    let Ok(cap) = read_json("GET", &url, resp, http.request_timeout()).await else {
        return Ok(true);
    };
    if cap["resourceType"] != "CapabilityStatement" {
        return Ok(true);
    }
    let is_export = |op: &Value| {
        let name = op["name"].as_str().unwrap_or("");
        let def = op["definition"].as_str().unwrap_or("");
        matches!(name, "export" | "patient-export")
            || def.ends_with("/export")
            || def.ends_with("/patient-export")
    };
    let rests = cap["rest"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    Ok(rests.iter().any(|rest| {
        let system = rest["operation"]
            .as_array()
            .is_some_and(|ops| ops.iter().any(is_export));
        let patient = rest["resource"].as_array().is_some_and(|rs| {
            rs.iter().any(|r| {
                r["type"] == "Patient"
                    && r["operation"]
                        .as_array()
                        .is_some_and(|ops| ops.iter().any(is_export))
            })
        });
        system || patient
    }))
}

/// Starts an export of `types`: `Patient/$export`, then `$export` if the former does not
/// exist.
pub(super) async fn kick_off(http: &Http, types: &[String]) -> Result<KickOff, ServerError> {
    let query = format!("?_type={}", types.join(","));
    let mut last = None;
    for path in ["Patient/$export", "$export"] {
        let url = http.url(&format!("{path}{query}"))?;
        let call = Call {
            respond_async: true,
            ..Call::json("$export kick-off")
        };
        let resp = http.send(Method::GET, &url, call).await?;
        let status = resp.status();
        match status.as_u16() {
            202 => {
                let location = resp
                    .headers()
                    .get(reqwest::header::CONTENT_LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| ServerError::BadResponse {
                        url: url.to_string(),
                        reason: "202 Accepted without a Content-Location (status URL)".into(),
                    })?;
                let status_url = url.join(location).map_err(|e| ServerError::BadResponse {
                    url: url.to_string(),
                    reason: format!("bad Content-Location {location:?}: {e}"),
                })?;
                http.check_origin(&status_url, "status URL")?;
                return Ok(KickOff::Started(Job {
                    kick_off: url,
                    status: status_url,
                }));
            }
            404 | 405 | 501 => last = Some((url.to_string(), status.as_u16())),
            _ if status.is_success() => {
                return Err(ServerError::BadResponse {
                    url: url.to_string(),
                    reason: format!("HTTP {status} instead of 202 Accepted"),
                });
            }
            _ => return Err(status_error("$export kick-off", &url, resp).await),
        }
    }
    let (url, status) = last.expect("two kick-offs were tried");
    Ok(KickOff::NotSupported { url, status })
}

/// Polls the job, downloads its files into `out` and deletes the job on the server (also
/// after a failure).
pub(super) async fn run(
    http: &Http,
    opts: &ServerOptions,
    types: &[String],
    job: Job,
    out: &mut OutDir,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Downloaded, ServerError> {
    progress(Progress::Started {
        via: Via::Export,
        url: job.kick_off.to_string(),
    });
    let result = match poll(http, opts, &job.status, progress).await {
        Ok(manifest) => fetch(http, types, &job.status, &manifest, out, progress).await,
        Err(e) => Err(e),
    };
    // The files may go: the job is done with (or abandoned).
    let _ = http
        .send(Method::DELETE, &job.status, Call::json("DELETE"))
        .await;
    result
}

/// Polls the status URL until the manifest.
async fn poll(
    http: &Http,
    opts: &ServerOptions,
    url: &Url,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Value, ServerError> {
    let what = "$export status";
    let start = Instant::now();
    loop {
        let call = Call {
            accept: "application/json",
            ..Call::json(what)
        };
        let resp = http.send(Method::GET, url, call).await?;
        let status = resp.status();
        let retry = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let transient = status == StatusCode::ACCEPTED
            || status == StatusCode::TOO_MANY_REQUESTS
            || (status == StatusCode::SERVICE_UNAVAILABLE && retry.is_some());
        if status == StatusCode::OK {
            return read_json(what, url, resp, http.request_timeout()).await;
        }
        if !transient {
            if status.is_success() {
                return Err(ServerError::BadResponse {
                    url: url.to_string(),
                    reason: format!("HTTP {status} instead of 200 (manifest) or 202"),
                });
            }
            return Err(status_error(what, url, resp).await);
        }
        let text = resp
            .headers()
            .get("x-progress")
            .and_then(|v| v.to_str().ok())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "in progress".into());
        // Drain the small body so the connection can be reused.
        let _ = read_limited(what, url, resp, 1 << 20, http.request_timeout()).await;
        let elapsed = start.elapsed();
        if elapsed >= opts.max_wait {
            return Err(ServerError::ExportTimeout {
                url: url.to_string(),
                waited: elapsed,
            });
        }
        let wait = retry
            .unwrap_or(DEFAULT_POLL)
            .min(opts.max_poll_interval)
            .max(MIN_POLL)
            .min(opts.max_wait - elapsed);
        progress(Progress::Polling {
            status: text,
            elapsed,
            next_poll: wait,
        });
        tokio::time::sleep(wait).await;
    }
}

/// `Retry-After`: delay-seconds or an HTTP date.
fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let delta = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

/// One `output[]` or `error[]` entry of a manifest.
struct Entry {
    rtype: String,
    url: Url,
    count: Option<u64>,
}

/// The entries of `manifest[key]`, URLs resolved against the status URL.
fn entries(manifest: &Value, key: &str, status: &Url) -> Result<Vec<Entry>, ServerError> {
    let bad = |reason: String| ServerError::BadResponse {
        url: status.to_string(),
        reason,
    };
    let list = match &manifest[key] {
        Value::Null if key == "error" => return Ok(Vec::new()),
        Value::Array(list) => list,
        _ => return Err(bad(format!("the manifest has no {key} array"))),
    };
    list.iter()
        .map(|e| {
            let rtype = e["type"].as_str().unwrap_or("");
            if !is_type_name(rtype) {
                return Err(bad(format!(
                    "bad type {:?} in the manifest's {key}",
                    e["type"]
                )));
            }
            let url = e["url"]
                .as_str()
                .ok_or_else(|| bad(format!("a {rtype} entry of the manifest has no url")))?;
            let url = status
                .join(url)
                .map_err(|err| bad(format!("bad url {url:?} in the manifest: {err}")))?;
            Ok(Entry {
                rtype: rtype.to_string(),
                url,
                count: e["count"].as_u64(),
            })
        })
        .collect()
}

/// Downloads the manifest's files into `out` and writes the local manifest.
async fn fetch(
    http: &Http,
    types: &[String],
    status: &Url,
    manifest: &Value,
    out: &mut OutDir,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Downloaded, ServerError> {
    let requires_token = manifest["requiresAccessToken"].as_bool().unwrap_or(true);
    let mut skipped: Vec<String> = Vec::new();
    let mut wanted = Vec::new();
    for e in entries(manifest, "output", status)? {
        if types.contains(&e.rtype) {
            wanted.push(e);
        } else if !skipped.contains(&e.rtype) {
            skipped.push(e.rtype);
        }
    }
    let errors = entries(manifest, "error", status)?;
    let resources = wanted.iter().map(|e| e.count).sum::<Option<u64>>();
    progress(Progress::Manifest {
        files: wanted.len(),
        resources,
    });
    let mut total_bytes = 0u64;
    let mut fetched = Fetched::default();
    let files_total = wanted.len();
    for e in &wanted {
        let n = fetched
            .files
            .iter()
            .filter(|f| f.resource_type == e.rtype)
            .count();
        let name = format!("{}-{n}.ndjson", e.rtype);
        let file = fetch_file(
            http,
            requires_token,
            e,
            &name,
            out,
            &mut total_bytes,
            progress,
        )
        .await?;
        fetched.files.push(file.clone());
        fetched.names.push(name);
        progress(Progress::FileDone {
            file,
            files_done: fetched.files.len(),
            files_total,
        });
    }
    for (n, e) in errors.iter().enumerate() {
        let name = format!("errors/{}-{n}.ndjson", e.rtype);
        let file = fetch_file(
            http,
            requires_token,
            e,
            &name,
            out,
            &mut total_bytes,
            progress,
        )
        .await?;
        fetched.errors.push(file);
        fetched.error_names.push(name);
    }
    let listed = |files: &[DownloadedFile], names: &[String]| -> Vec<Value> {
        files
            .iter()
            .zip(names)
            .map(|(f, name)| json!({"type": f.resource_type, "url": name, "count": f.resources}))
            .collect()
    };
    let local = json!({
        "transactionTime": manifest["transactionTime"],
        "request": manifest["request"],
        "requiresAccessToken": false,
        "output": listed(&fetched.files, &fetched.names),
        "error": listed(&fetched.errors, &fetched.error_names),
    });
    out.write_manifest(&local).await?;
    Ok(Downloaded {
        dir: out.dir().to_path_buf(),
        bytes: fetched.files.iter().map(|f| f.bytes).sum(),
        files: fetched.files,
        error_files: fetched.errors,
        skipped,
        via: Via::Export,
    })
}

/// The files downloaded and their names relative to the directory.
#[derive(Default)]
struct Fetched {
    files: Vec<DownloadedFile>,
    names: Vec<String>,
    errors: Vec<DownloadedFile>,
    error_names: Vec<String>,
}

/// Streams one file of the manifest to `out/name`, checking its lines and its count.
async fn fetch_file(
    http: &Http,
    requires_token: bool,
    e: &Entry,
    name: &str,
    out: &mut OutDir,
    total_bytes: &mut u64,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<DownloadedFile, ServerError> {
    let what = "download of";
    let token = requires_token && http.has_token();
    if token {
        http.check_origin(&e.url, "file URL")?;
    }
    let mut file = out.create(name, &e.rtype).await?;
    let call = Call {
        accept: "application/fhir+ndjson",
        token,
        whole: false,
        ..Call::json(what)
    };
    let mut resp = http.send(Method::GET, &e.url, call).await?;
    if !resp.status().is_success() {
        return Err(status_error(what, &e.url, resp).await);
    }
    let path = file.path().to_path_buf();
    let url = e.url.as_str();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|err| transport_error(what, &e.url, &err, http.request_timeout()))?
    {
        file.write_raw(&chunk)
            .await
            .map_err(|err| err.into_server(&path, url))?;
        *total_bytes += chunk.len() as u64;
        progress(Progress::Bytes {
            resource_type: e.rtype.clone(),
            file_bytes: file.bytes(),
            total_bytes: *total_bytes,
        });
    }
    let (path, resources, bytes) = file
        .finish()
        .await
        .map_err(|err| err.into_server(&path, url))?;
    if let Some(count) = e.count
        && count != resources
    {
        return Err(ServerError::BadResponse {
            url: url.to_string(),
            reason: format!("the manifest says {count} resources, the file has {resources}"),
        });
    }
    Ok(DownloadedFile {
        resource_type: e.rtype.clone(),
        path,
        resources,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::parse_retry_after;
    use std::time::Duration;

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after(" 1 "), Some(Duration::from_secs(1)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        let later = chrono::Utc::now() + chrono::Duration::seconds(30);
        let d = parse_retry_after(&later.format("%a, %d %b %Y %H:%M:%S GMT").to_string());
        assert!(d.is_some_and(|d| d > Duration::from_secs(25) && d <= Duration::from_secs(30)));
        assert_eq!(parse_retry_after("soon"), None);
    }
}
