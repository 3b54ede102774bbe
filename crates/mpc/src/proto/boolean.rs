//! Boolean circuits on xor-shared words: AND gates (the boolean analogue of multiplication,
//! one round, one word per party per 64 gates) and the Kogge-Stone parallel-prefix adder
//! (ABY3 §5.3) used by A2B and B2A.
//!
//! Gates of one circuit layer are batched into one message with [`AndBatch`], so the number of
//! rounds equals the AND depth of the circuit, whatever the number of elements.
use crate::party::Party;
use crate::share::BShares;
use rayon::prelude::*;

/// AND gates of one circuit layer, evaluated together in one round.
#[derive(Default)]
pub(crate) struct AndBatch {
    xa: Vec<u64>,
    xb: Vec<u64>,
    ya: Vec<u64>,
    yb: Vec<u64>,
    lens: Vec<usize>,
}

impl AndBatch {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Queues the word-wise AND of `x` and `y` (slices of equal length).
    pub(crate) fn push(&mut self, x: (&[u64], &[u64]), y: (&[u64], &[u64])) {
        assert_eq!(x.0.len(), y.0.len(), "AND operands differ in length");
        self.xa.extend_from_slice(x.0);
        self.xb.extend_from_slice(x.1);
        self.ya.extend_from_slice(y.0);
        self.yb.extend_from_slice(y.1);
        self.lens.push(x.0.len());
    }

    /// Queues `x & y` for whole share vectors.
    pub(crate) fn push_shares(&mut self, x: &BShares, y: &BShares) {
        self.push((&x.a, &x.b), (&y.a, &y.b));
    }

    /// Evaluates all queued gates in one round; results in push order.
    pub(crate) fn run(self, p: &mut Party) -> crate::Result<Vec<BShares>> {
        let n = self.xa.len();
        let f = |i: usize| {
            (self.xa[i] & self.ya[i]) ^ (self.xa[i] & self.yb[i]) ^ (self.xb[i] & self.ya[i])
        };
        let mut z: Vec<u64> = if n >= crate::PAR_THRESHOLD {
            (0..n).into_par_iter().map(f).collect()
        } else {
            (0..n).map(f).collect()
        };
        let zero = p.rand.zero_xor(n);
        z.iter_mut().zip(&zero).for_each(|(v, r)| *v ^= *r);
        p.net.round();
        let me = p.id;
        p.net.send(me.prev(), &z)?;
        let b = p.net.recv(me.next(), n)?;
        let mut out = Vec::with_capacity(self.lens.len());
        let mut at = 0;
        for len in self.lens {
            out.push(BShares {
                a: z[at..at + len].to_vec(),
                b: b[at..at + len].to_vec(),
            });
            at += len;
        }
        Ok(out)
    }
}

impl Party {
    /// Word-wise `x & y`. One round, one word per party per word.
    pub fn and(&mut self, x: &BShares, y: &BShares) -> crate::Result<BShares> {
        crate::error::same_len("and", x.len(), y.len())?;
        let mut batch = AndBatch::new();
        batch.push_shares(x, y);
        Ok(batch.run(self)?.pop().expect("one result"))
    }

    /// Word-wise `x | y` (one AND).
    pub fn or(&mut self, x: &BShares, y: &BShares) -> crate::Result<BShares> {
        let both = self.and(x, y)?;
        Ok(x.xor(y).xor(&both))
    }

    /// 64-bit addition of two xor-shared words per element with the Kogge-Stone adder:
    /// generate `g = a & b`, propagate `p = a ^ b`, then six prefix levels
    /// `g ^= p & (g << s)`, `p &= p << s` for `s = 1, 2, ..., 32`; the sum is `a ^ b ^ (g << 1)`.
    /// 7 rounds, 12 words per party per element.
    pub fn add_bool(&mut self, a: &BShares, b: &BShares) -> crate::Result<BShares> {
        let p0 = a.xor(b);
        let mut g = self.and(a, b)?;
        let mut p = p0.clone();
        for (level, s) in [1u32, 2, 4, 8, 16, 32].into_iter().enumerate() {
            let gs = g.map(|v| v << s);
            let mut batch = AndBatch::new();
            batch.push_shares(&p, &gs);
            let last = level == 5;
            if !last {
                batch.push_shares(&p, &p.map(|v| v << s));
            }
            let mut r = batch.run(self)?.into_iter();
            g = g.xor(&r.next().expect("g"));
            if !last {
                p = r.next().expect("p");
            }
        }
        Ok(p0.xor(&g.map(|v| v << 1)))
    }
}
