//! Sealing one node's chunk to that node, for uploads relayed through another node (a site
//! that can reach only its own node): HPKE (RFC 9180) base mode, X25519-HKDF-SHA256 with
//! AES-128-GCM, from the `hpke` crate. The relay forwards the sealed bytes over its mutual-TLS
//! link and cannot read them; the additional data binds each sealed chunk to its upload, chunk
//! number and recipient, so it cannot be replayed elsewhere.
//!
//! Each node's key pair is derived from a 32-byte secret seed (`upload-key`, written by
//! `consortium init`); clients take the public keys from `consortium.toml`, not from the relay.
use hpke::aead::AesGcm128;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};

type Kem = X25519HkdfSha256;

/// HPKE `info` of every sealed chunk.
const INFO: &[u8] = b"sharestat upload chunk v1";
/// Length of the encapsulated key that prefixes a sealed chunk.
const ENC_LEN: usize = 32;

fn aad(upload: &str, chunk: u64, party: usize) -> Vec<u8> {
    format!("{upload}/{chunk}/{party}").into_bytes()
}

/// A fresh secret seed (hex), for `consortium init`.
pub fn new_seed() -> String {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("operating system random source");
    hex::encode(b)
}

fn parse_seed(seed_hex: &str) -> Result<[u8; 32], String> {
    hex::decode(seed_hex.trim())
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| "an upload key must be 64 hex digits".to_string())
}

/// The public key (hex) of a seed.
pub fn public_key(seed_hex: &str) -> Result<String, String> {
    let (_, pk) = Kem::derive_keypair(&parse_seed(seed_hex)?);
    Ok(hex::encode(pk.to_bytes()))
}

/// Seals `plain` for `party` (its public key in hex) as chunk `chunk` of `upload`.
pub fn seal(
    public_hex: &str,
    upload: &str,
    chunk: u64,
    party: usize,
    plain: &[u8],
) -> Result<Vec<u8>, String> {
    let bytes = hex::decode(public_hex).map_err(|_| "public key is not hex".to_string())?;
    let pk = <Kem as hpke::Kem>::PublicKey::from_bytes(&bytes)
        .map_err(|e| format!("bad public key: {e}"))?;
    let mut rng = rand_core::UnwrapErr(rand_core::OsRng);
    let (enc, ct) = hpke::single_shot_seal::<AesGcm128, HkdfSha256, Kem, _>(
        &OpModeS::Base,
        &pk,
        INFO,
        plain,
        &aad(upload, chunk, party),
        &mut rng,
    )
    .map_err(|e| format!("sealing failed: {e}"))?;
    let mut out = enc.to_bytes().to_vec();
    out.extend_from_slice(&ct);
    Ok(out)
}

/// Opens a chunk sealed for this node (`party`, secret `seed_hex`).
pub fn open(
    seed_hex: &str,
    upload: &str,
    chunk: u64,
    party: usize,
    sealed: &[u8],
) -> Result<Vec<u8>, String> {
    if sealed.len() < ENC_LEN {
        return Err("sealed chunk too short".into());
    }
    let (sk, _) = Kem::derive_keypair(&parse_seed(seed_hex)?);
    let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(&sealed[..ENC_LEN])
        .map_err(|e| format!("bad encapsulated key: {e}"))?;
    hpke::single_shot_open::<AesGcm128, HkdfSha256, Kem>(
        &OpModeR::Base,
        &sk,
        &enc,
        INFO,
        &sealed[ENC_LEN..],
        &aad(upload, chunk, party),
    )
    .map_err(|_| "the sealed chunk does not open with this node's key (wrong recipient, upload or chunk, or altered)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_recipient_opens_and_only_in_place() {
        let (a, b) = (new_seed(), new_seed());
        let sealed = seal(&public_key(&a).unwrap(), "u1", 3, 1, b"shares").unwrap();
        assert_eq!(open(&a, "u1", 3, 1, &sealed).unwrap(), b"shares");
        assert!(open(&b, "u1", 3, 1, &sealed).is_err(), "another node's key");
        assert!(open(&a, "u1", 4, 1, &sealed).is_err(), "another chunk");
        assert!(open(&a, "u2", 3, 1, &sealed).is_err(), "another upload");
        assert!(!sealed.windows(6).any(|w| w == b"shares"));
    }
}
