//! The subsets whose aggregates were released in each study, as this node's shares of their
//! 0/1 row masks (one mask per dataset version a subset spans). Disclosure control compares a
//! new subset with these (the differencing defence); keeping them here means a restart does not
//! reset it. Entries are numbered per study (`seq`) and never dropped (dropping them would let
//! repeated queries push old releases out); each has the provenance key the evaluator gave it.
//!
//! Only the low 32 bits of each share word are stored (4 bytes per row and vector): masks are
//! compared by counting rows, exactly modulo 2^32, so the high bits are never needed.
use rusqlite::params;

use crate::error::{Result, StoreError};
use crate::{Store, now};

/// One part of a released subset: a dataset version and this node's two share vectors.
pub type MaskPart = (String, Vec<u64>, Vec<u64>);

/// A released subset as stored: its `seq`, provenance key and parts.
pub type ReleasedSubset = (i64, Option<u64>, Vec<MaskPart>);

impl Store {
    /// The released subsets of `study`, oldest first.
    pub fn released_subsets(&self, study: &str) -> Result<Vec<ReleasedSubset>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT seq, dataset, a, b, provenance FROM released_subsets WHERE study = ?1
             ORDER BY seq, dataset",
        )?;
        let mut rows = stmt.query([study])?;
        let mut out: Vec<ReleasedSubset> = Vec::new();
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let dataset: String = r.get(1)?;
            let what = format!("released subset {study}/{seq}");
            let part = (
                dataset,
                read_low_words(r, 2, &what)?,
                read_low_words(r, 3, &what)?,
            );
            let key: Option<i64> = r.get(4)?;
            match out.last_mut() {
                Some((s, _, parts)) if *s == seq => parts.push(part),
                _ => out.push((seq, key.map(|k| k as u64), vec![part])),
            }
        }
        Ok(out)
    }

    /// Appends a released subset of `study` with its provenance key. Returns its `seq`.
    pub fn add_released_subset(
        &self,
        study: &str,
        parts: &[(&str, &[u64], &[u64])],
        provenance: Option<u64>,
    ) -> Result<i64> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let seq: i64 = tx.query_row(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM released_subsets WHERE study = ?1",
            [study],
            |r| r.get(0),
        )?;
        let at = now();
        let key = provenance.map(|k| k as i64);
        for (dataset, a, b) in parts {
            tx.execute(
                "INSERT INTO released_subsets (study, seq, dataset, a, b, created_at, provenance)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![study, seq, dataset, low_words(a), low_words(b), at, key],
            )?;
        }
        tx.commit()?;
        Ok(seq)
    }
}

/// Column `i` of row `r`, written by [`low_words`], as words (`what` names the record in
/// errors).
pub(crate) fn read_low_words(r: &rusqlite::Row<'_>, i: usize, what: &str) -> Result<Vec<u64>> {
    let bytes = r
        .get_ref(i)?
        .as_blob()
        .map_err(|_| StoreError::corrupt(format!("{what} is not a BLOB")))?;
    if !bytes.len().is_multiple_of(4) {
        return Err(StoreError::corrupt(format!("{what} is malformed")));
    }
    Ok(bytes
        .chunks_exact(4)
        .map(|c| u64::from(u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
        .collect())
}

/// The low 32 bits of each word, little-endian.
pub(crate) fn low_words(words: &[u64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(words.len() * 4);
    for w in words {
        out.extend_from_slice(&(*w as u32).to_le_bytes());
    }
    out
}

/// A store in `dir` with a study `s` (tests of the records).
#[cfg(test)]
pub(crate) fn store_with_study(dir: &std::path::Path) -> Store {
    let store = Store::open(dir).unwrap();
    store
        .create_study(&crate::NewStudy {
            id: "s".into(),
            title: "s".into(),
            dictionary: "d".into(),
            policy: "p".into(),
        })
        .unwrap();
    store
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsets_are_kept_in_order_with_their_keys_and_never_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_study(dir.path());
        for k in 0..4u64 {
            let a = vec![k, 1, 2 | (7 << 40)];
            let b = vec![9, k, 8];
            store
                .add_released_subset(
                    "s",
                    &[("ds1", &a, &b), ("ds2", &b, &a)],
                    (k != 2).then_some(u64::MAX - k),
                )
                .unwrap();
        }
        let got = store.released_subsets("s").unwrap();
        assert_eq!(
            got.iter().map(|(s, _, _)| *s).collect::<Vec<_>>(),
            [1, 2, 3, 4]
        );
        let keys: Vec<Option<u64>> = got.iter().map(|(_, k, _)| *k).collect();
        assert_eq!(
            keys,
            [Some(u64::MAX), Some(u64::MAX - 1), None, Some(u64::MAX - 3)]
        );
        assert_eq!(got[1].2.len(), 2);
        assert_eq!(
            got[1].2[0],
            ("ds1".to_owned(), vec![1, 1, 2], vec![9, 1, 8])
        );
        assert!(store.released_subsets("other").unwrap().is_empty());
    }
}
