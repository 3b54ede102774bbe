//! Staged uploads, continued: replacement, the decision log, durability across reopening,
//! withdrawal and migration of version-1 databases.
mod upload_support;
use upload_support::*;
#[test]
fn replace_swaps_on_commit_only() {
    let (_tmp, store) = store();
    let old_cols = [column("x", 1, 100)];
    let old = put_visits(&store, &old_cols[0]);

    // Without `replaces`, the name is taken.
    assert!(matches!(
        store.begin_upload(&new_upload(1, ROWS, &["x", "y"])),
        Err(StoreError::Exists { what: "dataset", id }) if id == "s1/visits"
    ));
    assert_eq!(rows_in(&store, "uploads"), 0);

    let mut new = new_upload(2, ROWS, &["x", "y"]);
    new.replaces = true;
    let up = store.begin_upload(&new).unwrap();
    let cols = [column("x", 2, ROWS), column("y", 3, ROWS)];
    send_all(&store, &up.id, &cols);
    store.prepare_upload(&up.id).unwrap();
    // The old version stays visible until the commit.
    assert_eq!(store.datasets("s1").unwrap(), vec![old.clone()]);
    assert_eq!(
        store.dataset_by_name("s1", "visits").unwrap(),
        Some(old.clone())
    );
    assert_eq!(store.load_column(&old.id, "x").unwrap().0, old_cols[0].a);

    let ds = store.commit_upload(&up.id).unwrap();
    assert_eq!(store.datasets("s1").unwrap(), vec![ds.clone()]);
    assert_eq!(
        store.dataset_by_name("s1", "visits").unwrap(),
        Some(ds.clone())
    );
    assert_eq!(store.dataset(&old.id).unwrap(), None);
    assert_eq!(store.load_column(&ds.id, "y").unwrap().1, cols[1].b);
    assert_eq!(rows_in(&store, "share_chunks"), 6);
    assert_eq!(rows_in(&store, "dataset_columns"), 2);
    assert_eq!(rows_in(&store, "datasets"), 1);
}

#[test]
fn visible_name_appearing_before_prepare_fails_the_vote() {
    let (_tmp, store) = store();
    let first = store.begin_upload(&new_upload(1, 5, &["x"])).unwrap();
    let second = store.begin_upload(&new_upload(2, 5, &["x"])).unwrap();
    for id in [&first.id, &second.id] {
        send_all(&store, id, &[column("x", 1, 5)]);
    }
    store.prepare_upload(&first.id).unwrap();
    // Only one upload of a name can be prepared at a time...
    assert!(matches!(
        store.prepare_upload(&second.id),
        Err(StoreError::Exists { id, .. }) if id == first.id
    ));
    store.commit_upload(&first.id).unwrap();
    // ...and once it committed, a non-replacing upload of the name cannot.
    assert!(matches!(
        store.prepare_upload(&second.id),
        Err(StoreError::Exists {
            what: "dataset",
            ..
        })
    ));
    assert!(store.abort_upload(&second.id).unwrap());
    assert_eq!(store.datasets("s1").unwrap().len(), 1);
}

#[test]
fn decision_log() {
    let (_tmp, store) = store();
    let up = store.begin_upload(&new_upload(1, 5, &["x"])).unwrap();
    send_all(&store, &up.id, &[column("x", 1, 5)]);
    // Commit cannot be decided before this node prepared.
    invalid_detail(store.record_decision(&up.id, Decision::Commit).unwrap_err());
    store.prepare_upload(&up.id).unwrap();
    store.record_decision(&up.id, Decision::Commit).unwrap();
    store.record_decision(&up.id, Decision::Commit).unwrap();
    invalid_detail(store.record_decision(&up.id, Decision::Abort).unwrap_err());
    invalid_detail(store.abort_upload(&up.id).unwrap_err());
    assert_eq!(
        store.upload(&up.id).unwrap().unwrap().decision,
        Some(Decision::Commit)
    );
    store.commit_upload(&up.id).unwrap();

    let mut other = new_upload(2, 5, &["x"]);
    other.name = "other".into();
    let up = store.begin_upload(&other).unwrap();
    send_all(&store, &up.id, &[column("x", 1, 5)]);
    store.record_decision(&up.id, Decision::Abort).unwrap();
    invalid_detail(store.record_decision(&up.id, Decision::Commit).unwrap_err());
    invalid_detail(store.prepare_upload(&up.id).unwrap_err());
    assert!(store.abort_upload(&up.id).unwrap());
    let up = store.upload(&up.id).unwrap().unwrap();
    assert_eq!(
        (up.state, up.decision),
        (UploadState::Aborted, Some(Decision::Abort))
    );
}

#[test]
fn prepared_upload_survives_reopening() {
    let tmp = tempfile::tempdir().unwrap();
    let cols = [column("x", 5, ROWS)];
    let id;
    {
        let store = open_with_study(tmp.path());
        let up = store.begin_upload(&new_upload(1, ROWS, &["x"])).unwrap();
        send_all(&store, &up.id, &cols);
        store.prepare_upload(&up.id).unwrap();
        store.record_decision(&up.id, Decision::Commit).unwrap();
        id = up.id;
    }
    let store = open(tmp.path());
    let prepared = store.uploads(Some(UploadState::Prepared)).unwrap();
    assert_eq!(prepared.len(), 1);
    assert_eq!(prepared[0].id, id);
    assert_eq!(prepared[0].decision, Some(Decision::Commit));
    assert_eq!(prepared[0].chunks_received, 3);
    assert!(store.datasets("s1").unwrap().is_empty());

    let ds = store.commit_upload(&id).unwrap();
    drop(store);
    let store = open(tmp.path());
    assert_eq!(
        store.dataset_by_name("s1", "visits").unwrap(),
        Some(ds.clone())
    );
    assert_eq!(store.load_column(&ds.id, "x").unwrap().0, cols[0].a);
    assert_eq!(
        store.upload(&id).unwrap().unwrap().state,
        UploadState::Committed
    );
}

#[test]
fn withdraw_deletes_the_visible_dataset() {
    let (_tmp, store) = store();
    let new = new_upload(1, ROWS, &["x", "y"]);
    let ds = upload_all(&store, &new, &[column("x", 1, ROWS), column("y", 2, ROWS)]);
    let detail = invalid_detail(store.abort_upload(&new.id).unwrap_err());
    assert!(detail.contains("too late"), "{detail}");

    // A staged upload of another name is not touched.
    let mut other = new_upload(2, 5, &["x"]);
    other.name = "other".into();
    let staged = store.begin_upload(&other).unwrap();
    send_all(&store, &staged.id, &[column("x", 3, 5)]);

    assert_eq!(
        store.withdraw_dataset("s1", "visits").unwrap(),
        Some(ds.clone())
    );
    assert_eq!(store.withdraw_dataset("s1", "visits").unwrap(), None);
    assert_eq!(store.dataset_by_name("s1", "visits").unwrap(), None);
    assert!(store.datasets("s1").unwrap().is_empty());
    assert_eq!(rows_in(&store, "share_chunks"), 1);
    assert_eq!(rows_in(&store, "dataset_columns"), 1);
    // The upload still records that it committed, and what.
    assert_eq!(store.commit_upload(&new.id).unwrap(), ds);

    store.prepare_upload(&staged.id).unwrap();
    store.commit_upload(&staged.id).unwrap();
    assert_eq!(store.datasets("s1").unwrap().len(), 1);
}

#[test]
fn version_1_database_migrates() {
    let tmp = tempfile::tempdir().unwrap();
    let (ds, cols) = {
        let store = open_with_study(tmp.path());
        let cols = [column("x", 1, CHUNK_WORDS + 3)];
        (put_visits(&store, &cols[0]), cols)
    };
    // Turn the file back into a version-1 database.
    {
        let c = Connection::open(tmp.path().join(sharestat_store::DB_FILE_NAME)).unwrap();
        c.execute_batch(
            "DROP TABLE released_quantile_rows;
             DROP TABLE released_quantiles;
             DROP TABLE released_versions;
             DROP TABLE released_subsets;
             DROP INDEX datasets_by_name;
             DROP TABLE upload_columns;
             DROP TABLE uploads;
             ALTER TABLE datasets DROP COLUMN state;
             UPDATE meta SET value = 1 WHERE key = 'schema_version';",
        )
        .unwrap();
    }

    let store = open(tmp.path());
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(SCHEMA_VERSION, 5);
    // The migrated schema is the one a new store gets.
    let fresh = tempfile::tempdir().unwrap();
    assert_eq!(schema_sql(&store), schema_sql(&open(fresh.path())));
    assert_eq!(store.datasets("s1").unwrap(), vec![ds.clone()]);
    assert_eq!(
        store.dataset_by_name("s1", "visits").unwrap(),
        Some(ds.clone())
    );
    assert_eq!(
        store.load_column(&ds.id, "x").unwrap(),
        (cols[0].a.clone(), cols[0].b.clone())
    );
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM datasets WHERE state = 'visible'"
        ),
        1
    );
    // Uploads work on the migrated file.
    let mut new = new_upload(1, 5, &["x"]);
    new.replaces = true;
    let replaced = upload_all(&store, &new, &[column("x", 2, 5)]);
    assert_eq!(store.datasets("s1").unwrap(), vec![replaced]);
}
