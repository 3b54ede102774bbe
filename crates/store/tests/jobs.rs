//! Jobs: insert, update, listing and failing interrupted jobs.

use sharestat_store::{JobRecord, JobState, NewStudy, Store, StoreError};

fn store() -> (tempfile::TempDir, Store) {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(tmp.path()).unwrap();
    for id in ["s1", "s2"] {
        store
            .create_study(&NewStudy {
                id: id.into(),
                title: id.into(),
                dictionary: String::new(),
                policy: String::new(),
            })
            .unwrap();
    }
    (tmp, store)
}

fn job(id: &str, study: Option<&str>, created_at: &str) -> JobRecord {
    JobRecord {
        id: id.into(),
        study: study.map(Into::into),
        kind: "mean".into(),
        spec: r#"{"column":"age"}"#.into(),
        submitted_by: "alice".into(),
        front: 1,
        state: JobState::Pending,
        progress: 0.0,
        result: None,
        error: None,
        created_at: created_at.into(),
        updated_at: created_at.into(),
    }
}

#[test]
fn insert_update_get() {
    let (_tmp, store) = store();
    let j = job("j1", Some("s1"), "2025-01-01T00:00:00.000Z");
    store.insert_job(&j).unwrap();
    assert_eq!(store.job("j1").unwrap(), Some(j.clone()));
    assert!(matches!(
        store.insert_job(&j),
        Err(StoreError::Exists { what: "job", .. })
    ));
    assert!(matches!(
        store.insert_job(&job("j2", Some("nope"), "x")),
        Err(StoreError::NotFound { what: "study", .. })
    ));

    store
        .update_job("j1", JobState::Running, 0.5, None, None)
        .unwrap();
    store
        .update_job("j1", JobState::Done, 1.0, Some(r#"{"mean":41.5}"#), None)
        .unwrap();
    let got = store.job("j1").unwrap().unwrap();
    assert_eq!(got.state, JobState::Done);
    assert_eq!(got.progress, 1.0);
    assert_eq!(got.result.as_deref(), Some(r#"{"mean":41.5}"#));
    assert_eq!(got.created_at, j.created_at);
    assert!(got.updated_at > j.updated_at);

    assert!(matches!(
        store.update_job("nope", JobState::Done, 1.0, None, None),
        Err(StoreError::NotFound { what: "job", .. })
    ));
    assert!(matches!(
        store.update_job("j1", JobState::Done, 1.5, None, None),
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store.update_job("j1", JobState::Done, f64::NAN, None, None),
        Err(StoreError::Invalid { .. })
    ));
    assert_eq!(store.job("missing").unwrap(), None);
}

#[test]
fn listing_newest_first() {
    let (_tmp, store) = store();
    store
        .insert_job(&job("a", Some("s1"), "2025-01-01T00:00:00.000Z"))
        .unwrap();
    store
        .insert_job(&job("b", Some("s2"), "2025-01-02T00:00:00.000Z"))
        .unwrap();
    store
        .insert_job(&job("c", None, "2025-01-03T00:00:00.000Z"))
        .unwrap();
    store
        .insert_job(&job("d", Some("s1"), "2025-01-03T00:00:00.000Z"))
        .unwrap();
    let ids = |v: Vec<JobRecord>| v.into_iter().map(|j| j.id).collect::<Vec<_>>();
    assert_eq!(ids(store.jobs(None, 10).unwrap()), ["d", "c", "b", "a"]);
    assert_eq!(ids(store.jobs(None, 2).unwrap()), ["d", "c"]);
    assert_eq!(ids(store.jobs(Some("s1"), 10).unwrap()), ["d", "a"]);
    assert!(store.jobs(Some("s3"), 10).unwrap().is_empty());
}

#[test]
fn fail_unfinished() {
    let (_tmp, store) = store();
    let t = "2025-01-01T00:00:00.000Z";
    for id in ["p", "r", "d", "c"] {
        store.insert_job(&job(id, None, t)).unwrap();
    }
    store
        .update_job("r", JobState::Running, 0.3, None, None)
        .unwrap();
    store
        .update_job("d", JobState::Done, 1.0, Some("{}"), None)
        .unwrap();
    store
        .update_job("c", JobState::Cancelled, 0.1, None, None)
        .unwrap();
    assert_eq!(store.fail_unfinished_jobs("node restarted").unwrap(), 2);
    for (id, state) in [
        ("p", JobState::Failed),
        ("r", JobState::Failed),
        ("d", JobState::Done),
        ("c", JobState::Cancelled),
    ] {
        let j = store.job(id).unwrap().unwrap();
        assert_eq!(j.state, state, "{id}");
        if state == JobState::Failed {
            assert_eq!(j.error.as_deref(), Some("node restarted"));
        }
    }
    assert_eq!(store.fail_unfinished_jobs("again").unwrap(), 0);
}

#[test]
fn state_names() {
    for s in JobState::ALL {
        assert_eq!(s.as_str().parse::<JobState>().unwrap(), s);
        assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
    }
    assert_eq!(JobState::Cancelled.as_str(), "cancelled");
    assert!("done!".parse::<JobState>().is_err());
}
