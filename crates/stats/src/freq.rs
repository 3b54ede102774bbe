//! Frequency tables of categorical columns stored one-hot (one 0/1 column per level): the count
//! of a level is a local sum, optionally under a private mask, and one reveal.
//!
//! **Reveals** the count of every level. Cost: 1 round (2 under a mask), `k` words per party.
use sharestat_mpc::{AShares, Party};

/// Counts of each level (one-hot columns `levels`), under `mask` if given.
pub fn freq(
    p: &mut Party,
    levels: &[&AShares],
    mask: Option<&AShares>,
) -> sharestat_mpc::Result<Vec<u64>> {
    let counts = p.freq_onehot(levels, mask)?;
    p.reveal(&counts)
}
