//! Canary test: a file with unique marker values goes through `sharestat upload` (validation,
//! sharing on the client, chunked upload, two-phase commit) and a job; then every node's data
//! directory, log and API answers are searched for the markers — as text and as the 8-byte
//! words a plaintext copy would hold. None may be found: nodes hold shares only.
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
    init(&dir);
    let _nodes = Kill((0..3).map(|i| start_node(&dir, i)).collect());
    for i in 0..3 {
        wait_linked(&admin(&dir, i)).await;
    }
    let dict = "study = \"canary\"\ntitle = \"canary\"\n\n[[columns]]\nname = \"marker\"\ntype = \"integer\"\nmin = 0\nmax = 1000000000000\nrequired = true\n\n[[columns]]\nname = \"weight\"\ntype = \"decimal\"\ndecimals = 2\n";
    let mut csv = String::from("marker,weight\n");
    for (a, d) in markers() {
        csv.push_str(&format!("{a},{}.{:02}\n", d / 100, d % 100));
    }
    let file = tmp.path().join("site.csv");
    std::fs::write(&file, csv).unwrap();
    let d = dir.to_str().unwrap();
    let (owner, researcher) = study_with_users(&dir, "canary", dict, "a");
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
    let r = admin(&dir, 0).with_token(Some(researcher.clone()));
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

    // Everything the nodes answer, and everything they wrote.
    let mut answers = Vec::new();
    for i in 0..3 {
        let a = admin(&dir, i);
        let o = a.with_token(Some(owner.clone()));
        let rr = a.with_token(Some(researcher.clone()));
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
    files_under(&dir, &mut files);
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
    // Negative control: the search does find the markers in the plaintext file.
    let plain = std::fs::read(&file).unwrap();
    assert!(
        needles()
            .iter()
            .filter(|(w, _)| w.starts_with("text"))
            .all(|(_, n)| find(&plain, n))
    );
}
