//! `sharestat user add` is all or nothing: a study missing on any node, or a name taken on any
//! node, leaves no account anywhere; the ordinary case creates one token valid on all three.
use serde_json::Value;
use sharestat_cli::admin::{Local, add_everywhere};
use sharestat_node::local::{LocalConsortium, create_study_on, integer_dictionary};

async fn users(c: &LocalConsortium) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for a in &c.admins {
        let v: Value = a.get("/api/v1/users").await.unwrap();
        out.push(
            v.as_array()
                .unwrap()
                .iter()
                .map(|u| u["name"].as_str().unwrap().to_string())
                .collect(),
        );
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_add_for_a_missing_study_creates_nothing_anywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let c = LocalConsortium::start(&tmp.path().join("c"), 10)
        .await
        .unwrap();
    let local = Local {
        nodes: c.admins.clone(),
        names: (0..3).map(|i| format!("node{i}")).collect(),
    };
    let before = users(&c).await;

    // No node has the study.
    let e = add_everywhere(&local, "rita", "researcher", Some("nope"), None)
        .await
        .unwrap_err();
    assert!(e.contains("node0 has no study \"nope\""), "{e}");
    assert!(e.contains("not created on any node"), "{e}");
    assert_eq!(users(&c).await, before);

    // Only nodes 0 and 1 have it (its creation on node 2 never happened).
    let dict = integer_dictionary("half", &["age"]);
    create_study_on(&c.admins[..2], "half", &dict, "")
        .await
        .unwrap();
    let e = add_everywhere(&local, "rita", "researcher", Some("half"), None)
        .await
        .unwrap_err();
    assert!(e.contains("node2 has no study \"half\""), "{e}");
    assert_eq!(users(&c).await, before);

    // The node refuses on its own too: a direct POST with a grant in a missing study leaves
    // no user behind (user, grant and token are one transaction).
    let body =
        serde_json::json!({"name": "rita", "grants": [{"role": "researcher", "study": "half"}]});
    let r: Result<Value, _> = c.admins[2].post("/api/v1/users", &body).await;
    let msg = r.unwrap_err().to_string();
    assert!(
        msg.contains("(404)") && msg.contains("was not created"),
        "{msg}"
    );
    assert_eq!(users(&c).await, before);

    // With the study everywhere the user is made on all three with one token.
    create_study_on(&c.admins[2..], "half", &dict, "")
        .await
        .unwrap();
    let token = add_everywhere(&local, "rita", "researcher", Some("half"), None)
        .await
        .unwrap();
    for (i, names) in users(&c).await.iter().enumerate() {
        assert!(names.contains(&"rita".to_string()), "node {i}: {names:?}");
        let me: Value = c.client(i, &token).get("/api/v1/studies").await.unwrap();
        assert!(me.to_string().contains("half"), "node {i}: {me}");
    }
    // A second add of the same name changes nothing and says where it exists.
    let e = add_everywhere(&local, "rita", "researcher", Some("half"), None)
        .await
        .unwrap_err();
    assert!(e.contains("node0 already has a user rita"), "{e}");
    c.shutdown().await;
}
