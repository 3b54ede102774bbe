//! Aggregates under a private 0/1 mask (filters and missing values stay private; the mask is
//! an arithmetic sharing of 0/1 per row) and frequency counts of one-hot encoded columns.
//!
//! - count `Σ m_i`: local.
//! - sum `Σ m_i x_i`: one dot product, 1 round, 1 word per party.
//! - sum of squares `Σ m_i x_i^2`: `(m ∘ x) · x`, 2 rounds, `n + 1` words per party.
//! - frequencies of a one-hot column with levels `L_1..L_k`: unmasked `Σ L_j` is local;
//!   masked `m · L_j` for all `j` is one round with `k` words per party.
use crate::party::Party;
use crate::share::AShares;

impl Party {
    /// Shares of `Σ m_i` (length 1).
    pub fn masked_count(&self, mask: &AShares) -> AShares {
        mask.sum()
    }

    /// Shares of `Σ m_i x_i` (length 1).
    pub fn masked_sum(&mut self, mask: &AShares, x: &AShares) -> crate::Result<AShares> {
        self.dot(mask, x)
    }

    /// Shares of `Σ m_i x_i^2` (length 1).
    pub fn masked_sum_sq(&mut self, mask: &AShares, x: &AShares) -> crate::Result<AShares> {
        let mx = self.mul(mask, x)?;
        self.dot(&mx, x)
    }

    /// Shares of the count of each level of a one-hot encoded column (one 0/1 column per
    /// level), optionally under a mask. The result has one element per level.
    pub fn freq_onehot(
        &mut self,
        levels: &[&AShares],
        mask: Option<&AShares>,
    ) -> crate::Result<AShares> {
        match mask {
            None => {
                let sums: Vec<AShares> = levels.iter().map(|l| l.sum()).collect();
                Ok(AShares::concat(&sums.iter().collect::<Vec<_>>()))
            }
            Some(m) => {
                let pairs: Vec<(&AShares, &AShares)> = levels.iter().map(|l| (m, *l)).collect();
                self.dot_many(&pairs)
            }
        }
    }
}
