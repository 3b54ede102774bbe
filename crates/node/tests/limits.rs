//! The study policy's cost limits against three real nodes: the row limit stops the doubling
//! attack, a query past `max_query_seconds` or `max_query_traffic_mb` is cancelled on all
//! three nodes and the next one runs, a user past `max_concurrent_queries` gets 429, begin-uploads are bounded, and staged
//! uploads expire everywhere with their shares removed and the expiry audited.
mod common;
use serde_json::{Value, json};
use sharestat_node::local::integer_dictionary;
use sharestat_store::UploadState;
use sharestat_wire::ClientError;
use std::time::{Duration, SystemTime};

fn ages() -> Vec<i64> {
    (0..100).map(|i| 30 + (i * 37) % 60).collect()
}

async fn query(
    c: &common::TestConsortium,
    front: usize,
    token: &str,
    study: &str,
    text: &str,
) -> Result<Value, ClientError> {
    let body = json!({"kind": "query", "study": study, "text": text});
    c.client(front, token)
        .post::<Value>("/api/v1/jobs?wait_secs=120", &body)
        .await
}

/// Waits (up to 30 s) until no node counts a job of `user`: a peer releases its slot when its
/// side of the job has finished, a moment after the front answered.
async fn no_slots_left(c: &common::TestConsortium, user: &str) {
    for _ in 0..600 {
        if (0..3).all(|i| c.node(i).state().jobs.slots.held(user) == 0) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let held: Vec<u32> = (0..3)
        .map(|i| c.node(i).state().jobs.slots.held(user))
        .collect();
    panic!("slots of {user} still held: {held:?}");
}

fn status(r: Result<Value, ClientError>) -> (u16, String) {
    match r {
        Err(ClientError::Api { status, problem }) => (
            status.as_u16(),
            format!("{}: {}", problem.kind, problem.detail),
        ),
        other => panic!("expected a problem, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_doubling_attack_is_refused_before_it_costs_anything() {
    let c = common::start(10).await;
    c.create_study(
        "s",
        &integer_dictionary("s", &["age"]),
        "allow_extremes = true\n",
    )
    .await
    .unwrap();
    let owner = c.user("o", "data_owner", Some("s"), Some("munich")).await;
    let rita = c.user("rita", "researcher", Some("s"), None).await;
    c.upload(&owner, "s", "munich", "munich", &ages()).await;
    let mut text = String::from("d <- load(\"munich\")\nx <- d$age\n");
    for _ in 0..17 {
        text.push_str("x <- c(x, x)\n");
    }
    text.push_str("median(x)");
    let job = query(&c, 0, &rita, "s", &text).await.unwrap();
    assert_eq!(job["state"], "failed", "{job}");
    let err = job["error"].as_str().unwrap();
    // A copy of the dataset's rows is refused at the first doubling (distinct_rows); the
    // row limit (max_rows) is the second line of defence (crates/lang/tests/limits.rs).
    assert!(
        err.contains("(distinct_rows)") && err.contains("`c(x, x)`"),
        "{err}"
    );
    assert!(err.starts_with("line 3, column 6"), "{err}");
    // Every node refused it the same way, and the next query runs.
    for i in 1..3 {
        let id = job["id"].as_str().unwrap();
        let j: Value = c
            .client(i, &rita)
            .get(&format!("/api/v1/jobs/{id}?wait_secs=30"))
            .await
            .unwrap();
        assert_eq!(j["state"], "failed", "node {i}: {j}");
    }
    let ok = query(&c, 1, &rita, "s", "d <- load(\"munich\")\nmedian(d$age)")
        .await
        .unwrap();
    assert_eq!(ok["state"], "done", "{ok}");
    c.shutdown().await;
}

/// A study `slow` under `policy` and a study `s` under the defaults, both with the ages
/// uploaded by Munich's owner; returns the researcher's token (granted in both).
async fn two_studies(c: &common::TestConsortium, policy: &str) -> String {
    let dict = integer_dictionary("slow", &["age"]);
    c.create_study("slow", &dict, policy).await.unwrap();
    c.create_study("s", &integer_dictionary("s", &["age"]), "")
        .await
        .unwrap();
    let owner = c
        .user("o", "data_owner", Some("slow"), Some("munich"))
        .await;
    let rita = c.user("rita", "researcher", Some("slow"), None).await;
    for (i, a) in c.admins.iter().enumerate() {
        let g = json!({"role": "researcher", "study": "s"});
        let _: Value = a.post("/api/v1/users/rita/grants", &g).await.unwrap();
        let g = json!({"role": "data_owner", "study": "s", "site": "munich"});
        let _: Value = a
            .post("/api/v1/users/o/grants", &g)
            .await
            .unwrap_or_else(|e| panic!("node {i}: {e}"));
    }
    c.upload(&owner, "slow", "munich", "munich", &ages()).await;
    c.upload(&owner, "s", "munich", "munich", &ages()).await;
    rita
}

/// `n` secure multiplications of 100 rows, each a round trip, then a sum.
fn many_products(n: usize) -> String {
    let mut long = String::from("d <- load(\"munich\")\n");
    for _ in 0..n {
        long.push_str("y <- d$age * d$age\n");
    }
    long.push_str("sum(y)");
    long
}

/// `job` (answered by the front) was cancelled on all three nodes for the limit named
/// `limit` (the error also holds `detail`), the cancellation was audited by one node, the
/// consortium then runs the next query at every front, and no concurrency slot is left.
async fn cancelled_everywhere(
    c: &common::TestConsortium,
    rita: &str,
    job: &Value,
    limit: &str,
    detail: &str,
) {
    assert_eq!(job["state"], "cancelled", "{job}");
    let err = job["error"].as_str().unwrap();
    assert!(err.contains(limit) && err.contains(detail), "{err}");
    let id = job["id"].as_str().unwrap();
    for i in 1..3 {
        let j: Value = c
            .client(i, rita)
            .get(&format!("/api/v1/jobs/{id}?wait_secs=30"))
            .await
            .unwrap();
        assert_eq!(j["state"], "cancelled", "node {i}: {j}");
        assert!(
            j["error"].as_str().unwrap().contains(limit),
            "node {i}: {j}"
        );
    }
    // The cancellation is audited by the node that stopped it first (before it told the
    // others), so once all three have cancelled it, one of them holds the entry.
    let audited = (0..3).any(|i| {
        let audit = c
            .node(i)
            .state()
            .store
            .audit(0, 10_000, Some("slow"))
            .unwrap();
        audit
            .iter()
            .any(|e| e.action == "job.limit" && e.job.as_deref() == Some(id))
    });
    assert!(audited, "no node audited the cancellation");
    // The consortium keeps serving: the next query (another study, other fronts) runs.
    for front in [1, 2, 0] {
        let ok = query(c, front, rita, "s", "d <- load(\"munich\")\nsum(d$age)")
            .await
            .unwrap();
        assert_eq!(ok["state"], "done", "front {front}: {ok}");
        assert_eq!(
            ok["result"]["outputs"][0]["value"],
            json!(ages().iter().sum::<i64>() as f64)
        );
    }
    // No concurrency slot is left behind.
    no_slots_left(c, "rita").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_query_past_its_wall_time_is_cancelled_everywhere_and_the_next_runs() {
    let c = common::start(10).await;
    // A limit of 1 ms, against a query of 10 000 secure multiplications (each a round trip
    // between the nodes): it cannot finish in time.
    let rita = two_studies(&c, "max_query_seconds = 0.001\n").await;
    let job = query(&c, 0, &rita, "slow", &many_products(10_000))
        .await
        .unwrap();
    cancelled_everywhere(&c, &rita, &job, "max_query_seconds", "0.001 s").await;
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_query_past_its_traffic_is_cancelled_everywhere_and_the_next_runs() {
    let c = common::start(10).await;
    // 10 kB a node, against 200 products of 100 rows (each node sends 808 bytes a product):
    // the 13th product would exceed it, whatever the timing.
    let rita = two_studies(&c, "max_query_traffic_mb = 0.01\n").await;
    let job = query(&c, 0, &rita, "slow", &many_products(200))
        .await
        .unwrap();
    cancelled_everywhere(&c, &rita, &job, "max_query_traffic_mb", "limit of 0.01 MB").await;
    // A query within the budget runs in the same study.
    let ok = query(&c, 2, &rita, "slow", &many_products(5))
        .await
        .unwrap();
    assert_eq!(ok["state"], "done", "{ok}");
    assert!(
        ok["result"]["bytes_sent"].as_u64().unwrap() <= 10_000,
        "{ok}"
    );
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_users_next_concurrent_query_gets_429() {
    let c = common::start(10).await;
    c.create_study(
        "s",
        &integer_dictionary("s", &["age"]),
        "max_concurrent_queries = 1\n",
    )
    .await
    .unwrap();
    let owner = c.user("o", "data_owner", Some("s"), Some("munich")).await;
    let rita = c.user("rita", "researcher", Some("s"), None).await;
    c.upload(&owner, "s", "munich", "munich", &ages()).await;
    let q = "d <- load(\"munich\")\nsum(d$age)";
    // Rita's first query is in flight on node 0 (held deterministically here): her next one
    // at node 0 is refused with 429 naming the limit, before anything is proposed.
    let held = c
        .node(0)
        .state()
        .jobs
        .slots
        .acquire("rita", 1, "node0")
        .unwrap();
    let (code, detail) = status(query(&c, 0, &rita, "s", q).await);
    assert_eq!(code, 429, "{detail}");
    assert!(
        detail.starts_with("urn:sharestat:problem:too-many-queries"),
        "{detail}"
    );
    assert!(detail.contains("max_concurrent_queries = 1"), "{detail}");
    // A query at another front is refused by node 0 as a peer, also with 429.
    let (code, detail) = status(query(&c, 1, &rita, "s", q).await);
    assert_eq!(code, 429, "{detail}");
    assert!(
        detail.contains("refused the job (too-many-queries)")
            && detail.contains("max_concurrent_queries"),
        "{detail}"
    );
    // Other users are not affected, and once the first query ends Rita's next one runs.
    let bob = c.user("bob", "researcher", Some("s"), None).await;
    assert_eq!(query(&c, 0, &bob, "s", q).await.unwrap()["state"], "done");
    drop(held);
    assert_eq!(query(&c, 0, &rita, "s", q).await.unwrap()["state"], "done");
    no_slots_left(&c, "rita").await;
    c.shutdown().await;
}

fn begin(rows: u64) -> Value {
    json!({
        "id": "0123456789abcdef0123456789abcdef", "name": "big", "site": "munich", "rows": rows,
        "columns": [{"name": "age", "kind": "integer"}], "chunk_rows": sharestat_wire::CHUNK_WORDS,
        "replaces": false, "coordinator": 0,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn begin_uploads_are_bounded_and_staged_uploads_expire_everywhere() {
    let c = common::start(10).await;
    c.create_study(
        "s",
        &integer_dictionary("s", &["age"]),
        "max_upload_rows = 1000\n",
    )
    .await
    .unwrap();
    c.study("t").await;
    let owner = c.user("o", "data_owner", Some("s"), Some("munich")).await;
    for a in &c.admins {
        let g = json!({"role": "data_owner", "study": "t", "site": "munich"});
        let _: Value = a.post("/api/v1/users/o/grants", &g).await.unwrap();
    }
    let cl = c.client(0, &owner);
    // 2^62 rows: refused under the default policy, naming the field and the limit.
    let r = cl
        .post::<Value>("/api/v1/studies/t/uploads", &begin(1 << 62))
        .await;
    let (code, detail) = status(r);
    assert_eq!(code, 400, "{detail}");
    assert!(
        detail.contains("rows:")
            && detail.contains("max_upload_rows")
            && detail.contains("10000000"),
        "{detail}"
    );
    // Under the study's own bound of 1000: 1001 refused, 1000 accepted.
    let (code, detail) = status(
        cl.post::<Value>("/api/v1/studies/s/uploads", &begin(1001))
            .await,
    );
    assert_eq!(code, 400, "{detail}");
    assert!(detail.contains("at most 1000 rows"), "{detail}");
    let up: Value = cl
        .post("/api/v1/studies/s/uploads", &begin(1000))
        .await
        .unwrap();
    assert_eq!(up["state"], "open");

    // A staged upload (begun, every chunk sent, never committed) on all three nodes.
    let clients: Vec<_> = (0..3).map(|i| c.client(i, &owner)).collect();
    let id =
        sharestat_node::local::stage_dealt(&clients, "t", "munich", "m", "age", &ages(), false)
            .await
            .unwrap();
    let staged = |i: usize| c.node(i).state().store.upload(&id).unwrap().unwrap();
    let datasets: Vec<String> = (0..3).map(|i| staged(i).dataset_id).collect();
    for i in 0..3 {
        let chunks = c.node(i).state().store.upload_chunks_received(&id).unwrap();
        assert_eq!(chunks, vec![0], "node {i}");
    }
    // Not yet expired now; expired 25 h later (the default expiry is 24 h): the coordinator
    // aborts it on all three nodes.
    let st0 = c.node(0).state();
    assert!(
        sharestat_node::uploads::expiry::sweep(st0, SystemTime::now())
            .await
            .is_empty()
    );
    let later = SystemTime::now() + Duration::from_secs(25 * 3600);
    let expired = sharestat_node::uploads::expiry::sweep(st0, later).await;
    assert!(expired.contains(&id), "{expired:?}");
    for (i, ds) in datasets.iter().enumerate() {
        let up = staged(i);
        assert_eq!(up.state, UploadState::Aborted, "node {i}");
        let chunks = c.node(i).state().store.upload_chunks_received(&id).unwrap();
        assert!(chunks.is_empty(), "node {i}: {chunks:?}");
        assert!(
            c.node(i).state().store.load_column(ds, "age").is_err(),
            "node {i}"
        );
        let audit = c.node(i).state().store.audit(0, 10_000, Some("t")).unwrap();
        let e = audit
            .iter()
            .find(|e| e.action == "dataset.upload_expired")
            .unwrap_or_else(|| panic!("node {i}: no expiry in the audit log"));
        assert!(
            e.detail.contains(&id) && e.detail.contains("upload_expiry_secs"),
            "{}",
            e.detail
        );
    }
    // A commit after the expiry is refused, and nothing became visible.
    let r = c
        .client(0, &owner)
        .post::<Value>(&format!("/api/v1/uploads/{id}/commit"), &json!({}))
        .await;
    assert!(r.is_err(), "{r:?}");
    for i in 0..3 {
        assert!(
            c.node(i)
                .state()
                .store
                .dataset_by_name("t", "m")
                .unwrap()
                .is_none()
        );
    }
    // A peer expires its own staged uploads too; committed uploads are never touched.
    let id2 =
        sharestat_node::local::stage_dealt(&clients, "t", "munich", "m2", "age", &ages(), false)
            .await
            .unwrap();
    c.upload(&owner, "t", "munich", "kept", &ages()).await;
    let expired = sharestat_node::uploads::expiry::sweep(c.node(2).state(), later).await;
    assert_eq!(expired, vec![id2.clone()]);
    assert_eq!(
        c.node(2).state().store.upload(&id2).unwrap().unwrap().state,
        UploadState::Aborted
    );
    assert_eq!(
        c.node(0).state().store.upload(&id2).unwrap().unwrap().state,
        UploadState::Open
    );
    for i in 0..3 {
        assert!(
            c.node(i)
                .state()
                .store
                .dataset_by_name("t", "kept")
                .unwrap()
                .is_some()
        );
    }
    c.shutdown().await;
}
