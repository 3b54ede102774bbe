//! Bearer tokens: 256 random bits from the OS, shown once, stored only as SHA-256.
//!
//! A token reads `sst_` followed by 64 hex digits. Because tokens are uniformly random and
//! long, a plain SHA-256 is a sufficient password hash (no dictionary to attack); the node keeps
//! only the hash, so a stolen database does not yield usable tokens.
use sha2::{Digest, Sha256};

/// Prefix of every token (helps secret scanners and humans recognise one).
pub const PREFIX: &str = "sst_";

/// A fresh random token.
pub fn generate() -> String {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("operating system random source");
    format!("{PREFIX}{}", hex::encode(b))
}

/// SHA-256 of a token.
pub fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// SHA-256 of a token, hex.
pub fn hash_hex(token: &str) -> String {
    hex::encode(hash(token))
}

/// Parses a hex SHA-256.
pub fn parse_hash(hex_hash: &str) -> Option<[u8; 32]> {
    hex::decode(hex_hash).ok()?.try_into().ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_random_and_hash_stably() {
        let a = super::generate();
        let b = super::generate();
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 64);
        assert_eq!(super::hash(&a), super::hash(&a));
        assert_eq!(
            super::parse_hash(&super::hash_hex(&a)),
            Some(super::hash(&a))
        );
    }
}
