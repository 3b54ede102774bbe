//! Staged uploads: chunked transfer, invisibility until commit, prepare,
//! commit, abort, replacement, the decision log, durability across reopening,
//! withdrawal, and migration of a version-1 database.

mod upload_support;
use upload_support::*;
#[test]
fn staged_until_committed_then_visible() {
    let (_tmp, store) = store();
    let new = new_upload(1, ROWS, &["age", "sbp"]);
    let cols = [column("age", 1, ROWS), column("sbp", 2, ROWS)];
    let up = store.begin_upload(&new).unwrap();
    assert_eq!(up.state, UploadState::Open);
    assert_eq!((up.chunks_received, up.total_chunks), (0, 3));
    assert_eq!(up.decision, None);
    assert_eq!(up.columns, new.columns);

    // Columns may come in any order within a chunk.
    let mut c0 = chunk_of(&cols, 0);
    c0.reverse();
    store.put_upload_chunk(&up.id, 0, &c0).unwrap();
    put(&store, &up.id, 2, &cols).unwrap();
    assert_eq!(store.upload_chunks_received(&up.id).unwrap(), [0, 2]);
    put(&store, &up.id, 1, &cols).unwrap();
    assert_eq!(store.upload(&up.id).unwrap().unwrap().chunks_received, 3);

    // Invisible while staged.
    assert!(store.datasets("s1").unwrap().is_empty());
    assert_eq!(store.dataset_by_name("s1", "visits").unwrap(), None);
    assert_eq!(store.dataset(&up.dataset_id).unwrap(), None);
    assert!(matches!(
        store.load_column(&up.dataset_id, "age"),
        Err(StoreError::NotFound {
            what: "dataset",
            ..
        })
    ));
    assert!(!store.delete_dataset(&up.dataset_id).unwrap());
    assert_eq!(store.withdraw_dataset("s1", "visits").unwrap(), None);

    let prepared = store.prepare_upload(&up.id).unwrap();
    assert_eq!(prepared.state, UploadState::Prepared);
    assert_eq!(store.prepare_upload(&up.id).unwrap(), prepared);
    assert!(store.datasets("s1").unwrap().is_empty());
    assert_eq!(
        store.uploads(Some(UploadState::Prepared)).unwrap(),
        vec![prepared]
    );

    let ds = store.commit_upload(&up.id).unwrap();
    assert_eq!(ds.id, up.dataset_id);
    assert_eq!(
        (ds.name.as_str(), ds.rows, ds.columns.clone()),
        ("visits", ROWS as u64, new.columns.clone())
    );
    assert_eq!(store.datasets("s1").unwrap(), vec![ds.clone()]);
    assert_eq!(
        store.dataset_by_name("s1", "visits").unwrap(),
        Some(ds.clone())
    );
    assert_eq!(store.dataset(&ds.id).unwrap(), Some(ds.clone()));
    for c in &cols {
        assert_eq!(
            store.load_column(&ds.id, &c.name).unwrap(),
            (c.a.clone(), c.b.clone())
        );
    }

    // Idempotent afterwards.
    assert_eq!(store.commit_upload(&up.id).unwrap(), ds);
    let done = store.prepare_upload(&up.id).unwrap();
    assert_eq!(done.state, UploadState::Committed);
    assert_eq!(done.chunks_received, 3);
    assert_eq!(store.upload_chunks_received(&up.id).unwrap(), [0, 1, 2]);
    assert_eq!(store.uploads(Some(UploadState::Prepared)).unwrap(), []);
    assert_eq!(store.uploads(None).unwrap(), vec![done]);
}

#[test]
fn begin_is_idempotent_and_chunks_can_be_resent() {
    let (_tmp, store) = store();
    let new = new_upload(1, ROWS, &["x"]);
    let cols = [column("x", 7, ROWS)];
    let up = store.begin_upload(&new).unwrap();

    // A wrong first attempt at chunk 0, then the right one overwrites it.
    put(&store, &up.id, 0, &[column("x", 99, ROWS)]).unwrap();
    let resumed = store.begin_upload(&new).unwrap();
    assert_eq!(resumed.dataset_id, up.dataset_id);
    assert_eq!(resumed.chunks_received, 1);
    assert_eq!(store.upload_chunks_received(&up.id).unwrap(), [0]);
    send_all(&store, &up.id, &cols);
    assert_eq!(rows_in(&store, "share_chunks"), 3);

    let mut other = new.clone();
    other.rows += 1;
    assert!(matches!(
        store.begin_upload(&other),
        Err(StoreError::Exists { what: "upload", .. })
    ));
    other = new.clone();
    other.coordinator = 2;
    assert!(matches!(
        store.begin_upload(&other),
        Err(StoreError::Exists { what: "upload", .. })
    ));

    store.prepare_upload(&up.id).unwrap();
    let ds = store.commit_upload(&up.id).unwrap();
    assert_eq!(
        store.load_column(&ds.id, "x").unwrap(),
        (cols[0].a.clone(), cols[0].b.clone())
    );
    // Resuming a finished upload reports its final state.
    assert_eq!(
        store.begin_upload(&new).unwrap().state,
        UploadState::Committed
    );
}

#[test]
fn bad_chunks_are_refused() {
    let (_tmp, store) = store();
    let up = store
        .begin_upload(&new_upload(1, ROWS, &["age", "sbp"]))
        .unwrap();
    let cols = [column("age", 1, ROWS), column("sbp", 2, ROWS)];

    let mut short = chunk_of(&cols, 0);
    short[1].b.pop();
    let detail = invalid_detail(store.put_upload_chunk(&up.id, 0, &short).unwrap_err());
    assert!(
        detail.contains("\"sbp\"") && detail.contains(&CHUNK_WORDS.to_string()),
        "{detail}"
    );
    // The last chunk is 10 rows long, not CHUNK_WORDS.
    let detail = invalid_detail(store.put_upload_chunk(&up.id, 2, &short).unwrap_err());
    assert!(detail.contains("expected 10 each"), "{detail}");

    let only_age = &chunk_of(&cols, 0)[..1];
    let detail = invalid_detail(store.put_upload_chunk(&up.id, 0, only_age).unwrap_err());
    assert!(detail.contains("\"sbp\""), "{detail}");
    let mut twice = chunk_of(&cols, 0);
    twice[1].name = "age".into();
    invalid_detail(store.put_upload_chunk(&up.id, 0, &twice).unwrap_err());
    let mut undeclared = chunk_of(&cols, 0);
    undeclared.push(ColumnShares {
        name: "zzz".into(),
        ..undeclared[0].clone()
    });
    let detail = invalid_detail(store.put_upload_chunk(&up.id, 0, &undeclared).unwrap_err());
    assert!(detail.contains("\"zzz\""), "{detail}");
    let detail = invalid_detail(store.put_upload_chunk(&up.id, 3, &short).unwrap_err());
    assert!(detail.contains("chunk 3"), "{detail}");
    assert_eq!(rows_in(&store, "share_chunks"), 0);
    assert!(matches!(
        put(&store, &upload_id(9), 0, &cols),
        Err(StoreError::NotFound { what: "upload", .. })
    ));

    // No more chunks once prepared.
    send_all(&store, &up.id, &cols);
    store.prepare_upload(&up.id).unwrap();
    invalid_detail(put(&store, &up.id, 0, &cols).unwrap_err());
}

#[test]
fn begin_validates() {
    let (_tmp, store) = store();
    let good = new_upload(1, ROWS, &["x"]);
    type Tweak = fn(&mut NewUpload);
    let cases: [(&str, Tweak); 8] = [
        ("short id", |n| n.id.truncate(31)),
        ("upper-case id", |n| n.id = n.id.to_uppercase()),
        ("non-hex id", |n| n.id.replace_range(0..1, "g")),
        ("chunk_rows", |n| n.chunk_rows = 1000),
        ("no columns", |n| n.columns.clear()),
        ("duplicate columns", |n| {
            n.columns.push(n.columns[0].clone())
        }),
        ("coordinator", |n| n.coordinator = 3),
        ("empty name", |n| n.name.clear()),
    ];
    for (what, f) in cases {
        let mut bad = good.clone();
        f(&mut bad);
        let err = store.begin_upload(&bad).unwrap_err();
        assert!(matches!(err, StoreError::Invalid { .. }), "{what}: {err:?}");
    }
    let mut bad = good.clone();
    bad.study = "nope".into();
    assert!(matches!(
        store.begin_upload(&bad),
        Err(StoreError::NotFound { what: "study", .. })
    ));
    assert_eq!(rows_in(&store, "uploads"), 0);
    assert_eq!(rows_in(&store, "datasets"), 0);
}

#[test]
fn prepare_names_missing_chunks() {
    let (_tmp, store) = store();
    let up = store.begin_upload(&new_upload(1, ROWS, &["x"])).unwrap();
    let cols = [column("x", 1, ROWS)];
    for i in [0, 2] {
        put(&store, &up.id, i, &cols).unwrap();
    }
    let detail = invalid_detail(store.prepare_upload(&up.id).unwrap_err());
    assert!(
        detail.contains("missing chunk(s) 1 ") && detail.contains("1 of 3"),
        "{detail}"
    );
    assert_eq!(
        store.upload(&up.id).unwrap().unwrap().state,
        UploadState::Open
    );
    // Not prepared: commit is refused, and nothing became visible.
    invalid_detail(store.commit_upload(&up.id).unwrap_err());
    assert!(store.datasets("s1").unwrap().is_empty());

    put(&store, &up.id, 1, &cols).unwrap();
    store.prepare_upload(&up.id).unwrap();
}

#[test]
fn empty_upload_has_no_chunks() {
    let (_tmp, store) = store();
    let up = store.begin_upload(&new_upload(1, 0, &["x"])).unwrap();
    assert_eq!(up.total_chunks, 0);
    store.prepare_upload(&up.id).unwrap();
    let ds = store.commit_upload(&up.id).unwrap();
    assert_eq!(store.load_column(&ds.id, "x").unwrap(), (vec![], vec![]));
}

#[test]
fn abort_removes_everything() {
    let (_tmp, store) = store();
    let cols = [column("age", 1, ROWS), column("sbp", 2, ROWS)];
    let open = store
        .begin_upload(&new_upload(1, ROWS, &["age", "sbp"]))
        .unwrap();
    send_all(&store, &open.id, &cols);
    let mut second = new_upload(2, ROWS, &["age", "sbp"]);
    second.name = "other".into();
    let prepared = store.begin_upload(&second).unwrap();
    send_all(&store, &prepared.id, &cols);
    store.prepare_upload(&prepared.id).unwrap();
    assert_eq!(rows_in(&store, "share_chunks"), 12);

    for id in [&open.id, &prepared.id] {
        assert!(store.abort_upload(id).unwrap());
        assert!(!store.abort_upload(id).unwrap());
        let up = store.upload(id).unwrap().unwrap();
        assert_eq!((up.state, up.chunks_received), (UploadState::Aborted, 0));
        assert!(store.upload_chunks_received(id).unwrap().is_empty());
        invalid_detail(store.commit_upload(id).unwrap_err());
        invalid_detail(store.prepare_upload(id).unwrap_err());
        invalid_detail(put(&store, id, 0, &cols).unwrap_err());
    }
    for table in ["share_chunks", "dataset_columns", "datasets"] {
        assert_eq!(rows_in(&store, table), 0, "{table}");
    }
    assert_eq!(store.uploads(Some(UploadState::Aborted)).unwrap().len(), 2);
    assert!(matches!(
        store.abort_upload(&upload_id(9)),
        Err(StoreError::NotFound { what: "upload", .. })
    ));
}
