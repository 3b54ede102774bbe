//! Cell-key perturbation of released counts (policy `perturbation = "cell_key"`), the method
//! statistical offices use against differencing of tables (Australian Bureau of Statistics;
//! Thompson, Broadfoot and Elazar, "Methodology for the automatic confidentialisation of
//! statistical outputs from remote servers at the ABS", UNECE work session on statistical data
//! confidentiality, 2013).
//!
//! **Record keys.** Every row has a secret 64-bit record key `r = H(c0) + H(c1) + H(c2)`,
//! where `c0, c1, c2` are the three components of the replicated sharing of the dataset's
//! first stored column at that row and `H` a public pseudo-random function
//! (`sharestat_mpc::prg::prf_words`, AES of the word and the row index). Party `i` holds
//! `c_i` and `c_{i+1}`, so it computes its two shares of `r` with no communication; no single
//! node knows all three components, hence the key (the uploading client does: it can only
//! remove the noise of counts over its own site's rows, which it holds anyway). Keys are
//! fixed for a dataset version: the same rows always give the same cell key.
//!
//! **Noise.** The cell key of a count is the sum of its rows' record keys (a dot product with
//! the count's 0/1 mask, one round). Its low `2D` bits (bit decomposition, then conversion of
//! each bit) are `2D` fair coins, and the noise is `Σ_j (b_2j - b_2j+1)`: binomial on
//! `-D..=D` (the law of the coins' sum minus `D`), variance `D / 2`. A count of 0 keeps 0: an
//! empty cell's key is 0, so are its coins.
//! Only `count + noise` is revealed; neither the key nor the noise.
//!
//! **What it stops.** Repeating a release gives the same noise (no averaging); two releases
//! whose rows differ get independent noise, so differencing `A ∪ {p}` against `A`, or a
//! tracker's three releases, gives the target's count only up to the difference of two or
//! three noises. Sums, means' numerators and model statistics are not perturbed: the subset
//! rules and the record of released subsets still apply to them.
use super::value::Seg;
use super::{Evaluator, Result};
use sharestat_mpc::AShares;

/// Key of the record-key PRF (public: the secret is the share components).
const RECORD_KEY_PRF: [u8; 16] = *b"sharestat-ckey-1";

impl Evaluator<'_> {
    /// Whether released counts are perturbed.
    pub(crate) fn perturbed(&self) -> bool {
        self.policy.perturbation == sharestat_dict::Perturbation::CellKey
    }

    /// This node's shares of the record keys of the rows of `layout`.
    pub(crate) fn record_keys(&mut self, layout: &[Seg]) -> Result<AShares> {
        let mut parts = Vec::with_capacity(layout.len());
        for seg in layout {
            let version = self.data.version(&seg.dataset);
            if let Some(k) = self.history.record_keys.get(&version)
                && k.len() == seg.rows
            {
                parts.push(k.clone());
                continue;
            }
            let first = self
                .env
                .datasets
                .get(&seg.dataset)
                .and_then(|d| d.encoded_columns().into_iter().next())
                .map(|c| c.name)
                .ok_or_else(|| super::EvalError::Data(format!("no columns in {}", seg.dataset)))?;
            let shares = self.stored(&seg.dataset, &first)?;
            let (a, b) = shares.parts();
            let prf = sharestat_mpc::prg::prf_words;
            let keys = AShares::from_parts(prf(&RECORD_KEY_PRF, a), prf(&RECORD_KEY_PRF, b));
            self.history.record_keys.insert(version, keys.clone());
            parts.push(keys);
        }
        Ok(AShares::concat(&parts.iter().collect::<Vec<_>>()))
    }

    /// The cell key of the count of the rows of `mask` (0/1 over `layout`).
    pub(crate) fn cell_key(&mut self, mask: &AShares, layout: &[Seg]) -> Result<AShares> {
        let keys = self.record_keys(layout)?;
        Ok(self.p.dot(mask, &keys)?)
    }

    /// `counts` with the cell-key noise of each cell added, given each cell's key (the sum of
    /// its rows' record keys). Zero counts stay zero.
    pub(crate) fn perturb(&mut self, counts: &AShares, keys: &AShares) -> Result<AShares> {
        let d = self.policy.cell_key_noise.clamp(1, 8);
        let n = counts.len();
        let words = self.p.a2b(keys)?;
        let mut coins = Vec::with_capacity(2 * d as usize);
        for j in 0..2 * d {
            coins.push(words.map(|w| (w >> j) & 1));
        }
        let all = sharestat_mpc::BShares::concat(&coins.iter().collect::<Vec<_>>());
        let coins = self.p.b2a(&all)?;
        // Σ_j (coin_2j - coin_2j+1): the same law as Σ coins - D, and 0 for an empty cell,
        // whose key is 0 (no zero test needed).
        let mut noise = AShares::from_parts(vec![0; n], vec![0; n]);
        for j in 0..d as usize {
            let (up, down) = (2 * j, 2 * j + 1);
            noise = noise
                .add(&coins.slice(up * n..(up + 1) * n))
                .sub(&coins.slice(down * n..(down + 1) * n));
        }
        Ok(counts.add(&noise))
    }
}
