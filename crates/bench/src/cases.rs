//! The benchmarked operations and their test cases: plaintext inputs generated
//! deterministically from a fixed PRG seed, the plaintext result each operation must produce,
//! and the comparison of a revealed result against it (so a fast-but-wrong run can't pass).
#![forbid(unsafe_code)]
use sharestat_mpc::prg::Prg;

/// Seed of the plaintext data generator (the same data on every run).
const DATA_SEED: u8 = 0x5e;

/// Number of one-hot levels of the frequency benchmark.
pub const FREQ_LEVELS: usize = 5;

/// Key width (bits) of the sort and median benchmarks.
pub const KEY_BITS: u32 = 32;

/// Comparison width (bits) of the lt and eq benchmarks.
pub const CMP_BITS: u32 = 64;

/// One benchmarked operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `p.mul` of two full-ring columns.
    Mul,
    /// `p.lt` with `k = 64`.
    Lt,
    /// `p.eq` with `k = 64`.
    Eq,
    /// `p.shuffle` of one column.
    Shuffle,
    /// `p.sort` of 32-bit keys with one payload column.
    Sort,
    /// `p.select_kth` of rank `n / 2` of 32-bit keys.
    Median,
    /// `p.masked_sum` under a 0/1 mask.
    MaskedSum,
    /// `p.freq_onehot` of 5 one-hot columns under a 0/1 mask, plus the reveal of the counts.
    Freq,
}

impl Op {
    /// All operations, in table order.
    pub const ALL: [Op; 8] = [
        Op::Mul,
        Op::Lt,
        Op::Eq,
        Op::Shuffle,
        Op::Sort,
        Op::Median,
        Op::MaskedSum,
        Op::Freq,
    ];

    /// Name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Op::Mul => "mul",
            Op::Lt => "lt",
            Op::Eq => "eq",
            Op::Shuffle => "shuffle",
            Op::Sort => "sort",
            Op::Median => "median",
            Op::MaskedSum => "masked_sum",
            Op::Freq => "freq",
        }
    }

    /// Description used in the table.
    pub fn label(self) -> &'static str {
        match self {
            Op::Mul => "mul",
            Op::Lt => "lt (k=64)",
            Op::Eq => "eq (k=64)",
            Op::Shuffle => "shuffle (1 column)",
            Op::Sort => "sort (32-bit key + 1 payload)",
            Op::Median => "median (select_kth, 32-bit key)",
            Op::MaskedSum => "masked sum",
            Op::Freq => "freq, 5 levels, masked (incl. reveal)",
        }
    }

    /// Parses a command-line name (a few aliases accepted).
    pub fn parse(s: &str) -> Option<Op> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        match s.as_str() {
            "sum" | "masked_sum" | "maskedsum" => Some(Op::MaskedSum),
            "select_kth" | "kth" => Some(Op::Median),
            "freq_onehot" => Some(Op::Freq),
            _ => Op::ALL.into_iter().find(|op| op.name() == s),
        }
    }
}

impl std::fmt::Display for Op {
    /// Writes the command-line name.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a revealed result must equal.
pub enum Expect {
    /// These output columns exactly.
    Exact(Vec<Vec<u64>>),
    /// One column that is a permutation of this input (and, for long inputs, not the identity).
    PermutationOf(Vec<u64>),
}

/// One operation at one size: its plaintext input columns and the expected result.
pub struct Case {
    /// The operation.
    pub op: Op,
    /// Rows.
    pub n: usize,
    /// Plaintext input columns (dealt to the parties in this order).
    pub cols: Vec<Vec<u64>>,
    /// Expected revealed result.
    pub expect: Expect,
}

/// `n` signed values uniform in `[-2^(bits-1), 2^(bits-1))`, as ring elements.
fn signed(prg: &mut Prg, n: usize, bits: u32) -> Vec<u64> {
    prg.words(n)
        .into_iter()
        .map(|w| ((w as i64) >> (64 - bits)) as u64)
        .collect()
}

/// `n` uniformly random 0/1 values.
fn bits01(prg: &mut Prg, n: usize) -> Vec<u64> {
    prg.words(n).into_iter().map(|w| w >> 63).collect()
}

fn as_u64(b: bool) -> u64 {
    b as u64
}

impl Case {
    /// Generates the inputs and the expected result of `op` at `n` rows.
    pub fn new(op: Op, n: usize) -> Case {
        let mut prg = Prg::new([DATA_SEED; 16]);
        let (cols, expect) = match op {
            Op::Mul => {
                let x = prg.words(n);
                let y = prg.words(n);
                let z = x.iter().zip(&y).map(|(a, b)| a.wrapping_mul(*b)).collect();
                (vec![x, y], Expect::Exact(vec![z]))
            }
            Op::Lt => {
                // |x - y| < 2^63 as `lt` with k = 64 requires; every 7th pair is a tie.
                let x = signed(&mut prg, n, 63);
                let mut y = signed(&mut prg, n, 63);
                y.iter_mut().zip(&x).step_by(7).for_each(|(b, a)| *b = *a);
                let z = x
                    .iter()
                    .zip(&y)
                    .map(|(a, b)| as_u64((*a as i64) < (*b as i64)))
                    .collect();
                (vec![x, y], Expect::Exact(vec![z]))
            }
            Op::Eq => {
                // About half the pairs are equal; the others differ (almost surely in many bits).
                let x = prg.words(n);
                let coin = bits01(&mut prg, n);
                let other = prg.words(n);
                let y: Vec<u64> = (0..n)
                    .map(|i| if coin[i] == 1 { x[i] } else { other[i] })
                    .collect();
                let z = x.iter().zip(&y).map(|(a, b)| as_u64(a == b)).collect();
                (vec![x, y], Expect::Exact(vec![z]))
            }
            Op::Shuffle => {
                let x = prg.words(n);
                (vec![x.clone()], Expect::PermutationOf(x))
            }
            Op::Sort => {
                let key = signed(&mut prg, n, KEY_BITS);
                let payload = prg.words(n);
                let mut order: Vec<usize> = (0..n).collect();
                order.sort_by_key(|&i| key[i] as i64); // stable, as `p.sort` promises
                let sk = order.iter().map(|&i| key[i]).collect();
                let sp = order.iter().map(|&i| payload[i]).collect();
                (vec![key, payload], Expect::Exact(vec![sk, sp]))
            }
            Op::Median => {
                let key = signed(&mut prg, n, KEY_BITS);
                let mut sorted: Vec<i64> = key.iter().map(|&k| k as i64).collect();
                sorted.sort_unstable();
                let med = sorted[n / 2] as u64;
                (vec![key], Expect::Exact(vec![vec![med]]))
            }
            Op::MaskedSum => {
                let mask = bits01(&mut prg, n);
                let x = prg.words(n);
                let s = mask
                    .iter()
                    .zip(&x)
                    .fold(0u64, |acc, (m, v)| acc.wrapping_add(m.wrapping_mul(*v)));
                (vec![mask, x], Expect::Exact(vec![vec![s]]))
            }
            Op::Freq => {
                let mask = bits01(&mut prg, n);
                let level: Vec<usize> = prg
                    .words(n)
                    .into_iter()
                    .map(|w| (w % FREQ_LEVELS as u64) as usize)
                    .collect();
                let mut counts = vec![0u64; FREQ_LEVELS];
                for (l, m) in level.iter().zip(&mask) {
                    counts[*l] += m;
                }
                let mut cols = vec![mask];
                for j in 0..FREQ_LEVELS {
                    cols.push(level.iter().map(|&l| as_u64(l == j)).collect());
                }
                (cols, Expect::Exact(vec![counts]))
            }
        };
        Case {
            op,
            n,
            cols,
            expect,
        }
    }

    /// Compares a revealed result (one vector per output column; bits as 0/1) with the
    /// expected one; the error describes the first difference.
    pub fn check(&self, got: &[Vec<u64>]) -> Result<(), String> {
        match &self.expect {
            Expect::Exact(want) => {
                if got.len() != want.len() {
                    return Err(format!(
                        "{} output columns, expected {}",
                        got.len(),
                        want.len()
                    ));
                }
                for (c, (g, w)) in got.iter().zip(want).enumerate() {
                    if g.len() != w.len() {
                        return Err(format!(
                            "output column {c} has {} elements, expected {}",
                            g.len(),
                            w.len()
                        ));
                    }
                    if let Some(i) = (0..g.len()).find(|&i| g[i] != w[i]) {
                        let wrong = (0..g.len()).filter(|&i| g[i] != w[i]).count();
                        return Err(format!(
                            "output column {c}, element {i}: got {} ({:#x}), expected {} ({:#x}); \
                             {wrong} of {} elements wrong",
                            g[i] as i64,
                            g[i],
                            w[i] as i64,
                            w[i],
                            g.len()
                        ));
                    }
                }
                Ok(())
            }
            Expect::PermutationOf(input) => {
                let [g] = got else {
                    return Err(format!("{} output columns, expected 1", got.len()));
                };
                let mut a = g.clone();
                let mut b = input.clone();
                a.sort_unstable();
                b.sort_unstable();
                if a != b {
                    return Err("the output is not a permutation of the input".into());
                }
                // Random 64-bit words are distinct; a uniform permutation of 20 or more of them
                // is the identity with probability below 1/20! (about 4e-19).
                if g.len() >= 20 && g == input {
                    return Err("the output is in the input order (not shuffled)".into());
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_names_and_aliases() {
        for op in Op::ALL {
            assert_eq!(Op::parse(op.name()), Some(op));
        }
        assert_eq!(Op::parse("masked-sum"), Some(Op::MaskedSum));
        assert_eq!(Op::parse("nope"), None);
    }

    #[test]
    fn expected_results_check_against_themselves() {
        for op in Op::ALL {
            let c = Case::new(op, 100);
            let got = match &c.expect {
                Expect::Exact(w) => w.clone(),
                Expect::PermutationOf(x) => vec![x.iter().rev().copied().collect()],
            };
            c.check(&got).unwrap();
            assert!(c.check(&[]).is_err());
        }
    }

    #[test]
    fn signed_range() {
        let mut prg = Prg::new([1; 16]);
        let v = signed(&mut prg, 1000, KEY_BITS);
        assert!(
            v.iter()
                .all(|&x| (-(1i64 << 31)..1i64 << 31).contains(&(x as i64)))
        );
        assert!(v.iter().any(|&x| (x as i64) < 0));
    }
}
