//! `fhir_server::download`: its error and fallback paths against protocol stubs of a FHIR
//! server (axum on 127.0.0.1: nothing listening, a kick-off that fails with an
//! `OperationOutcome`, refused credentials, a search `next` link to another host, a server
//! without `$export` paged through by search, an export polled with `Retry-After`, a download
//! failing half-way), and, in `fhir_server/hfs.rs`, both ways against a real FHIR server
//! (Helios FHIR Server 0.2.7) when it is installed.
#[path = "fhir_server/hfs.rs"]
mod hfs;
#[path = "fhir_server/stub.rs"]
mod stub;
#[path = "fhir_server/tls.rs"]
mod tls;

use axum::response::Response;
use serde_json::{Value, json};
use sharestat_client::fhir_server::{Auth, Mode, Progress, ServerError, Via};
use std::time::{Duration, Instant};
use stub::*;

#[tokio::test]
async fn nothing_listening_is_cannot_reach() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let tmp = tempfile::tempdir().unwrap();
    let (r, _) = run(
        &opts(&format!("http://127.0.0.1:{port}"), &["Patient"]),
        tmp.path(),
    )
    .await;
    let e = r.unwrap_err();
    assert!(matches!(e, ServerError::Unreachable { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!(
            "cannot reach the FHIR server at http://127.0.0.1:{port}/metadata: connection refused"
        )
    );
    assert!(!tmp.path().join("out").exists());
}

#[tokio::test]
async fn kick_off_500_names_status_and_diagnostics_and_leaves_nothing() {
    let (base, hits) = stub(|_, hit, _| match hit.target.as_str() {
        "/metadata" => capability(true),
        _ => outcome(500, "the export worker pool is exhausted"),
    })
    .await;
    let tmp = tempfile::tempdir().unwrap();
    let (r, _) = run(&opts(&base, &["Patient", "Observation"]), tmp.path()).await;
    let e = r.unwrap_err();
    assert!(
        matches!(e, ServerError::Status { status: 500, .. }),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        format!(
            "$export kick-off {base}/Patient/$export?_type=Patient,Observation answered HTTP \
             500 Internal Server Error: the export worker pool is exhausted"
        )
    );
    assert_eq!(left(tmp.path()), Vec::<String>::new());
    assert!(
        !tmp.path().join("out").exists(),
        "the directory it made is gone too"
    );
    // No fallback to search after a server error.
    assert_eq!(hits.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn refused_credentials() {
    let (base, hits) = stub(|_, hit, _| {
        if hit.auth.as_deref() == Some("Bearer right") {
            capability(false)
        } else {
            outcome(401, "invalid access token")
        }
    })
    .await;
    let tmp = tempfile::tempdir().unwrap();
    let mut o = opts(&base, &["Patient"]);
    o.auth = Auth::Bearer("wrong".into());
    let (r, _) = run(&o, tmp.path()).await;
    let e = r.unwrap_err();
    assert!(
        matches!(e, ServerError::Unauthorized { status: 401, .. }),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        format!(
            "the FHIR server refused the credentials: GET {base}/metadata answered HTTP 401 \
             Unauthorized: invalid access token"
        )
    );
    assert_eq!(
        hits.lock().unwrap()[0].auth.as_deref(),
        Some("Bearer wrong")
    );
    assert!(!tmp.path().join("out").exists());
}

#[tokio::test]
async fn next_link_to_another_host_is_refused() {
    let (base, hits) = stub(|_, hit, _| {
        if hit.target == "/metadata" {
            capability(false)
        } else {
            searchset(
                &[patient("p1")],
                Some("http://collector.invalid:8080/Patient?page=2".into()),
            )
        }
    })
    .await;
    let tmp = tempfile::tempdir().unwrap();
    let mut o = opts(&base, &["Patient"]);
    o.auth = Auth::Bearer("secret".into());
    let (r, _) = run(&o, tmp.path()).await;
    let e = r.unwrap_err();
    assert!(matches!(e, ServerError::ForeignUrl { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!(
            "refused next link http://collector.invalid:8080/Patient?page=2: another server \
             than {base} (the credentials are sent only to the base URL's origin)"
        )
    );
    let hits = hits.lock().unwrap();
    // The capability statement lists no $export: no kick-off, straight to search.
    let targets: Vec<&str> = hits.iter().map(|h| h.target.as_str()).collect();
    assert_eq!(targets, ["/metadata", "/Patient?_count=500"]);
    assert!(!tmp.path().join("out").exists());
}

#[tokio::test]
async fn without_export_the_search_pages_are_followed() {
    let (base, hits) = stub(|base, hit, _| match hit.target.as_str() {
        "/metadata" => capability(true),
        t if t.contains("$export") => outcome(404, "unknown operation"),
        "/Patient?_count=2" => searchset(
            &[patient("p1"), patient("p2")],
            Some(format!("{base}/Patient?_count=2&_cursor=abc")),
        ),
        // The second page repeats p2 (it moved while paging) and has an included resource.
        "/Patient?_count=2&_cursor=abc" => {
            let mut page = json!({"resourceType": "Bundle", "type": "searchset", "entry": [
                {"resource": patient("p2"), "search": {"mode": "match"}},
                {"resource": patient("p3")},
                {"resource": {"resourceType": "Organization", "id": "o1"}, "search": {"mode": "include"}}]});
            page["link"] = json!([{"relation": "self", "url": "x"}]);
            fhir_json(200, &page)
        }
        "/Observation?_count=2" => searchset(
            &[observation("o1", "p1")],
            // A relative next link, resolved against the page's URL.
            Some("Observation?_count=2&page=2".into()),
        ),
        "/Observation?_count=2&page=2" => searchset(&[observation("o2", "p3")], None),
        _ => outcome(404, "no such page"),
    })
    .await;
    let tmp = tempfile::tempdir().unwrap();
    let mut o = opts(&base, &["Patient", "Observation"]);
    o.page_size = 2;
    let (r, events) = run(&o, tmp.path()).await;
    let d = r.unwrap();
    assert_eq!(d.via, Via::Search);
    let out = tmp.path().join("out");
    let ids = |name: &str| -> Vec<String> {
        lines(&out.join(name))
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids("Patient.ndjson"), ["p1", "p2", "p3"]);
    assert_eq!(ids("Observation.ndjson"), ["o1", "o2"]);
    assert_eq!(
        lines(&out.join("Observation.ndjson"))[0],
        observation("o1", "p1")
    );
    let summary: Vec<(String, u64)> = d
        .files
        .iter()
        .map(|f| (f.resource_type.clone(), f.resources))
        .collect();
    assert_eq!(summary, [("Patient".into(), 3), ("Observation".into(), 2)]);
    assert_eq!(d.resources(), 5);
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["output"],
        json!([{"type": "Patient", "url": "Patient.ndjson", "count": 3},
               {"type": "Observation", "url": "Observation.ndjson", "count": 2}])
    );
    let targets: Vec<String> = hits
        .lock()
        .unwrap()
        .iter()
        .map(|h| h.target.clone())
        .collect();
    assert_eq!(
        targets[..3],
        [
            "/metadata",
            "/Patient/$export?_type=Patient,Observation",
            "/$export?_type=Patient,Observation"
        ]
    );
    let pages = events
        .iter()
        .filter(|e| matches!(e, Progress::Page { .. }))
        .count();
    assert_eq!(pages, 4);
}

/// An export server: status `202 Retry-After: 1` once, then the manifest; files that need
/// the token; `status_code` of the second file's download.
fn export_server(
    second_file: u16,
) -> impl Fn(&str, &Hit, usize) -> Response + Clone + Send + Sync + 'static {
    move |base, hit, n| {
        let authorised = hit.auth.as_deref() == Some("Bearer tok");
        if !authorised {
            return outcome(401, "no token");
        }
        match (hit.method.as_str(), hit.target.as_str()) {
            (_, "/metadata") => capability(true),
            ("GET", "/Patient/$export?_type=Patient,Observation") => {
                resp(202, &[("content-location", &format!("{base}/jobs/7"))], "")
            }
            ("GET", "/jobs/7") if n == 0 => resp(
                202,
                &[("retry-after", "1"), ("x-progress", "50% (Observation)")],
                "",
            ),
            ("GET", "/jobs/7") => fhir_json(
                200,
                &json!({"transactionTime": "2026-12-07T00:00:00Z",
                    "request": format!("{base}/Patient/$export?_type=Patient,Observation"),
                    "requiresAccessToken": true,
                    "output": [
                        {"type": "Patient", "url": format!("{base}/files/pat"), "count": 2},
                        {"type": "Observation", "url": format!("{base}/files/obs1"), "count": 1},
                        {"type": "Condition", "url": format!("{base}/files/cond"), "count": 1},
                        {"type": "Observation", "url": "/files/obs2", "count": 2}],
                    "error": [{"type": "OperationOutcome", "url": format!("{base}/files/err")}]}),
            ),
            ("DELETE", "/jobs/7") => resp(202, &[], ""),
            ("GET", "/files/pat") => resp(
                200,
                &[("content-type", "application/fhir+ndjson")],
                format!("{}\n{}\n", patient("p1"), patient("p2")),
            ),
            ("GET", "/files/obs1") => resp(200, &[], format!("{}\n", observation("o1", "p1"))),
            ("GET", "/files/obs2") if second_file == 200 => resp(
                200,
                &[],
                // No newline after the last line: still two resources.
                format!("{}\n{}", observation("o2", "p2"), observation("o3", "p2")),
            ),
            ("GET", "/files/obs2") => outcome(second_file, "the export file expired"),
            ("GET", "/files/err") => resp(
                200,
                &[],
                json!({"resourceType": "OperationOutcome", "issue": [{"severity": "error",
                    "code": "processing", "diagnostics": "Observation/o9 could not be read"}]})
                .to_string(),
            ),
            _ => outcome(404, "not here"),
        }
    }
}

#[tokio::test]
async fn export_polls_with_retry_after_and_rewrites_the_manifest() {
    let (base, hits) = stub(export_server(200)).await;
    let tmp = tempfile::tempdir().unwrap();
    let mut o = opts(&base, &["Patient", "Observation"]);
    o.auth = Auth::Bearer("tok".into());
    let t0 = Instant::now();
    let (r, events) = run(&o, tmp.path()).await;
    let d = r.unwrap();
    assert!(
        t0.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was honoured"
    );
    assert_eq!(d.via, Via::Export);
    assert_eq!(d.skipped, ["Condition"]);
    let out = tmp.path().join("out");
    let files: Vec<(String, String, u64)> = d
        .files
        .iter()
        .map(|f| {
            let name = f
                .path
                .strip_prefix(&out)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (f.resource_type.clone(), name, f.resources)
        })
        .collect();
    assert_eq!(
        files,
        [
            ("Patient".into(), "Patient-0.ndjson".into(), 2),
            ("Observation".into(), "Observation-0.ndjson".into(), 1),
            ("Observation".into(), "Observation-1.ndjson".into(), 2)
        ]
    );
    assert_eq!(
        lines(&out.join("Observation-1.ndjson"))[1],
        observation("o3", "p2")
    );
    assert_eq!(d.error_files.len(), 1);
    assert_eq!(
        d.error_files[0].path,
        out.join("errors/OperationOutcome-0.ndjson")
    );
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["requiresAccessToken"], false);
    assert_eq!(manifest["transactionTime"], "2026-12-07T00:00:00Z");
    assert_eq!(
        manifest["output"],
        json!([{"type": "Patient", "url": "Patient-0.ndjson", "count": 2},
               {"type": "Observation", "url": "Observation-0.ndjson", "count": 1},
               {"type": "Observation", "url": "Observation-1.ndjson", "count": 2}])
    );
    assert_eq!(
        manifest["error"],
        json!([{"type": "OperationOutcome", "url": "errors/OperationOutcome-0.ndjson", "count": 1}])
    );
    let hits = hits.lock().unwrap();
    assert!(hits.iter().all(|h| h.auth.as_deref() == Some("Bearer tok")));
    assert!(
        !hits.iter().any(|h| h.target == "/files/cond"),
        "a type not asked for is not fetched"
    );
    assert_eq!(
        hits.last().map(|h| (h.method.as_str(), h.target.as_str())),
        Some(("DELETE", "/jobs/7"))
    );
    let polls: Vec<&Progress> = events
        .iter()
        .filter(|e| matches!(e, Progress::Polling { .. }))
        .collect();
    assert!(
        matches!(polls[..], [Progress::Polling { status, next_poll, .. }]
            if status == "50% (Observation)" && *next_poll == Duration::from_secs(1)),
        "{polls:?}"
    );
    assert!(events.iter().any(|e| matches!(
        e,
        Progress::Manifest {
            files: 3,
            resources: Some(5)
        }
    )));
    assert!(events.iter().any(|e| matches!(
        e,
        Progress::FileDone {
            files_done: 3,
            files_total: 3,
            ..
        }
    )));
}

#[tokio::test]
async fn a_failed_download_half_way_leaves_nothing() {
    let (base, hits) = stub(export_server(410)).await;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("out")).unwrap();
    let mut o = opts(&base, &["Patient", "Observation"]);
    o.auth = Auth::Bearer("tok".into());
    o.max_poll_interval = Duration::from_millis(200);
    let (r, _) = run(&o, tmp.path()).await;
    let e = r.unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("download of {base}/files/obs2 answered HTTP 410 Gone: the export file expired")
    );
    assert_eq!(
        left(tmp.path()),
        Vec::<String>::new(),
        "the two files written are removed"
    );
    assert!(
        tmp.path().join("out").is_dir(),
        "a directory that was there stays"
    );
    let hits = hits.lock().unwrap();
    assert_eq!(
        hits.last().map(|h| (h.method.as_str(), h.target.as_str())),
        Some(("DELETE", "/jobs/7"))
    );
}

#[tokio::test]
async fn a_file_of_another_type_or_a_short_count_is_refused() {
    let (base, _) = stub(|base, hit, _| match hit.target.as_str() {
        "/metadata" => capability(true),
        "/Patient/$export?_type=Patient" => resp(202, &[("content-location", "/st")], ""),
        "/st" => fhir_json(
            200,
            &json!({"transactionTime": "t", "request": "r",
            "requiresAccessToken": false, "output": [
                {"type": "Patient", "url": format!("{base}/f"), "count": 2}]}),
        ),
        "/f" => resp(
            200,
            &[],
            format!("{}\n{}\n", patient("p1"), observation("o1", "p1")),
        ),
        _ => outcome(404, "?"),
    })
    .await;
    let tmp = tempfile::tempdir().unwrap();
    let (r, _) = run(&opts(&base, &["Patient"]), tmp.path()).await;
    assert_eq!(
        r.unwrap_err().to_string(),
        format!("unexpected answer from {base}/f: resource 2 is a Observation in the Patient file")
    );
    assert!(!tmp.path().join("out").exists());
}

#[tokio::test]
async fn an_export_that_never_finishes_times_out_and_is_cancelled() {
    let (base, hits) = stub(|base, hit, _| match hit.target.as_str() {
        "/metadata" => capability(true),
        "/Patient/$export?_type=Patient" => {
            resp(202, &[("content-location", &format!("{base}/st"))], "")
        }
        // An HTTP date in the past: poll again at once (at least 100 ms later).
        _ => resp(202, &[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")], ""),
    })
    .await;
    let tmp = tempfile::tempdir().unwrap();
    let mut o = opts(&base, &["Patient"]);
    o.max_wait = Duration::from_secs(1);
    let t0 = Instant::now();
    let (r, events) = run(&o, tmp.path()).await;
    let e = r.unwrap_err();
    assert!(t0.elapsed() < Duration::from_secs(3));
    assert_eq!(
        e.to_string(),
        format!("the export at {base}/st was not finished after 1s (ServerOptions::max_wait)")
    );
    let polls = events
        .iter()
        .filter(|e| matches!(e, Progress::Polling { status, .. } if status == "in progress"))
        .count();
    assert!((5..=11).contains(&polls), "{polls} polls");
    let hits = hits.lock().unwrap();
    let last = hits.last().unwrap();
    assert_eq!(
        (last.method.as_str(), last.target.as_str()),
        ("DELETE", "/st")
    );
    assert!(!tmp.path().join("out").exists());
}

#[tokio::test]
async fn a_directory_with_files_is_not_mixed_into() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("out")).unwrap();
    std::fs::write(tmp.path().join("out/Patient-0.ndjson"), "{}\n").unwrap();
    let (r, _) = run(&opts("http://127.0.0.1:9", &["Patient"]), tmp.path()).await;
    assert!(matches!(r.unwrap_err(), ServerError::DirNotEmpty { .. }));
    assert_eq!(left(tmp.path()), ["Patient-0.ndjson"]);
}

#[tokio::test]
async fn tokens_stay_on_https_or_this_machine() {
    let tmp = tempfile::tempdir().unwrap();
    let mut o = opts("http://fhir.hospital.example/r4", &["Patient"]);
    o.auth = Auth::Bearer("secret".into());
    let (r, _) = run(&o, tmp.path()).await;
    assert_eq!(
        r.unwrap_err().to_string(),
        "refusing to send a bearer token over plain HTTP to http://fhir.hospital.example/r4: use https://"
    );
    let (r, _) = run(
        &opts("https://fhir.hospital.example/r4", &["Patient"]),
        tmp.path(),
    )
    .await;
    assert!(
        r.unwrap_err()
            .to_string()
            .contains("no CA certificate was given")
    );
    let (r, _) = run(
        &opts("http://127.0.0.1:9", &["Patient", "../etc"]),
        tmp.path(),
    )
    .await;
    assert_eq!(
        r.unwrap_err().to_string(),
        "\"../etc\" is not a FHIR resource type name"
    );
    assert!(format!("{o:?}").contains("Bearer(<redacted>)"));
    assert_eq!(Mode::default(), Mode::Auto);
}

#[test]
fn the_download_future_can_be_spawned() {
    fn send<T: Send>(_: &T) {}
    let o = opts("http://127.0.0.1:9", &["Patient"]);
    let dir = std::path::PathBuf::from("/nonexistent");
    let f = sharestat_client::fhir_server::download(&o, &dir, &|_| {});
    send(&f);
}
