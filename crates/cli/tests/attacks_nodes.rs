//! The adversarial researcher against real nodes (issue 13): three nodes on free loopback
//! ports with TLS, the adrenal study with its shipped policy, Munich and Rome uploaded as
//! their data owners, then one attack of each class of `crates/lang/tests/attacks.rs` sent as
//! a query job by the researcher. Each must end refused by disclosure control on the nodes,
//! with a message that names the rule and not the value; ordinary analyses still run. One
//! test, so that the consortium starts once.
use serde_json::{Value, json};
use sharestat_client::import::{ImportOptions, import_file};
use sharestat_client::upload::{Plan, Target, new_id, upload};
use sharestat_node::local::LocalConsortium;
use std::path::Path;

const LOAD: &str = "tm <- load(\"munich\")\ntr <- load(\"rome\")\nd <- rbind(tm, tr)\n";

/// (class, query, rule the refusal must name)
const ATTACKS: &[(&str, &str, &str)] = &[
    (
        "arithmetic on a condition",
        "sum(d$follow_up_months * (d$age > 90))",
        "min_subset",
    ),
    ("a count in disguise", "sum((d$age > 83) * 1)", "min_cell"),
    (
        "missing values of another column",
        "sum(ifelse(is.na(d$pattern), 0, d$age))",
        "min_complement",
    ),
    (
        "a model with a small group",
        "d$old <- d$age > 90\nlm(follow_up_months ~ old, data = d)",
        "min_cell",
    ),
    (
        "copies of rows",
        "p <- d$pattern\ntable(c(p, p, p, p, p))",
        "distinct_rows",
    ),
    ("refusals as an oracle", "sum(d$age > 95)", "min_cell"),
    (
        "quantiles in one interval",
        "quantile(tm$age, c(0.5, 0.52))",
        "quantile_overlap",
    ),
    (
        "a regressor isolating one patient",
        "d$old <- floor(d$age / 90.5)\nlm(follow_up_months ~ old, data = d)",
        "max_leverage",
    ),
];

async fn query(c: &LocalConsortium, token: &str, front: usize, text: &str) -> Value {
    let body = json!({"kind": "query", "study": "adrenal", "prelude": "", "text": text});
    c.client(front, token)
        .post::<Value>("/api/v1/jobs?wait_secs=60", &body)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_attack_class_is_refused_by_real_nodes() {
    let ex = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/adrenal");
    let read = |f: &str| std::fs::read_to_string(ex.join(f)).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let c = LocalConsortium::start(&tmp.path().join("c"), 60)
        .await
        .unwrap();
    c.create_study("adrenal", &read("dictionary.toml"), &read("policy.toml"))
        .await
        .unwrap();
    let dict = sharestat_dict::Dictionary::parse(&read("dictionary.toml")).unwrap();
    for (site, file) in [
        ("munich", "munich_delivered.xlsx"),
        ("rome", "rome_delivered.csv"),
    ] {
        let owner = c
            .add_user(site, "data_owner", Some("adrenal"), Some(site))
            .await
            .unwrap();
        let opts = ImportOptions {
            site: site.into(),
            drop_bad_rows: false,
        };
        let imported = import_file(&ex.join(file), &dict, &opts).unwrap();
        let target = Target {
            nodes: (0..3).map(|i| c.client(i, &owner)).collect(),
            coordinator: 0,
            relay: None,
        };
        let plan = Plan {
            study: "adrenal",
            site,
            name: site,
            replaces: false,
            data: &imported,
        };
        upload(&target, &plan, &new_id().unwrap(), false, &|_, _| {})
            .await
            .unwrap();
    }
    let rita = c
        .add_user("rita", "researcher", Some("adrenal"), None)
        .await
        .unwrap();

    for (i, (class, q, rule)) in ATTACKS.iter().enumerate() {
        let job = query(&c, &rita, i % 3, &format!("{LOAD}{q}")).await;
        let detail = job.to_string();
        assert_ne!(job["state"], "done", "{class}: {q} was answered: {detail}");
        assert!(
            detail.contains(&format!("refused by disclosure control ({rule})")),
            "{class}: {q}: expected a {rule} refusal, got {detail}"
        );
        // The message only: ids and times are random and may contain the digits.
        let message = job["error"].to_string();
        assert!(
            !message.contains("12.6") && !message.contains(" 91"),
            "{class}: the refusal shows the value: {detail}"
        );
    }
    // Ordinary analyses still run, on any front node.
    let job = query(
        &c,
        &rita,
        1,
        &format!("{LOAD}mean(d$age)\nsum(d$age > 66)\nquantile(d$age)"),
    )
    .await;
    assert_eq!(job["state"], "done", "{job}");
    let out = &job["result"]["outputs"];
    assert!((out[0]["value"].as_f64().unwrap() - 3208.0 / 48.0).abs() < 1e-9);
    assert_eq!(out[1]["value"].as_f64(), Some(23.0));

    // A site replaces its dataset with one more patient: totals before and after would give
    // that patient's values.
    let job = query(&c, &rita, 0, "tm <- load(\"munich\")\nsum(tm$age)").await;
    assert_eq!(job["state"], "done", "{job}");
    let munich = read("munich.csv");
    let one_more = read("rome.csv").lines().nth(1).unwrap().to_owned();
    let file = tmp.path().join("munich_plus_one.csv");
    std::fs::write(&file, format!("{}{one_more}\n", munich)).unwrap();
    let opts = ImportOptions {
        site: "canonical".into(),
        drop_bad_rows: false,
    };
    let imported = import_file(&file, &dict, &opts).unwrap();
    assert_eq!(imported.rows, 25);
    let owner = c
        .add_user("munich2", "data_owner", Some("adrenal"), Some("munich"))
        .await
        .unwrap();
    let target = Target {
        nodes: (0..3).map(|i| c.client(i, &owner)).collect(),
        coordinator: 1,
        relay: None,
    };
    let plan = Plan {
        study: "adrenal",
        site: "munich",
        name: "munich",
        replaces: true,
        data: &imported,
    };
    upload(&target, &plan, &new_id().unwrap(), false, &|_, _| {})
        .await
        .unwrap();
    let job = query(&c, &rita, 2, "tm <- load(\"munich\")\nsum(tm$age)").await;
    let detail = job.to_string();
    assert!(
        detail.contains("refused by disclosure control (version_change)"),
        "{detail}"
    );
    c.shutdown().await;
}
