//! The study's record of releases as the node persists it, so that a restart forgets nothing
//! (issue 13): besides the released subsets ([`History::take_new`]), the dataset versions
//! that aggregates were released on (the `version_change` rule) and the released quantiles
//! (the `quantile_overlap` rule). Their public parts go to the store as text; the rows of a
//! quantile release as this node's shares of their masks, like a subset's.
use super::History;
use super::disclose::Released;
use super::quantile_rules::QuantileRelease;

/// A dataset version that aggregates were released on: `(version, dataset, rows)`.
pub type ReleasedVersion = (String, String, usize);

/// A released set of quantiles as stored: its public parts (JSON text) and its rows (`None`:
/// every row of its dataset versions).
pub type StoredQuantiles = (String, Option<Released>);

impl History {
    /// Adds what the node's store kept of earlier runs: the versions released on and the
    /// released quantiles (oldest first). Refuses a stored quantile it cannot read, naming it:
    /// a node must not run with a record weaker than its peers'.
    pub fn restore(
        &mut self,
        versions: Vec<ReleasedVersion>,
        quantiles: Vec<StoredQuantiles>,
    ) -> Result<(), String> {
        for (v, dataset, rows) in versions {
            self.saved_versions.insert(v.clone());
            self.versions.insert(v, (dataset, rows));
        }
        for (i, (json, rows)) in quantiles.into_iter().enumerate() {
            let q = QuantileRelease::from_stored(&json, rows)
                .ok_or_else(|| format!("stored quantile release {} is malformed", i + 1))?;
            self.quantiles.push(q);
        }
        self.saved_quantiles = self.quantiles.len();
        Ok(())
    }

    /// The versions released on since the last call (or since [`History::restore`]), for the
    /// node to persist.
    pub fn take_new_versions(&mut self) -> Vec<ReleasedVersion> {
        let new: Vec<ReleasedVersion> = self
            .versions
            .iter()
            .filter(|(v, _)| !self.saved_versions.contains(*v))
            .map(|(v, (d, r))| (v.clone(), d.clone(), *r))
            .collect();
        self.saved_versions
            .extend(new.iter().map(|(v, _, _)| v.clone()));
        new
    }

    /// The quantile releases recorded since the last call, for the node to persist: public
    /// parts as JSON and rows.
    pub fn take_new_quantiles(&mut self) -> Vec<(String, Option<&Released>)> {
        let skip = self.saved_quantiles.min(self.quantiles.len());
        self.saved_quantiles = self.quantiles.len();
        self.quantiles[skip..]
            .iter()
            .map(|q| (q.public_json(), q.rows()))
            .collect()
    }
}
