//! Query jobs across three real nodes: every node checks the text, the strictest node's
//! disclosure policy applies, results agree, and queries of one study take turns.
mod common;
use serde_json::{Value, json};
use sharestat_node::local::integer_dictionary;
use sharestat_wire::ClientError;

fn quantile7(v: &[i64], p: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort();
    let h = (s.len() - 1) as f64 * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    s[lo] as f64 + (h - h.floor()) * (s[hi] - s[lo]) as f64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn queries_run_everywhere_under_the_strictest_policy() {
    let c = common::start(10).await;
    // Study "s": node 2 holds a stricter copy of the policy than nodes 0 and 1.
    let dict = integer_dictionary("s", &["age"]);
    let policies = [
        "min_cell = 5\nallow_extremes = true\n",
        "min_cell = 5\nallow_extremes = true\n",
        "min_cell = 10\nallow_extremes = true\n",
    ];
    for (admin, policy) in c.admins.iter().zip(policies) {
        let body = json!({"id": "s", "title": "s", "dictionary": dict, "policy": policy});
        let _: Value = admin.post("/api/v1/studies", &body).await.unwrap();
    }
    let owner = c.user("o", "data_owner", Some("s"), Some("munich")).await;
    let rita = c.user("rita", "researcher", Some("s"), None).await;
    // 7 patients aged 18, the others 30 to 89.
    let mut ages: Vec<i64> = vec![18; 7];
    ages.extend((0..993).map(|i| 30 + (i * 37) % 60));
    c.upload(&owner, "s", "munich", "munich", &ages).await;

    let query = |front: usize, prelude: &str, text: &str| {
        let cl = c.client(front, &rita);
        let body = json!({"kind": "query", "study": "s", "prelude": prelude, "text": text});
        async move { cl.post::<Value>("/api/v1/jobs?wait_secs=60", &body).await }
    };
    let job = query(1, "", "d <- load(\"munich\")\nmean(d$age)\nquantile(d$age)")
        .await
        .unwrap();
    assert_eq!(job["state"], "done", "{job}");
    let out = &job["result"]["outputs"];
    let mean = ages.iter().sum::<i64>() as f64 / ages.len() as f64;
    assert!((out[0]["value"].as_f64().unwrap() - mean).abs() < 1e-9);
    assert_eq!(out[0]["source"], "mean(d$age)");
    assert!(out[0]["text"].as_str().unwrap().starts_with("[1] "));
    for (k, p) in ["0%", "25%", "50%", "75%", "100%"]
        .iter()
        .zip([0.0, 0.25, 0.5, 0.75, 1.0])
    {
        let got = out[1]["value"][k].as_f64().unwrap();
        assert!((got - quantile7(&ages, p)).abs() < 1e-6, "{k}: {got}");
    }
    // Every node recorded the same public result.
    for i in [0, 2] {
        let id = job["id"].as_str().unwrap();
        let j: Value = c
            .client(i, &rita)
            .get(&format!("/api/v1/jobs/{id}?wait_secs=10"))
            .await
            .unwrap();
        assert_eq!(j["result"]["outputs"], job["result"]["outputs"]);
    }

    // A session: the prelude's assignments are replayed, nothing of it is printed.
    let job = query(2, "d <- load(\"munich\")\nmean(d$age)", "sum(d$age)")
        .await
        .unwrap();
    let outs = job["result"]["outputs"].as_array().unwrap();
    assert_eq!(outs.len(), 1, "{job}");
    assert_eq!(outs[0]["value"], json!(ages.iter().sum::<i64>() as f64));

    // Refused by the type checker, before any computation: 422 with the position.
    for (text, want) in [
        ("d <- load(\"munich\")\nd$age", "would print private data"),
        ("mean(load(\"munich\")$age", "line 1"),
        (
            "d <- load(\"munich\")\nmean(d$agee)",
            "has no column `agee`",
        ),
    ] {
        match query(0, "", text).await {
            Err(ClientError::Api { problem, .. }) => {
                assert_eq!(problem.status, 422, "{text}");
                assert!(problem.detail.contains(want), "{text}: {}", problem.detail);
            }
            other => panic!("{text}: {other:?}"),
        }
    }

    // Rscript's semantics: what the statements before a refused one printed comes back
    // with the refusal (its line and column); nothing after it runs.
    for (text, want) in [
        (
            "d <- load(\"munich\")\nmean(d$age)\nd$age\nsum(d$age)",
            "line 3, column 1",
        ),
        (
            "d <- load(\"munich\")\nmean(d$age)\ntable(cut(d$age, c(0, 20, 100)))\nsum(d$age)",
            "(min_cell)",
        ),
    ] {
        let job = query(0, "", text).await.unwrap();
        assert_eq!(job["state"], "done", "{job}");
        let outs = job["result"]["outputs"].as_array().unwrap();
        assert_eq!(outs.len(), 1, "{job}");
        assert_eq!(outs[0]["source"], "mean(d$age)");
        let e = job["result"]["error"].as_str().unwrap();
        assert!(e.contains(want) && e.contains("line 3"), "{e}");
    }

    // The 7 patients aged 18 form a cell that nodes 0 and 1 would let out (min_cell 5) but
    // node 2 (min_cell 10) does not: the query is refused, whichever node receives it.
    let cells = "d <- load(\"munich\")\ntable(cut(d$age, c(0, 20, 100)))";
    for front in [0, 1] {
        let job = query(front, "", cells).await.unwrap();
        assert_eq!(job["state"], "failed", "{job}");
        let e = job["error"].as_str().unwrap();
        assert!(e.contains("(min_cell)") && e.contains("`(0,20]`"), "{e}");
        assert!(!e.contains('7'), "{e}");
    }

    // Queries of one study submitted at once on three fronts take turns; all finish. Three
    // researchers: one researcher's third query at once would meet `max_concurrent_queries`
    // (2) whenever the three overlap, which depends on timing.
    let rafa = c.user("rafa", "researcher", Some("s"), None).await;
    let remi = c.user("remi", "researcher", Some("s"), None).await;
    let by = |user: &str, front: usize, text: &str| {
        let cl = c.client(front, user);
        let body = json!({"kind": "query", "study": "s", "text": text});
        async move { cl.post::<Value>("/api/v1/jobs?wait_secs=60", &body).await }
    };
    let all = futures_join(
        by(&rita, 0, "mean(load(\"munich\")$age)"),
        by(&rafa, 1, "sd(load(\"munich\")$age)"),
        by(&remi, 2, "median(load(\"munich\")$age)"),
    )
    .await;
    for j in all {
        let j = j.unwrap();
        assert_eq!(j["state"], "done", "{j}");
    }
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_differencing_defence_survives_a_restart() {
    let mut c = common::start(10).await;
    c.study("s").await;
    let owner = c.user("o", "data_owner", Some("s"), Some("rome")).await;
    let rita = c.user("rita", "researcher", Some("s"), None).await;
    let ages: Vec<i64> = (0..20).collect();
    c.upload(&owner, "s", "rome", "rome", &ages).await;
    let query = |text: &str| {
        let cl = c.client(0, &rita);
        let body = json!({"kind": "query", "study": "s", "text": text});
        async move {
            cl.post::<Value>("/api/v1/jobs?wait_secs=60", &body)
                .await
                .unwrap()
        }
    };
    // 15 patients over 4 (5 left out): released.
    let j = query("d <- load(\"rome\")\nmean(d$age[d$age > 4])").await;
    assert_eq!(j["state"], "done", "{j}");
    drop(j);
    for i in 0..3 {
        c.restart(i).await.unwrap();
    }
    // 13 over 6 differ from the released 15 in 2 patients: refused, even after the restart.
    let j = c.client(1, &rita);
    let body = json!({"kind": "query", "study": "s", "text": "d <- load(\"rome\")\nmean(d$age[d$age > 6])"});
    let j: Value = j.post("/api/v1/jobs?wait_secs=60", &body).await.unwrap();
    assert_eq!(j["state"], "failed", "{j}");
    assert!(
        j["error"].as_str().unwrap().contains("(differencing)"),
        "{j}"
    );
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_quantile_and_version_records_survive_a_restart() {
    let mut c = common::start(10).await;
    c.study("s").await;
    let owner = c.user("o", "data_owner", Some("s"), Some("rome")).await;
    let rita = c.user("rita", "researcher", Some("s"), None).await;
    let ages: Vec<i64> = (0..40).collect();
    c.upload(&owner, "s", "rome", "rome", &ages).await;
    c.upload(&owner, "s", "rome", "other", &ages).await;
    async fn query(c: &common::TestConsortium, rita: &str, front: usize, text: &str) -> Value {
        let text = format!("d <- load(\"rome\")\ne <- load(\"other\")\n{text}");
        let body = json!({"kind": "query", "study": "s", "text": text});
        c.client(front, rita)
            .post::<Value>("/api/v1/jobs?wait_secs=60", &body)
            .await
            .unwrap()
    }
    // The median of all 40 rows (order statistics 19 and 20), the median of the 30 over 9
    // (14 and 15 of those), and a total of the other dataset: released.
    for text in ["median(d$age)", "median(d$age[d$age > 9])", "sum(e$age)"] {
        let j = query(&c, &rita, 0, text).await;
        assert_eq!(j["state"], "done", "{text}: {j}");
    }
    for i in 0..3 {
        c.restart(i).await.unwrap();
    }
    // After the restart, quantiles that read the same order statistics are still refused,
    // on all rows and on the same subset (matched by its rows, one secure bit).
    for text in ["quantile(d$age, 0.51)", "quantile(d$age[d$age > 9], 0.49)"] {
        let j = query(&c, &rita, 1, text).await;
        assert_eq!(j["state"], "failed", "{text}: {j}");
        assert!(
            j["error"].as_str().unwrap().contains("(quantile_overlap)"),
            "{text}: {j}"
        );
    }
    // Another subset of the same size is not the same rows: released.
    let j = query(&c, &rita, 2, "median(d$age[d$age < 30])").await;
    assert_eq!(j["state"], "done", "{j}");
    // The other dataset, replaced by a version with one patient more: its total before and
    // after would give that patient, even though the first total was released before the
    // restart and no subset of it was.
    let clients: Vec<_> = (0..3).map(|i| c.client(i, &owner)).collect();
    let more: Vec<i64> = (0..41).collect();
    sharestat_node::local::upload_version(&clients, "s", "rome", "other", "age", &more, true)
        .await
        .unwrap();
    let j = query(&c, &rita, 0, "sum(e$age)").await;
    assert_eq!(j["state"], "failed", "{j}");
    assert!(
        j["error"].as_str().unwrap().contains("(version_change)"),
        "{j}"
    );
    c.shutdown().await;
}

async fn futures_join<A, B, C>(a: A, b: B, c: C) -> [A::Output; 3]
where
    A: std::future::Future,
    B: std::future::Future<Output = A::Output>,
    C: std::future::Future<Output = A::Output>,
{
    let (x, y, z) = tokio::join!(a, b, c);
    [x, y, z]
}
