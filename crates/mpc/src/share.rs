//! Share types and the local (communication-free) operations on them.
//!
//! A secret vector `x` is split as `x = x0 + x1 + x2` (arithmetic, wrapping `u64`) or
//! `x = x0 ^ x1 ^ x2` (boolean). Party `i` holds `(x_i, x_{i+1})`; in the types below these are
//! the fields `a` (= `x_i`) and `b` (= `x_{i+1}`). Linear operations on shares are local; adding a
//! public constant changes share `x_0` only, which party 0 holds as `a` and party 2 holds as
//! `b` — this is why every operation that mixes in a public value takes the [`PartyId`].
//!
//! Public values are plain `&[u64]`; there is no conversion from a public value into a share
//! type other than the explicit sharing protocols, so a share can't be mixed with a public value
//! by accident. `Debug` prints only lengths, never share words.
use crate::error::same_len;
use crate::party::PartyId;
use rayon::prelude::*;

/// One party's replicated shares of a vector over Z_2^64.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct AShares {
    pub(crate) a: Vec<u64>,
    pub(crate) b: Vec<u64>,
}

/// One party's replicated XOR-shares of a vector of 64-bit words (one value per word, or
/// single bits packed 64 to a word, see [`Bits`]).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct BShares {
    pub(crate) a: Vec<u64>,
    pub(crate) b: Vec<u64>,
}

/// Shares of `len` single bits, packed 64 to a word (bit `i` is bit `i % 64` of word `i / 64`).
/// Bits past `len` in the last word are unspecified and masked off when revealed.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Bits {
    pub(crate) w: BShares,
    pub(crate) len: usize,
}

impl std::fmt::Debug for AShares {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AShares[{}]", self.a.len())
    }
}
impl std::fmt::Debug for BShares {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BShares[{}]", self.a.len())
    }
}
impl std::fmt::Debug for Bits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bits[{}]", self.len)
    }
}

/// Applies `f` element-wise to two equally long slices into a new vector, in parallel when long.
pub(crate) fn zip_map(x: &[u64], y: &[u64], f: impl Fn(u64, u64) -> u64 + Sync) -> Vec<u64> {
    if x.len() >= crate::PAR_THRESHOLD {
        x.par_iter()
            .zip(y.par_iter())
            .map(|(&p, &q)| f(p, q))
            .collect()
    } else {
        x.iter().zip(y).map(|(&p, &q)| f(p, q)).collect()
    }
}

/// Number of 64-bit words needed for `n` packed bits.
pub fn words_for(n: usize) -> usize {
    n.div_ceil(64)
}

macro_rules! common_share_api {
    ($t:ident) => {
        impl $t {
            /// Builds shares from this party's two components `(x_i, x_{i+1})` (e.g. read back
            /// from storage). Panics if the lengths differ.
            pub fn from_parts(a: Vec<u64>, b: Vec<u64>) -> Self {
                assert_eq!(a.len(), b.len(), "share components differ in length");
                Self { a, b }
            }
            /// This party's two components `(x_i, x_{i+1})`, e.g. for storage.
            pub fn into_parts(self) -> (Vec<u64>, Vec<u64>) {
                (self.a, self.b)
            }
            /// Borrowed components `(x_i, x_{i+1})`.
            pub fn parts(&self) -> (&[u64], &[u64]) {
                (&self.a, &self.b)
            }
            /// Number of shared words.
            pub fn len(&self) -> usize {
                self.a.len()
            }
            /// True when no words are shared.
            pub fn is_empty(&self) -> bool {
                self.a.is_empty()
            }
            /// Shares of the elements at `idx` (a public index list), in that order.
            pub fn gather(&self, idx: &[usize]) -> Self {
                Self {
                    a: idx.iter().map(|&i| self.a[i]).collect(),
                    b: idx.iter().map(|&i| self.b[i]).collect(),
                }
            }
            /// Shares of the elements in `range`.
            pub fn slice(&self, range: std::ops::Range<usize>) -> Self {
                Self {
                    a: self.a[range.clone()].to_vec(),
                    b: self.b[range].to_vec(),
                }
            }
            /// Concatenation of several share vectors (e.g. the same column from several sites).
            pub fn concat(parts: &[&Self]) -> Self {
                let total = parts.iter().map(|p| p.a.len()).sum();
                let mut out = Self {
                    a: Vec::with_capacity(total),
                    b: Vec::with_capacity(total),
                };
                for p in parts {
                    out.a.extend_from_slice(&p.a);
                    out.b.extend_from_slice(&p.b);
                }
                out
            }
        }
    };
}
common_share_api!(AShares);
common_share_api!(BShares);

impl AShares {
    /// `x + y`.
    pub fn add(&self, y: &AShares) -> AShares {
        same_len("add", self.len(), y.len()).expect("add: share lengths differ");
        AShares {
            a: zip_map(&self.a, &y.a, u64::wrapping_add),
            b: zip_map(&self.b, &y.b, u64::wrapping_add),
        }
    }
    /// `x - y`.
    pub fn sub(&self, y: &AShares) -> AShares {
        same_len("sub", self.len(), y.len()).expect("sub: share lengths differ");
        AShares {
            a: zip_map(&self.a, &y.a, u64::wrapping_sub),
            b: zip_map(&self.b, &y.b, u64::wrapping_sub),
        }
    }
    /// `-x`.
    pub fn neg(&self) -> AShares {
        AShares {
            a: self.a.iter().map(|v| v.wrapping_neg()).collect(),
            b: self.b.iter().map(|v| v.wrapping_neg()).collect(),
        }
    }
    /// `x + c` for a public vector `c` (same length).
    pub fn add_public(&self, me: PartyId, c: &[u64]) -> AShares {
        same_len("add_public", self.len(), c.len()).expect("add_public: lengths differ");
        let mut out = self.clone();
        match me.index() {
            0 => out.a = zip_map(&self.a, c, u64::wrapping_add),
            2 => out.b = zip_map(&self.b, c, u64::wrapping_add),
            _ => {}
        }
        out
    }
    /// `x + c` for one public constant added to every element.
    pub fn add_const(&self, me: PartyId, c: u64) -> AShares {
        let mut out = self.clone();
        let target = match me.index() {
            0 => &mut out.a,
            2 => &mut out.b,
            _ => return out,
        };
        target.iter_mut().for_each(|v| *v = v.wrapping_add(c));
        out
    }
    /// `x * c` element-wise for a public vector `c`.
    pub fn mul_public(&self, c: &[u64]) -> AShares {
        same_len("mul_public", self.len(), c.len()).expect("mul_public: lengths differ");
        AShares {
            a: zip_map(&self.a, c, u64::wrapping_mul),
            b: zip_map(&self.b, c, u64::wrapping_mul),
        }
    }
    /// `x * c` for one public constant.
    pub fn scale(&self, c: u64) -> AShares {
        AShares {
            a: self.a.iter().map(|v| v.wrapping_mul(c)).collect(),
            b: self.b.iter().map(|v| v.wrapping_mul(c)).collect(),
        }
    }
    /// Shares of the sum of all elements (a vector of length 1).
    pub fn sum(&self) -> AShares {
        let add = |v: &[u64]| v.iter().fold(0u64, |s, &x| s.wrapping_add(x));
        AShares {
            a: vec![add(&self.a)],
            b: vec![add(&self.b)],
        }
    }
    /// Inclusive prefix sums: element `i` becomes `x_0 + ... + x_i` (local, no communication).
    pub fn prefix_sum(&self) -> AShares {
        let scan = |v: &[u64]| {
            let mut acc = 0u64;
            v.iter()
                .map(|&x| {
                    acc = acc.wrapping_add(x);
                    acc
                })
                .collect()
        };
        AShares {
            a: scan(&self.a),
            b: scan(&self.b),
        }
    }
}

impl BShares {
    /// `x ^ y`.
    pub fn xor(&self, y: &BShares) -> BShares {
        same_len("xor", self.len(), y.len()).expect("xor: share lengths differ");
        BShares {
            a: zip_map(&self.a, &y.a, |p, q| p ^ q),
            b: zip_map(&self.b, &y.b, |p, q| p ^ q),
        }
    }
    /// `x ^ c` for a public vector `c`.
    pub fn xor_public(&self, me: PartyId, c: &[u64]) -> BShares {
        same_len("xor_public", self.len(), c.len()).expect("xor_public: lengths differ");
        let mut out = self.clone();
        match me.index() {
            0 => out.a = zip_map(&self.a, c, |p, q| p ^ q),
            2 => out.b = zip_map(&self.b, c, |p, q| p ^ q),
            _ => {}
        }
        out
    }
    /// Bitwise NOT of every word.
    pub fn not(&self, me: PartyId) -> BShares {
        self.xor_public(me, &vec![u64::MAX; self.len()])
    }
    /// `x & c` for a public mask `c` applied to every word (local).
    pub fn and_const(&self, c: u64) -> BShares {
        self.map(|v| v & c)
    }
    /// Applies a bitwise-linear map (shift, rotation, bit permutation, AND with a constant)
    /// to both components; correct for any `f` with `f(p ^ q) = f(p) ^ f(q)`.
    pub fn map(&self, f: impl Fn(u64) -> u64) -> BShares {
        BShares {
            a: self.a.iter().map(|&v| f(v)).collect(),
            b: self.b.iter().map(|&v| f(v)).collect(),
        }
    }
}

impl Bits {
    /// Packs existing boolean shares holding `len` bits.
    pub fn from_words(w: BShares, len: usize) -> Bits {
        assert!(w.len() >= words_for(len), "too few words for {len} bits");
        Bits { w, len }
    }
    /// Number of bits.
    pub fn len(&self) -> usize {
        self.len
    }
    /// True when there are no bits.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// The packed words.
    pub fn words(&self) -> &BShares {
        &self.w
    }
    /// `a ^ b` bit-wise.
    pub fn xor(&self, other: &Bits) -> Bits {
        same_len("bits xor", self.len, other.len).expect("bits xor: lengths differ");
        Bits {
            w: self.w.xor(&other.w),
            len: self.len,
        }
    }
    /// The bits `r` as a new packed vector (local: each party moves the bits of its two
    /// components; bit by bit, for the short vectors of tests and coins).
    pub fn slice(&self, r: std::ops::Range<usize>) -> Bits {
        assert!(r.end <= self.len, "bits {r:?} of {}", self.len);
        Bits::concat_ranges(&[(self, r)])
    }
    /// The bits of `parts`, one after the other (local, as [`Bits::slice`]).
    pub fn concat(parts: &[&Bits]) -> Bits {
        let ranges: Vec<(&Bits, std::ops::Range<usize>)> =
            parts.iter().map(|b| (*b, 0..b.len)).collect();
        Bits::concat_ranges(&ranges)
    }
    fn concat_ranges(parts: &[(&Bits, std::ops::Range<usize>)]) -> Bits {
        let len: usize = parts.iter().map(|(_, r)| r.len()).sum();
        let (mut a, mut b) = (vec![0u64; words_for(len)], vec![0u64; words_for(len)]);
        let mut k = 0;
        for (bits, r) in parts {
            for i in r.clone() {
                let (w, s) = (i / 64, i % 64);
                a[k / 64] |= ((bits.w.a[w] >> s) & 1) << (k % 64);
                b[k / 64] |= ((bits.w.b[w] >> s) & 1) << (k % 64);
                k += 1;
            }
        }
        Bits {
            w: BShares { a, b },
            len,
        }
    }
    /// Bit-wise NOT.
    pub fn not(&self, me: PartyId) -> Bits {
        Bits {
            w: self.w.not(me),
            len: self.len,
        }
    }
}

/// Packs plaintext bits 64 to a word.
pub fn pack_bits(bits: &[bool]) -> Vec<u64> {
    let mut w = vec![0u64; words_for(bits.len())];
    for (i, &b) in bits.iter().enumerate() {
        w[i / 64] |= (b as u64) << (i % 64);
    }
    w
}

/// Unpacks `len` plaintext bits from words.
pub fn unpack_bits(words: &[u64], len: usize) -> Vec<bool> {
    (0..len)
        .map(|i| (words[i / 64] >> (i % 64)) & 1 == 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_slice_and_concat_move_both_components() {
        let (a, b): (Vec<bool>, Vec<bool>) = (0..150).map(|i| (i % 3 == 0, i % 5 == 1)).unzip();
        let bits = Bits::from_words(BShares::from_parts(pack_bits(&a), pack_bits(&b)), 150);
        let s = bits.slice(60..140);
        assert_eq!(s.len(), 80);
        assert_eq!(unpack_bits(&s.w.a, 80), a[60..140]);
        assert_eq!(unpack_bits(&s.w.b, 80), b[60..140]);
        let c = Bits::concat(&[&bits.slice(100..103), &bits.slice(0..70)]);
        let want: Vec<bool> = a[100..103].iter().chain(&a[0..70]).copied().collect();
        assert_eq!(unpack_bits(&c.w.a, 73), want);
        assert_eq!(c.w.a.len(), 2);
    }
}
