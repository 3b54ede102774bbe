//! The client's upload against a real local consortium: Rome's delivered file is validated,
//! shared on the client and uploaded; an upload interrupted by a node outage is invisible
//! everywhere and resumes under the same id once the node is back; the computed sum of the
//! shared column equals the plaintext sum of the canonical file.
use serde_json::{Value, json};
use sharestat_client::import::{ImportOptions, Imported, import_file};
use sharestat_client::upload::{Plan, Target, new_id, upload};
use sharestat_dict::Dictionary;
use sharestat_node::local::LocalConsortium;
use std::path::Path;

/// The adrenal study on a fresh local consortium, a data owner of `site` and a researcher, and
/// `file` imported as that site. Returns (consortium, its temp dir, dictionary, owner token,
/// researcher token, imported data).
async fn adrenal(
    site: &str,
    file: &str,
) -> (
    LocalConsortium,
    tempfile::TempDir,
    Dictionary,
    String,
    String,
    Imported,
) {
    let ex = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/adrenal");
    let text = std::fs::read_to_string(ex.join("dictionary.toml")).unwrap();
    let dict = Dictionary::parse(&text).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let c = LocalConsortium::start(&tmp.path().join("c"), 5)
        .await
        .unwrap();
    c.create_study(&dict.study, &text, "").await.unwrap();
    let owner = c
        .add_user(
            &format!("{site}_dm"),
            "data_owner",
            Some(&dict.study),
            Some(site),
        )
        .await
        .unwrap();
    let researcher = c
        .add_user("rita", "researcher", Some(&dict.study), None)
        .await
        .unwrap();
    let opts = ImportOptions {
        site: site.into(),
        drop_bad_rows: false,
    };
    let data = import_file(&ex.join(file), &dict, &opts).unwrap();
    (c, tmp, dict, owner, researcher, data)
}

/// The researcher's `sum(load(dataset)$age)` at `node` equals the plaintext sum of `plain`'s
/// age column.
async fn assert_age_sum(
    c: &LocalConsortium,
    node: usize,
    researcher: &str,
    study: &str,
    dataset: &str,
    plain: &Imported,
) {
    let text = format!("sum(load({dataset:?})$age)");
    let job: Value = c
        .client(node, researcher)
        .post(
            "/api/v1/jobs?wait_secs=30",
            &json!({"kind": "query", "study": study, "text": text}),
        )
        .await
        .unwrap();
    let age = plain
        .columns
        .iter()
        .position(|col| col.name == "age")
        .unwrap();
    let want: i64 = plain.data[age].iter().map(|&v| v as i64).sum();
    assert_eq!(
        job["result"]["outputs"][0]["value"].as_f64(),
        Some(want as f64),
        "{job}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_interrupted_upload_resumes_and_computes_the_right_sum() {
    let (mut c, _tmp, dict, owner, researcher, data) = adrenal("rome", "rome_delivered.csv").await;
    let ex = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/adrenal");
    let plan = Plan {
        study: &dict.study,
        site: "rome",
        name: "rome",
        replaces: false,
        data: &data,
    };
    let id = new_id().unwrap();

    c.stop(2).await;
    let clients: Vec<_> = (0..3).map(|i| c.client(i, &owner)).collect();
    let target = || Target {
        nodes: clients.clone(),
        coordinator: 0,
        relay: None,
    };
    let err = upload(&target(), &plan, &id, false, &|_, _| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("node 2"), "{err}");
    for i in 0..2 {
        let list: Vec<Value> = c
            .client(i, &researcher)
            .get(&format!("/api/v1/studies/{}/datasets", dict.study))
            .await
            .unwrap();
        assert!(list.is_empty(), "nothing visible after the failed attempt");
    }
    c.restart(2).await.unwrap();
    let done = upload(&target(), &plan, &id, true, &|_, _| {})
        .await
        .unwrap();
    assert_eq!(done.dataset["rows"], 24);
    assert_eq!(done.id, id);

    let canonical = import_file(
        &ex.join("rome.csv"),
        &dict,
        &ImportOptions {
            site: "canonical".into(),
            drop_bad_rows: false,
        },
    )
    .unwrap();
    assert_age_sum(&c, 1, &researcher, &dict.study, "rome", &canonical).await;
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_site_that_reaches_only_its_own_node_uploads_through_it() {
    let (c, _tmp, dict, owner, researcher, data) = adrenal("munich", "munich_delivered.xlsx").await;
    let keys: Vec<String> = sharestat_node::consortium::ConsortiumFile::load(&c.dir)
        .unwrap()
        .nodes
        .iter()
        .map(|n| n.upload_key.clone().unwrap())
        .collect();
    // Nodes 0 and 2 are unreachable from this site: only node 1 is.
    let unreachable =
        sharestat_wire::Client::new("https://127.0.0.1:9", &c.ca, Some(owner.clone())).unwrap();
    let target = Target {
        nodes: vec![unreachable.clone(), c.client(1, &owner), unreachable],
        coordinator: 1,
        relay: Some(keys.try_into().unwrap()),
    };
    let plan = Plan {
        study: &dict.study,
        site: "munich",
        name: "munich",
        replaces: false,
        data: &data,
    };
    let done = upload(&target, &plan, &new_id().unwrap(), false, &|_, _| {})
        .await
        .unwrap();
    assert_eq!(done.dataset["rows"], 24);
    for i in 0..3 {
        let list: Vec<Value> = c
            .client(i, &researcher)
            .get(&format!("/api/v1/studies/{}/datasets", dict.study))
            .await
            .unwrap();
        assert_eq!(list[0]["rows"], 24, "node {i} holds its part");
    }
    assert_age_sum(&c, 2, &researcher, &dict.study, "munich", &data).await;
    c.shutdown().await;
}
