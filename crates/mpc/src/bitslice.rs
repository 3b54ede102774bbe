//! Bit slicing: turning 64 values of 64 bits into 64 "planes" of 64 bits (plane `j` holds bit
//! `j` of each of the 64 values) and back, by an in-place 64x64 bit-matrix transposition
//! (recursive block swaps, Hacker's Delight §7-3).
//!
//! Comparison and equality circuits work on planes: an AND of two planes evaluates one gate
//! for 64 elements, and a carry tree over `k` bit positions only touches `k` planes, so the
//! circuit's bytes shrink with the bit width instead of always paying for 64 bits per element.
//! Transposition is bitwise-linear, so parties apply it to their xor shares locally.
use rayon::prelude::*;

/// Transposes a 64x64 bit matrix in place: afterwards bit `c` of `m[r]` is what bit `r` of
/// `m[c]` was.
pub fn transpose64(m: &mut [u64; 64]) {
    let mut j = 32usize;
    let mut mask: u64 = 0x0000_0000_FFFF_FFFF;
    while j != 0 {
        let mut k = 0usize;
        while k < 64 {
            // Swap the top-right j x j block (rows k.., columns j..) with the bottom-left one.
            let t = ((m[k] >> j) ^ m[k + j]) & mask;
            m[k] ^= t << j;
            m[k + j] ^= t;
            k = (k + j + 1) & !j;
        }
        j >>= 1;
        mask ^= mask << j;
    }
}

/// Number of 64-element blocks for `n` elements.
pub fn blocks(n: usize) -> usize {
    n.div_ceil(64)
}

/// Planes of the low `k` bits of `words`: the result has `k * blocks(n)` words, plane `j` of
/// block `b` at index `j * blocks(n) + b`, and bit `i` of that word is bit `j` of element
/// `64 b + i`.
pub fn to_planes(words: &[u64], k: usize) -> Vec<u64> {
    let nb = blocks(words.len());
    let block = |b: usize| {
        let mut m = [0u64; 64];
        let src = &words[b * 64..((b + 1) * 64).min(words.len())];
        m[..src.len()].copy_from_slice(src);
        transpose64(&mut m);
        m
    };
    let transposed: Vec<[u64; 64]> = if words.len() >= crate::PAR_THRESHOLD {
        (0..nb).into_par_iter().map(block).collect()
    } else {
        (0..nb).map(block).collect()
    };
    let mut out = vec![0u64; k * nb];
    for (b, m) in transposed.iter().enumerate() {
        for j in 0..k {
            out[j * nb + b] = m[j];
        }
    }
    out
}

/// Inverse of [`to_planes`] for `n` elements whose low `k` bits are given (higher bits zero).
pub fn from_planes(planes: &[u64], k: usize, n: usize) -> Vec<u64> {
    let nb = blocks(n);
    assert_eq!(planes.len(), k * nb, "plane count");
    let mut out = vec![0u64; n];
    for b in 0..nb {
        let mut m = [0u64; 64];
        for j in 0..k {
            m[j] = planes[j * nb + b];
        }
        transpose64(&mut m);
        let dst = &mut out[b * 64..((b + 1) * 64).min(n)];
        let len = dst.len();
        dst.copy_from_slice(&m[..len]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transpose_matches_naive() {
        let mut m = [0u64; 64];
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for w in m.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *w = x;
        }
        let orig = m;
        transpose64(&mut m);
        for (r, row) in m.iter().enumerate() {
            for (c, col) in orig.iter().enumerate() {
                assert_eq!((row >> c) & 1, (col >> r) & 1, "r {r} c {c}");
            }
        }
    }

    #[test]
    fn planes_roundtrip() {
        let v: Vec<u64> = (0..200u64)
            .map(|i| i.wrapping_mul(0x1234_5678_9ABC_DEF1))
            .collect();
        let p = to_planes(&v, 64);
        assert_eq!(from_planes(&p, 64, v.len()), v);
        let low: Vec<u64> = v.iter().map(|x| x & 0xFFFF).collect();
        assert_eq!(from_planes(&to_planes(&v, 16), 16, v.len()), low);
        // bit j of element i sits in plane j
        assert_eq!((p[3 * blocks(200) + 2] >> 5) & 1, (v[133] >> 3) & 1);
    }
}
