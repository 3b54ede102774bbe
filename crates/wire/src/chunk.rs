//! The binary body of one upload chunk: for each column, in the upload's column order, this node's
//! first share component then its second, as little-endian `u64` words. The row count of a
//! chunk is implied by the upload (`chunk_rows` = [`CHUNK_WORDS`], the last chunk shorter).
//! A chunk relayed through another node travels in an envelope ([`encode_envelope`]).

/// Rows per upload chunk, and words per stored share chunk of a node (512 KiB per component
/// BLOB): an upload's chunks map 1:1 onto the node's storage chunks.
pub const CHUNK_WORDS: usize = 65_536;

/// Encodes one chunk for one node: `columns[k] = (x_i, x_{i+1})` for column `k`.
pub fn encode_chunk(columns: &[(&[u64], &[u64])]) -> Vec<u8> {
    let words: usize = columns.iter().map(|(a, b)| a.len() + b.len()).sum();
    let mut out = Vec::with_capacity(words * 8);
    for (a, b) in columns {
        for w in a.iter().chain(b.iter()) {
            out.extend_from_slice(&w.to_le_bytes());
        }
    }
    out
}

/// Decodes a chunk of `rows` rows for `ncols` columns; `None` if the length is wrong.
pub fn decode_chunk(body: &[u8], ncols: usize, rows: usize) -> Option<Vec<(Vec<u64>, Vec<u64>)>> {
    if body.len() != ncols * rows * 16 {
        return None;
    }
    let mut words = body
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")));
    Some(
        (0..ncols)
            .map(|_| {
                let a: Vec<u64> = words.by_ref().take(rows).collect();
                let b: Vec<u64> = words.by_ref().take(rows).collect();
                (a, b)
            })
            .collect(),
    )
}

/// A relayed chunk: the relay's own part, then the parts sealed for the two other nodes in
/// ascending party order, each prefixed by its length (u64, little-endian).
pub fn encode_envelope(parts: [&[u8]; 3]) -> Vec<u8> {
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.len() + 8).sum());
    for p in parts {
        out.extend_from_slice(&(p.len() as u64).to_le_bytes());
        out.extend_from_slice(p);
    }
    out
}

/// Splits an envelope; `None` if it is malformed.
pub fn decode_envelope(mut body: &[u8]) -> Option<[&[u8]; 3]> {
    let mut parts = [&[][..]; 3];
    for p in parts.iter_mut() {
        let len = u64::from_le_bytes(body.get(..8)?.try_into().ok()?) as usize;
        body = &body[8..];
        *p = body.get(..len)?;
        body = &body[len..];
    }
    body.is_empty().then_some(parts)
}

#[cfg(test)]
mod tests {
    #[test]
    fn envelope_roundtrip() {
        let env = super::encode_envelope([b"own", b"", b"sealed"]);
        let [a, b, c] = super::decode_envelope(&env).unwrap();
        assert_eq!((a, b, c), (&b"own"[..], &b""[..], &b"sealed"[..]));
        assert!(super::decode_envelope(&env[..env.len() - 1]).is_none());
    }

    #[test]
    fn roundtrip() {
        let a = [1u64, 2, 3];
        let b = [4u64, 5, 6];
        let c = [7u64, 8, 9];
        let body = super::encode_chunk(&[(&a, &b), (&c, &a)]);
        let back = super::decode_chunk(&body, 2, 3).unwrap();
        assert_eq!(back[0], (a.to_vec(), b.to_vec()));
        assert_eq!(back[1], (c.to_vec(), a.to_vec()));
        assert!(super::decode_chunk(&body, 2, 2).is_none());
    }
}
