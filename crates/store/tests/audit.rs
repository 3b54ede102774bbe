//! Audit log: chaining, verification, tamper detection and the
//! append-only triggers. Tampering goes through a second connection to the
//! same file that first drops the trigger, as an attacker with file access
//! could.

use rusqlite::Connection;
use sha2::{Digest, Sha256};
use sharestat_store::{AuditEntry, NewAuditEntry, Store};

const ZEROS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn entry(i: usize, study: Option<&str>) -> NewAuditEntry {
    NewAuditEntry {
        actor: "alice".into(),
        role: "researcher".into(),
        action: "job.submit".into(),
        study: study.map(Into::into),
        dataset: None,
        job: Some(format!("job-{i}")),
        detail: format!("detail {i}"),
        revealed: if i.is_multiple_of(2) {
            "mean".into()
        } else {
            String::new()
        },
    }
}

/// A store with five entries; odd entries belong to study s1.
fn store_with_entries() -> (tempfile::TempDir, Store) {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(tmp.path()).unwrap();
    for i in 1..=5 {
        let study = (i % 2 == 1).then_some("s1");
        store.append_audit(&entry(i, study)).unwrap();
    }
    (tmp, store)
}

fn attacker(store: &Store) -> Connection {
    let c = Connection::open(store.path()).unwrap();
    c.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    c
}

#[test]
fn empty_log_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(tmp.path()).unwrap();
    let report = store.verify_audit().unwrap();
    assert_eq!(report.entries, 0);
    assert_eq!(report.head, ZEROS);
    assert_eq!(report.first_bad, None);
}

#[test]
fn append_chains_and_verifies() {
    let (_tmp, store) = store_with_entries();
    let all = store.audit(0, 100, None).unwrap();
    assert_eq!(all.len(), 5);
    assert_eq!(all[0].seq, 1);
    assert_eq!(all[0].prev_hash, ZEROS);
    for w in all.windows(2) {
        assert_eq!(w[1].seq, w[0].seq + 1);
        assert_eq!(w[1].prev_hash, w[0].hash);
    }
    assert!(all.iter().all(|e| e.hash.len() == 64));

    let report = store.verify_audit().unwrap();
    assert_eq!(report.entries, 5);
    assert_eq!(report.head, all[4].hash);
    assert_eq!(report.first_bad, None);

    let appended = store.append_audit(&entry(6, None)).unwrap();
    assert_eq!(appended.seq, 6);
    assert_eq!(appended.prev_hash, all[4].hash);
    assert_eq!(store.verify_audit().unwrap().head, appended.hash);
}

#[test]
fn paging_and_study_filter() {
    let (_tmp, store) = store_with_entries();
    let seqs = |v: Vec<AuditEntry>| v.iter().map(|e| e.seq).collect::<Vec<_>>();
    assert_eq!(seqs(store.audit(2, 2, None).unwrap()), [3, 4]);
    assert_eq!(seqs(store.audit(0, 10, Some("s1")).unwrap()), [1, 3, 5]);
    assert_eq!(seqs(store.audit(1, 1, Some("s1")).unwrap()), [3]);
    assert!(store.audit(5, 10, None).unwrap().is_empty());
}

#[test]
fn modified_detail_is_detected() {
    let (_tmp, store) = store_with_entries();
    let c = attacker(&store);
    c.execute_batch(
        "DROP TRIGGER audit_no_update;
         UPDATE audit SET detail = 'nothing to see' WHERE seq = 3;",
    )
    .unwrap();
    let report = store.verify_audit().unwrap();
    assert_eq!(report.entries, 5);
    let bad = report.first_bad.expect("tampering must be detected");
    assert_eq!(bad.seq, 3);
    assert!(bad.reason.contains("hash"), "{}", bad.reason);
}

#[test]
fn modified_optional_field_is_detected() {
    let (_tmp, store) = store_with_entries();
    let c = attacker(&store);
    // None -> Some("") must change the hash.
    c.execute_batch(
        "DROP TRIGGER audit_no_update;
         UPDATE audit SET dataset = '' WHERE seq = 2;",
    )
    .unwrap();
    assert_eq!(store.verify_audit().unwrap().first_bad.unwrap().seq, 2);
}

/// The documented hash, computed independently of the crate.
fn documented_hash(e: &AuditEntry) -> String {
    fn bytes(buf: &mut Vec<u8>, s: &str) {
        buf.extend_from_slice(&(s.len() as u64).to_be_bytes());
        buf.extend_from_slice(s.as_bytes());
    }
    fn opt(buf: &mut Vec<u8>, s: &Option<String>) {
        match s {
            None => buf.push(0),
            Some(s) => {
                buf.push(1);
                bytes(buf, s);
            }
        }
    }
    let mut buf = hex::decode(&e.prev_hash).unwrap();
    buf.extend_from_slice(&e.seq.to_be_bytes());
    for s in [&e.ts, &e.actor, &e.role, &e.action] {
        bytes(&mut buf, s);
    }
    for o in [&e.study, &e.dataset, &e.job] {
        opt(&mut buf, o);
    }
    bytes(&mut buf, &e.detail);
    bytes(&mut buf, &e.revealed);
    hex::encode(Sha256::digest(&buf))
}

#[test]
fn hash_follows_the_documented_encoding() {
    let (_tmp, store) = store_with_entries();
    for e in store.audit(0, 100, None).unwrap() {
        assert_eq!(documented_hash(&e), e.hash, "entry {}", e.seq);
    }
}

#[test]
fn rehashed_entry_breaks_the_next_link() {
    let (_tmp, store) = store_with_entries();
    // The attacker edits entry 3 and recomputes its hash correctly; entry 4
    // still links to the old hash.
    let mut e3 = store.audit(2, 1, None).unwrap().remove(0);
    e3.detail = "nothing to see".into();
    let forged = documented_hash(&e3);
    let c = attacker(&store);
    c.execute_batch("DROP TRIGGER audit_no_update").unwrap();
    c.execute(
        "UPDATE audit SET detail = ?1, hash = ?2 WHERE seq = 3",
        [&e3.detail, &forged],
    )
    .unwrap();
    let bad = store.verify_audit().unwrap().first_bad.unwrap();
    assert_eq!(bad.seq, 4);
    assert!(bad.reason.contains("link"), "{}", bad.reason);
}

#[test]
fn deleted_entry_is_detected() {
    let (_tmp, store) = store_with_entries();
    let c = attacker(&store);
    c.execute_batch(
        "DROP TRIGGER audit_no_delete;
         DELETE FROM audit WHERE seq = 3;",
    )
    .unwrap();
    let report = store.verify_audit().unwrap();
    assert_eq!(report.entries, 4);
    let bad = report.first_bad.expect("deletion must be detected");
    assert_eq!(bad.seq, 3);
    assert!(bad.reason.contains("missing"), "{}", bad.reason);
}

#[test]
fn deleted_first_entry_is_detected() {
    let (_tmp, store) = store_with_entries();
    let c = attacker(&store);
    c.execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 1;")
        .unwrap();
    assert_eq!(store.verify_audit().unwrap().first_bad.unwrap().seq, 1);
}

#[test]
fn swapped_entries_are_detected() {
    let (_tmp, store) = store_with_entries();
    let c = attacker(&store);
    c.execute_batch(
        "DROP TRIGGER audit_no_update;
         UPDATE audit SET seq = 100 WHERE seq = 2;
         UPDATE audit SET seq = 2 WHERE seq = 4;
         UPDATE audit SET seq = 4 WHERE seq = 100;",
    )
    .unwrap();
    assert_eq!(store.verify_audit().unwrap().first_bad.unwrap().seq, 2);
}

#[test]
fn triggers_refuse_update_and_delete() {
    let (_tmp, store) = store_with_entries();
    let c = attacker(&store);
    let err = c
        .execute("UPDATE audit SET detail = 'x' WHERE seq = 1", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let err = c
        .execute("DELETE FROM audit WHERE seq = 1", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let report = store.verify_audit().unwrap();
    assert_eq!((report.entries, report.first_bad), (5, None));
}
