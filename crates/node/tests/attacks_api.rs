//! Side doors of the API, tried as an adversarial caller would (issue 13, "No side doors" and
//! "Also"), against three real nodes over real TLS:
//!
//! - the removed raw job kinds (`sum` of a column, with no disclosure rule) are refused with a
//!   400 naming `kind`, nothing is computed, and the OpenAPI document no longer offers them;
//! - `load(study, name)` of a study other than the query's is refused on every node, whatever
//!   grants the caller holds;
//! - authentication and roles are checked before a request body is read: garbage or a huge
//!   body gets 401/403, never a 400/422 describing the route;
//! - over HTTP/2, a forbidden POST gets its 403 (with or without a body the node never reads).
mod common;
use reqwest::{Method, StatusCode, Version};
use serde_json::{Value, json};

/// A reqwest client of node `i` that trusts the consortium CA; HTTP/2 only if `h2`.
fn http(c: &common::TestConsortium, h2: bool) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(c.ca.as_bytes()).unwrap();
    let b = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(ca)
        .timeout(std::time::Duration::from_secs(60));
    let b = if h2 { b.http2_prior_knowledge() } else { b };
    b.build().unwrap()
}

fn url(c: &common::TestConsortium, i: usize, path: &str) -> String {
    format!("https://{}{path}", c.node(i).api_addr)
}

/// Sends `body` as raw bytes with `token`; returns the status, the HTTP version and the body.
async fn send(
    cl: &reqwest::Client,
    m: Method,
    url: &str,
    token: Option<&str>,
    body: Vec<u8>,
) -> (StatusCode, Version, Value) {
    let mut rq = cl
        .request(m, url)
        .header("content-type", "application/json")
        .body(body);
    if let Some(t) = token {
        rq = rq.bearer_auth(t);
    }
    let resp = rq.send().await.unwrap_or_else(|e| panic!("{url}: {e:?}"));
    let (st, v) = (resp.status(), resp.version());
    let bytes = resp.bytes().await.unwrap_or_default();
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (st, v, value)
}

/// Study `id` with an `age` column, policy `min_cell = 5`, and dataset `name` of 100 patients
/// (one of them 95) uploaded by a data owner of site `name`. Returns the owner's token.
async fn study_with_data(c: &common::TestConsortium, id: &str, name: &str) -> String {
    c.study(id).await;
    let owner = c
        .user(&format!("{id}_owner"), "data_owner", Some(id), Some(name))
        .await;
    let mut ages: Vec<i64> = (0..99).map(|i| 30 + (i * 37) % 50).collect();
    ages.push(95);
    c.upload(&owner, id, name, name, &ages).await;
    owner
}

/// Grants `user` the researcher role in `study` on all three nodes.
async fn grant_researcher(c: &common::TestConsortium, user: &str, study: &str) {
    for a in &c.admins {
        let _: Value = a
            .post(
                &format!("/api/v1/users/{user}/grants"),
                &json!({"role": "researcher", "study": study}),
            )
            .await
            .unwrap();
    }
}

/// Jobs the nodes recorded (as the administrator sees them), per node.
async fn job_counts(c: &common::TestConsortium) -> Vec<usize> {
    let mut n = Vec::new();
    for a in &c.admins {
        let jobs: Vec<Value> = a.get("/api/v1/jobs").await.unwrap();
        n.push(jobs.len());
    }
    n
}

fn query(study: &str, text: &str) -> Value {
    json!({"kind": "query", "study": study, "text": text})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn raw_job_kinds_are_refused_naming_kind_and_compute_nothing() {
    let c = common::start(10).await;
    study_with_data(&c, "adrenal", "munich").await;
    let rita = c.user("rita", "researcher", Some("adrenal"), None).await;
    let raw = |kind: Value, column: &str| json!({"kind": kind, "study": "adrenal", "dataset": "munich", "column": column});
    // The attack of the issue, then variants: other aggregates, another column, a casing,
    // a kind that is not a string, no kind at all, and at every front.
    let attempts = [
        (0, raw(json!("sum"), "primary=kidney")),
        (1, raw(json!("sum"), "age")),
        (2, raw(json!("mean"), "age")),
        (0, raw(json!("Sum"), "age")),
        (1, raw(json!(["sum"]), "age")),
        (
            2,
            json!({"study": "adrenal", "dataset": "munich", "column": "age"}),
        ),
    ];
    for (front, body) in attempts {
        let (st, p) = c
            .client(front, &rita)
            .raw(Method::POST, "/api/v1/jobs?wait_secs=10", Some(&body))
            .await
            .unwrap();
        assert_eq!(st, StatusCode::BAD_REQUEST, "{body}: {p}");
        assert_eq!(p["type"], "urn:sharestat:problem:bad-request", "{p}");
        let detail = p["detail"].as_str().unwrap();
        assert!(detail.contains("kind"), "{body}: {detail}");
        assert!(
            detail.contains("query"),
            "points to the query kind: {detail}"
        );
    }
    let (_, p) = c
        .client(0, &rita)
        .raw(
            Method::POST,
            "/api/v1/jobs",
            Some(&raw(json!("sum"), "age")),
        )
        .await
        .unwrap();
    assert!(p["detail"].as_str().unwrap().contains("\"sum\""), "{p}");
    assert_eq!(job_counts(&c).await, [0, 0, 0], "nothing was computed");

    // The document offers only query and self_test.
    let doc: Value = c.admins[0].get("/api/v1/openapi.json").await.unwrap();
    let spec = doc["components"]["schemas"]["JobSpec"].to_string();
    assert!(
        spec.contains("\"query\"") && spec.contains("\"self_test\""),
        "{spec}"
    );
    for gone in ["\"sum\"", "\"column\"", "\"dataset\""] {
        assert!(!spec.contains(gone), "JobSpec still offers {gone}: {spec}");
    }

    // The same computation as a query goes through the policy: the total is released, the
    // one patient over 90 is not.
    let (st, job) = c
        .client(1, &rita)
        .raw(
            Method::POST,
            "/api/v1/jobs?wait_secs=60",
            Some(&query("adrenal", "d <- load(\"munich\")\nsum(d$age)")),
        )
        .await
        .unwrap();
    assert!(st.is_success(), "{job}");
    assert_eq!(job["state"], "done", "{job}");
    for text in [
        "d <- load(\"munich\")\nsum(d$age[d$age > 90])",
        "d <- load(\"munich\")\nsum(subset(d, age > 90)$age)",
    ] {
        let (_, job) = c
            .client(2, &rita)
            .raw(
                Method::POST,
                "/api/v1/jobs?wait_secs=60",
                Some(&query("adrenal", text)),
            )
            .await
            .unwrap();
        assert_eq!(job["state"], "failed", "{text}: {job}");
        let err = job["error"].as_str().unwrap();
        assert!(err.contains("disclosure control"), "{text}: {err}");
        assert!(!err.contains("95"), "the refusal hides the value: {err}");
    }
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn load_of_another_study_is_refused_whatever_the_grants() {
    let c = common::start(10).await;
    study_with_data(&c, "a", "munich").await;
    // Study b has a dataset of the same name and one of its own.
    let owner_b = study_with_data(&c, "b", "munich").await;
    c.upload(&owner_b, "b", "munich", "rome_b", &[40; 20]).await;
    let alice = c.user("alice", "researcher", Some("a"), None).await;
    let attacks = [
        "d <- load(\"b\", \"munich\")\nsum(d$age)",
        "sum(load(\"b\", \"rome_b\")$age)",
        "x <- load(study = \"b\", name = \"munich\")$age\nmean(x)",
        "d <- rbind(load(\"munich\"), load(\"b\", \"munich\"))\nnrow(d)",
    ];
    let refused = |who: String, jobs_before: Vec<usize>| {
        let c = &c;
        async move {
            for (i, text) in attacks.iter().enumerate() {
                let front = i % 3;
                let (st, p) = c
                    .client(front, &who)
                    .raw(
                        Method::POST,
                        "/api/v1/jobs?wait_secs=30",
                        Some(&query("a", text)),
                    )
                    .await
                    .unwrap();
                assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{text}: {p}");
                let d = p["detail"].as_str().unwrap();
                assert!(
                    d.contains("reads study b") && d.contains("runs in study a"),
                    "{text}: {d}"
                );
            }
            assert_eq!(job_counts(c).await, jobs_before, "nothing ran");
        }
    };
    // A researcher of a only.
    refused(alice.clone(), vec![0, 0, 0]).await;
    // In study b itself she is no researcher.
    let (st, p) = c
        .client(0, &alice)
        .raw(
            Method::POST,
            "/api/v1/jobs",
            Some(&query("b", "sum(load(\"munich\")$age)")),
        )
        .await
        .unwrap();
    assert_eq!(st, StatusCode::FORBIDDEN, "{p}");
    // With grants in both studies, still refused: a query reads one study.
    grant_researcher(&c, "alice", "b").await;
    refused(alice.clone(), vec![0, 0, 0]).await;
    // Her own study, named or not, and study b run in study b, work.
    for (study, text) in [
        ("a", "sum(load(\"a\", \"munich\")$age)"),
        ("a", "sum(load(\"munich\")$age)"),
        ("b", "sum(load(\"b\", \"rome_b\")$age)"),
    ] {
        let job: Value = c
            .client(1, &alice)
            .post("/api/v1/jobs?wait_secs=60", &query(study, text))
            .await
            .unwrap();
        assert_eq!(job["state"], "done", "{text}: {job}");
    }
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn roles_are_checked_before_bodies_are_read() {
    let c = common::start(10).await;
    let owner = study_with_data(&c, "s1", "munich").await;
    let rita = c.user("rita", "researcher", Some("s1"), None).await;
    let made: Value = c.admins[0]
        .post("/api/v1/users", &json!({"name": "nobody"}))
        .await
        .unwrap();
    let nobody = made["token"].as_str().unwrap().to_string();
    let cl = http(&c, false);
    let garbage: Vec<Vec<u8>> = vec![
        b"{not json".to_vec(),
        b"{\"kind\": 7}".to_vec(),
        vec![0xff; 1000],
        vec![b'['; 100_000],
    ];
    // Every route with a body, from the document: anonymous 401, no role 403.
    let doc: Value = c.admins[0].get("/api/v1/openapi.json").await.unwrap();
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ["post", "put"] {
            if ops.get(method).is_none() {
                continue;
            }
            let concrete = path
                .replace("{study}", "s1")
                .replace("{user}", "admin")
                .replace("{job}", "not-a-job-id")
                .replace("{upload}", "not-an-upload")
                .replace("{chunk}", "not-a-number");
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            for body in &garbage {
                // `nobody` exists on node 0 only.
                let u = url(&c, 0, &concrete);
                let (st, _, p) = send(&cl, m.clone(), &u, None, body.clone()).await;
                assert_eq!(st, StatusCode::UNAUTHORIZED, "{method} {path}: {p}");
                let (st, _, p) = send(&cl, m.clone(), &u, Some(&nobody), body.clone()).await;
                assert_eq!(st, StatusCode::FORBIDDEN, "{method} {path}: {p}");
                assert_eq!(p["type"], "urn:sharestat:problem:forbidden", "{p}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 12, "checked {checked} routes with a body");
    // A data owner on researcher-only and admin-only routes; a researcher on data-owner
    // routes; with garbage and with a 64 MiB body that is never read.
    let huge = vec![b'{'; 64 << 20];
    for (who, m, path) in [
        (&owner, Method::POST, "/api/v1/jobs"),
        (&owner, Method::POST, "/api/v1/studies"),
        (&owner, Method::POST, "/api/v1/users/rita/grants"),
        (&rita, Method::POST, "/api/v1/studies/s1/uploads"),
        (&rita, Method::POST, "/api/v1/studies/s1/uploads/relay"),
        (
            &rita,
            Method::PUT,
            "/api/v1/uploads/0123456789abcdef0123456789abcdef/chunks/x",
        ),
        (&rita, Method::POST, "/api/v1/uploads/zz/commit"),
    ] {
        for body in [garbage[0].clone(), huge.clone()] {
            let t = std::time::Instant::now();
            let (st, _, p) = send(&cl, m.clone(), &url(&c, 1, path), Some(who), body).await;
            assert_eq!(st, StatusCode::FORBIDDEN, "{m} {path}: {p}");
            assert!(
                !p["detail"].as_str().unwrap_or("").contains("JSON"),
                "the refusal says nothing about the body: {p}"
            );
            assert!(
                t.elapsed().as_secs() < 30,
                "{m} {path} took {:?}",
                t.elapsed()
            );
        }
    }
    // With the role, the same garbage is a 400 that names what is wrong.
    let (st, _, p) = send(
        &cl,
        Method::POST,
        &url(&c, 0, "/api/v1/jobs"),
        Some(&rita),
        garbage[0].clone(),
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{p}");
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_forbidden_post_over_http2_gets_its_403() {
    let c = common::start(10).await;
    let owner = study_with_data(&c, "s1", "munich").await;
    let rita = c.user("rita", "researcher", Some("s1"), None).await;
    let h2 = http(&c, true);
    let job = serde_json::to_vec(&query("s1", "sum(load(\"munich\")$age)")).unwrap();
    // Forbidden: a small body, a body larger than the HTTP/2 windows (never read), none, and
    // an unauthenticated one; on every node.
    let bodies: [Vec<u8>; 3] = [job.clone(), vec![b' '; 8 << 20], Vec::new()];
    for i in 0..3 {
        for body in &bodies {
            let u = url(&c, i, "/api/v1/jobs");
            let (st, v, p) = send(&h2, Method::POST, &u, Some(&owner), body.clone()).await;
            assert_eq!(v, Version::HTTP_2, "spoken over HTTP/2");
            assert_eq!(
                st,
                StatusCode::FORBIDDEN,
                "node {i}, {} bytes: {p}",
                body.len()
            );
            assert_eq!(p["type"], "urn:sharestat:problem:forbidden", "{p}");
            let (st, _, _) = send(&h2, Method::POST, &u, None, body.clone()).await;
            assert_eq!(st, StatusCode::UNAUTHORIZED, "node {i}");
        }
        // A forbidden upload of a researcher over HTTP/2.
        let u = url(&c, i, "/api/v1/studies/s1/uploads");
        let (st, _, p) = send(&h2, Method::POST, &u, Some(&rita), vec![b'x'; 1 << 20]).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{p}");
    }
    // The connection stays usable: an allowed POST over HTTP/2 then runs.
    let (st, v, p) = send(
        &h2,
        Method::POST,
        &url(&c, 2, "/api/v1/jobs?wait_secs=60"),
        Some(&rita),
        job,
    )
    .await;
    assert_eq!(v, Version::HTTP_2);
    assert!(st.is_success(), "{p}");
    assert_eq!(p["state"], "done", "{p}");
    c.shutdown().await;
}
