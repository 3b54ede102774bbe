//! Uploads commit on all three nodes or none: faults injected at each step of the two-phase
//! commit (a peer down before prepare, the coordinator lost after everyone prepared, the
//! coordinator lost after deciding commit), with restarts, leave the dataset everywhere or
//! nowhere, and a retry succeeds. Also replace and withdraw.
mod common;
use serde_json::Value;
use sharestat_node::local::{stage_dealt, upload_dealt};
use sharestat_store::{Decision, UploadState};
use std::time::{Duration, Instant};

struct Setup {
    c: common::TestConsortium,
    owner: String,
    researcher: String,
}

async fn setup() -> Setup {
    let c = common::start(5).await;
    c.study("s1").await;
    let owner = c
        .user("owner", "data_owner", Some("s1"), Some("munich"))
        .await;
    let researcher = c.user("rita", "researcher", Some("s1"), None).await;
    Setup {
        c,
        owner,
        researcher,
    }
}

impl Setup {
    fn owners(&self) -> Vec<sharestat_wire::Client> {
        (0..3).map(|i| self.c.client(i, &self.owner)).collect()
    }

    /// Row counts of dataset `name` as each running node lists it (None: not visible there).
    async fn visible(&self, name: &str) -> Vec<Option<u64>> {
        let mut out = Vec::new();
        for i in 0..3 {
            if self.c.nodes[i].is_none() {
                out.push(None);
                continue;
            }
            let list: Vec<Value> = self
                .c
                .client(i, &self.researcher)
                .get("/api/v1/studies/s1/datasets")
                .await
                .unwrap();
            out.push(
                list.iter()
                    .find(|d| d["name"] == name)
                    .and_then(|d| d["rows"].as_u64()),
            );
        }
        out
    }

    /// Waits until upload `id` reaches `want` on every running node.
    async fn settle(&self, id: &str, want: UploadState) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let states: Vec<_> = self
                .c
                .nodes
                .iter()
                .flatten()
                .map(|n| n.state().store.upload(id).unwrap().map(|u| u.state))
                .collect();
            if states.iter().all(|s| *s == Some(want)) {
                return;
            }
            assert!(Instant::now() < deadline, "upload {id} stuck at {states:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_peer_down_before_prepare_aborts_everywhere_and_a_retry_succeeds() {
    let mut s = setup().await;
    let id = stage_dealt(&s.owners(), "s1", "munich", "d", "age", &[1, 2, 3], false)
        .await
        .unwrap();
    s.c.stop(2).await;
    let err =
        s.c.client(0, &s.owner)
            .post::<Value>(
                &format!("/api/v1/uploads/{id}/commit"),
                &serde_json::json!({}),
            )
            .await
            .unwrap_err();
    assert!(err.to_string().contains("node2"), "{err}");
    assert_eq!(s.visible("d").await, vec![None, None, None]);
    s.c.restart(2).await.unwrap();
    assert_eq!(
        s.visible("d").await,
        vec![None, None, None],
        "nowhere after the restart"
    );
    upload_dealt(&s.owners(), "s1", "munich", "d", "age", &[1, 2, 3])
        .await
        .unwrap();
    assert_eq!(s.visible("d").await, vec![Some(3); 3]);
    s.c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_coordinator_lost_after_everyone_prepared_presumes_abort() {
    let mut s = setup().await;
    let id = stage_dealt(&s.owners(), "s1", "munich", "d", "age", &[4, 5], false)
        .await
        .unwrap();
    // Phase 1 done on all three nodes; the coordinator dies before deciding.
    for i in 0..3 {
        s.c.node(i).state().store.prepare_upload(&id).unwrap();
    }
    s.c.stop(0).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        s.visible("d").await,
        vec![None, None, None],
        "in doubt: invisible"
    );
    s.c.restart(0).await.unwrap();
    s.settle(&id, UploadState::Aborted).await;
    assert_eq!(s.visible("d").await, vec![None, None, None]);
    upload_dealt(&s.owners(), "s1", "munich", "d", "age", &[4, 5])
        .await
        .unwrap();
    assert_eq!(s.visible("d").await, vec![Some(2); 3]);
    s.c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_coordinator_lost_during_commit_commits_everywhere_after_restart() {
    let mut s = setup().await;
    let id = stage_dealt(
        &s.owners(),
        "s1",
        "munich",
        "d",
        "age",
        &[7, 8, 9, 10],
        false,
    )
    .await
    .unwrap();
    for i in 0..3 {
        s.c.node(i).state().store.prepare_upload(&id).unwrap();
    }
    // The coordinator decides and applies commit, then dies before telling the peers.
    let store = s.c.node(0).state().store.clone();
    store.record_decision(&id, Decision::Commit).unwrap();
    store.commit_upload(&id).unwrap();
    s.c.stop(0).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let v = s.visible("d").await;
    assert_eq!(
        v[1..],
        [None, None],
        "peers are in doubt while the coordinator is away"
    );
    s.c.restart(0).await.unwrap();
    s.settle(&id, UploadState::Committed).await;
    assert_eq!(s.visible("d").await, vec![Some(4); 3]);
    s.c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn replace_keeps_the_old_version_until_commit_and_withdraw_removes_everywhere() {
    let s = setup().await;
    upload_dealt(&s.owners(), "s1", "munich", "d", "age", &[1, 2, 3])
        .await
        .unwrap();
    // A new version is staged: the old one stays visible.
    let begin: Value = serde_json::json!({
        "id": "00112233445566778899aabbccddeeff", "name": "d", "site": "munich", "rows": 5,
        "columns": [{"name": "age", "kind": "integer"}], "chunk_rows": 65536,
        "replaces": true, "coordinator": 1,
    });
    for i in 0..3 {
        let _: Value =
            s.c.client(i, &s.owner)
                .post("/api/v1/studies/s1/uploads", &begin)
                .await
                .unwrap();
    }
    assert_eq!(s.visible("d").await, vec![Some(3); 3]);
    let mut prg = sharestat_mpc::prg::Prg::from_os().unwrap();
    let dealt = sharestat_mpc::proto::io::deal(&[10, 20, 30, 40, 50], &mut prg);
    for (i, share) in dealt.iter().enumerate() {
        let body = sharestat_wire::chunk::encode_chunk(&[share.parts()]);
        s.c.client(i, &s.owner)
            .put_bytes(
                "/api/v1/uploads/00112233445566778899aabbccddeeff/chunks/0",
                body,
            )
            .await
            .unwrap();
    }
    let _: Value =
        s.c.client(1, &s.owner)
            .post(
                "/api/v1/uploads/00112233445566778899aabbccddeeff/commit",
                &serde_json::json!({}),
            )
            .await
            .unwrap();
    assert_eq!(s.visible("d").await, vec![Some(5); 3]);
    let job: Value = s
        .c
        .client(2, &s.researcher)
        .post(
            "/api/v1/jobs?wait_secs=30",
            &serde_json::json!({"kind": "query", "study": "s1", "text": "sum(load(\"d\")$age)"}),
        )
        .await
        .unwrap();
    assert_eq!(
        job["result"]["outputs"][0]["value"], 150.0,
        "the new version is the one computed on: {job}"
    );
    // Withdraw at node 2 removes it from all three.
    let (st, _) =
        s.c.client(2, &s.owner)
            .raw(
                reqwest::Method::DELETE,
                "/api/v1/studies/s1/datasets/d",
                None,
            )
            .await
            .unwrap();
    assert!(st.is_success());
    assert_eq!(s.visible("d").await, vec![None, None, None]);
    for a in &s.c.admins {
        let audit: Vec<Value> = a.get("/api/v1/audit").await.unwrap();
        assert!(
            audit.iter().any(|e| e["action"] == "dataset.withdraw"),
            "withdrawal is audited on every node"
        );
    }
    s.c.shutdown().await;
}
