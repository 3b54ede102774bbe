//! The `sharestat` binary end to end: `consortium init`, three `sharestat node` processes with
//! real TLS on 127.0.0.1, administration through the CLI, a node killed during a job and
//! restarted, and audit verification that catches a tampered entry.
mod common;
use common::*;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_node_fails_the_job_clearly_and_rejoins_after_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let dir: PathBuf = tmp.path().join("consortium");
    init(&dir);
    let mut nodes = Kill((0..3).map(|i| start_node(&dir, i)).collect());
    for i in 0..3 {
        wait_linked(&admin(&dir, i)).await;
    }
    let d = dir.to_str().unwrap();
    let dict = sharestat_node::local::integer_dictionary("adrenal", &["age"]);
    let (owner, researcher) = study_with_users(&dir, "adrenal", &dict, "munich");
    let ages: Vec<i64> = (0..48).map(|i| 40 + i % 37).collect();
    upload(&dir, &owner, &ages).await;

    // A long self-test from node 0; node 2 is killed while it runs.
    let a0 = admin(&dir, 0);
    let job: Value = a0
        .post(
            "/api/v1/jobs",
            &json!({"kind": "self_test", "rows": 10, "rounds": 1_000_000}),
        )
        .await
        .unwrap();
    let id = job["id"].as_str().unwrap().to_string();
    tokio::time::sleep(Duration::from_millis(800)).await;
    let running: Value = a0.get(&format!("/api/v1/jobs/{id}")).await.unwrap();
    assert_eq!(running["state"], "running", "{running}");
    nodes.0[2].kill().unwrap();
    nodes.0[2].wait().unwrap();
    let killed = Instant::now();
    let failed: Value = a0
        .get(&format!("/api/v1/jobs/{id}?wait_secs=30"))
        .await
        .unwrap();
    let took = killed.elapsed();
    assert_eq!(failed["state"], "failed", "{failed}");
    let err = failed["error"].as_str().unwrap();
    assert!(err.contains("node2"), "the error names the node: {err}");
    assert!(took < Duration::from_secs(11), "reported after {took:?}");
    let a1 = admin(&dir, 1);
    let on1: Value = a1
        .get(&format!("/api/v1/jobs/{id}?wait_secs=30"))
        .await
        .unwrap();
    assert_eq!(on1["state"], "failed", "node 1 dropped the job too: {on1}");

    // Restart node 2: it rejoins, kept its shares, and serves the next job.
    nodes.0[2] = start_node(&dir, 2);
    for i in 0..3 {
        wait_linked(&admin(&dir, i)).await;
    }
    let r2 = admin(&dir, 2).with_token(Some(researcher.clone()));
    let ds: Vec<Value> = r2.get("/api/v1/studies/adrenal/datasets").await.unwrap();
    assert_eq!(ds[0]["rows"], 48, "node 2's shares survived the restart");
    let sum: Value = r2
        .post(
            "/api/v1/jobs?wait_secs=60",
            &json!({"kind": "query", "study": "adrenal", "text": "sum(load(\"munich\")$age)"}),
        )
        .await
        .unwrap();
    assert_eq!(
        sum["result"]["outputs"][0]["value"].as_f64(),
        Some(ages.iter().sum::<i64>() as f64),
        "{sum}"
    );

    // The three audit logs verify and agree on the shared jobs.
    let out = sharestat(&["audit", "verify", "--consortium", d]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 completed jobs cross-checked"), "{text}");

    // Tamper with one stored entry of node 1: both verifications name it.
    let db = dir.join("node1/data/node.sqlite3");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'nothing happened' WHERE seq = 2;",
    )
    .unwrap();
    drop(conn);
    let out = sharestat(&["audit", "verify", "--consortium", d]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(text.contains("node1: chain BROKEN at entry 2"), "{text}");
    let out = sharestat(&[
        "audit",
        "verify",
        "--data-dir",
        dir.join("node1/data").to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(text.contains("BROKEN at entry 2"), "{text}");
}
