//! A node's in-memory cache of share columns read from its store, so that a researcher's
//! successive queries do not re-read the same columns from SQLite. It holds exactly what the
//! database holds (this node's shares, never plaintext), keyed by dataset id (a new id for
//! every upload, so a replaced dataset is never served stale), and drops the least recently
//! used columns beyond its budget. Withdrawing a dataset drops its columns at once.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Shares of one stored column: this node's two parts.
pub type Parts = Arc<(Vec<u64>, Vec<u64>)>;

/// Default budget: 512 MiB of shares (16 bytes per row and column: 32 columns of 10^6 rows).
pub const DEFAULT_BUDGET: usize = 512 << 20;

/// The cache.
pub struct ColumnCache {
    inner: Mutex<Inner>,
    budget: usize,
}

#[derive(Default)]
struct Inner {
    map: HashMap<(String, String), (Parts, u64)>,
    bytes: usize,
    tick: u64,
}

impl ColumnCache {
    /// An empty cache holding at most `budget` bytes.
    pub fn new(budget: usize) -> ColumnCache {
        ColumnCache {
            inner: Mutex::new(Inner::default()),
            budget,
        }
    }

    /// The column, from memory or read with `load` (and kept if it fits).
    pub fn get_or_load<E>(
        &self,
        dataset: &str,
        column: &str,
        load: impl FnOnce() -> Result<(Vec<u64>, Vec<u64>), E>,
    ) -> Result<Parts, E> {
        let key = (dataset.to_owned(), column.to_owned());
        {
            let mut g = self.inner.lock().expect("column cache lock");
            g.tick += 1;
            let tick = g.tick;
            if let Some((parts, used)) = g.map.get_mut(&key) {
                *used = tick;
                return Ok(parts.clone());
            }
        }
        let parts: Parts = Arc::new(load()?);
        let size = (parts.0.len() + parts.1.len()) * 8;
        if size <= self.budget {
            let mut g = self.inner.lock().expect("column cache lock");
            while g.bytes + size > self.budget {
                let Some(oldest) = g
                    .map
                    .iter()
                    .min_by_key(|(_, (_, used))| *used)
                    .map(|(k, _)| k.clone())
                else {
                    break;
                };
                if let Some((p, _)) = g.map.remove(&oldest) {
                    g.bytes -= (p.0.len() + p.1.len()) * 8;
                }
            }
            let tick = g.tick;
            if g.map.insert(key, (parts.clone(), tick)).is_none() {
                g.bytes += size;
            }
        }
        Ok(parts)
    }

    /// Drops every column of `dataset`.
    pub fn forget(&self, dataset: &str) {
        let mut g = self.inner.lock().expect("column cache lock");
        let keys: Vec<_> = g
            .map
            .keys()
            .filter(|(d, _)| d == dataset)
            .cloned()
            .collect();
        for k in keys {
            if let Some((p, _)) = g.map.remove(&k) {
                g.bytes -= (p.0.len() + p.1.len()) * 8;
            }
        }
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.inner.lock().expect("column cache lock").bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_within_budget_and_forgets() {
        let c = ColumnCache::new(3 * 160);
        let load = |v: u64| move || Ok::<_, ()>((vec![v; 10], vec![v; 10]));
        for d in ["a", "b", "c", "d"] {
            c.get_or_load(d, "x", load(1)).unwrap();
        }
        assert_eq!(c.bytes(), 3 * 160);
        // "a" was least recently used: reloaded.
        let mut loaded = false;
        c.get_or_load("a", "x", || {
            loaded = true;
            Ok::<_, ()>((vec![2; 10], vec![2; 10]))
        })
        .unwrap();
        assert!(loaded);
        let hit = c.get_or_load("d", "x", || Err(())).unwrap();
        assert_eq!(hit.0[0], 1);
        c.forget("d");
        assert!(c.get_or_load("d", "x", || Err(())).is_err());
    }
}
