//! Secure disclosure-control tests (design brief §7): checks on counts that are still secret,
//! of which only one pass/fail bit per check is revealed, never the count.
//!
//! The basic test is "`v` is small but not zero", `0 < v < t`, for a shared count `v` and a
//! public threshold `t`: the counts a policy refuses to reveal (a table cell of 1..4 patients,
//! a subset leaving 1..4 patients out, two subsets that differ in 1..4 patients). It takes one
//! multiplication and one sign test: with `u = (v - 1)(t - 1 - v)`, `u >= 0` exactly when
//! `1 <= v <= t - 1` (both factors cannot be negative at once since `t >= 1`). Counts are below
//! `2^31`, so `|u| < 2^62` and the sign of the 64-bit word is the sign of `u`.
//!
//! Cost for `n` tests: 1 round and `n` words for the product, then the sign test
//! (`Party::msb`, 64 bits) and one reveal of `n` bits.
use sharestat_mpc::{AShares, Bits, Party};

/// Violation bits of `0 < v_i < t_i`, one per count; thresholds of 0 or 1 never fail.
/// Reveals only these bits.
pub fn small_nonzero(
    p: &mut Party,
    counts: &AShares,
    thresholds: &[u64],
) -> sharestat_mpc::Result<Vec<bool>> {
    let mut b = Batch::default();
    b.small_nonzero(counts, thresholds);
    Ok(b.finish(p)?.small)
}

/// Violation bits of `0 < v_i < t_i` for counts known only **modulo 2^32** (below `2^31`),
/// such as sizes computed from masks whose shares were kept as 32-bit words. Reveals only
/// these bits. See [`Batch::small_nonzero_mod32`].
pub fn small_nonzero_mod32(
    p: &mut Party,
    counts: &AShares,
    thresholds: &[u64],
) -> sharestat_mpc::Result<Vec<bool>> {
    let mut b = Batch::default();
    b.small_nonzero_mod32(counts, thresholds);
    Ok(b.finish(p)?.mod32)
}

/// Several of this module's tests, and the coins of cell keys (`Batch::coins`), run in shared
/// rounds: one round of products (the tests' `u` and the caller's dot products, see
/// [`Batch::products`]), one sign-bit circuit for everything (`Party::msb` at 64 bits, 8
/// rounds), one opening of the tests' bits that also carries the first round of the coins'
/// conversion ([`Coins`]). Run alone, the dot products, the tests, the keys' bit decomposition
/// and the coins' conversion would take 1 + 10 + 8 + 9 rounds; batched they take 10, and the
/// noise one more (reshared) or none (added to counts being opened, [`Coins::open_noisy`]).
///
/// Every quantity is a sign bit: `0 < v < t` is the sign of `(v - 1)(t - 1 - v)`; for counts
/// modulo 2^32, `[v < t] XOR [v < 1]` are bits 31 of `v - t` and `v - 1`, the sign bits of
/// `(v - t) 2^32` and `(v - 1) 2^32`; coin `j` of a key is its bit `63 - j`, the sign bit of
/// `key 2^j`.
#[derive(Default)]
pub struct Batch {
    /// Counts and thresholds of `0 < v < t` tests whose product is not made yet.
    pending: Vec<(AShares, Vec<u64>)>,
    /// `u = (v - 1)(t - 1 - v)` of the tests whose product is made, with their thresholds.
    made: Vec<(AShares, Vec<u64>)>,
    /// Counts (mod 2^32) and thresholds.
    mod32: Vec<(AShares, Vec<u64>)>,
    /// Keys whose top bits are wanted, and how many.
    coins: Option<(AShares, u32)>,
}

/// What a [`Batch`] found: the violation bits (opened) and the coins (still secret).
pub struct Verdict {
    /// Violations of the `0 < v < t` tests, in the order they were added.
    pub small: Vec<bool>,
    /// Violations of the modulo-2^32 tests, in the order they were added.
    pub mod32: Vec<bool>,
    /// The coins asked for with [`Batch::coins`].
    pub coins: Option<Coins>,
}

/// The top bits of cell keys, as this party's terms of a 3-out-of-3 additive sharing of each
/// bit as a 0/1 ring element (converted in the round that opened the tests' bits): coin `j`
/// of key `i` at `j * keys + i`.
pub struct Coins {
    terms: Vec<u64>,
    keys: usize,
    count: u32,
}

fn concat_vec(parts: &[(AShares, Vec<u64>)]) -> (AShares, Vec<u64>) {
    let v = AShares::concat(&parts.iter().map(|(v, _)| v).collect::<Vec<_>>());
    (
        v,
        parts.iter().flat_map(|(_, t)| t.iter().copied()).collect(),
    )
}

impl Batch {
    /// Adds the tests `0 < v_i < t_i` (thresholds of 0 or 1 never fail).
    pub fn small_nonzero(&mut self, counts: &AShares, thresholds: &[u64]) {
        assert_eq!(counts.len(), thresholds.len(), "one threshold per count");
        self.pending.push((counts.clone(), thresholds.to_vec()));
    }

    /// Adds the tests `0 < v_i < t_i` for counts known only modulo 2^32 (below 2^31).
    pub fn small_nonzero_mod32(&mut self, counts: &AShares, thresholds: &[u64]) {
        assert_eq!(counts.len(), thresholds.len(), "one threshold per count");
        self.mod32.push((counts.clone(), thresholds.to_vec()));
    }

    /// Asks for the top `count` bits of each of `keys` (bit 63 first), kept secret.
    pub fn coins(&mut self, keys: &AShares, count: u32) {
        assert!(self.coins.is_none(), "one set of keys per batch");
        self.coins = Some((keys.clone(), count.min(64)));
    }

    /// The products of the tests added so far, with the dot products `dots` of the caller:
    /// one round (none when there is nothing to multiply). Returns the dot products.
    pub fn products(
        &mut self,
        p: &mut Party,
        dots: &[(&AShares, &AShares)],
    ) -> sharestat_mpc::Result<AShares> {
        let (v, t) = concat_vec(&std::mem::take(&mut self.pending));
        if v.is_empty() && dots.is_empty() {
            return Ok(AShares::from_parts(Vec::new(), Vec::new()));
        }
        let lo = v.add_const(p.id(), 1u64.wrapping_neg());
        // t - 1 - v (thresholds of 0 or 1 are answered "pass", whatever u is).
        let hi_pub: Vec<u64> = t.iter().map(|&t| t.saturating_sub(1)).collect();
        let hi = v.neg().add_public(p.id(), &hi_pub);
        let muls: &[(&AShares, &AShares)] = if v.is_empty() { &[] } else { &[(&lo, &hi)] };
        let (u, d) = p.mul_dot(muls, dots)?;
        if let Some(u) = u.into_iter().next() {
            self.made.push((u, t));
        }
        Ok(d)
    }

    /// Runs what is left: the products of tests added since [`Batch::products`] (one round),
    /// the sign bits (8 rounds), the opening of the tests' bits (1 round). No rounds when
    /// nothing was added.
    pub fn finish(mut self, p: &mut Party) -> sharestat_mpc::Result<Verdict> {
        if !self.pending.is_empty() {
            self.products(p, &[])?;
        }
        let (u, ut) = concat_vec(&self.made);
        let (v, vt) = concat_vec(&self.mod32);
        if u.is_empty() && v.is_empty() && self.coins.is_none() {
            return Ok(Verdict {
                small: vec![],
                mod32: vec![],
                coins: None,
            });
        }
        let me = p.id();
        let shift = |x: &AShares, c: &[u64]| {
            let neg: Vec<u64> = c.iter().map(|t| t.wrapping_neg()).collect();
            x.add_public(me, &neg).scale(1u64 << 32)
        };
        let (nu, nv) = (u.len(), v.len());
        let mut groups = vec![u, shift(&v, &vt), shift(&v, &vec![1; nv])];
        if let Some((keys, count)) = &self.coins {
            groups.extend((0..*count).map(|j| keys.scale(1u64 << j)));
        }
        let all = AShares::concat(&groups.iter().collect::<Vec<_>>());
        let signs = p.msb(&all, 64)?;
        let mod32 = signs
            .slice(nu..nu + nv)
            .xor(&signs.slice(nu + nv..nu + 2 * nv));
        let tests = Bits::concat(&[&signs.slice(0..nu), &mod32]);
        // The tests' bits are opened in the first round of the coins' conversion.
        let (opened, coins) = match self.coins {
            Some((keys, count)) => {
                let at = nu + 2 * nv;
                let bits = signs.slice(at..at + count as usize * keys.len());
                let (opened, terms) = p.reveal_bits_and_convert(&tests, &bits)?;
                let coins = Coins {
                    terms,
                    keys: keys.len(),
                    count,
                };
                (opened, Some(coins))
            }
            None if nu + nv == 0 => (Vec::new(), None),
            None => (p.reveal_bits(&tests)?, None),
        };
        let small = ut
            .iter()
            .enumerate()
            .map(|(i, &t)| t > 1 && !opened[i])
            .collect();
        let mod32 = opened[nu..].to_vec();
        Ok(Verdict {
            small,
            mod32,
            coins,
        })
    }
}

impl Coins {
    /// This party's terms of draw `t` of the noise on `-d..=d` per key: `Σ_j (coin_2j -
    /// coin_2j+1)` over coins `2d t .. 2d (t + 1)`, binomial with variance `d / 2`, and 0 for
    /// a key of 0.
    fn draw(&self, d: u32, t: u32) -> Vec<u64> {
        assert!(2 * d * (t + 1) <= self.count, "not enough coins");
        let n = self.keys;
        let coin = |j: u32| &self.terms[j as usize * n..(j as usize + 1) * n];
        let mut noise = vec![0u64; n];
        for j in 0..d {
            let up = 2 * (d * t + j);
            for (i, w) in noise.iter_mut().enumerate() {
                *w = w.wrapping_add(coin(up)[i]).wrapping_sub(coin(up + 1)[i]);
            }
        }
        noise
    }

    /// [`Coins::open_noisy`] of the cells `keep` only (the others stay shares): the noisy
    /// counts `counts[keep[i]]` (`counts` one per key).
    pub fn open_noisy_at(
        &self,
        p: &mut Party,
        counts: &AShares,
        keep: &[usize],
        d: u32,
    ) -> sharestat_mpc::Result<Vec<u64>> {
        let terms = self.draw(d, 0);
        let kept: Vec<u64> = keep.iter().map(|&i| terms[i]).collect();
        p.open_additive(&counts.gather(keep), &kept)
    }

    /// `draws` noises per key (see [`Coins::draw`]) as replicated shares: one round.
    pub fn noise(&self, p: &mut Party, d: u32, draws: u32) -> sharestat_mpc::Result<Vec<AShares>> {
        let terms: Vec<u64> = (0..draws).flat_map(|t| self.draw(d, t)).collect();
        let all = p.reshare(terms)?;
        let n = self.keys;
        Ok((0..draws as usize)
            .map(|t| all.slice(t * n..(t + 1) * n))
            .collect())
    }

    /// Opens `counts` (one per key) with draw 0 of the noise added, and `exact` as they are:
    /// one round.
    pub fn open_noisy(
        &self,
        p: &mut Party,
        counts: &AShares,
        exact: &AShares,
        d: u32,
    ) -> sharestat_mpc::Result<Vec<u64>> {
        let mut terms = self.draw(d, 0);
        terms.resize(self.keys + exact.len(), 0);
        p.open_additive(&AShares::concat(&[counts, exact]), &terms)
    }
}

/// Violations of the subset rules for a selection of `size` (shared) rows out of a public
/// `total`: `[min_subset, min_complement]`, each true when broken. A subset must hold at least
/// `min_subset` rows and leave out none or at least `min_complement`. Reveals the two bits.
pub fn subset_rules(
    p: &mut Party,
    size: &AShares,
    total: u64,
    min_subset: u64,
    min_complement: u64,
) -> sharestat_mpc::Result<[bool; 2]> {
    let complement = size.neg().add_const(p.id(), total);
    // size < min_subset, including size = 0: test 0 < size + 1 < min_subset + 1.
    let shifted = size.add_const(p.id(), 1);
    let v = AShares::concat(&[&shifted, &complement]);
    let bits = small_nonzero(p, &v, &[min_subset + 1, min_complement])?;
    Ok([bits[0], bits[1]])
}

/// Size of the symmetric difference of two 0/1 masks, still shared:
/// `Σa + Σb - 2 a·b` (one dot-product round).
pub fn symmetric_difference(
    p: &mut Party,
    a: &AShares,
    b: &AShares,
) -> sharestat_mpc::Result<AShares> {
    let both = p.dot(a, b)?;
    Ok(a.sum().add(&b.sum()).sub(&both.scale(2)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharestat_mpc::harness::{Keys, run_in_memory};
    use sharestat_mpc::prg::Prg;
    use sharestat_mpc::proto::io::deal;

    fn shared(p: &Party, v: &[u64]) -> AShares {
        deal(v, &mut Prg::new([9; 16]))[p.id().index()].clone()
    }

    #[test]
    fn small_nonzero_matches_plaintext() {
        let counts: Vec<u64> = (0..12).collect();
        let thresholds = vec![5u64; 12];
        let out = run_in_memory(Keys::Seeded([7; 16]), |p| {
            let c = shared(p, &counts);
            small_nonzero(p, &c, &thresholds)
        })
        .unwrap();
        let want: Vec<bool> = (0..12u64).map(|v| v > 0 && v < 5).collect();
        for o in out {
            assert_eq!(o, want);
        }
        let one = run_in_memory(Keys::Seeded([8; 16]), |p| {
            let c = shared(p, &[0, 1, 2]);
            small_nonzero(p, &c, &[1, 1, 0])
        })
        .unwrap();
        assert_eq!(one[0], vec![false, false, false]);
    }

    #[test]
    fn small_nonzero_mod32_ignores_the_high_bits() {
        // Counts with garbage above bit 32 (as from 32-bit stored shares) test as their low part.
        let counts: Vec<u64> = (0..12u64).map(|v| v | (0xdead_beef << 32)).collect();
        let out = run_in_memory(Keys::Seeded([6; 16]), |p| {
            let c = shared(p, &counts);
            small_nonzero_mod32(p, &c, &[5; 12])
        })
        .unwrap();
        let want: Vec<bool> = (0..12u64).map(|v| v > 0 && v < 5).collect();
        assert_eq!(out[0], want);
    }

    #[test]
    fn a_batch_shares_its_rounds_and_matches_plaintext() {
        // Counts to test, 32-bit counts with garbage above, a mask and keys to dot, coins.
        let counts = [0u64, 1, 4, 5, 9];
        let wide: Vec<u64> = [0u64, 2, 7].iter().map(|v| v | (0xbeef << 32)).collect();
        let mask = [1u64, 0, 1, 1, 0, 1];
        let keys = [
            0x8000_0000_0000_0001u64,
            0x7fff_ffff_ffff_ffff,
            0x4000_0000_0000_0000,
            3 << 62,
            5,
            0xf0f0_f0f0_f0f0_f0f0,
        ];
        let out = run_in_memory(Keys::Seeded([4; 16]), |p| {
            let (c, w) = (shared(p, &counts), shared(p, &wide));
            let (m, k) = (shared(p, &mask), shared(p, &keys));
            let before = p.stats().rounds;
            let mut b = Batch::default();
            b.small_nonzero(&c, &[5; 5]);
            let dot = b.products(p, &[(&m, &k)])?;
            b.small_nonzero_mod32(&w, &[5; 3]);
            b.coins(&AShares::concat(&[&dot, &k]), 4);
            let v = b.finish(p)?;
            let coins = v.coins.expect("coins");
            let noise = coins.noise(p, 2, 1)?;
            let rounds = p.stats().rounds - before;
            let zeros = AShares::from_parts(vec![0; 7], vec![0; 7]);
            let opened = coins.open_noisy(p, &zeros, &shared(p, &[42]), 2)?;
            Ok((v.small, v.mod32, p.reveal(&noise[0])?, rounds, opened))
        })
        .unwrap();
        let (small, mod32, noise, rounds, opened) = &out[0];
        assert_eq!(small, &[false, true, true, false, false]);
        assert_eq!(mod32, &[false, true, false]);
        // 1 product round, 8 of the sign bits, 1 opening with the coins' first conversion
        // round, 1 resharing.
        assert_eq!(*rounds, 11);
        assert_eq!(opened[..7], noise[..]);
        assert_eq!(opened[7], 42);
        let dot = mask
            .iter()
            .zip(&keys)
            .fold(0u64, |s, (m, k)| s.wrapping_add(m.wrapping_mul(*k)));
        let want: Vec<u64> = std::iter::once(dot)
            .chain(keys)
            .map(|k| {
                let bit = |j: u32| ((k >> (63 - j)) & 1) as i64;
                (bit(0) - bit(1) + bit(2) - bit(3)) as u64
            })
            .collect();
        assert_eq!(noise, &want);
    }

    #[test]
    fn subset_rules_match_plaintext() {
        for (size, want) in [
            (0u64, [true, false]),
            (4, [true, false]),
            (5, [false, false]),
            (44, [false, true]),
            (47, [false, true]),
            (48, [false, false]),
            (20, [false, false]),
        ] {
            let out = run_in_memory(Keys::Seeded([size as u8; 16]), |p| {
                let s = shared(p, &[size]);
                subset_rules(p, &s, 48, 5, 5)
            })
            .unwrap();
            assert_eq!(out[0], want, "size {size}");
        }
    }

    #[test]
    fn symmetric_difference_counts_rows_in_one_mask_only() {
        let out = run_in_memory(Keys::Seeded([3; 16]), |p| {
            let a = shared(p, &[1, 1, 0, 0, 1]);
            let b = shared(p, &[1, 0, 1, 0, 0]);
            let d = symmetric_difference(p, &a, &b)?;
            Ok(p.reveal(&d)?[0])
        })
        .unwrap();
        assert_eq!(out[0], 3);
    }
}
