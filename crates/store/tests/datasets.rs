//! Datasets: chunked share storage round trips, validation, atomicity and
//! deletion.

use rusqlite::Connection;
use sharestat_store::{
    CHUNK_WORDS, ColumnMeta, ColumnShares, NewDataset, NewStudy, Store, StoreError,
};

fn store() -> (tempfile::TempDir, Store) {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(tmp.path()).unwrap();
    store
        .create_study(&NewStudy {
            id: "s1".into(),
            title: "S1".into(),
            dictionary: String::new(),
            policy: String::new(),
        })
        .unwrap();
    (tmp, store)
}

fn new_dataset(rows: u64, cols: &[&str]) -> NewDataset {
    NewDataset {
        study: "s1".into(),
        site: "site-a".into(),
        name: "visits".into(),
        rows,
        columns: cols
            .iter()
            .map(|c| ColumnMeta {
                name: (*c).into(),
                kind: "u64".into(),
            })
            .collect(),
        uploaded_by: "owner".into(),
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

fn shares(name: &str, seed: u64, rows: usize) -> ColumnShares {
    ColumnShares {
        name: name.into(),
        a: words(seed, rows),
        b: words(seed ^ 0xffff, rows),
    }
}

fn count(store: &Store, table: &str) -> i64 {
    let c = Connection::open(store.path()).unwrap();
    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn round_trip_over_several_chunks() {
    let (_tmp, store) = store();
    let rows = 2 * CHUNK_WORDS + 123;
    let age = shares("age", 1, rows);
    let sbp = shares("sbp", 2, rows);
    // Shares may come in any order.
    let ds = store
        .put_dataset(
            &new_dataset(rows as u64, &["age", "sbp"]),
            &[sbp.clone(), age.clone()],
        )
        .unwrap();
    assert_eq!(ds.id.len(), 32);
    assert!(ds.id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(count(&store, "share_chunks"), 6);

    assert_eq!(store.load_column(&ds.id, "age").unwrap(), (age.a, age.b));
    assert_eq!(store.load_column(&ds.id, "sbp").unwrap(), (sbp.a, sbp.b));

    let got = store.dataset(&ds.id).unwrap().unwrap();
    assert_eq!(got, ds);
    let names: Vec<_> = got.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["age", "sbp"]);
    assert_eq!(store.datasets("s1").unwrap(), vec![ds.clone()]);
    assert!(store.datasets("other").unwrap().is_empty());
    // The index lists the same datasets, without their columns.
    let index = store.dataset_index("s1").unwrap();
    assert_eq!(index.len(), 1);
    assert_eq!((&index[0].id, index[0].rows), (&ds.id, ds.rows));
    assert!(index[0].columns.is_empty());
    assert!(store.dataset_index("other").unwrap().is_empty());
}

#[test]
fn exact_chunk_multiple_and_empty() {
    let (_tmp, store) = store();
    let x = shares("x", 3, CHUNK_WORDS);
    let ds = store
        .put_dataset(
            &new_dataset(CHUNK_WORDS as u64, &["x"]),
            std::slice::from_ref(&x),
        )
        .unwrap();
    assert_eq!(store.load_column(&ds.id, "x").unwrap(), (x.a, x.b));
    assert_eq!(count(&store, "share_chunks"), 1);

    let empty = store
        .put_dataset(&new_dataset(0, &["x"]), &[shares("x", 4, 0)])
        .unwrap();
    assert_eq!(store.load_column(&empty.id, "x").unwrap(), (vec![], vec![]));
}

#[test]
fn bad_length_leaves_nothing_behind() {
    let (_tmp, store) = store();
    let rows = CHUNK_WORDS + 10;
    let mut bad = shares("sbp", 2, rows);
    bad.b.pop();
    let err = store
        .put_dataset(
            &new_dataset(rows as u64, &["age", "sbp"]),
            &[shares("age", 1, rows), bad],
        )
        .unwrap_err();
    match err {
        StoreError::Invalid { detail, .. } => assert!(detail.contains("sbp"), "{detail}"),
        other => panic!("expected Invalid, got {other:?}"),
    }
    for table in ["datasets", "dataset_columns", "share_chunks"] {
        assert_eq!(count(&store, table), 0, "{table}");
    }
    assert!(store.datasets("s1").unwrap().is_empty());
}

#[test]
fn mismatched_columns_are_invalid() {
    let (_tmp, store) = store();
    let meta = new_dataset(3, &["age", "sbp"]);
    let cases = [
        vec![shares("age", 1, 3)], // missing sbp
        vec![shares("age", 1, 3), shares("sbp", 2, 3), shares("x", 3, 3)], // undeclared
        vec![shares("age", 1, 3), shares("age", 1, 3)], // duplicate
    ];
    for case in cases {
        let err = store.put_dataset(&meta, &case).unwrap_err();
        assert!(matches!(err, StoreError::Invalid { .. }), "{err:?}");
    }
    let dup = new_dataset(3, &["age", "age"]);
    let err = store.put_dataset(&dup, &[shares("age", 1, 3)]).unwrap_err();
    assert!(matches!(err, StoreError::Invalid { .. }), "{err:?}");
    assert_eq!(count(&store, "datasets"), 0);
}

#[test]
fn unknown_study_is_not_found() {
    let (_tmp, store) = store();
    let mut meta = new_dataset(2, &["x"]);
    meta.study = "nope".into();
    let err = store.put_dataset(&meta, &[shares("x", 1, 2)]).unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound { what: "study", .. }),
        "{err:?}"
    );
    assert_eq!(count(&store, "datasets"), 0);
}

#[test]
fn load_column_not_found() {
    let (_tmp, store) = store();
    let ds = store
        .put_dataset(&new_dataset(2, &["x"]), &[shares("x", 1, 2)])
        .unwrap();
    let err = store.load_column("0000", "x").unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotFound {
                what: "dataset",
                ..
            }
        ),
        "{err:?}"
    );
    let err = store.load_column(&ds.id, "y").unwrap_err();
    match err {
        StoreError::NotFound { what: "column", id } => assert_eq!(id, format!("{}/y", ds.id)),
        other => panic!("expected NotFound column, got {other:?}"),
    }
}

#[test]
fn delete_removes_chunks() {
    let (_tmp, store) = store();
    let rows = CHUNK_WORDS + 1;
    let keep = store
        .put_dataset(&new_dataset(rows as u64, &["x"]), &[shares("x", 1, rows)])
        .unwrap();
    let gone = store
        .put_dataset(
            &new_dataset(rows as u64, &["x", "y"]),
            &[shares("x", 2, rows), shares("y", 3, rows)],
        )
        .unwrap();
    assert_eq!(count(&store, "share_chunks"), 6);

    assert!(store.delete_dataset(&gone.id).unwrap());
    assert!(!store.delete_dataset(&gone.id).unwrap());
    assert_eq!(store.dataset(&gone.id).unwrap(), None);
    assert_eq!(count(&store, "share_chunks"), 2);
    assert_eq!(count(&store, "dataset_columns"), 1);
    assert!(matches!(
        store.load_column(&gone.id, "x"),
        Err(StoreError::NotFound {
            what: "dataset",
            ..
        })
    ));
    assert_eq!(store.load_column(&keep.id, "x").unwrap().0.len(), rows);
}

#[test]
fn debug_output_hides_share_values() {
    let s = ColumnShares {
        name: "x".into(),
        a: vec![123_456_789],
        b: vec![987_654_321],
    };
    let text = format!("{s:?}");
    assert!(
        !text.contains("123456789") && !text.contains("987654321"),
        "{text}"
    );
}
