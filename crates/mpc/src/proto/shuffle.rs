//! The 3-party resharing shuffle: a uniformly random permutation that no single party knows
//! (Laur, Willemson, Zhang, ISC 2011, in the replicated form of Araki et al., CCS 2021,
//! "Secure graph analysis at scale").
//!
//! The permutation is the composition `π_2 ∘ π_1 ∘ π_0` where `π_s` is known to the pair
//! `(s, s+1)` (drawn from the key they share) and unknown to the third party `s+2`. In step
//! `s` the pair, who together hold all three shares, permutes and re-randomises:
//! party `s` holds `A = x_s + x_{s+1}`, party `s+1` holds `B = x_{s+2}`; with `y_{s+1}` and `ρ`
//! drawn from their shared key, party `s` sends `y_s = π(A) - ρ - y_{s+1}` and party `s+1`
//! sends `y_{s+2} = π(B) + ρ` to party `s+2`. The third party receives two words that are
//! uniform to it; the new sharing `(y_s, y_{s+1}, y_{s+2})` is of `π(x)`.
//! Any two parties together miss one of the three permutations, so no coalition of one learns
//! anything about the composition. Cost: 3 rounds, each party sends `2 n` words per column in
//! total (O(n)); several columns are shuffled with the same permutation in one message.
use crate::party::Party;
use crate::share::AShares;

fn permute(v: &[u64], perm: &[usize]) -> Vec<u64> {
    perm.iter().map(|&i| v[i]).collect()
}

impl Party {
    /// Shuffles the rows of several equally long columns with one secret permutation.
    pub fn shuffle(&mut self, cols: &[&AShares]) -> crate::Result<Vec<AShares>> {
        let Some(first) = cols.first() else {
            return Ok(Vec::new());
        };
        let n = first.len();
        for c in cols {
            crate::error::same_len("shuffle", n, c.len())?;
        }
        let mut cur: Vec<AShares> = cols.iter().map(|c| (*c).clone()).collect();
        let me = self.id.index();
        for s in 0..3 {
            self.net.round();
            let (pa, pb) = (s, (s + 1) % 3);
            if me == pa || me == pb {
                let stream = if me == pa {
                    &mut self.rand.next
                } else {
                    &mut self.rand.own
                };
                let perm = stream.permutation(n);
                let mut msg = Vec::with_capacity(n * cur.len());
                for col in cur.iter_mut() {
                    let y_mid = stream.words(n);
                    let rho = stream.words(n);
                    if me == pa {
                        let sum: Vec<u64> = col
                            .a
                            .iter()
                            .zip(&col.b)
                            .map(|(x, y)| x.wrapping_add(*y))
                            .collect();
                        let ya: Vec<u64> = permute(&sum, &perm)
                            .iter()
                            .zip(rho.iter().zip(&y_mid))
                            .map(|(v, (r, m))| v.wrapping_sub(*r).wrapping_sub(*m))
                            .collect();
                        msg.extend_from_slice(&ya);
                        *col = AShares { a: ya, b: y_mid };
                    } else {
                        let yc: Vec<u64> = permute(&col.b, &perm)
                            .iter()
                            .zip(&rho)
                            .map(|(v, r)| v.wrapping_add(*r))
                            .collect();
                        msg.extend_from_slice(&yc);
                        *col = AShares { a: y_mid, b: yc };
                    }
                }
                // Both send to the third party: for party s it is its previous, for s+1 its next.
                let third = self.id.next().next();
                let to = if me == pa { third } else { self.id.next() };
                self.net.send(to, &msg)?;
            } else {
                let total = n * cur.len();
                let from_a = self.net.recv(self.id.next(), total)?; // party s = my next
                let from_b = self.net.recv(self.id.prev(), total)?; // party s+1 = my previous
                for (k, col) in cur.iter_mut().enumerate() {
                    let range = k * n..(k + 1) * n;
                    *col = AShares {
                        a: from_b[range.clone()].to_vec(),
                        b: from_a[range].to_vec(),
                    };
                }
            }
        }
        Ok(cur)
    }
}
