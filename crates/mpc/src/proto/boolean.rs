//! Boolean circuits on xor-shared words: AND gates (the boolean analogue of multiplication,
//! one round, one word per party per 64 gates) and the Kogge-Stone parallel-prefix adder
//! (ABY3 §5.3) used by A2B and B2A.
//!
//! Gates of one circuit layer are batched into one message with [`AndBatch`], so the number of
//! rounds equals the AND depth of the circuit, whatever the number of elements.
use crate::party::Party;
use crate::share::BShares;
use rayon::prelude::*;

/// AND gates of one circuit layer, evaluated together in one round. Operands are borrowed
/// (no copies); results come back in one flat [`AndOut`].
#[derive(Default)]
pub(crate) struct AndBatch<'a> {
    ops: Vec<[&'a [u64]; 4]>,
    total: usize,
}

/// Results of an [`AndBatch`], in push order, stored back to back.
pub(crate) struct AndOut {
    a: Vec<u64>,
    b: Vec<u64>,
    offs: Vec<usize>,
}

impl AndOut {
    /// Result `i` as this party's two components.
    pub(crate) fn get(&self, i: usize) -> (&[u64], &[u64]) {
        let r = self.offs[i]..self.offs[i + 1];
        (&self.a[r.clone()], &self.b[r])
    }
    /// All results as one share vector.
    pub(crate) fn into_shares(self) -> BShares {
        BShares {
            a: self.a,
            b: self.b,
        }
    }
}

/// Words per parallel task when evaluating a batch.
const TASK_WORDS: usize = 4096;

/// Gates `start..start + dst.len()` of one queued operation, evaluated into `dst`.
type Task<'o, 'd> = (&'o [&'o [u64]; 4], usize, &'d mut [u64]);

impl<'a> AndBatch<'a> {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Queues the word-wise AND of `x` and `y` (component pairs of equal length).
    pub(crate) fn push(&mut self, x: (&'a [u64], &'a [u64]), y: (&'a [u64], &'a [u64])) {
        assert_eq!(x.0.len(), y.0.len(), "AND operands differ in length");
        self.total += x.0.len();
        self.ops.push([x.0, x.1, y.0, y.1]);
    }

    /// Queues `x & y` for whole share vectors.
    pub(crate) fn push_shares(&mut self, x: &'a BShares, y: &'a BShares) {
        self.push((&x.a, &x.b), (&y.a, &y.b));
    }

    /// Evaluates all queued gates in one round.
    pub(crate) fn run(self, p: &mut Party) -> crate::Result<AndOut> {
        let n = self.total;
        let mut z = vec![0u64; n];
        let mut offs = Vec::with_capacity(self.ops.len() + 1);
        // Local terms x_i y_i ^ x_i y_{i+1} ^ x_{i+1} y_i, split into tasks for the cores.
        let mut tasks: Vec<Task> = Vec::new();
        let mut rest: &mut [u64] = &mut z;
        let mut at = 0;
        for op in &self.ops {
            offs.push(at);
            let len = op[0].len();
            at += len;
            let mut start = 0;
            while start < len {
                let step = TASK_WORDS.min(len - start);
                let (head, tail) = std::mem::take(&mut rest).split_at_mut(step);
                tasks.push((op, start, head));
                rest = tail;
                start += step;
            }
        }
        offs.push(at);
        let gate = |(op, start, dst): Task| {
            let [xa, xb, ya, yb] = op;
            for (k, d) in dst.iter_mut().enumerate() {
                let i = start + k;
                *d = (xa[i] & ya[i]) ^ (xa[i] & yb[i]) ^ (xb[i] & ya[i]);
            }
        };
        if n >= crate::PAR_THRESHOLD {
            tasks.into_par_iter().for_each(gate);
        } else {
            tasks.into_iter().for_each(gate);
        }
        p.rand.xor_zero(&mut z);
        p.net.round();
        let me = p.id;
        p.net.send(me.prev(), &z)?;
        let b = p.net.recv(me.next(), n)?;
        Ok(AndOut { a: z, b, offs })
    }
}

impl Party {
    /// Word-wise `x & y`. One round, one word per party per word.
    pub fn and(&mut self, x: &BShares, y: &BShares) -> crate::Result<BShares> {
        crate::error::same_len("and", x.len(), y.len())?;
        let mut batch = AndBatch::new();
        batch.push_shares(x, y);
        Ok(batch.run(self)?.into_shares())
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
            let ps = p.map(|v| v << s);
            let last = level == 5;
            let mut batch = AndBatch::new();
            batch.push_shares(&p, &gs);
            if !last {
                batch.push_shares(&p, &ps);
            }
            let out = batch.run(self)?;
            let (ga, gb) = out.get(0);
            g = g.xor(&BShares::from_parts(ga.to_vec(), gb.to_vec()));
            if !last {
                let (pa, pb) = out.get(1);
                p = BShares::from_parts(pa.to_vec(), pb.to_vec());
            }
        }
        Ok(p0.xor(&g.map(|v| v << 1)))
    }
}
