//! AES-128-CTR pseudo-random generator: the only source of randomness inside protocols.
//!
//! Each pairwise PRF key of a session drives one `Prg`; two parties holding the same key draw
//! the same words in the same order, which is how zero shares, random shares and shared
//! permutations are produced without communication. Output is deterministic given the key, so a
//! run can be replayed. Long draws are split across cores by seeking the counter (CTR mode is
//! random access), so the stream is identical whether it is produced on one core or many.
//! Hardware AES (AES-NI) is used when the CPU has it (the `aes` crate detects it at run time).
//! Keys and AES round keys are zeroized when dropped.
use aes::Aes128;
use ctr::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};
use rayon::prelude::*;

type Ctr = ctr::Ctr128BE<Aes128>;

/// Words generated per parallel chunk.
const CHUNK_WORDS: usize = 1 << 13;

/// A 128-bit PRF key.
pub type Key = [u8; 16];

/// A deterministic stream of pseudo-random words.
pub struct Prg {
    key: Key,
    /// Bytes consumed so far.
    pos: u64,
}

impl Drop for Prg {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.key);
    }
}

impl std::fmt::Debug for Prg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Prg(pos {})", self.pos)
    }
}

impl Prg {
    /// A generator keyed by `key`, at the start of its stream.
    pub fn new(key: Key) -> Self {
        Prg { key, pos: 0 }
    }

    /// A generator keyed from the operating system's random source.
    pub fn from_os() -> crate::Result<Self> {
        Ok(Prg::new(os_key()?))
    }

    /// A fresh key drawn from this stream (for deriving sub-keys deterministically).
    pub fn key(&mut self) -> Key {
        let w = self.words(2);
        let mut k = [0u8; 16];
        k[..8].copy_from_slice(&w[0].to_le_bytes());
        k[8..].copy_from_slice(&w[1].to_le_bytes());
        k
    }

    fn cipher_at(&self, byte_pos: u64) -> Ctr {
        let mut c = Ctr::new(&self.key.into(), &[0u8; 16].into());
        c.seek(byte_pos);
        c
    }

    /// Combines the next `out.len()` words of the stream into `out` with `op(slot, word)`.
    pub fn apply(&mut self, out: &mut [u64], op: impl Fn(&mut u64, u64) + Sync) {
        let start = self.pos;
        let chunk_fn = |ci: usize, chunk: &mut [u64]| {
            let mut c = self.cipher_at(start + (ci * CHUNK_WORDS * 8) as u64);
            let mut bytes = vec![0u8; chunk.len() * 8];
            c.apply_keystream(&mut bytes);
            for (w, b) in chunk.iter_mut().zip(bytes.chunks_exact(8)) {
                op(w, u64::from_le_bytes(b.try_into().expect("8 bytes")));
            }
        };
        if out.len() >= crate::PAR_THRESHOLD {
            out.par_chunks_mut(CHUNK_WORDS)
                .enumerate()
                .for_each(|(ci, ch)| chunk_fn(ci, ch));
        } else {
            out.chunks_mut(CHUNK_WORDS)
                .enumerate()
                .for_each(|(ci, ch)| chunk_fn(ci, ch));
        }
        self.pos += out.len() as u64 * 8;
    }

    /// Fills `out` with the next `out.len()` words of the stream.
    pub fn fill(&mut self, out: &mut [u64]) {
        self.apply(out, |w, r| *w = r);
    }

    /// The next `n` words.
    pub fn words(&mut self, n: usize) -> Vec<u64> {
        let mut v = vec![0u64; n];
        self.fill(&mut v);
        v
    }

    /// One word.
    pub fn word(&mut self) -> u64 {
        self.words(1)[0]
    }

    /// A uniformly random permutation of `0..n` (Fisher-Yates with unbiased bounded draws),
    /// as a gather list: applying it maps `y[i] = x[perm[i]]`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut perm: Vec<usize> = (0..n).collect();
        if n < 2 {
            return perm;
        }
        let mut pool = self.words(n);
        let mut next = 0usize;
        for i in (1..n).rev() {
            let bound = (i + 1) as u64;
            // Lemire's multiply-shift with rejection: unbiased for every bound.
            let j = loop {
                if next == pool.len() {
                    pool = self.words(1024);
                    next = 0;
                }
                let r = pool[next];
                next += 1;
                let m = (r as u128) * (bound as u128);
                if (m as u64) >= bound.wrapping_neg() % bound {
                    break (m >> 64) as usize;
                }
            };
            perm.swap(i, j);
        }
        perm
    }
}

/// 16 bytes from the operating system's random source.
pub fn os_key() -> crate::Result<Key> {
    let mut k = [0u8; 16];
    getrandom::fill(&mut k).map_err(|e| crate::MpcError::Entropy(e.to_string()))?;
    Ok(k)
}

/// Words per batch of [`prf_words`].
const PRF_CHUNK: usize = 1024;

/// A pseudo-random function of each word and its index: the low 64 bits of AES under `key`
/// of `(x[i], i)`. Two parties holding the same word compute the same output, so applied to
/// both words of a replicated share it yields a consistent sharing (`sharestat-lang`'s cell
/// keys).
pub fn prf_words(key: &Key, x: &[u64]) -> Vec<u64> {
    use aes::cipher::{BlockEncrypt, KeyInit};
    let cipher = Aes128::new(&(*key).into());
    // Blocks are encrypted a chunk at a time (the AES pipeline works on several at once).
    let chunk = |(c, words): (usize, &[u64])| -> Vec<u64> {
        let mut blocks: Vec<aes::Block> = words
            .iter()
            .enumerate()
            .map(|(j, &w)| {
                let mut b = [0u8; 16];
                b[..8].copy_from_slice(&w.to_le_bytes());
                b[8..].copy_from_slice(&((c * PRF_CHUNK + j) as u64).to_le_bytes());
                aes::Block::from(b)
            })
            .collect();
        cipher.encrypt_blocks(&mut blocks);
        blocks
            .iter()
            .map(|b| u64::from_le_bytes(b[..8].try_into().expect("8 bytes")))
            .collect()
    };
    let parts: Vec<Vec<u64>> = if x.len() >= crate::PAR_THRESHOLD {
        x.par_chunks(PRF_CHUNK).enumerate().map(chunk).collect()
    } else {
        x.chunks(PRF_CHUNK).enumerate().map(chunk).collect()
    };
    parts.concat()
}

/// Key check value: AES under `key` of a fixed label, used to confirm two parties hold the same
/// key without revealing it.
pub fn key_check_value(key: &Key, label: &[u8; 16]) -> [u8; 16] {
    use aes::cipher::{BlockEncrypt, KeyInit};
    let cipher = Aes128::new(&(*key).into());
    let mut block = aes::Block::from(*label);
    cipher.encrypt_block(&mut block);
    block.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_and_serial_streams_agree() {
        let mut p = Prg::new([7; 16]);
        let big = p.words(crate::PAR_THRESHOLD + 5);
        let mut q = Prg::new([7; 16]);
        let mut small = Vec::new();
        while small.len() < big.len() {
            small.extend(q.words(1000.min(big.len() - small.len())));
        }
        assert_eq!(big, small);
    }

    #[test]
    fn permutation_is_a_permutation() {
        let mut p = Prg::new([1; 16]);
        let mut perm = p.permutation(1000);
        assert_ne!(perm, (0..1000).collect::<Vec<_>>());
        perm.sort();
        assert_eq!(perm, (0..1000).collect::<Vec<_>>());
    }
}
