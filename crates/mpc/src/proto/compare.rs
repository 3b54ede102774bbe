//! Bit decomposition (A2B), MSB extraction, comparison and equality.
//!
//! All three start the same way (ABY3 §5.3, with the 2-input variant of its A2B): the secret
//! `d = d_0 + d_1 + d_2` is rewritten as `s + d_2` with `s = d_0 + d_1`, which party 0 knows
//! and inputs as a boolean sharing (one round, party 0 sends one word per element — or only
//! `k` bit-planes per 64 elements in the sliced circuits), while `d_2` (held by parties 1 and 2)
//! is a boolean sharing for free: `(0, 0, d_2)`. Then:
//!
//! - **MSB / less-than** (signed, width `k`): the sign bit of `d mod 2^k` is
//!   `s_{k-1} ^ d2_{k-1} ^ c` where `c` is the carry into bit `k-1`, computed by a log-depth
//!   tree of (generate, propagate) pairs on bit planes. `x < y` is the MSB of `x - y`, correct
//!   whenever `|x - y| < 2^{k-1}`. Rounds: `2 + ceil(log2(k-1))` (8 for `k = 64`); bytes per
//!   element per party: about `(3k - 6)/8` (22.6 for `k = 64`) plus `k/8` from party 0.
//! - **Equality** (width `k`): `d = 0 (mod 2^k)` iff `s ^ (-d_2)` has no set bit among the low
//!   `k`, an AND tree over the `k` inverted planes. Rounds `1 + ceil(log2 k)` (7 for `k = 64`);
//!   about `k/8` bytes per element per party.
//! - **A2B** (full 64-bit boolean sharing, one word per element): the Kogge-Stone adder on
//!   `s` and `d_2`: 8 rounds, 12 words per element per party plus one from party 0.
use crate::bitslice::{blocks, to_planes};
use crate::error::{MpcError, same_len};
use crate::party::{Party, PartyId};
use crate::proto::boolean::AndBatch;
use crate::proto::io::Ring;
use crate::share::{AShares, BShares, Bits, zip_map};

/// One level of a tree over bit planes: `count` items of `nb` words each, stored back to back.
struct Planes {
    a: Vec<u64>,
    b: Vec<u64>,
    nb: usize,
}

impl Planes {
    fn item(&self, j: usize) -> (&[u64], &[u64]) {
        let r = j * self.nb..(j + 1) * self.nb;
        (&self.a[r.clone()], &self.b[r])
    }
    fn with_capacity(count: usize, nb: usize) -> Planes {
        Planes {
            a: Vec::with_capacity(count * nb),
            b: Vec::with_capacity(count * nb),
            nb,
        }
    }
    /// Appends `x ^ y` (`y` absent: `x`) as a new item.
    fn push_xor(&mut self, x: (&[u64], &[u64]), y: Option<(&[u64], &[u64])>) {
        match y {
            Some(y) => {
                self.a.extend(x.0.iter().zip(y.0).map(|(p, q)| p ^ q));
                self.b.extend(x.1.iter().zip(y.1).map(|(p, q)| p ^ q));
            }
            None => {
                self.a.extend_from_slice(x.0);
                self.b.extend_from_slice(x.1);
            }
        }
    }
}

fn plane(x: &BShares, j: usize, nb: usize) -> BShares {
    x.slice(j * nb..(j + 1) * nb)
}

fn check_width(op: &'static str, k: u32) -> crate::Result<usize> {
    if (1..=64).contains(&k) {
        Ok(k as usize)
    } else {
        Err(MpcError::param(
            op,
            format!("bit width {k} is not in 1..=64"),
        ))
    }
}

impl Party {
    /// Boolean sharings `(s, d_2)` of the two summands of `d`, as `k` bit planes each.
    /// `negate_d2` gives `-d_2` instead of `d_2` (for the equality test).
    fn split_planes(
        &mut self,
        d: &AShares,
        k: usize,
        negate_d2: bool,
    ) -> crate::Result<(BShares, BShares)> {
        let nb = blocks(d.len());
        let me = self.id.index();
        let s = (me == 0).then(|| to_planes(&zip_map(&d.a, &d.b, u64::wrapping_add), k));
        let (a, b) = self.input_parts(PartyId::ALL[0], s.as_deref(), k * nb, Ring::Bool)?;
        let s = BShares { a, b };
        let d2 = |v: &[u64]| {
            let v: Vec<u64> = if negate_d2 {
                v.iter().map(|x| x.wrapping_neg()).collect()
            } else {
                v.to_vec()
            };
            to_planes(&v, k)
        };
        let zeros = || vec![0u64; k * nb];
        let t = match me {
            0 => BShares {
                a: zeros(),
                b: zeros(),
            },
            1 => BShares {
                a: zeros(),
                b: d2(&d.b),
            },
            _ => BShares {
                a: d2(&d.a),
                b: zeros(),
            },
        };
        Ok((s, t))
    }

    /// Sign bit of `d` read as a signed `k`-bit number (bit `k-1` of `d mod 2^k`).
    pub fn msb(&mut self, d: &AShares, k: u32) -> crate::Result<Bits> {
        let k = check_width("msb", k)?;
        let n = d.len();
        let nb = blocks(n);
        let (a, b) = self.split_planes(d, k, false)?;
        let top = plane(&a, k - 1, nb).xor(&plane(&b, k - 1, nb));
        if k == 1 {
            return Ok(Bits { w: top, len: n });
        }
        // Generate g_j = a_j & b_j and propagate p_j = a_j ^ b_j for bit positions 0..k-1.
        let m = k - 1;
        let lo = 0..m * nb;
        let mut batch = AndBatch::new();
        batch.push(
            (&a.a[lo.clone()], &a.b[lo.clone()]),
            (&b.a[lo.clone()], &b.b[lo.clone()]),
        );
        let g = batch.run(self)?.into_shares();
        let p = a.slice(lo.clone()).xor(&b.slice(lo));
        let mut g = Planes { a: g.a, b: g.b, nb };
        let mut p = Planes { a: p.a, b: p.b, nb }; // item 0's p is never used
        let mut count = m;
        // Tree: (hi, lo) -> (g_hi ^ p_hi & g_lo, p_hi & p_lo); the lowest group needs no p.
        while count > 1 {
            let pairs = count / 2;
            let mut batch = AndBatch::new();
            for t in 0..pairs {
                let (lo, hi) = (2 * t, 2 * t + 1);
                batch.push(p.item(hi), g.item(lo));
                if t > 0 {
                    batch.push(p.item(hi), p.item(lo));
                }
            }
            let out = batch.run(self)?;
            let next = pairs + count % 2;
            let mut ng = Planes::with_capacity(next, nb);
            let mut np = Planes::with_capacity(next, nb);
            let mut r = 0;
            for t in 0..pairs {
                ng.push_xor(g.item(2 * t + 1), Some(out.get(r)));
                r += 1;
                if t > 0 {
                    np.push_xor(out.get(r), None);
                    r += 1;
                } else {
                    np.push_xor(g.item(0), None); // placeholder, never read
                }
            }
            if count % 2 == 1 {
                ng.push_xor(g.item(count - 1), None);
                np.push_xor(p.item(count - 1), None);
            }
            (g, p, count) = (ng, np, next);
        }
        let (ca, cb) = g.item(0);
        let carry = BShares::from_parts(ca.to_vec(), cb.to_vec());
        Ok(Bits {
            w: top.xor(&carry),
            len: n,
        })
    }

    /// The carry out of the low `d[i]` bits of the two summands the truncation of
    /// `proto::fixed` splits `x` into: `s = x_0 + x_1 + off(i)` (party 0) and `x_2` (parties
    /// 1 and 2). Each summand's low `d[i]` bits are moved to the top of a `D`-bit field
    /// (`D = max d`), so their sum's bit `D` is the carry: the MSB circuit above on `D + 1`
    /// planes, fed these summands in place of the two of a sharing (only party 0's sum and
    /// the other parties' `x_2` enter it).
    pub(crate) fn low_carry(
        &mut self,
        x: &AShares,
        d: &[u32],
        off: impl Fn(usize) -> u64,
    ) -> crate::Result<Bits> {
        same_len("low_carry", x.len(), d.len())?;
        let top = d.iter().copied().max().unwrap_or(1);
        let field = |v: u64, d: u32| (v & ((1u64 << d) - 1)) << (top - d);
        let n = x.len();
        let zeros = vec![0u64; n];
        let views = match self.id.index() {
            0 => AShares {
                a: (0..n)
                    .map(|i| field(x.a[i].wrapping_add(x.b[i]).wrapping_add(off(i)), d[i]))
                    .collect(),
                b: zeros,
            },
            1 => AShares {
                a: zeros,
                b: x.b.iter().zip(d).map(|(&v, &d)| field(v, d)).collect(),
            },
            _ => AShares {
                a: x.a.iter().zip(d).map(|(&v, &d)| field(v, d)).collect(),
                b: zeros,
            },
        };
        self.msb(&views, top + 1)
    }

    /// `x < y` for signed values with `|x - y| < 2^{k-1}`.
    pub fn lt(&mut self, x: &AShares, y: &AShares, k: u32) -> crate::Result<Bits> {
        same_len("lt", x.len(), y.len())?;
        self.msb(&x.sub(y), k)
    }

    /// `x <= y` for signed values with `|x - y| < 2^{k-1}` (computed as `!(y < x)`).
    pub fn le(&mut self, x: &AShares, y: &AShares, k: u32) -> crate::Result<Bits> {
        let gt = self.lt(y, x, k)?;
        Ok(gt.not(self.id))
    }

    /// `x < c` for a public vector `c`.
    pub fn lt_public(&mut self, x: &AShares, c: &[u64], k: u32) -> crate::Result<Bits> {
        same_len("lt_public", x.len(), c.len())?;
        let neg: Vec<u64> = c.iter().map(|v| v.wrapping_neg()).collect();
        self.msb(&x.add_public(self.id, &neg), k)
    }

    /// `x == y (mod 2^k)`.
    pub fn eq(&mut self, x: &AShares, y: &AShares, k: u32) -> crate::Result<Bits> {
        same_len("eq", x.len(), y.len())?;
        let k = check_width("eq", k)?;
        let n = x.len();
        let nb = blocks(n);
        let (s, t) = self.split_planes(&x.sub(y), k, true)?;
        let same = s.xor(&t).not(self.id); // 1 where the bits agree
        let mut level = Planes {
            a: same.a,
            b: same.b,
            nb,
        };
        let mut count = k;
        while count > 1 {
            let pairs = count / 2;
            let mut batch = AndBatch::new();
            for t in 0..pairs {
                batch.push(level.item(2 * t), level.item(2 * t + 1));
            }
            let out = batch.run(self)?.into_shares();
            let mut next = Planes {
                a: out.a,
                b: out.b,
                nb,
            };
            if count % 2 == 1 {
                next.push_xor(level.item(count - 1), None);
            }
            (level, count) = (next, pairs + count % 2);
        }
        let (wa, wb) = level.item(0);
        Ok(Bits {
            w: BShares::from_parts(wa.to_vec(), wb.to_vec()),
            len: n,
        })
    }

    /// Bit decomposition (A2B): a boolean sharing of each 64-bit element.
    pub fn a2b(&mut self, x: &AShares) -> crate::Result<BShares> {
        let n = x.len();
        let me = self.id.index();
        let s = (me == 0).then(|| zip_map(&x.a, &x.b, u64::wrapping_add));
        let s = self.input_bool(PartyId::ALL[0], s.as_deref(), n)?;
        let zeros = || vec![0u64; n];
        let t = match me {
            0 => BShares {
                a: zeros(),
                b: zeros(),
            },
            1 => BShares {
                a: zeros(),
                b: x.b.clone(),
            },
            _ => BShares {
                a: x.a.clone(),
                b: zeros(),
            },
        };
        self.add_bool(&s, &t)
    }
}
