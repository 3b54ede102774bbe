//! Conversions between boolean and arithmetic sharings, bit injection and select.
//!
//! - **Bit to arithmetic** (`b2a_bits`, 2 rounds): with `b = b_0 ^ b_1 ^ b_2`, party 0 knows
//!   `u = b_0 ^ b_1` and parties 1 and 2 know `b_2`, and `b = u + b_2 - 2 u b_2`. Party 0 inputs
//!   `u` as `u = r + (u - r)` with `r` from the key it shares with party 2 and `u - r` sent to
//!   party 1, so `u b_2 = r b_2 + (u - r) b_2` splits into a term party 2 knows and one party 1
//!   knows: a 3-out-of-3 sharing of `b`, reshared in the second round. Party 0 sends two words
//!   per bit, the others one.
//!   The first round can carry an opening (`reveal_bits_and_convert`), and a linear
//!   function of the 3-out-of-3 sharing can be opened instead of reshared
//!   (`open_additive`, one round, two elements per party).
//! - **Bit injection** `b * x` (3 rounds): bit to arithmetic, then one multiplication.
//! - **Select** `b ? x : y = y + b (x - y)` (3 rounds).
//! - **B2A** of 64-bit words (9 rounds): parties draw `x_1`, `x_2` from their pairwise keys;
//!   party 1 inputs `-(x_1 + x_2)` as a boolean sharing; the Kogge-Stone adder yields a boolean
//!   sharing of `x_0 = x - x_1 - x_2`, which is opened to parties 0 and 2 only (ABY3 §5.3).
use crate::party::{Party, PartyId};
use crate::share::{AShares, BShares, Bits};

fn unpack(words: &[u64], n: usize) -> Vec<u64> {
    (0..n).map(|i| (words[i / 64] >> (i % 64)) & 1).collect()
}

impl Party {
    /// Converts shared bits into arithmetic shares of 0/1.
    pub fn b2a_bits(&mut self, bits: &Bits) -> crate::Result<AShares> {
        // Round 1: party 0 sends u - r to party 1.
        self.net.round();
        let t = self.b2a_bits_additive(bits)?;
        self.reshare(t)
    }

    /// The first round's messages of [`Party::b2a_bits`] (the caller counts the round): this
    /// party's term of a 3-out-of-3 additive sharing of each bit as a 0/1 ring element.
    pub(crate) fn b2a_bits_additive(&mut self, bits: &Bits) -> crate::Result<Vec<u64>> {
        let n = bits.len;
        let me = self.id.index();
        Ok(match me {
            0 => {
                let u: Vec<u64> = bits.w.a.iter().zip(&bits.w.b).map(|(x, y)| x ^ y).collect();
                let u = unpack(&u, n);
                let r = self.rand.own.words(n);
                let masked: Vec<u64> = u.iter().zip(&r).map(|(a, b)| a.wrapping_sub(*b)).collect();
                self.net.send(PartyId::ALL[1], &masked)?;
                u
            }
            1 => {
                let beta = unpack(&bits.w.b, n);
                let m = self.net.recv(PartyId::ALL[0], n)?;
                beta.iter()
                    .zip(&m)
                    .map(|(&b, &x)| b.wrapping_sub(b.wrapping_mul(x).wrapping_mul(2)))
                    .collect()
            }
            _ => {
                let beta = unpack(&bits.w.a, n);
                let r = self.rand.next.words(n);
                beta.iter()
                    .zip(&r)
                    .map(|(&b, &x)| b.wrapping_mul(x).wrapping_mul(2).wrapping_neg())
                    .collect()
            }
        })
    }

    /// Opens `open` and, in the same round, starts converting `convert` to the ring: returns
    /// the opened bits and this party's terms of a 3-out-of-3 additive sharing of the
    /// converted bits (finished by [`Party::reshare`] or opened by [`Party::open_additive`]).
    /// One round.
    pub fn reveal_bits_and_convert(
        &mut self,
        open: &Bits,
        convert: &Bits,
    ) -> crate::Result<(Vec<bool>, Vec<u64>)> {
        self.net.round();
        let me = self.id;
        self.net.send(me.prev(), &open.w.b)?;
        let t = self.b2a_bits_additive(convert)?;
        let third = self.net.recv(me.next(), open.w.a.len())?;
        let words: Vec<u64> = (0..third.len())
            .map(|i| open.w.a[i] ^ open.w.b[i] ^ third[i])
            .collect();
        Ok((crate::share::unpack_bits(&words, open.len), t))
    }

    /// Opens `x + z` to all three parties for replicated shares `x` and this party's terms
    /// `z` of a 3-out-of-3 additive sharing (its first component is its term of `x`): each
    /// party sends its term, re-randomised by a zero sharing, to both others. One round,
    /// two elements per party per value.
    pub fn open_additive(&mut self, x: &AShares, z: &[u64]) -> crate::Result<Vec<u64>> {
        crate::error::same_len("open_additive", x.len(), z.len())?;
        let mut mine: Vec<u64> = x.a.iter().zip(z).map(|(a, b)| a.wrapping_add(*b)).collect();
        self.rand.add_zero(&mut mine);
        self.net.round();
        let me = self.id;
        self.net.send(me.prev(), &mine)?;
        self.net.send(me.next(), &mine)?;
        let p = self.net.recv(me.prev(), mine.len())?;
        let q = self.net.recv(me.next(), mine.len())?;
        Ok((0..mine.len())
            .map(|i| mine[i].wrapping_add(p[i]).wrapping_add(q[i]))
            .collect())
    }

    /// `b * x` for a shared bit `b` and a shared ring element `x`.
    pub fn bit_inject(&mut self, bits: &Bits, x: &AShares) -> crate::Result<AShares> {
        crate::error::same_len("bit_inject", bits.len, x.len())?;
        let b = self.b2a_bits(bits)?;
        self.mul(&b, x)
    }

    /// `b ? x : y` element-wise.
    pub fn select(&mut self, bits: &Bits, x: &AShares, y: &AShares) -> crate::Result<AShares> {
        crate::error::same_len("select", x.len(), y.len())?;
        let d = self.bit_inject(bits, &x.sub(y))?;
        Ok(y.add(&d))
    }

    /// Converts boolean sharings of 64-bit words into arithmetic shares of the same values.
    pub fn b2a(&mut self, x: &BShares) -> crate::Result<AShares> {
        let n = x.len();
        let me = self.id.index();
        let (x1, x2) = match me {
            0 => (self.rand.next.words(n), Vec::new()),
            1 => (self.rand.own.words(n), self.rand.next.words(n)),
            _ => (Vec::new(), self.rand.own.words(n)),
        };
        let y = (me == 1).then(|| {
            x1.iter()
                .zip(&x2)
                .map(|(a, b)| a.wrapping_add(*b).wrapping_neg())
                .collect::<Vec<u64>>()
        });
        let y = self.input_bool(PartyId::ALL[1], y.as_deref(), n)?;
        let z = self.add_bool(x, &y)?;
        // Open z = x_0 to parties 0 and 2.
        self.net.round();
        let p0 = PartyId::ALL[0];
        let p2 = PartyId::ALL[2];
        match me {
            0 => {
                self.net.send(p2, &z.b)?;
                let z2 = self.net.recv(p2, n)?;
                let x0 = (0..n).map(|i| z.a[i] ^ z.b[i] ^ z2[i]).collect();
                Ok(AShares { a: x0, b: x1 })
            }
            1 => Ok(AShares { a: x1, b: x2 }),
            _ => {
                self.net.send(p0, &z.a)?;
                let z1 = self.net.recv(p0, n)?;
                let x0 = (0..n).map(|i| z.a[i] ^ z.b[i] ^ z1[i]).collect();
                Ok(AShares { a: x2, b: x0 })
            }
        }
    }
}
