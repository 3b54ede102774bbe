//! Staged uploads: chunked transfer, invisibility until commit, prepare,
//! commit, abort, replacement, the decision log, durability across reopening,
//! withdrawal, and migration of a version-1 database.

use rusqlite::Connection;
use sharestat_store::{
    CHUNK_WORDS, ColumnMeta, ColumnShares, Dataset, Decision, NewDataset, NewStudy, NewUpload,
    SCHEMA_VERSION, Store, StoreError, UploadState,
};

/// Rows of the standard test upload: three chunks, the last one short.
const ROWS: usize = 2 * CHUNK_WORDS + 10;

fn open(dir: &std::path::Path) -> Store {
    Store::open(dir).unwrap()
}

/// A store in `dir` with study `s1`.
fn open_with_study(dir: &std::path::Path) -> Store {
    let store = open(dir);
    store
        .create_study(&NewStudy {
            id: "s1".into(),
            title: "S1".into(),
            dictionary: String::new(),
            policy: String::new(),
        })
        .unwrap();
    store
}

fn store() -> (tempfile::TempDir, Store) {
    let tmp = tempfile::tempdir().unwrap();
    let store = open_with_study(tmp.path());
    (tmp, store)
}

fn upload_id(n: u8) -> String {
    format!("{:032x}", 0xabcd_0000_u128 + u128::from(n))
}

fn new_upload(n: u8, rows: usize, cols: &[&str]) -> NewUpload {
    NewUpload {
        id: upload_id(n),
        study: "s1".into(),
        site: "site-a".into(),
        name: "visits".into(),
        rows: rows as u64,
        columns: cols
            .iter()
            .map(|c| ColumnMeta {
                name: (*c).into(),
                kind: "u64".into(),
            })
            .collect(),
        chunk_rows: CHUNK_WORDS as u64,
        replaces: false,
        uploaded_by: "owner".into(),
        coordinator: 1,
    }
}

/// Deterministic pseudo-random words (splitmix64).
fn words(seed: u64, n: usize) -> Vec<u64> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        })
        .collect()
}

/// A whole column's shares.
fn column(name: &str, seed: u64, rows: usize) -> ColumnShares {
    ColumnShares {
        name: name.into(),
        a: words(seed, rows),
        b: words(seed ^ 0xffff, rows),
    }
}

/// Chunk `i` of whole columns.
fn chunk_of(cols: &[ColumnShares], i: usize) -> Vec<ColumnShares> {
    cols.iter()
        .map(|c| {
            let r = i * CHUNK_WORDS..((i + 1) * CHUNK_WORDS).min(c.a.len());
            ColumnShares {
                name: c.name.clone(),
                a: c.a[r.clone()].to_vec(),
                b: c.b[r].to_vec(),
            }
        })
        .collect()
}

/// Sends chunk `i` of `cols` for upload `id`.
fn put(store: &Store, id: &str, i: usize, cols: &[ColumnShares]) -> Result<(), StoreError> {
    store.put_upload_chunk(id, i as u64, &chunk_of(cols, i))
}

/// Sends every chunk of `cols` for upload `id`.
fn send_all(store: &Store, id: &str, cols: &[ColumnShares]) {
    let chunks = cols[0].a.len().div_ceil(CHUNK_WORDS);
    for i in 0..chunks {
        put(store, id, i, cols).unwrap();
    }
}

/// Begins, sends, prepares and commits an upload.
fn upload_all(store: &Store, new: &NewUpload, cols: &[ColumnShares]) -> Dataset {
    let up = store.begin_upload(new).unwrap();
    send_all(store, &up.id, cols);
    store.prepare_upload(&up.id).unwrap();
    store.commit_upload(&up.id).unwrap()
}

/// Stores dataset `visits` of one column `x` directly, as before uploads.
fn put_visits(store: &Store, x: &ColumnShares) -> Dataset {
    let new = NewDataset {
        study: "s1".into(),
        site: "site-a".into(),
        name: "visits".into(),
        rows: x.a.len() as u64,
        columns: new_upload(0, 1, &["x"]).columns,
        uploaded_by: "owner".into(),
    };
    store.put_dataset(&new, std::slice::from_ref(x)).unwrap()
}

fn count(store: &Store, sql: &str) -> i64 {
    let c = Connection::open(store.path()).unwrap();
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn rows_in(store: &Store, table: &str) -> i64 {
    count(store, &format!("SELECT count(*) FROM {table}"))
}

/// The schema's SQL, ordered by object name.
fn schema_sql(store: &Store) -> Vec<String> {
    let c = Connection::open(store.path()).unwrap();
    let mut stmt = c
        .prepare("SELECT ifnull(sql, name) FROM sqlite_master ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn invalid_detail(err: StoreError) -> String {
    match err {
        StoreError::Invalid { detail, .. } => detail,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

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
            "DROP INDEX datasets_by_name;
             DROP TABLE upload_columns;
             DROP TABLE uploads;
             ALTER TABLE datasets DROP COLUMN state;
             UPDATE meta SET value = 1 WHERE key = 'schema_version';",
        )
        .unwrap();
    }

    let store = open(tmp.path());
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(SCHEMA_VERSION, 2);
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
