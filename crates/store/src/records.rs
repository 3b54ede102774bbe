//! The rest of a study's record of releases (besides the released subsets, `released.rs`):
//! the dataset versions that aggregates were released on, and the released quantiles with
//! their rows. Disclosure control reads them back after a restart, so that neither the rule
//! on replaced datasets (`version_change`) nor the rule on shared order statistics
//! (`quantile_overlap`) forgets an earlier release. Like subsets, they are never dropped.
use rusqlite::params;

use crate::error::Result;
use crate::released::{MaskPart, low_words, read_low_words};
use crate::{Store, now};

/// A part of a mask to store: a dataset version and this node's two share vectors (borrowed).
pub type MaskPartRef<'a> = (&'a str, &'a [u64], &'a [u64]);

/// A released set of quantiles as stored: its `seq`, public parts (JSON text, the evaluator's)
/// and rows (`None`: every row of its dataset versions).
pub type ReleasedQuantiles = (i64, String, Option<Vec<MaskPart>>);

impl Store {
    /// The dataset versions of `study` that aggregates were released on:
    /// `(version, dataset, rows)`, in the order of their names.
    pub fn released_versions(&self, study: &str) -> Result<Vec<(String, String, u64)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT version, dataset, rows FROM released_versions WHERE study = ?1
             ORDER BY version",
        )?;
        let rows = stmt.query_map([study], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u64))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records that aggregates were released on `version` of `dataset` (`rows` rows); a
    /// version already recorded is left as it is.
    pub fn add_released_version(
        &self,
        study: &str,
        version: &str,
        dataset: &str,
        rows: u64,
    ) -> Result<()> {
        self.conn().execute(
            "INSERT OR IGNORE INTO released_versions (study, version, dataset, rows, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![study, version, dataset, rows as i64, now()],
        )?;
        Ok(())
    }

    /// The released quantiles of `study`, oldest first.
    pub fn released_quantiles(&self, study: &str) -> Result<Vec<ReleasedQuantiles>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT seq, public, all_rows FROM released_quantiles WHERE study = ?1 ORDER BY seq",
        )?;
        let heads: Vec<(i64, String, bool)> = stmt
            .query_map([study], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut rows_of = conn.prepare(
            "SELECT dataset, a, b FROM released_quantile_rows WHERE study = ?1 AND seq = ?2
             ORDER BY dataset",
        )?;
        let mut out = Vec::with_capacity(heads.len());
        for (seq, public, all_rows) in heads {
            let rows = if all_rows {
                None
            } else {
                let what = format!("released quantiles {study}/{seq}");
                let mut parts = Vec::new();
                let mut q = rows_of.query(params![study, seq])?;
                while let Some(r) = q.next()? {
                    parts.push((
                        r.get(0)?,
                        read_low_words(r, 1, &what)?,
                        read_low_words(r, 2, &what)?,
                    ));
                }
                Some(parts)
            };
            out.push((seq, public, rows));
        }
        Ok(out)
    }

    /// Appends a released set of quantiles of `study`: its public parts and its rows
    /// (`None`: every row). Returns its `seq`.
    pub fn add_released_quantiles(
        &self,
        study: &str,
        public: &str,
        rows: Option<&[MaskPartRef<'_>]>,
    ) -> Result<i64> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let seq: i64 = tx.query_row(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM released_quantiles WHERE study = ?1",
            [study],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO released_quantiles (study, seq, public, all_rows, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![study, seq, public, rows.is_none(), now()],
        )?;
        for (dataset, a, b) in rows.unwrap_or_default() {
            tx.execute(
                "INSERT INTO released_quantile_rows (study, seq, dataset, a, b)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![study, seq, dataset, low_words(a), low_words(b)],
            )?;
        }
        tx.commit()?;
        Ok(seq)
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;
    use crate::released::store_with_study;

    #[test]
    fn versions_and_quantiles_survive_reopening_in_order() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = store_with_study(dir.path());
            store
                .add_released_version("s", "munich#2", "munich", 24)
                .unwrap();
            store
                .add_released_version("s", "munich#2", "munich", 99)
                .unwrap();
            store
                .add_released_version("s", "rome#3", "rome", 24)
                .unwrap();
            let (a, b) = (vec![1u64 | (5 << 40), 0, 1], vec![7u64, 8, 9]);
            assert_eq!(
                store
                    .add_released_quantiles("s", "{\"n\":3}", None)
                    .unwrap(),
                1
            );
            let parts: [(&str, &[u64], &[u64]); 2] = [("rome#3", &b, &a), ("munich#2", &a, &b)];
            assert_eq!(
                store
                    .add_released_quantiles("s", "{\"n\":2}", Some(&parts))
                    .unwrap(),
                2
            );
            assert_eq!(
                store.add_released_quantiles("s", "{}", Some(&[])).unwrap(),
                3
            );
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(
            store.released_versions("s").unwrap(),
            [
                ("munich#2".to_owned(), "munich".to_owned(), 24),
                ("rome#3".to_owned(), "rome".to_owned(), 24)
            ]
        );
        let q = store.released_quantiles("s").unwrap();
        assert_eq!(q.len(), 3);
        assert_eq!(
            (q[0].0, q[0].1.as_str(), q[0].2.is_none()),
            (1, "{\"n\":3}", true)
        );
        let rows = q[1].2.as_ref().unwrap();
        // Ordered by dataset; the low 32 bits of each word are kept.
        assert_eq!(
            rows[0],
            ("munich#2".to_owned(), vec![1, 0, 1], vec![7, 8, 9])
        );
        assert_eq!(rows[1].0, "rome#3");
        // No rows is not every row.
        assert_eq!(q[2].2.as_deref(), Some(&[][..]));
        assert!(store.released_quantiles("other").unwrap().is_empty());
        assert!(store.released_versions("other").unwrap().is_empty());
    }
}
