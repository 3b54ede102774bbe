//! The audit log: an append-only, hash-chained record of who did what and
//! what was revealed.
//!
//! Entry `seq` (1-based, contiguous) stores
//! `hash = SHA-256(prev_hash || encode(entry))`, where `prev_hash` is the
//! 32 raw bytes of the previous entry's hash (all zeros for entry 1) and
//! `encode` concatenates, in order:
//!
//! * `seq` as a `u64` big-endian;
//! * `ts`, `actor`, `role`, `action` each as `u64` big-endian byte length
//!   followed by the UTF-8 bytes;
//! * `study`, `dataset`, `job` each as one byte `0` for `None`, or `1`
//!   followed by length and bytes as above for `Some`;
//! * `detail`, `revealed` as length and bytes.
//!
//! SQL triggers refuse `UPDATE` and `DELETE` on the table. Someone with
//! write access to the file can still drop them, which
//! [`Store::verify_audit`] detects for every change except truncation of
//! the newest entries; to catch that, record [`AuditReport::head`] elsewhere.

use rusqlite::{OptionalExtension, Row, TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};
use crate::{Store, now, to_i64, to_u64};

/// Hex `prev_hash` of the first entry.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Input for [`Store::append_audit`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAuditEntry {
    /// Who acted (user name, or e.g. `system`).
    pub actor: String,
    /// The role they acted in.
    pub role: String,
    /// What they did.
    pub action: String,
    /// Study concerned, if any.
    pub study: Option<String>,
    /// Dataset concerned, if any.
    pub dataset: Option<String>,
    /// Job concerned, if any.
    pub job: Option<String>,
    /// Free-form detail.
    pub detail: String,
    /// What was disclosed to the actor (empty if nothing).
    pub revealed: String,
}

/// A stored audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the log, from 1.
    pub seq: u64,
    /// Time of appending, RFC 3339 UTC.
    pub ts: String,
    /// Who acted.
    pub actor: String,
    /// The role they acted in.
    pub role: String,
    /// What they did.
    pub action: String,
    /// Study concerned, if any.
    pub study: Option<String>,
    /// Dataset concerned, if any.
    pub dataset: Option<String>,
    /// Job concerned, if any.
    pub job: Option<String>,
    /// Free-form detail.
    pub detail: String,
    /// What was disclosed.
    pub revealed: String,
    /// Hex hash of the previous entry (64 zeros for the first).
    pub prev_hash: String,
    /// Hex hash of this entry.
    pub hash: String,
}

/// Result of [`Store::verify_audit`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditReport {
    /// Number of stored entries.
    pub entries: u64,
    /// Hex hash of the last stored entry (64 zeros if the log is empty).
    pub head: String,
    /// The first problem found, if any.
    pub first_bad: Option<AuditFault>,
}

/// Where and why the audit chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFault {
    /// Sequence number of the first bad (or missing) entry.
    pub seq: u64,
    /// What is wrong.
    pub reason: String,
}

fn put_bytes(buf: &mut Vec<u8>, bytes: &[u8]) {
    buf.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
    buf.extend_from_slice(bytes);
}

fn put_opt(buf: &mut Vec<u8>, value: Option<&str>) {
    match value {
        None => buf.push(0),
        Some(v) => {
            buf.push(1);
            put_bytes(buf, v.as_bytes());
        }
    }
}

/// The chained hash of `e` (its own `hash` field is ignored).
fn entry_hash(prev: &[u8; 32], e: &AuditEntry) -> [u8; 32] {
    let mut buf = Vec::with_capacity(256 + e.detail.len() + e.revealed.len());
    buf.extend_from_slice(&e.seq.to_be_bytes());
    for s in [&e.ts, &e.actor, &e.role, &e.action] {
        put_bytes(&mut buf, s.as_bytes());
    }
    for o in [&e.study, &e.dataset, &e.job] {
        put_opt(&mut buf, o.as_deref());
    }
    put_bytes(&mut buf, e.detail.as_bytes());
    put_bytes(&mut buf, e.revealed.as_bytes());
    let mut h = Sha256::new();
    h.update(prev);
    h.update(&buf);
    h.finalize().into()
}

/// Parses a 64-character hex hash.
fn parse_hash(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

const AUDIT_COLUMNS: &str =
    "seq, ts, actor, role, action, study, dataset, job, detail, revealed, prev_hash, hash";

/// Reads a row; `seq` is returned raw beside the entry (whose `seq` is 0).
fn audit_from_row(r: &Row<'_>) -> rusqlite::Result<(i64, AuditEntry)> {
    Ok((
        r.get(0)?,
        AuditEntry {
            seq: 0,
            ts: r.get(1)?,
            actor: r.get(2)?,
            role: r.get(3)?,
            action: r.get(4)?,
            study: r.get(5)?,
            dataset: r.get(6)?,
            job: r.get(7)?,
            detail: r.get(8)?,
            revealed: r.get(9)?,
            prev_hash: r.get(10)?,
            hash: r.get(11)?,
        },
    ))
}

fn finish_entry((seq, mut e): (i64, AuditEntry)) -> Result<AuditEntry> {
    e.seq = to_u64(seq, "audit seq")?;
    Ok(e)
}

/// Checks one entry against its expected position and predecessor hash.
fn check_entry(expected_seq: u64, prev: &str, e: &AuditEntry) -> Option<AuditFault> {
    let fault = |seq, reason: String| Some(AuditFault { seq, reason });
    if e.seq != expected_seq {
        return fault(
            expected_seq,
            format!(
                "entry {expected_seq} missing or out of order (next stored entry is {})",
                e.seq
            ),
        );
    }
    if e.prev_hash != prev {
        return fault(
            e.seq,
            "broken link: prev_hash differs from the previous entry's hash".into(),
        );
    }
    let Some(prev_bytes) = parse_hash(prev) else {
        return fault(e.seq, "prev_hash is not a 64-digit hex hash".into());
    };
    if hex::encode(entry_hash(&prev_bytes, e)) != e.hash {
        return fault(e.seq, "hash mismatch: entry contents were modified".into());
    }
    None
}

impl Store {
    /// Appends an entry, chaining it to the current last entry.
    pub fn append_audit(&self, new: &NewAuditEntry) -> Result<AuditEntry> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let last: Option<(i64, String)> = tx
            .query_row(
                "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (seq, prev_hash) = match last {
            None => (1, GENESIS.to_owned()),
            Some((seq, hash)) => (to_u64(seq, "audit seq")? + 1, hash),
        };
        let prev = parse_hash(&prev_hash).ok_or_else(|| {
            StoreError::corrupt(format!("audit entry {} has a malformed hash", seq - 1))
        })?;
        let mut e = AuditEntry {
            seq,
            ts: now(),
            actor: new.actor.clone(),
            role: new.role.clone(),
            action: new.action.clone(),
            study: new.study.clone(),
            dataset: new.dataset.clone(),
            job: new.job.clone(),
            detail: new.detail.clone(),
            revealed: new.revealed.clone(),
            prev_hash,
            hash: String::new(),
        };
        e.hash = hex::encode(entry_hash(&prev, &e));
        tx.execute(
            &format!(
                "INSERT INTO audit ({AUDIT_COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
            ),
            params![
                to_i64(e.seq, "audit seq")?,
                e.ts,
                e.actor,
                e.role,
                e.action,
                e.study,
                e.dataset,
                e.job,
                e.detail,
                e.revealed,
                e.prev_hash,
                e.hash
            ],
        )?;
        tx.commit()?;
        Ok(e)
    }

    /// Up to `limit` entries with `seq > after_seq`, in order; only those
    /// about `study` if given.
    pub fn audit(
        &self,
        after_seq: u64,
        limit: usize,
        study: Option<&str>,
    ) -> Result<Vec<AuditEntry>> {
        let after = i64::try_from(after_seq).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit
             WHERE seq > ?1 AND (?2 IS NULL OR study = ?2)
             ORDER BY seq LIMIT ?3"
        ))?;
        let rows = stmt
            .query_map(params![after, study, limit], audit_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(finish_entry).collect()
    }

    /// Recomputes the whole chain and reports the first fault: a modified
    /// entry (hash mismatch), a broken link, or a missing or reordered
    /// sequence number.
    pub fn verify_audit(&self) -> Result<AuditReport> {
        let mut conn = self.conn();
        let tx = conn.transaction()?; // consistent snapshot
        let mut report = AuditReport {
            entries: 0,
            head: GENESIS.to_owned(),
            first_bad: None,
        };
        {
            let mut stmt =
                tx.prepare(&format!("SELECT {AUDIT_COLUMNS} FROM audit ORDER BY seq"))?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let e = finish_entry(audit_from_row(row)?)?;
                report.entries += 1;
                if report.first_bad.is_none() {
                    report.first_bad = check_entry(report.entries, &report.head, &e);
                }
                report.head = e.hash;
            }
        }
        tx.finish()?;
        Ok(report)
    }
}
