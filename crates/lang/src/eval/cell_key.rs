//! Cell-key perturbation of released counts and sums (policy `perturbation = "cell_key"`), the
//! method statistical offices use against differencing of tables (Australian Bureau of Statistics;
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
//! the count's 0/1 mask, one round). Its top `2D` bits (bit `63 - j` is the sign bit of the
//! key times `2^j`, computed in the sign-bit circuit of the count's own disclosure tests,
//! `sharestat_stats::disclose::Batch`; each bit converted to the ring in the round that opens
//! the tests' bits, and a noisy count opened from additive shares, so the noise adds no round
//! to the checks and the opening) are `2D` fair coins, and the noise is `Σ_j (b_2j - b_2j+1)`:
//! binomial on
//! `-D..=D` (the law of the coins' sum minus `D`), variance `D / 2`. A count of 0 keeps 0: an
//! empty cell's key is 0, so are its coins. The top bits and not the low ones: bit 0 of a sum
//! of keys is the parity of the rows' bits 0, so low bits of `A`, `B` and `A ∪ B` are nearly
//! linearly related; the top bits take the carries of all the lower ones.
//! Only `count + noise` is revealed; neither the key nor the noise.
//!
//! **Sums** over subsets (`sum`, `mean`, `var`, `sd`) get further draws of a key made from the
//! cell key and the values' magnitude bound `2^b` ([`sharestat_stats::magnitude`]), times
//! `2^(b-k)` (`k = cell_key_sum_bits`), and a mean divides by the count with the count's
//! noise ([`Evaluator::perturbed_sums`]); sums over all rows are exact.
//!
//! The moments perturbed this way (`sum`, `mean`, `var`, `sd`, `t.test` over subsets) are
//! made at the end of this file.
//!
//! **What it stops.** Repeating a release gives the same noise (no averaging); two releases
//! whose rows differ get independent noise, so differencing `A ∪ {p}` against `A`, or a
//! tracker's three releases, gives the target's count or value only up to the difference of
//! two or three noises. Quantiles, tests and model statistics are not perturbed: the subset
//! rules and the record of released subsets still apply to them (`docs/security.md` states
//! what remains possible).
use super::range::Range;
use super::value::{Public, Seg};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use sharestat_mpc::AShares;
use sharestat_stats::Column;
use sharestat_stats::disclose::Batch;
use std::sync::Arc;

/// Layouts whose concatenated record keys are kept before they are forgotten.
const RECORD_KEY_LAYOUTS: usize = 64;

/// Key of the record-key PRF (public: the secret is the share components).
const RECORD_KEY_PRF: [u8; 16] = *b"sharestat-ckey-1";

impl Evaluator<'_> {
    /// Whether released counts are perturbed.
    pub(crate) fn perturbed(&self) -> bool {
        self.policy.perturbation == sharestat_dict::Perturbation::CellKey
    }

    /// This node's shares of the record keys of the rows of `layout`, computed once per
    /// dataset version and kept (with the concatenation for a layout of several segments, so
    /// that a query on `rbind(tm, tr)` copies nothing).
    pub(crate) fn record_keys(&mut self, layout: &[Seg]) -> Result<Arc<AShares>> {
        let ids: Vec<String> = layout
            .iter()
            .map(|seg| format!("{}:{}", self.data.version(&seg.dataset), seg.rows))
            .collect();
        let whole = ids.join(",");
        if let Some(k) = self.history.record_keys.get(&whole) {
            return Ok(k.clone());
        }
        let mut parts = Vec::with_capacity(layout.len());
        for (seg, id) in layout.iter().zip(&ids) {
            if let Some(k) = self.history.record_keys.get(id) {
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
            let keys = Arc::new(AShares::from_parts(
                prf(&RECORD_KEY_PRF, a),
                prf(&RECORD_KEY_PRF, b),
            ));
            self.history.record_keys.insert(id.clone(), keys.clone());
            parts.push(keys);
        }
        if parts.len() == 1 {
            return Ok(parts.pop().expect("one part"));
        }
        let keys = Arc::new(AShares::concat(
            &parts.iter().map(|k| k.as_ref()).collect::<Vec<_>>(),
        ));
        let cache = &mut self.history.record_keys;
        if cache.len() >= RECORD_KEY_LAYOUTS {
            // Forget the concatenations, keep the versions' own keys.
            cache.retain(|id, _| !id.contains(','));
        }
        cache.insert(whole, keys.clone());
        Ok(keys)
    }

    /// The cell key of the count of the rows of `mask` (0/1 over `layout`).
    pub(crate) fn cell_key(&mut self, mask: &AShares, layout: &[Seg]) -> Result<AShares> {
        let keys = self.record_keys(layout)?;
        Ok(self.p.dot(mask, &keys)?)
    }

    /// `counts` with the cell-key noise of each cell added, given each cell's key (the sum of
    /// its rows' record keys). Zero counts stay zero.
    pub(crate) fn perturb(&mut self, counts: &AShares, keys: &AShares) -> Result<AShares> {
        let noise = self.key_draws(keys, 1)?;
        Ok(counts.add(&noise[0]))
    }

    /// `D`, the noise's half-width (`cell_key_noise`, within 1..=8).
    pub(crate) fn noise_width(&self) -> u32 {
        self.policy.cell_key_noise.clamp(1, 8)
    }

    /// `draws` independent noises on `-D..=D` for each cell key of `keys`: draw `t` from the
    /// key's `2D` bits below its top `2Dt` (the counts' noise is draw 0; a sum's and its sum of
    /// squares' are draws 1 and 2). A key of 0 (an empty cell) gives 0. The coins are the
    /// sign bits of the keys shifted left (`sharestat_stats::disclose::Batch`, 8 rounds),
    /// converted as bits and reshared (2 rounds).
    pub(crate) fn key_draws(&mut self, keys: &AShares, draws: u32) -> Result<Vec<AShares>> {
        let d = self.noise_width();
        // Coin `j` is bit `63 - j`: the top bits of a sum of keys take the carries of all the
        // lower ones, while the low bits are nearly linear in the rows' keys (bit 0 is the
        // parity of the rows' bits 0), which would tie the noises of `A`, `B` and `A ∪ B`.
        let mut batch = Batch::default();
        batch.coins(keys, 2 * d * draws);
        let coins = batch.finish(self.p)?.coins.expect("coins were asked for");
        // Σ_j (coin_2j - coin_2j+1): the same law as Σ coins - D, and 0 for an empty cell,
        // whose key is 0 (no zero test needed).
        Ok(coins.noise(self.p, d, draws)?)
    }

    /// `Σx` (and `Σx²` with `squares`) of `x` over the rows of `rows` (0/1 over `layout`,
    /// `None`: all), with the cell-key noise of sums, and the count of the rows of `used`
    /// with the count's noise (the same as `sum` of that mask releases, so that a mean's
    /// ratio to its sum gives nothing new).
    ///
    /// The noise of a sum is a draw of the sum's key times `2^(b-k)`, that of the sum of
    /// squares another draw times `2^(b-k) 2^b`, for `2^b` the power of two at or above the
    /// largest `|x_i|` of `x` ([`Self::magnitude`]) and `k = cell_key_sum_bits`. The sum's
    /// key is the rows' cell key `c` times `2^(b+1) + 1`: the same rows and bound always give the same noise, while a
    /// shifted or rescaled copy of `x` whose bound differs gets a fresh draw (were it the same
    /// draw at another unit, `sum(x)` and `sum(x + c)` would give it away). The bound stays
    /// secret; only noisy sums and counts are returned (as shares).
    pub(crate) fn perturbed_sums(
        &mut self,
        (x, tag): (&AShares, [u64; 3]),
        rows: Option<&AShares>,
        used: Option<&AShares>,
        layout: &[Seg],
        squares: bool,
    ) -> Result<NoisySums> {
        let keys = self.record_keys(layout)?;
        let n = x.len();
        let ones = AShares::from_parts(vec![0; n], vec![0; n]).add_const(self.p.id(), 1);
        let (r, u) = (rows.unwrap_or(&ones).clone(), used.unwrap_or(&ones).clone());
        // One round: rows∘x, the sum's cell key and the count's.
        let prods = self.p.mul(
            &AShares::concat(&[&r, &r, &u]),
            &AShares::concat(&[x, &keys, &keys]),
        )?;
        let mx = prods.slice(0..n);
        let (key, count_key) = (prods.slice(n..2 * n).sum(), prods.slice(2 * n..3 * n).sum());
        let k = self.policy.cell_key_sum_bits.min(16);
        let bound = self.magnitude(x, k, tag)?;
        let (unit, top) = (bound.slice(0..1), bound.slice(1..2));
        let key = key.add(&self.p.mul(&key, &top.add(&top))?);
        let draws = self.key_draws(&AShares::concat(&[&key, &count_key]), 2)?;
        // Every row used: the count is public, and exact.
        let count = match used {
            Some(_) => u.sum().add(&draws[0].slice(1..2)),
            None => u.sum(),
        };
        let sum = mx.sum();
        if !squares {
            let noise = self.p.mul(&draws[0].slice(0..1), &unit)?;
            return Ok(NoisySums {
                sum: sum.add(&noise),
                squares: None,
                count,
            });
        }
        let ss = self.p.dot(&mx, x)?;
        let both = self.p.mul(
            &AShares::concat(&[&draws[0].slice(0..1), &draws[1].slice(0..1)]),
            &AShares::concat(&[&unit, &unit]),
        )?;
        let ss_noise = self.p.mul(&both.slice(1..2), &top)?;
        Ok(NoisySums {
            sum: sum.add(&both.slice(0..1)),
            squares: Some(ss.add(&ss_noise)),
            count,
        })
    }
}

impl Evaluator<'_> {
    /// Shares of `[2^(b-k), 2^b]` for `2^b` the power of two at or above the largest `|x_i|`
    /// over every row of `x` (not only the sum's: the bound of a stored column is then the
    /// same for all its subsets, and is computed once per node and study). The cache is
    /// keyed by a SHA-256 of this node's own two share vectors of `x` (a stored column's
    /// shares are the same at every load) and of `tag`, public facts of the value that every
    /// party knows (its proven range, decimals, centre), and used only when parties 0 and 1
    /// (who hold all components between them) find their entry. The tag keeps a value that
    /// changes only components a party does not hold (`x - m` changes one) from finding, or
    /// overwriting, that party's entry of `x`, which would mix the shares of two bounds: the
    /// local operations that change some components only (adding public constants) change
    /// the range.
    fn magnitude(&mut self, x: &AShares, k: u32, tag: [u64; 3]) -> Result<AShares> {
        use sha2::{Digest, Sha256};
        let (a, b) = x.parts();
        let mut h = Sha256::new();
        h.update(k.to_le_bytes());
        for t in tag {
            h.update(t.to_le_bytes());
        }
        h.update((a.len() as u64).to_le_bytes());
        for w in a.iter().chain(b) {
            h.update(w.to_le_bytes());
        }
        let fp: [u8; 32] = h.finalize().into();
        // The parties agree to use the cache only when parties 0 and 1 both find their entry:
        // together they hold all three components, so the value is the cached one, and the
        // third party (whose cache had the same insertions) has it too. A party whose own two
        // components did not change (`x - c` changes only the others') must not take a bound
        // the others recompute. Two 1-word inputs and one opening.
        let hit = self.history.magnitudes.get(&fp).cloned();
        let me = self.p.id();
        let mut found = AShares::from_parts(vec![0], vec![0]);
        for owner in &sharestat_mpc::PartyId::ALL[..2] {
            let mine = [u64::from(hit.is_some())];
            let flag = self
                .p
                .input(*owner, (*owner == me).then_some(&mine[..]), 1)?;
            found = found.add(&flag);
        }
        if let (2, Some(bound)) = (self.p.reveal(&found)?[0], hit) {
            return Ok(bound);
        }
        let bound = sharestat_stats::magnitude::power_bound(self.p, x, k)?;
        let cache = &mut self.history.magnitudes;
        if cache.len() >= MAGNITUDE_CACHE {
            cache.clear();
        }
        cache.insert(fp, bound.clone());
        Ok(bound)
    }
}

/// Entries of the magnitude cache before it is emptied (a cache, not a record: forgetting
/// costs only time).
const MAGNITUDE_CACHE: usize = 256;

/// What [`Evaluator::perturbed_sums`] returns: shares of one noisy value each.
pub(crate) struct NoisySums {
    /// `Σx` with its noise.
    pub sum: AShares,
    /// `Σx²` with its noise, when asked for.
    pub squares: Option<AShares>,
    /// The count of the used rows with the count's noise.
    pub count: AShares,
}

impl Evaluator<'_> {
    /// `sum`, `mean`, `var` or `sd` of the used values of `col`, from their sums with the
    /// cell-key noise of the rows `rows` that shape them, and `n` with the noise of the count
    /// of the used rows (exact when every row is used). A variance that the noise makes
    /// negative is 0.
    pub(crate) fn perturbed_moments(
        &mut self,
        e: &Expr,
        name: &str,
        col: &Column,
        range: Range,
        rows: &AShares,
        layout: &[Seg],
    ) -> Result<Public> {
        let squares = name == "var" || name == "sd";
        let (n, s, ss) = self.perturbed_raw(e, col, range, rows, layout, squares)?;
        let (n, unit) = (n as i64, col.unit());
        let nf = n as f64;
        Ok(Public::num(match name {
            "sum" => s as f64 / unit,
            "mean" if n > 0 => s as f64 / nf / unit,
            "mean" => f64::NAN,
            _ if n < 2 => return Ok(Public::nums([None])),
            _ => {
                let num = ((ss * n as i128 - s * s) as f64).max(0.0);
                let var = num / (nf * (nf - 1.0)) / (unit * unit);
                if name == "sd" { var.sqrt() } else { var }
            }
        }))
    }

    /// The noisy `n`, `Σx` and (with `squares`) `Σx²` of the used values of `col` (within
    /// `range`) over the rows `rows` that shape them, for `perturbed_moments` and the tests'
    /// statistics: the sums with the cell-key noise of sums, the count with the count's
    /// (`cell_key.rs`); the squares of the values centred at their noisy mean (a first pass
    /// opens the noisy count and sum, as `mean` would), so that the count's noise is not
    /// amplified by `mean² / var`. Adds the note that says so.
    pub(crate) fn perturbed_raw(
        &mut self,
        e: &Expr,
        col: &Column,
        range: Range,
        rows: &AShares,
        layout: &[Seg],
        squares: bool,
    ) -> Result<(u64, i128, i128)> {
        // Squares are taken of the values centred at their noisy mean (a first pass: the count
        // and sum with their noise), so that the count's noise is not amplified by mean²/var.
        let unit = col.unit();
        let centre = if squares {
            let (n1, s1, _) = self.perturbed_raw(e, col, range, rows, layout, false)?;
            (s1 as f64 / n1.max(1) as f64).round() as i64
        } else {
            0
        };
        let shifted = range.minus(Range::point(centre as f64 / unit));
        let words = shifted.words(col.scale) + 1.0;
        if squares && col.len() as f64 * words * words >= super::range::WORD_LIMIT {
            return Err(EvalError::at(
                e,
                "the values have too many significant digits for a perturbed sum of squares; \
                 round them (e.g. to 6 significant digits) first",
            ));
        }
        let values = col
            .values
            .add_const(self.p.id(), centre.wrapping_neg() as u64);
        let present = col.present.as_ref();
        let tag = [
            shifted.lo.to_bits(),
            shifted.hi.to_bits(),
            (u64::from(col.scale) << 32) ^ centre as u64,
        ];
        let sums = self.perturbed_sums((&values, tag), Some(rows), present, layout, squares)?;
        let mut parts = vec![&sums.count, &sums.sum];
        parts.extend(sums.squares.as_ref());
        let o = self.p.reveal(&AShares::concat(&parts))?;
        // `n` passed `min_subset` before its noise: it stays positive.
        let n = (o[0] as i64).max(1) as u64;
        let (st, m) = (o[1] as i64 as i128, centre as i128);
        let s = st + n as i128 * m;
        // Σx² = Σ(t + m)² = Σt² + 2m Σt + n m².
        let ss = if squares {
            o[2] as i64 as i128 + 2 * m * st + n as i128 * m * m
        } else {
            0
        };
        let d = self.policy.cell_key_noise;
        let what = if squares {
            "sums and sums of squares"
        } else {
            "sums"
        };
        self.note(format!(
            "{what} over subsets are perturbed by the cell-key method (noise within ±{d} × 2^-{} \
             of the largest value's power-of-two bound; the policy's perturbation = \"none\" \
             gives exact values)",
            self.policy.cell_key_sum_bits
        ));
        Ok((n, s, ss))
    }
}
