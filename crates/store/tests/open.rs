//! Opening the store: directory creation, pragmas, migrations and refusal
//! of files written by a newer schema.

use rusqlite::Connection;
use sharestat_store::{DB_FILE_NAME, SCHEMA_VERSION, Store, StoreError};

#[test]
fn store_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Store>();
}

#[test]
fn open_creates_directory_and_migrates() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a").join("b");
    let store = Store::open(&dir).unwrap();
    assert_eq!(store.path(), dir.join(DB_FILE_NAME));
    assert!(store.path().is_file());
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    const { assert!(SCHEMA_VERSION >= 1) };

    let other = Connection::open(store.path()).unwrap();
    let mode: String = other
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn reopen_keeps_data() {
    let tmp = tempfile::tempdir().unwrap();
    {
        let store = Store::open(tmp.path()).unwrap();
        store.create_user("alice", "Alice").unwrap();
    }
    let store = Store::open(tmp.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.user("alice").unwrap().unwrap().display_name, "Alice");
}

#[test]
fn schema_too_new_is_refused_without_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let path = Store::open(tmp.path()).unwrap().path().to_path_buf();

    let newer = i64::from(SCHEMA_VERSION) + 1;
    let schema_before: Vec<String>;
    {
        let c = Connection::open(&path).unwrap();
        c.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'schema_version'",
            [newer],
        )
        .unwrap();
        c.execute_batch("CREATE TABLE from_the_future (x INTEGER)")
            .unwrap();
        schema_before = schema_sql(&c);
    }

    match Store::open(tmp.path()) {
        Err(StoreError::SchemaTooNew { found, supported }) => {
            assert_eq!(i64::from(found), newer);
            assert_eq!(supported, SCHEMA_VERSION);
        }
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }

    let c = Connection::open(&path).unwrap();
    let version: i64 = c
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(version, newer);
    assert_eq!(schema_sql(&c), schema_before);
}

#[test]
fn schema_too_new_is_refused_on_a_rollback_journal_file() {
    // A file not in WAL mode must not be switched to WAL when it is refused.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(DB_FILE_NAME);
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch(
            "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value NOT NULL);
             INSERT INTO meta VALUES ('schema_version', 999);",
        )
        .unwrap();
    }
    let err = Store::open(tmp.path()).unwrap_err();
    assert!(matches!(
        err,
        StoreError::SchemaTooNew { found: 999, supported } if supported == SCHEMA_VERSION
    ));
    let c = Connection::open(&path).unwrap();
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
}

fn schema_sql(c: &Connection) -> Vec<String> {
    let mut stmt = c
        .prepare("SELECT ifnull(sql, name) FROM sqlite_master ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}
