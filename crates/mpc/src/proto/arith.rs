//! Arithmetic over Z_2^64: multiplication and dot products (Araki et al., CCS 2016, §2.2).
//!
//! Party `i` holds `(x_i, x_{i+1})` and `(y_i, y_{i+1})`; the local cross terms
//! `z_i = x_i y_i + x_i y_{i+1} + x_{i+1} y_i` form a 3-out-of-3 sharing of `x*y`. Adding a
//! zero share and sending `z_i` to the previous party turns it back into a replicated sharing:
//! one round, one ring element per party per product. A dot product (or a masked sum) adds the
//! cross terms first and reshares once: one round, one element per party in total.
use crate::error::same_len;
use crate::party::Party;
use crate::share::AShares;
use rayon::prelude::*;

/// Local cross terms `x_i y_i + x_i y_{i+1} + x_{i+1} y_i` of a product.
fn cross(xa: u64, xb: u64, ya: u64, yb: u64) -> u64 {
    xa.wrapping_mul(ya)
        .wrapping_add(xa.wrapping_mul(yb))
        .wrapping_add(xb.wrapping_mul(ya))
}

fn cross_terms(x: &AShares, y: &AShares) -> Vec<u64> {
    let f = |i: usize| cross(x.a[i], x.b[i], y.a[i], y.b[i]);
    if x.len() >= crate::PAR_THRESHOLD {
        (0..x.len()).into_par_iter().map(f).collect()
    } else {
        (0..x.len()).map(f).collect()
    }
}

/// `Σ_i` of the cross terms, as `x_i (y_i + y_{i+1}) + x_{i+1} y_i` (two products per
/// element), over slices so that the loop has no bounds checks; chunks in parallel.
fn cross_sum(x: &AShares, y: &AShares) -> u64 {
    fn run(xa: &[u64], xb: &[u64], ya: &[u64], yb: &[u64]) -> u64 {
        xa.iter()
            .zip(xb)
            .zip(ya.iter().zip(yb))
            .fold(0u64, |s, ((&a, &b), (&c, &d))| {
                s.wrapping_add(a.wrapping_mul(c.wrapping_add(d)))
                    .wrapping_add(b.wrapping_mul(c))
            })
    }
    const CHUNK: usize = 1 << 15;
    if x.len() >= crate::PAR_THRESHOLD {
        x.a.par_chunks(CHUNK)
            .zip(x.b.par_chunks(CHUNK))
            .zip(y.a.par_chunks(CHUNK).zip(y.b.par_chunks(CHUNK)))
            .map(|((xa, xb), (ya, yb))| run(xa, xb, ya, yb))
            .reduce(|| 0, u64::wrapping_add)
    } else {
        run(&x.a, &x.b, &y.a, &y.b)
    }
}

impl Party {
    /// Turns a 3-out-of-3 additive sharing (`z` held by this party) into replicated shares:
    /// adds a zero share and sends the result to the previous party. One round.
    pub fn reshare(&mut self, mut z: Vec<u64>) -> crate::Result<AShares> {
        self.rand.add_zero(&mut z);
        self.net.round();
        let me = self.id;
        self.net.send(me.prev(), &z)?;
        let b = self.net.recv(me.next(), z.len())?;
        Ok(AShares { a: z, b })
    }

    /// Element-wise product `x * y`. One round, one element per party per product.
    pub fn mul(&mut self, x: &AShares, y: &AShares) -> crate::Result<AShares> {
        same_len("mul", x.len(), y.len())?;
        let z = cross_terms(x, y);
        self.reshare(z)
    }

    /// Several element-wise products in one round.
    pub fn mul_many(&mut self, pairs: &[(&AShares, &AShares)]) -> crate::Result<Vec<AShares>> {
        Ok(self.mul_dot(pairs, &[])?.0)
    }

    /// Element-wise products of `muls` and dot products of `dots` in one round (one element
    /// per party per product and per dot product): for protocols whose independent steps
    /// would otherwise take a round each.
    pub fn mul_dot(
        &mut self,
        muls: &[(&AShares, &AShares)],
        dots: &[(&AShares, &AShares)],
    ) -> crate::Result<(Vec<AShares>, AShares)> {
        let mut z = Vec::new();
        for (x, y) in muls {
            same_len("mul_dot", x.len(), y.len())?;
            z.extend(cross_terms(x, y));
        }
        for (x, y) in dots {
            same_len("mul_dot", x.len(), y.len())?;
            z.push(cross_sum(x, y));
        }
        let all = self.reshare(z)?;
        let mut out = Vec::with_capacity(muls.len());
        let mut at = 0;
        for (x, _) in muls {
            out.push(all.slice(at..at + x.len()));
            at += x.len();
        }
        Ok((out, all.slice(at..all.len())))
    }

    /// Dot product `sum_k x_k * y_k` (a vector of length 1). One round, one element per party.
    pub fn dot(&mut self, x: &AShares, y: &AShares) -> crate::Result<AShares> {
        self.dot_many(&[(x, y)])
    }

    /// Several dot products in one round, one element per party per product.
    pub fn dot_many(&mut self, pairs: &[(&AShares, &AShares)]) -> crate::Result<AShares> {
        Ok(self.mul_dot(&[], pairs)?.1)
    }
}
