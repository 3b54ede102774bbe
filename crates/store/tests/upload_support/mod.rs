//! Helpers shared by the staged-upload tests.
#![allow(dead_code, unused_imports)]
pub use rusqlite::Connection;
pub use sharestat_store::{
    CHUNK_WORDS, ColumnMeta, ColumnShares, Dataset, Decision, NewDataset, NewStudy, NewUpload,
    SCHEMA_VERSION, Store, StoreError, UploadState,
};

/// Rows of the standard test upload: three chunks, the last one short.
pub const ROWS: usize = 2 * CHUNK_WORDS + 10;

pub fn open(dir: &std::path::Path) -> Store {
    Store::open(dir).unwrap()
}

/// A store in `dir` with study `s1`.
pub fn open_with_study(dir: &std::path::Path) -> Store {
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

pub fn store() -> (tempfile::TempDir, Store) {
    let tmp = tempfile::tempdir().unwrap();
    let store = open_with_study(tmp.path());
    (tmp, store)
}

pub fn upload_id(n: u8) -> String {
    format!("{:032x}", 0xabcd_0000_u128 + u128::from(n))
}

pub fn new_upload(n: u8, rows: usize, cols: &[&str]) -> NewUpload {
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
pub fn words(seed: u64, n: usize) -> Vec<u64> {
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
pub fn column(name: &str, seed: u64, rows: usize) -> ColumnShares {
    ColumnShares {
        name: name.into(),
        a: words(seed, rows),
        b: words(seed ^ 0xffff, rows),
    }
}

/// Chunk `i` of whole columns.
pub fn chunk_of(cols: &[ColumnShares], i: usize) -> Vec<ColumnShares> {
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
pub fn put(store: &Store, id: &str, i: usize, cols: &[ColumnShares]) -> Result<(), StoreError> {
    store.put_upload_chunk(id, i as u64, &chunk_of(cols, i))
}

/// Sends every chunk of `cols` for upload `id`.
pub fn send_all(store: &Store, id: &str, cols: &[ColumnShares]) {
    let chunks = cols[0].a.len().div_ceil(CHUNK_WORDS);
    for i in 0..chunks {
        put(store, id, i, cols).unwrap();
    }
}

/// Begins, sends, prepares and commits an upload.
pub fn upload_all(store: &Store, new: &NewUpload, cols: &[ColumnShares]) -> Dataset {
    let up = store.begin_upload(new).unwrap();
    send_all(store, &up.id, cols);
    store.prepare_upload(&up.id).unwrap();
    store.commit_upload(&up.id).unwrap()
}

/// Stores dataset `visits` of one column `x` directly, as before uploads.
pub fn put_visits(store: &Store, x: &ColumnShares) -> Dataset {
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

pub fn count(store: &Store, sql: &str) -> i64 {
    let c = Connection::open(store.path()).unwrap();
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

pub fn rows_in(store: &Store, table: &str) -> i64 {
    count(store, &format!("SELECT count(*) FROM {table}"))
}

/// The schema's SQL, ordered by object name.
pub fn schema_sql(store: &Store) -> Vec<String> {
    let c = Connection::open(store.path()).unwrap();
    let mut stmt = c
        .prepare("SELECT ifnull(sql, name) FROM sqlite_master ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

pub fn invalid_detail(err: StoreError) -> String {
    match err {
        StoreError::Invalid { detail, .. } => detail,
        other => panic!("expected Invalid, got {other:?}"),
    }
}
