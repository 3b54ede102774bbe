//! The data protection officer's page against a real consortium: a node-wide auditor sees the
//! three chains verified, the cross-node check, each query's text and what it revealed, and a
//! study whose dictionary differs between nodes highlighted; filters by user and kind; a study
//! auditor sees only their study and no chain verification; a data owner sees the queries that
//! read their study's data.
mod common;
use common::{open, page, sign_in};
use sharestat_node::local::{LocalConsortium, create_study_on, integer_dictionary, upload_dealt};

#[tokio::test]
async fn the_auditor_sees_what_each_query_revealed() {
    let tmp = tempfile::tempdir().unwrap();
    let c = LocalConsortium::start(&tmp.path().join("c"), 60)
        .await
        .unwrap();
    c.create_study("s", &integer_dictionary("s", &["x"]), "")
        .await
        .unwrap();
    // Study "t": node 2 holds another dictionary.
    create_study_on(&c.admins[..2], "t", &integer_dictionary("t", &["x"]), "")
        .await
        .unwrap();
    create_study_on(&c.admins[2..], "t", &integer_dictionary("t", &["y"]), "")
        .await
        .unwrap();
    let owner = c
        .add_user("olga", "data_owner", Some("s"), Some("a"))
        .await
        .unwrap();
    let rita = c
        .add_user("rita", "researcher", Some("s"), None)
        .await
        .unwrap();
    let audrey = c.add_user("audrey", "auditor", None, None).await.unwrap();
    let stan = c
        .add_user("stan", "auditor", Some("t"), None)
        .await
        .unwrap();
    let values: Vec<i64> = (0..30).map(|i| i % 9).collect();
    let owners: Vec<_> = (0..3).map(|i| c.client(i, &owner)).collect();
    upload_dealt(&owners, "s", "a", "a", "x", &values)
        .await
        .unwrap();
    let answer =
        sharestat_client::query::query(&c.client(0, &rita), "s", "", "d <- load(\"a\")\nmean(d$x)")
            .await
            .unwrap();
    let sharestat_client::query::Answer::Done { job, outputs, .. } = answer else {
        panic!("{answer:?}")
    };
    let mean = outputs[0].value.as_f64().unwrap();

    let ui = common::start(&c).await;
    let cookie = open(&ui).await;
    sign_in(&ui, &cookie, &audrey).await;
    let p = page(&ui, &cookie, "/audit").await;
    assert_eq!(p.matches("chain verified").count(), 3, "{p}");
    assert!(p.contains("the 1 completed jobs are recorded alike"), "{p}");
    assert_eq!(
        p.matches("class=\"mismatch\"").count(),
        1,
        "only t's dictionary: {p}"
    );
    assert!(p.contains("(MISMATCH)"), "{p}");
    assert_eq!(
        p.matches(&format!("job <code>{job}</code>")).count(),
        6,
        "{p}"
    );
    // Filters: by user and kind.
    let p = page(&ui, &cookie, "/audit?user=rita&kind=job.done").await;
    assert_eq!(
        p.matches(&format!("job <code>{job}</code>")).count(),
        3,
        "{p}"
    );
    assert!(!p.contains("job.submit"), "{p}");
    let p = page(&ui, &cookie, "/audit?user=nobody").await;
    assert!(p.contains("0 entries shown"), "{p}");
    // The job: its text, who, and the mean it revealed, as each node recorded it.
    let p = page(&ui, &cookie, &format!("/audit/job/{job}")).await;
    assert!(p.contains("d &lt;- load(&quot;a&quot;)\nmean(d$x)"), "{p}");
    assert_eq!(p.matches("job.done").count(), 3, "{p}");
    assert_eq!(
        p.matches(&format!("&quot;value&quot;: {mean}")).count(),
        3,
        "{p}"
    );
    ui.stop();

    // A study auditor of t: t's entries only, no chain verification, no job of s.
    let ui = common::start(&c).await;
    let cookie = open(&ui).await;
    sign_in(&ui, &cookie, &stan).await;
    let p = page(&ui, &cookie, "/audit").await;
    assert!(
        p.contains("a node-wide auditor verifies the whole chain"),
        "{p}"
    );
    assert!(!p.contains(&job), "{p}");
    let p = page(&ui, &cookie, &format!("/audit/job/{job}")).await;
    assert!(
        p.contains("no audit entry you may read names this job"),
        "{p}"
    );
    ui.stop();

    // The data owner: the queries that read the study's data, on the upload page.
    let ui = common::start(&c).await;
    let cookie = open(&ui).await;
    sign_in(&ui, &cookie, &owner).await;
    let p = page(&ui, &cookie, "/upload").await;
    assert!(p.contains(&format!("href=\"/audit/job/{job}\"")), "{p}");
    ui.stop();
    c.shutdown().await;
}
