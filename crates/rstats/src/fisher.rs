//! Fisher's exact test for r x c tables (R's `fisher.test` without simulation): the p-value
//! is the total probability, under independence with the margins fixed, of the tables no more
//! probable than the observed one (relative tolerance 1e-7, as R).
//!
//! A table's probability is `K Π_j Π_i 1/n_ij!` with `K = Π R_i! Π C_j! / N!`. Columns are
//! filled one at a time; what the remaining columns can contribute depends only on the
//! multiset of remaining row totals, so the distribution of `Σ ln(1/n_ij!)` over completions
//! is computed once per (column, sorted row totals) and shared (dynamic programming over the
//! network of Mehta & Patel, JASA 1983, without their bounds). Equal values are merged, so
//! the work grows with the number of *distinct* partial probabilities, not of tables. The
//! table is public already (it passed disclosure control); this is clear-text arithmetic.
use std::collections::HashMap;
use std::rc::Rc;

/// Most (value, multiplicity) pairs kept in all states together.
const MAX_ENTRIES: usize = 20_000_000;

type Dist = Rc<Vec<(f64, f64)>>;

struct Network {
    cols: Vec<u64>,
    lf: Vec<f64>,
    memo: HashMap<(usize, Vec<u64>), Dist>,
    entries: usize,
}

impl Network {
    /// Every way to split `total` into parts `x_i <= cap_i`, as `(Σ −ln x_i!, rest)`.
    fn splits(&self, caps: &[u64], total: u64) -> Vec<(f64, Vec<u64>)> {
        let mut out = Vec::new();
        let mut x = vec![0u64; caps.len()];
        self.split_rec(caps, total, 0, &mut x, &mut out);
        out
    }

    fn split_rec(
        &self,
        caps: &[u64],
        left: u64,
        i: usize,
        x: &mut Vec<u64>,
        out: &mut Vec<(f64, Vec<u64>)>,
    ) {
        if i + 1 == caps.len() {
            if left <= caps[i] {
                x[i] = left;
                let t: f64 = -x.iter().map(|&v| self.lf[v as usize]).sum::<f64>();
                let mut rest: Vec<u64> = caps.iter().zip(x.iter()).map(|(c, v)| c - v).collect();
                rest.sort_unstable();
                out.push((t, rest));
            }
            return;
        }
        let room: u64 = caps[i + 1..].iter().sum();
        let lo = left.saturating_sub(room);
        for v in lo..=left.min(caps[i]) {
            x[i] = v;
            self.split_rec(caps, left - v, i + 1, x, out);
        }
    }

    /// Distribution of `Σ −ln n_ij!` over the completions of columns `j..` given row totals.
    fn future(&mut self, j: usize, rows: Vec<u64>) -> Result<Dist, String> {
        if j == self.cols.len() {
            return Ok(Rc::new(vec![(0.0, 1.0)]));
        }
        if let Some(d) = self.memo.get(&(j, rows.clone())) {
            return Ok(d.clone());
        }
        let mut all: Vec<(f64, f64)> = Vec::new();
        for (t, rest) in self.splits(&rows, self.cols[j]) {
            let f = self.future(j + 1, rest)?;
            all.extend(f.iter().map(|&(v, m)| (t + v, m)));
        }
        all.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut merged: Vec<(f64, f64)> = Vec::with_capacity(all.len());
        for (v, m) in all {
            match merged.last_mut() {
                Some(last) if (v - last.0).abs() <= 1e-9 * v.abs().max(1.0) => last.1 += m,
                _ => merged.push((v, m)),
            }
        }
        self.entries += merged.len();
        if self.entries > MAX_ENTRIES {
            return Err("the table is too large for the exact test".into());
        }
        let d = Rc::new(merged);
        self.memo.insert((j, rows), d.clone());
        Ok(d)
    }
}

/// The two-sided p-value of Fisher's exact test of an `r x c` table in row-major order.
/// Rows and columns with a zero total are dropped; at least 2 of each must remain.
pub fn fisher_rc_p(counts: &[u64], r: usize, c: usize) -> Result<f64, String> {
    let cell = |i: usize, j: usize| counts[i * c + j];
    let keep_r: Vec<usize> = (0..r).filter(|&i| (0..c).any(|j| cell(i, j) > 0)).collect();
    let keep_c: Vec<usize> = (0..c).filter(|&j| (0..r).any(|i| cell(i, j) > 0)).collect();
    if keep_r.len() < 2 || keep_c.len() < 2 {
        return Err("the table needs at least 2 non-empty rows and columns".into());
    }
    let rows: Vec<u64> = keep_r
        .iter()
        .map(|&i| keep_c.iter().map(|&j| cell(i, j)).sum())
        .collect();
    let cols: Vec<u64> = keep_c
        .iter()
        .map(|&j| keep_r.iter().map(|&i| cell(i, j)).sum())
        .collect();
    let n: u64 = rows.iter().sum();
    let mut lf = vec![0.0f64; n as usize + 1];
    for i in 1..=n as usize {
        lf[i] = lf[i - 1] + (i as f64).ln();
    }
    let k: f64 = rows.iter().map(|&v| lf[v as usize]).sum::<f64>()
        + cols.iter().map(|&v| lf[v as usize]).sum::<f64>()
        - lf[n as usize];
    let observed: f64 = k - keep_r
        .iter()
        .flat_map(|&i| keep_c.iter().map(move |&j| (i, j)))
        .map(|(i, j)| lf[cell(i, j) as usize])
        .sum::<f64>();
    let mut net = Network {
        cols,
        lf,
        memo: HashMap::new(),
        entries: 0,
    };
    let mut sorted = rows;
    sorted.sort_unstable();
    let dist = net.future(0, sorted)?;
    let limit = observed + (1.0f64 + 1e-7).ln();
    let p: f64 = dist
        .iter()
        .filter(|(v, _)| k + v <= limit)
        .map(|(v, m)| m * (k + v).exp())
        .sum();
    Ok(p.min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// R's documentation example (`?fisher.test`): job satisfaction by income, p = 0.7827.
    #[test]
    fn job_satisfaction_matches_r() {
        // matrix(c(1,2,1,0, 3,3,6,1, 10,10,14,9, 6,7,12,11), 4, 4): column-major in R.
        let by_col = [1, 2, 1, 0, 3, 3, 6, 1, 10, 10, 14, 9, 6, 7, 12, 11];
        let counts: Vec<u64> = (0..4)
            .flat_map(|i| (0..4).map(move |j| by_col[j * 4 + i]))
            .collect();
        let p = fisher_rc_p(&counts, 4, 4).unwrap();
        assert!((p - 0.7827).abs() < 5e-5, "p = {p}");
    }

    /// Against a brute-force enumeration of every 2 x 3 table with the same margins.
    #[test]
    fn two_by_three_matches_brute_force() {
        for counts in [
            [3u64, 1, 4, 1, 5, 9],
            [10, 2, 0, 3, 7, 12],
            [5, 5, 5, 4, 6, 5],
        ] {
            let rows = [
                counts[..3].iter().sum::<u64>(),
                counts[3..].iter().sum::<u64>(),
            ];
            let cols: Vec<u64> = (0..3).map(|j| counts[j] + counts[3 + j]).collect();
            let n = rows[0] + rows[1];
            let lf = |v: u64| (1..=v).map(|i| (i as f64).ln()).sum::<f64>();
            let prob = |t: &[u64]| {
                (rows.iter().map(|&v| lf(v)).sum::<f64>()
                    + cols.iter().map(|&v| lf(v)).sum::<f64>()
                    - lf(n)
                    - t.iter().map(|&v| lf(v)).sum::<f64>())
                .exp()
            };
            let obs = prob(&counts);
            let mut p = 0.0;
            for a in 0..=cols[0].min(rows[0]) {
                for b in 0..=cols[1].min(rows[0] - a) {
                    let c = rows[0] - a - b;
                    if c > cols[2] {
                        continue;
                    }
                    let t = [a, b, c, cols[0] - a, cols[1] - b, cols[2] - c];
                    let q = prob(&t);
                    if q <= obs * (1.0 + 1e-7) {
                        p += q;
                    }
                }
            }
            let got = fisher_rc_p(&counts, 2, 3).unwrap();
            assert!((got - p).abs() < 1e-12, "{counts:?}: {got} vs {p}");
        }
    }

    #[test]
    fn degenerate_tables_are_refused() {
        assert!(fisher_rc_p(&[3, 0, 0, 4, 0, 0], 2, 3).is_err());
    }
}
