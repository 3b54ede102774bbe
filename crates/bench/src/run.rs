//! Runs one benchmark case as the three parties over TCP loopback and measures it.
//!
//! Each party deals the plaintext columns with an identically seeded PRG and keeps its own
//! shares (a benchmark shortcut: every party can compute every share). Per repetition, the
//! parties synchronise with two one-element reveals, then party 0 times the operation alone;
//! every party snapshots its communication counters right before and after it. The result is
//! revealed and checked after the snapshot, so neither the barrier nor the check is counted
//! (except for `freq`, whose reveal of the counts is part of the measured operation).
#![forbid(unsafe_code)]
use crate::cases::{CMP_BITS, Case, KEY_BITS, Op};
use sharestat_mpc::harness::{Keys, run_tcp};
use sharestat_mpc::net::NetStats;
use sharestat_mpc::prg::Prg;
use sharestat_mpc::proto::io::deal;
use sharestat_mpc::{AShares, Bits, Party};
use std::time::{Duration, Instant};

/// Seed of the dealer's PRG (the same at all three parties, so they deal the same shares).
const DEAL_SEED: u8 = 0xd1;

/// One repetition as seen by all three parties.
#[derive(Clone, Copy, Debug)]
pub struct Rep {
    /// Wall time of the operation at party 0.
    pub time: Duration,
    /// Largest number of bytes sent by one party during the operation.
    pub bytes_sent_max: u64,
    /// Communication rounds of the operation.
    pub rounds: u64,
}

/// One repetition as seen by one party.
struct PartyRep {
    time: Duration,
    stats: NetStats,
    /// Set by party 0 when the revealed result is wrong.
    failure: Option<String>,
}

/// Result of an operation before it is opened.
enum Output {
    Arith(Vec<AShares>),
    Bits(Bits),
    Public(Vec<u64>),
}

/// Runs the operation under test on this party's shares of the case's columns.
fn exec(p: &mut Party, op: Op, s: &[AShares]) -> sharestat_mpc::Result<Output> {
    let n = s[0].len();
    Ok(match op {
        Op::Mul => Output::Arith(vec![p.mul(&s[0], &s[1])?]),
        Op::Lt => Output::Bits(p.lt(&s[0], &s[1], CMP_BITS)?),
        Op::Eq => Output::Bits(p.eq(&s[0], &s[1], CMP_BITS)?),
        Op::Shuffle => Output::Arith(p.shuffle(&[&s[0]])?),
        Op::Sort => {
            let (key, mut payload) = p.sort(&s[0], &[&s[1]], KEY_BITS)?;
            payload.insert(0, key);
            Output::Arith(payload)
        }
        Op::Median => Output::Arith(vec![p.select_kth(&s[0], &[n / 2], KEY_BITS)?]),
        Op::MaskedSum => Output::Arith(vec![p.masked_sum(&s[0], &s[1])?]),
        Op::Freq => {
            let levels: Vec<&AShares> = s[1..].iter().collect();
            let counts = p.freq_onehot(&levels, Some(&s[0]))?;
            Output::Public(p.reveal(&counts)?)
        }
    })
}

/// Opens an output (bits as 0/1 words).
fn open(p: &mut Party, out: Output) -> sharestat_mpc::Result<Vec<Vec<u64>>> {
    Ok(match out {
        Output::Arith(cols) => {
            let mut v = Vec::with_capacity(cols.len());
            for c in &cols {
                v.push(p.reveal(c)?);
            }
            v
        }
        Output::Bits(b) => vec![p.reveal_bits(&b)?.into_iter().map(u64::from).collect()],
        Output::Public(v) => vec![v],
    })
}

/// This party's shares of `values`, dealt by a PRG seeded identically at all parties.
fn my_shares(p: &Party, cols: &[Vec<u64>]) -> Vec<AShares> {
    let me = p.id().index();
    let mut dealer = Prg::new([DEAL_SEED; 16]);
    cols.iter()
        .map(|c| {
            deal(c, &mut dealer)
                .into_iter()
                .nth(me)
                .expect("three share pairs")
        })
        .collect()
}

/// Runs `reps` repetitions of the case over TCP loopback. Errors describe protocol failures,
/// wrong results and accounting mismatches between the parties.
pub fn run_case(case: &Case, reps: usize) -> Result<Vec<Rep>, String> {
    let what = format!("{} at n = {}", case.op.name(), case.n);
    let per_party = run_tcp(Keys::Os, |p| {
        let shares = my_shares(p, &case.cols);
        let probe = shares[0].slice(0..1);
        let mut out = Vec::with_capacity(reps);
        for _ in 0..reps {
            // Barrier: after two chained reveals all three parties have reached this point.
            p.reveal(&probe)?;
            p.reveal(&probe)?;
            let before = p.stats();
            let t0 = Instant::now();
            let res = exec(p, case.op, &shares)?;
            let time = t0.elapsed();
            let stats = p.stats().since(&before);
            let got = open(p, res)?;
            let failure = (p.id().index() == 0)
                .then(|| case.check(&got).err())
                .flatten();
            out.push(PartyRep {
                time,
                stats,
                failure,
            });
        }
        Ok(out)
    })
    .map_err(|e| format!("{what}: protocol error: {e}"))?;

    let [p0, p1, p2] = &per_party;
    let mut reps_out = Vec::with_capacity(reps);
    for (r, ((a, b), c)) in p0.iter().zip(p1).zip(p2).enumerate() {
        if let Some(f) = &a.failure {
            return Err(format!("{what}, repetition {}: WRONG RESULT: {f}", r + 1));
        }
        let rounds = [a, b, c].map(|x| x.stats.rounds);
        if rounds[0] != rounds[1] || rounds[1] != rounds[2] {
            return Err(format!(
                "{what}, repetition {}: parties counted different rounds {rounds:?}",
                r + 1
            ));
        }
        reps_out.push(Rep {
            time: a.time,
            bytes_sent_max: [a, b, c]
                .iter()
                .map(|x| x.stats.bytes_sent)
                .max()
                .unwrap_or(0),
            rounds: rounds[0],
        });
    }
    Ok(reps_out)
}
