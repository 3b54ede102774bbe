//! Getting values in and out: input sharing from a party or from an external dealer (a data
//! owner's client), and reveal to all parties or to one.
//!
//! *Party input* (one round, the owner sends `n` words to one peer): owner `o` sets
//! `x_o = F(k_o)` (known to `o` and `o-1`), `x_{o+1} = v - x_o` (sent to `o+1`) and
//! `x_{o+2} = 0`. Each non-owner sees one uniformly random word per value.
//! *Dealer input*: the dealer draws `x_0, x_1` uniformly and sets `x_2 = v - x_0 - x_1`; party
//! `i` receives `(x_i, x_{i+1})`.
//! *Reveal* (one round, one word per element per party): party `i+1` sends its second
//! component `x_{i+2}` to party `i`, the one share party `i` lacks.
use crate::party::{Party, PartyId};
use crate::prg::Prg;
use crate::share::{AShares, BShares, Bits, words_for};

/// How shares combine: arithmetic (wrapping add) or boolean (xor).
#[derive(Clone, Copy)]
pub(crate) enum Ring {
    Arith,
    Bool,
}

impl Ring {
    fn combine(self, x: u64, y: u64) -> u64 {
        match self {
            Ring::Arith => x.wrapping_add(y),
            Ring::Bool => x ^ y,
        }
    }
    fn split(self, v: u64, r: u64) -> u64 {
        match self {
            Ring::Arith => v.wrapping_sub(r),
            Ring::Bool => v ^ r,
        }
    }
}

/// Splits plaintext values into three arithmetic share pairs, as an external dealer does.
/// Element `i` of the result is what party `i` must receive.
pub fn deal(values: &[u64], prg: &mut Prg) -> [AShares; 3] {
    let [a, b, c] = deal_parts(values, prg, Ring::Arith);
    [a, b, c].map(|(a, b)| AShares { a, b })
}

/// Splits plaintext words into three boolean (xor) share pairs, as an external dealer does.
pub fn deal_bool(values: &[u64], prg: &mut Prg) -> [BShares; 3] {
    let [a, b, c] = deal_parts(values, prg, Ring::Bool);
    [a, b, c].map(|(a, b)| BShares { a, b })
}

fn deal_parts(values: &[u64], prg: &mut Prg, ring: Ring) -> [(Vec<u64>, Vec<u64>); 3] {
    let x0 = prg.words(values.len());
    let x1 = prg.words(values.len());
    let x2: Vec<u64> = values
        .iter()
        .zip(x0.iter().zip(&x1))
        .map(|(&v, (&p, &q))| ring.split(ring.split(v, p), q))
        .collect();
    [(x0.clone(), x1.clone()), (x1, x2.clone()), (x2, x0)]
}

impl Party {
    /// Shares `values` held by `owner` (other parties pass `None` and the public length `n`).
    pub fn input(
        &mut self,
        owner: PartyId,
        values: Option<&[u64]>,
        n: usize,
    ) -> crate::Result<AShares> {
        let (a, b) = self.input_parts(owner, values, n, Ring::Arith)?;
        Ok(AShares { a, b })
    }

    /// Boolean sharing of words held by `owner`.
    pub fn input_bool(
        &mut self,
        owner: PartyId,
        values: Option<&[u64]>,
        n: usize,
    ) -> crate::Result<BShares> {
        let (a, b) = self.input_parts(owner, values, n, Ring::Bool)?;
        Ok(BShares { a, b })
    }

    /// The one-round input of a value known to one party (see module doc).
    pub(crate) fn input_parts(
        &mut self,
        owner: PartyId,
        values: Option<&[u64]>,
        n: usize,
        ring: Ring,
    ) -> crate::Result<(Vec<u64>, Vec<u64>)> {
        self.net.round();
        let me = self.id;
        if me == owner {
            let v = values.ok_or_else(|| {
                crate::MpcError::param("input", "the owner must supply the values")
            })?;
            crate::error::same_len("input", v.len(), n)?;
            let r = self.rand.own.words(n);
            let masked: Vec<u64> = v.iter().zip(&r).map(|(&x, &y)| ring.split(x, y)).collect();
            self.net.send(me.next(), &masked)?;
            Ok((r, masked))
        } else if me == owner.next() {
            let masked = self.net.recv(owner, n)?;
            Ok((masked, vec![0; n]))
        } else {
            let r = self.rand.next.words(n);
            Ok((vec![0; n], r))
        }
    }

    fn reveal_parts(&mut self, a: &[u64], b: &[u64], ring: Ring) -> crate::Result<Vec<u64>> {
        self.net.round();
        let me = self.id;
        self.net.send(me.prev(), b)?;
        let third = self.net.recv(me.next(), a.len())?;
        Ok(a.iter()
            .zip(b)
            .zip(&third)
            .map(|((&x, &y), &z)| ring.combine(ring.combine(x, y), z))
            .collect())
    }

    /// Opens arithmetic shares to all three parties.
    pub fn reveal(&mut self, x: &AShares) -> crate::Result<Vec<u64>> {
        self.reveal_parts(&x.a, &x.b, Ring::Arith)
    }

    /// Opens boolean shares to all three parties.
    pub fn reveal_bool(&mut self, x: &BShares) -> crate::Result<Vec<u64>> {
        self.reveal_parts(&x.a, &x.b, Ring::Bool)
    }

    /// Whether none of the shared bits is set, opening only that one bit (their count is
    /// compared with 0 on shares; `n < 2^32`).
    pub fn none_set(&mut self, x: &Bits) -> crate::Result<bool> {
        let count = self.b2a_bits(x)?.sum();
        let zero = AShares::from_parts(vec![0], vec![0]);
        let none = self.eq(&count, &zero, 32)?;
        Ok(self.reveal_bits(&none)?[0])
    }

    /// Opens shared bits to all three parties.
    pub fn reveal_bits(&mut self, x: &Bits) -> crate::Result<Vec<bool>> {
        let w = self.reveal_bool(&x.w)?;
        Ok(crate::share::unpack_bits(&w, x.len))
    }

    /// Opens arithmetic shares to party `to` only; the others get `None`.
    pub fn reveal_to(&mut self, x: &AShares, to: PartyId) -> crate::Result<Option<Vec<u64>>> {
        self.net.round();
        let me = self.id;
        if me == to.next() {
            self.net.send(to, &x.b)?;
        }
        if me != to {
            return Ok(None);
        }
        let third = self.net.recv(me.next(), x.len())?;
        Ok(Some(
            x.a.iter()
                .zip(&x.b)
                .zip(&third)
                .map(|((&p, &q), &r)| p.wrapping_add(q).wrapping_add(r))
                .collect(),
        ))
    }

    /// Shares of `n` uniformly random ring elements nobody knows (no communication).
    pub fn random(&mut self, n: usize) -> AShares {
        AShares {
            a: self.rand.own.words(n),
            b: self.rand.next.words(n),
        }
    }

    /// Shares of public bits as trivially shared [`Bits`] (party 0 and 2 hold them in `x_0`).
    pub fn public_bits(&self, bits: &[bool]) -> Bits {
        let w = crate::share::pack_bits(bits);
        let zero = BShares {
            a: vec![0; words_for(bits.len())],
            b: vec![0; words_for(bits.len())],
        };
        Bits {
            w: zero.xor_public(self.id, &w),
            len: bits.len(),
        }
    }
}
