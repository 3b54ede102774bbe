//! Three real nodes (TLS API, mutual-TLS peer links) run jobs across the consortium.
mod common;
use serde_json::{Value, json};

/// The value printed by a one-statement query job.
fn sum_of(job: &Value) -> f64 {
    job["result"]["outputs"][0]["value"]
        .as_f64()
        .unwrap_or(f64::NAN)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_job_runs_on_all_three_nodes_and_returns_the_right_answer() {
    let c = common::start(10).await;
    c.study("adrenal").await;
    let owner = c
        .user(
            "munich_owner",
            "data_owner",
            Some("adrenal"),
            Some("munich"),
        )
        .await;
    let researcher = c.user("rita", "researcher", Some("adrenal"), None).await;
    let ages: Vec<i64> = (0..1000).map(|i| 18 + (i * 37) % 80).collect();
    c.upload(&owner, "adrenal", "munich", "munich", &ages).await;

    // Metadata is listed; no values are.
    let list: Vec<Value> = c
        .client(2, &researcher)
        .get("/api/v1/studies/adrenal/datasets")
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["rows"], 1000);
    assert_eq!(list[0]["site"], "munich");
    assert!(list[0].get("shares").is_none());

    // Submitted at node 1 (the front), computed by all three.
    let spec = json!({"kind": "query", "study": "adrenal", "text": "sum(load(\"munich\")$age)"});
    let job: Value = c
        .client(1, &researcher)
        .post("/api/v1/jobs?wait_secs=60", &spec)
        .await
        .unwrap();
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(sum_of(&job), ages.iter().sum::<i64>() as f64, "{job}");
    assert_eq!(job["front"], 1);
    // Every node recorded the same job and result.
    for i in [0, 2] {
        let j: Value = c
            .client(i, &researcher)
            .get(&format!(
                "/api/v1/jobs/{}?wait_secs=10",
                job["id"].as_str().unwrap()
            ))
            .await
            .unwrap();
        // The same outputs (each node counts the bytes its own party sent).
        assert_eq!(j["result"]["outputs"], job["result"]["outputs"]);
        assert_eq!(
            j["result"]["communication_rounds"],
            job["result"]["communication_rounds"]
        );
    }

    // Concurrent jobs on different fronts do not mix their messages. Three researchers: one
    // researcher's third query at once would meet `max_concurrent_queries` (2) whenever the
    // three overlap, which depends on timing.
    let others = [
        researcher.clone(),
        c.user("rafa", "researcher", Some("adrenal"), None).await,
        c.user("remi", "researcher", Some("adrenal"), None).await,
    ];
    let fut = |i: usize| {
        let cl = c.client(i, &others[i]);
        let spec = spec.clone();
        async move {
            cl.post::<Value>("/api/v1/jobs?wait_secs=60", &spec)
                .await
                .unwrap()
        }
    };
    let (a, b, d) = tokio::join!(fut(0), fut(1), fut(2));
    for j in [a, b, d] {
        assert_eq!(sum_of(&j), ages.iter().sum::<i64>() as f64, "{j}");
    }

    // The administrator's self-test.
    let st: Value = c.admins[0]
        .post(
            "/api/v1/jobs?wait_secs=60",
            &json!({"kind": "self_test", "rows": 100, "rounds": 3}),
        )
        .await
        .unwrap();
    assert_eq!(st["state"], "done", "{st}");
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_peer_refuses_a_job_its_own_accounts_do_not_allow() {
    let c = common::start(10).await;
    c.study("s1").await;
    let owner = c.user("owner", "data_owner", Some("s1"), Some("a")).await;
    c.upload(&owner, "s1", "a", "d", &[1, 2, 3]).await;
    // Researcher on nodes 0 and 1 only: node 2's administrator never granted the role.
    let r: Value = c.admins[0]
        .post(
            "/api/v1/users",
            &json!({"name": "eve", "grants": [{"role": "researcher", "study": "s1"}]}),
        )
        .await
        .unwrap();
    let token = r["token"].as_str().unwrap().to_string();
    let hash = sharestat_node::token::hash_hex(&token);
    let _: Value = c.admins[1]
        .post("/api/v1/users", &json!({"name": "eve", "grants": [{"role": "researcher", "study": "s1"}], "token_sha256": hash}))
        .await
        .unwrap();
    let _: Value = c.admins[2]
        .post(
            "/api/v1/users",
            &json!({"name": "eve", "token_sha256": hash}),
        )
        .await
        .unwrap();
    let spec = json!({"kind": "query", "study": "s1", "text": "sum(load(\"d\")$age)"});
    let err = c
        .client(0, &token)
        .post::<Value>("/api/v1/jobs", &spec)
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("node2") && msg.contains("refused"), "{msg}");
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cancelled_job_stops_on_all_three_nodes() {
    let c = common::start(10).await;
    let long = json!({"kind": "self_test", "rows": 10, "rounds": 1_000_000});
    let job: Value = c.admins[0].post("/api/v1/jobs", &long).await.unwrap();
    let id = job["id"].as_str().unwrap().to_string();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let v: Value = c.admins[0]
        .post(&format!("/api/v1/jobs/{id}/cancel"), &json!({}))
        .await
        .unwrap();
    assert_eq!(v["state"], "cancelled", "{v}");
    for i in 1..3 {
        let j: Value = c.admins[i]
            .get(&format!("/api/v1/jobs/{id}?wait_secs=15"))
            .await
            .unwrap();
        assert_eq!(j["state"], "cancelled", "node {i}: {j}");
    }
    let next: Value = c.admins[0]
        .post(
            "/api/v1/jobs?wait_secs=30",
            &json!({"kind": "self_test", "rows": 5, "rounds": 2}),
        )
        .await
        .unwrap();
    assert_eq!(next["state"], "done", "{next}");
    c.shutdown().await;
}
