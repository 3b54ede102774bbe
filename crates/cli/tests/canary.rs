//! Canary test: a file with unique marker values goes through `sharestat upload` (validation,
//! sharing on the client, chunked upload, two-phase commit) and a job; then every node's data
//! directory, log and API answers are searched for the markers — as text and as the 8-byte
//! words a plaintext copy would hold. None may be found: nodes hold shares only. The same
//! through the local web application (`sharestat ui`), as a data owner's browser uploads.
mod common;
use common::*;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const ROWS: i64 = 40;

fn markers() -> Vec<(i64, i64)> {
    // (integer marker, decimal marker scaled by 100)
    (0..ROWS)
        .map(|i| (735_928_561 + i * 7919, 812_347 + i * 13))
        .collect()
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn needles() -> Vec<(String, Vec<u8>)> {
    let mut n = Vec::new();
    for (a, d) in markers() {
        n.push((format!("text {a}"), a.to_string().into_bytes()));
        n.push((format!("word {a}"), (a as u64).to_le_bytes().to_vec()));
        n.push((
            format!("text {}.{:02}", d / 100, d % 100),
            format!("{}.{:02}", d / 100, d % 100).into_bytes(),
        ));
        n.push((format!("word {d}"), (d as u64).to_le_bytes().to_vec()));
    }
    n
}

fn find(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_node_holds_or_shows_a_plaintext_value() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("consortium");
    let (_nodes, csv) = canary_consortium(&dir).await;
    let file = tmp.path().join("site.csv");
    std::fs::write(&file, csv).unwrap();
    let d = dir.to_str().unwrap();
    let (owner, researcher) = study_with_users(&dir, "canary", DICTIONARY, "a");
    let out = sharestat(&[
        "upload",
        file.to_str().unwrap(),
        "--study",
        "canary",
        "--site",
        "a",
        "--consortium",
        d,
        "--token",
        &owner,
        "--yes",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("committed on all three nodes"), "{text}");

    // A job runs on the shares and reveals only the sum.
    sums_to_the_markers(&dir, &researcher).await;

    search_nodes(&dir, &owner, &researcher).await;
    // Negative control: the search does find the markers in the plaintext file.
    let plain = std::fs::read(&file).unwrap();
    assert!(
        needles()
            .iter()
            .filter(|(w, _)| w.starts_with("text"))
            .all(|(_, n)| find(&plain, n))
    );
}

/// The canary study's dictionary: an integer marker and a decimal one.
const DICTIONARY: &str = "study = \"canary\"\ntitle = \"canary\"\n\n[[columns]]\nname = \"marker\"\ntype = \"integer\"\nmin = 0\nmax = 1000000000000\nrequired = true\n\n[[columns]]\nname = \"weight\"\ntype = \"decimal\"\ndecimals = 2\n";

/// A consortium in `dir`, its three node processes linked, and the site file of the markers.
async fn canary_consortium(dir: &Path) -> (Kill, String) {
    init(dir);
    let nodes = Kill((0..3).map(|i| start_node(dir, i)).collect());
    for i in 0..3 {
        wait_linked(&admin(dir, i)).await;
    }
    let mut csv = String::from("marker,weight\n");
    for (a, d) in markers() {
        csv.push_str(&format!("{a},{}.{:02}\n", d / 100, d % 100));
    }
    (nodes, csv)
}

/// A job runs on the shares and reveals only the sum, which is the markers' sum.
async fn sums_to_the_markers(dir: &Path, researcher: &str) {
    let r = admin(dir, 0).with_token(Some(researcher.to_owned()));
    let job: Value = r
        .post(
            "/api/v1/jobs?wait_secs=30",
            &json!({"kind": "query", "study": "canary", "text": "sum(load(\"a\")$marker)"}),
        )
        .await
        .unwrap();
    assert_eq!(
        job["result"]["outputs"][0]["value"].as_f64(),
        Some(markers().iter().map(|m| m.0).sum::<i64>() as f64),
        "{job}"
    );
}

/// Searches every node's files (databases, logs) and API answers for the markers: none may
/// be found.
async fn search_nodes(dir: &Path, owner: &str, researcher: &str) {
    // Everything the nodes answer, and everything they wrote.
    let mut answers = Vec::new();
    for i in 0..3 {
        let a = admin(dir, i);
        let o = a.with_token(Some(owner.to_owned()));
        let rr = a.with_token(Some(researcher.to_owned()));
        for (c, path) in [
            (&rr, "/api/v1/studies/canary/datasets"),
            (&rr, "/api/v1/studies/canary/datasets/a"),
            (&a, "/api/v1/audit"),
            (&a, "/api/v1/jobs"),
            (&o, "/api/v1/audit?study=canary"),
            (&a, "/api/v1/health"),
        ] {
            let v: Value = c.get(path).await.unwrap();
            answers.push(v.to_string().into_bytes());
        }
    }
    let mut files = Vec::new();
    files_under(dir, &mut files);
    let node_files: Vec<_> = files
        .into_iter()
        .filter(|p| {
            p.components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with("node"))
        })
        .collect();
    assert!(
        node_files
            .iter()
            .any(|p| p.to_string_lossy().contains("sqlite3")),
        "the databases are searched"
    );
    let contents: Vec<(String, Vec<u8>)> = node_files
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read(p).unwrap()))
        .chain(
            answers
                .into_iter()
                .enumerate()
                .map(|(i, a)| (format!("API answer {i}"), a)),
        )
        .collect();
    for (what, needle) in needles() {
        for (name, hay) in &contents {
            assert!(!find(hay, &needle), "{what} found in {name}");
        }
    }
}

/// The same canary uploaded through the local web application (`sharestat ui`), as a data
/// owner's browser does it: the file is checked and shared in the app's process; the nodes
/// then hold no marker in their files, logs or answers. The app shows the file's summary to
/// its own user only: a request without the session gets nothing of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_through_the_browser_app_leaves_no_plaintext() {
    use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, ORIGIN, SET_COOKIE};
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("consortium");
    let (_nodes, csv) = canary_consortium(&dir).await;
    let (owner, researcher) = study_with_users(&dir, "canary", DICTIONARY, "a");
    let ui = sharestat_ui::Ui::start(sharestat_ui::Options {
        consortium: Some(sharestat_cli::ui::consortium(&dir, 0).unwrap()),
        ..Default::default()
    })
    .await
    .unwrap();
    let origin = format!("http://127.0.0.1:{}", ui.addr.port());
    let b = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = b.get(&ui.url).send().await.unwrap();
    assert_eq!(r.headers()[LOCATION], "/");
    let cookie = r.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let r = b
        .post(format!("{origin}/signin"))
        .header(COOKIE, &cookie)
        .header(ORIGIN, &origin)
        .form(&[("token", &owner)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    let boundary = "canary-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"target\"\r\n\r\ncanary|a\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"site.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    let summary = b
        .post(format!("{origin}/upload/check"))
        .header(COOKIE, &cookie)
        .header(ORIGIN, &origin)
        .header(
            CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // To its own user the app shows the file's summary: the smallest marker is in it.
    let first = markers()[0].0;
    assert!(summary.contains(&format!("{first} .. ")), "{summary}");
    let done = b
        .post(format!("{origin}/upload/confirm"))
        .header(COOKIE, &cookie)
        .header(ORIGIN, &origin)
        .form(&[("name", "a")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(done.contains("Committed on all three nodes"), "{done}");
    // To anyone else: nothing.
    for path in ["/upload", "/upload/progress", "/upload/errors.csv", "/"] {
        let r = b.get(format!("{origin}{path}")).send().await.unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::UNAUTHORIZED, "{path}");
        let text = r.text().await.unwrap();
        for (what, needle) in needles() {
            assert!(!find(text.as_bytes(), &needle), "{what} in {path}");
        }
    }
    ui.stop();
    // The shares sum to the markers' sum; the nodes hold no marker anywhere.
    sums_to_the_markers(&dir, &researcher).await;
    search_nodes(&dir, &owner, &researcher).await;
}
