//! Studies: creation, validation, lookup.

use sharestat_store::{NewStudy, Store, StoreError};

fn store() -> (tempfile::TempDir, Store) {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(tmp.path()).unwrap();
    (tmp, store)
}

fn new_study(id: &str) -> NewStudy {
    NewStudy {
        id: id.into(),
        title: format!("Study {id}"),
        dictionary: "[columns]\nage = \"int\"\n".into(),
        policy: String::new(),
    }
}

#[test]
fn create_and_read_back() {
    let (_tmp, store) = store();
    let s = store.create_study(&new_study("bp-2024")).unwrap();
    assert_eq!(s.id, "bp-2024");
    assert_eq!(
        s.policy_sha256,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(s.dictionary_sha256.len(), 64);
    assert!(s.created_at.ends_with('Z'));
    humantime::parse_rfc3339(&s.created_at).unwrap();

    assert_eq!(store.study("bp-2024").unwrap(), Some(s.clone()));
    assert_eq!(store.study("nope").unwrap(), None);

    store.create_study(&new_study("a_first")).unwrap();
    let ids: Vec<_> = store.studies().unwrap().into_iter().map(|s| s.id).collect();
    assert_eq!(ids, ["a_first", "bp-2024"]);
}

#[test]
fn duplicate_is_exists() {
    let (_tmp, store) = store();
    store.create_study(&new_study("s1")).unwrap();
    let err = store.create_study(&new_study("s1")).unwrap_err();
    assert!(matches!(err, StoreError::Exists { what: "study", ref id } if id == "s1"));
}

#[test]
fn invalid_ids_are_refused() {
    let (_tmp, store) = store();
    let long = "x".repeat(65);
    for bad in ["", "Upper", "has space", "dot.ted", "é", long.as_str()] {
        let err = store.create_study(&new_study(bad)).unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Invalid {
                    field: "study id",
                    ..
                }
            ),
            "{bad:?}: {err:?}"
        );
    }
    store.create_study(&new_study(&"x".repeat(64))).unwrap();
    assert_eq!(store.studies().unwrap().len(), 1);
}
