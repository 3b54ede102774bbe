//! Accounts: users, token hashes, authentication and role grants.

use sha2::{Digest, Sha256};
use sharestat_store::{NewStudy, Role, RoleGrant, Store, StoreError};

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

fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

#[test]
fn users() {
    let (_tmp, store) = store();
    let bob = store.create_user("bob@site-a.org", "Bob").unwrap();
    assert!(!bob.disabled);
    store.create_user("alice", "Alice").unwrap();
    let err = store.create_user("alice", "Other").unwrap_err();
    assert!(matches!(err, StoreError::Exists { what: "user", .. }));
    for bad in ["", "Alice", "a b", "a/b"] {
        assert!(matches!(
            store.create_user(bad, "x"),
            Err(StoreError::Invalid { .. })
        ));
    }
    let names: Vec<_> = store.users().unwrap().into_iter().map(|u| u.name).collect();
    assert_eq!(names, ["alice", "bob@site-a.org"]);
    assert_eq!(store.user("bob@site-a.org").unwrap(), Some(bob));
    assert_eq!(store.user("carol").unwrap(), None);
}

#[test]
fn tokens_and_authentication() {
    let (_tmp, store) = store();
    store.create_user("alice", "Alice").unwrap();
    let t1 = store
        .add_token("alice", hash("secret-1"), "laptop")
        .unwrap();
    assert_eq!(t1.id.len(), 16);
    assert!(t1.id.bytes().all(|b| b.is_ascii_hexdigit()));
    let t2 = store.add_token("alice", hash("secret-2"), "ci").unwrap();

    let err = store
        .add_token("alice", hash("secret-1"), "again")
        .unwrap_err();
    assert!(matches!(err, StoreError::Exists { what: "token", ref id } if *id == t1.id));
    let err = store.add_token("nobody", hash("x"), "").unwrap_err();
    assert!(matches!(err, StoreError::NotFound { what: "user", .. }));

    let (user, tok) = store.authenticate(&hash("secret-1")).unwrap().unwrap();
    assert_eq!(user.name, "alice");
    assert_eq!(tok, t1);
    assert!(store.authenticate(&hash("wrong")).unwrap().is_none());

    assert!(store.revoke_token(&t1.id).unwrap());
    assert!(!store.revoke_token(&t1.id).unwrap());
    assert!(!store.revoke_token("ffffffffffffffff").unwrap());
    assert!(store.authenticate(&hash("secret-1")).unwrap().is_none());
    assert!(store.authenticate(&hash("secret-2")).unwrap().is_some());

    let toks = store.tokens("alice").unwrap();
    assert_eq!(toks.len(), 2);
    assert!(toks.iter().any(|t| t.id == t1.id && t.revoked));
    assert!(toks.iter().any(|t| t.id == t2.id && !t.revoked));

    assert!(store.set_user_disabled("alice", true).unwrap());
    assert!(store.user("alice").unwrap().unwrap().disabled);
    assert!(store.authenticate(&hash("secret-2")).unwrap().is_none());
    assert!(store.set_user_disabled("alice", false).unwrap());
    assert!(store.authenticate(&hash("secret-2")).unwrap().is_some());
    assert!(!store.set_user_disabled("nobody", true).unwrap());
}

fn grant(user: &str, role: Role, study: Option<&str>, site: Option<&str>) -> RoleGrant {
    RoleGrant {
        user: user.into(),
        role,
        study: study.map(Into::into),
        site: site.map(Into::into),
    }
}

#[test]
fn grants() {
    let (_tmp, store) = store();
    store.create_user("alice", "Alice").unwrap();
    let admin = grant("alice", Role::Admin, None, None);
    let owner = grant("alice", Role::DataOwner, Some("s1"), Some("site-a"));
    let researcher = grant("alice", Role::Researcher, Some("s1"), None);
    store.grant(&admin).unwrap();
    store.grant(&admin).unwrap(); // idempotent
    store.grant(&owner).unwrap();
    store.grant(&owner).unwrap();
    store.grant(&researcher).unwrap();
    let mut got = store.grants("alice").unwrap();
    got.sort_by_key(|g| g.role.as_str());
    assert_eq!(got, vec![admin.clone(), owner.clone(), researcher.clone()]);

    for bad in [
        grant("alice", Role::DataOwner, None, None),
        grant("alice", Role::DataOwner, Some("s1"), None),
        grant("alice", Role::DataOwner, None, Some("site-a")),
        grant("alice", Role::Researcher, Some("s1"), Some("site-a")),
    ] {
        assert!(
            matches!(store.grant(&bad), Err(StoreError::Invalid { .. })),
            "{bad:?}"
        );
    }
    assert!(matches!(
        store.grant(&grant("bob", Role::Auditor, None, None)),
        Err(StoreError::NotFound { what: "user", .. })
    ));
    assert!(matches!(
        store.grant(&grant("alice", Role::Auditor, Some("s9"), None)),
        Err(StoreError::NotFound { what: "study", .. })
    ));

    assert!(store.revoke_grant(&owner).unwrap());
    assert!(!store.revoke_grant(&owner).unwrap());
    // A node-wide grant is distinct from a study-scoped one.
    assert!(
        !store
            .revoke_grant(&grant("alice", Role::Researcher, None, None))
            .unwrap()
    );
    assert!(store.revoke_grant(&admin).unwrap());
    assert_eq!(store.grants("alice").unwrap(), vec![researcher]);
}

#[test]
fn role_names() {
    for role in Role::ALL {
        assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        let json = serde_json::to_string(&role).unwrap();
        assert_eq!(json, format!("\"{role}\""));
        assert_eq!(serde_json::from_str::<Role>(&json).unwrap(), role);
    }
    assert_eq!(Role::DataOwner.as_str(), "data_owner");
    assert!(matches!(
        "root".parse::<Role>(),
        Err(StoreError::Invalid { field: "role", .. })
    ));
}

#[test]
fn an_account_is_created_whole_or_not_at_all() {
    let (_tmp, store) = store();
    let ok = [grant("rita", Role::Researcher, Some("s1"), None)];
    // A grant in a study that does not exist: no user, no token, no grant.
    let bad = [
        grant("rita", Role::Researcher, Some("s1"), None),
        grant("rita", Role::Researcher, Some("nope"), None),
    ];
    let err = store
        .create_account("rita", "Rita", &bad, hash("t1"), "initial")
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    assert!(store.user("rita").unwrap().is_none());
    assert!(store.grants("rita").unwrap().is_empty());
    assert!(store.authenticate(&hash("t1")).unwrap().is_none());
    // A token hash already taken: nothing either.
    store.create_user("bob", "Bob").unwrap();
    store.add_token("bob", hash("taken"), "").unwrap();
    let err = store
        .create_account("rita", "Rita", &ok, hash("taken"), "initial")
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Exists { what: "token", .. }),
        "{err}"
    );
    assert!(store.user("rita").unwrap().is_none());
    // A grant for someone else is refused.
    let other = [grant("bob", Role::Researcher, Some("s1"), None)];
    assert!(matches!(
        store.create_account("rita", "Rita", &other, hash("t2"), ""),
        Err(StoreError::Invalid { .. })
    ));
    assert!(store.user("rita").unwrap().is_none());
    // The good account: user, grant and token together.
    let (u, t) = store
        .create_account("rita", "Rita", &ok, hash("t3"), "initial")
        .unwrap();
    assert_eq!(u.name, "rita");
    assert_eq!(store.grants("rita").unwrap(), ok);
    let (who, tok) = store.authenticate(&hash("t3")).unwrap().unwrap();
    assert_eq!((who.name, tok.id), ("rita".to_string(), t.id));
    assert!(matches!(
        store.create_account("rita", "Rita", &ok, hash("t4"), ""),
        Err(StoreError::Exists { what: "user", .. })
    ));
}
