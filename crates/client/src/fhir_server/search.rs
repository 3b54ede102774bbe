//! The paged search: `GET {base}/{Type}?_count={page_size}` for each type, following
//! `link[relation=next]` (on the base URL's origin only) until there is none; each match
//! entry's resource one compact line of `<Type>.ndjson`; then the manifest.
use super::http::Http;
use super::output::OutDir;
use super::{Downloaded, DownloadedFile, Progress, ServerError, ServerOptions, Via};
use reqwest::Url;
use serde_json::{Value, json};
use std::collections::HashSet;

/// Searches every type into `out` and writes the manifest.
pub(super) async fn run(
    http: &Http,
    opts: &ServerOptions,
    types: &[String],
    out: &mut OutDir,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Downloaded, ServerError> {
    progress(Progress::Started {
        via: Via::Search,
        url: http.base().to_string(),
    });
    let started = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut files = Vec::new();
    for rtype in types {
        let file = search_type(http, opts.page_size, rtype, out, progress).await?;
        files.push(file.clone());
        progress(Progress::FileDone {
            file,
            files_done: files.len(),
            files_total: types.len(),
        });
    }
    let output: Vec<Value> = files
        .iter()
        .map(|f| {
            json!({
                "type": f.resource_type,
                "url": format!("{}.ndjson", f.resource_type),
                "count": f.resources,
            })
        })
        .collect();
    out.write_manifest(&json!({
        "transactionTime": started,
        "request": http.base(),
        "requiresAccessToken": false,
        "output": output,
        "error": [],
    }))
    .await?;
    Ok(Downloaded {
        dir: out.dir().to_path_buf(),
        bytes: files.iter().map(|f| f.bytes).sum(),
        files,
        error_files: Vec::new(),
        skipped: Vec::new(),
        via: Via::Search,
    })
}

/// All pages of one type into `out/<Type>.ndjson`.
async fn search_type(
    http: &Http,
    page_size: u32,
    rtype: &str,
    out: &mut OutDir,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<DownloadedFile, ServerError> {
    let mut file = out.create(&format!("{rtype}.ndjson"), rtype).await?;
    let path = file.path().to_path_buf();
    let mut url = http.url(&format!("{rtype}?_count={page_size}"))?;
    let mut visited: HashSet<String> = HashSet::new();
    let mut ids: HashSet<String> = HashSet::new();
    let mut page = 0u64;
    loop {
        let bad = |reason: String| ServerError::BadResponse {
            url: url.to_string(),
            reason,
        };
        if !visited.insert(url.to_string()) {
            return Err(bad(
                "this next link was followed before: the pages loop".into()
            ));
        }
        let bundle = http.get_json(&url, "search").await?;
        if bundle["resourceType"] != "Bundle" {
            return Err(bad(format!(
                "a {} instead of a Bundle",
                bundle["resourceType"].as_str().unwrap_or("JSON value")
            )));
        }
        if bundle["type"] != "searchset" {
            return Err(bad(format!(
                "a Bundle of type {} instead of searchset",
                bundle["type"]
            )));
        }
        let entries = bundle["entry"].as_array().map(Vec::as_slice).unwrap_or(&[]);
        for entry in entries {
            // `include` and `outcome` entries are not results of this type.
            if entry["search"]["mode"]
                .as_str()
                .is_some_and(|m| m != "match")
            {
                continue;
            }
            let resource = &entry["resource"];
            if resource["resourceType"] != rtype {
                return Err(bad(format!(
                    "a search of {rtype} returned {}",
                    match resource["resourceType"].as_str() {
                        Some(t) => format!("a {t}"),
                        None => "an entry without a resource".into(),
                    }
                )));
            }
            // A resource moved between pages while we paged is written once.
            if let Some(id) = resource["id"].as_str()
                && !ids.insert(id.to_string())
            {
                continue;
            }
            file.write_resource(resource).await?;
        }
        page += 1;
        progress(Progress::Page {
            resource_type: rtype.to_string(),
            page,
            resources: file.resources(),
        });
        let next = bundle["link"].as_array().and_then(|links| {
            links
                .iter()
                .find(|l| l["relation"] == "next")
                .and_then(|l| l["url"].as_str())
        });
        let Some(next) = next else { break };
        let next: Url = url
            .join(next)
            .map_err(|e| bad(format!("bad next link {next:?}: {e}")))?;
        http.check_origin(&next, "next link")?;
        url = next;
    }
    let (path, resources, bytes) = file
        .finish()
        .await
        .map_err(|e| e.into_server(&path, http.base()))?;
    Ok(DownloadedFile {
        resource_type: rtype.to_string(),
        path,
        resources,
        bytes,
    })
}
