//! Helpers shared by the integration tests: run a closure as the three parties with values
//! dealt to them, and value strategies that include the edges of the documented ranges.
#![allow(dead_code)]
use proptest::prelude::*;
use sharestat_mpc::harness::{Keys, run_in_memory};
use sharestat_mpc::prg::Prg;
use sharestat_mpc::proto::io::deal;
use sharestat_mpc::{AShares, Party};

/// Deals each input column to the three parties, runs `f` on each party's shares, and returns
/// the three results.
pub fn run3<T: Send>(
    seed: u8,
    inputs: &[Vec<u64>],
    f: impl Fn(&mut Party, &[AShares]) -> sharestat_mpc::Result<T> + Sync,
) -> [T; 3] {
    let mut dealer = Prg::new([seed ^ 0x5a; 16]);
    let dealt: Vec<[AShares; 3]> = inputs.iter().map(|v| deal(v, &mut dealer)).collect();
    run_in_memory(Keys::Seeded([seed; 16]), |p| {
        let mine: Vec<AShares> = dealt.iter().map(|d| d[p.id().index()].clone()).collect();
        f(p, &mine)
    })
    .expect("protocol run")
}

/// The one value all three parties computed (panics if they disagree).
pub fn agreed<T: PartialEq + std::fmt::Debug>([a, b, c]: [T; 3]) -> T {
    assert_eq!(a, b);
    assert_eq!(b, c);
    a
}

/// Runs `f` and reveals its arithmetic result; checks all parties agree and returns it.
pub fn eval(
    seed: u8,
    inputs: &[Vec<u64>],
    f: impl Fn(&mut Party, &[AShares]) -> sharestat_mpc::Result<AShares> + Sync,
) -> Vec<u64> {
    agreed(run3(seed, inputs, |p, x| {
        f(p, x).and_then(|r| p.reveal(&r))
    }))
}

/// Signed values with `|v| < 2^bits`, biased towards 0, ±1 and the extremes.
pub fn signed(bits: u32) -> impl Strategy<Value = i64> {
    let max = if bits >= 63 {
        i64::MAX
    } else {
        (1i64 << bits) - 1
    };
    prop_oneof![
        3 => -max..=max,
        1 => prop::sample::select(vec![0, 1, -1, max, -max, max - 1, -max + 1]),
        1 => -100i64..100,
    ]
}

/// Vectors of such values.
pub fn signed_vec(bits: u32, len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<u64>> {
    prop::collection::vec(signed(bits).prop_map(|v| v as u64), len)
}

/// Two equally long vectors.
pub fn signed_pair(
    bits: u32,
    len: std::ops::Range<usize>,
) -> impl Strategy<Value = (Vec<u64>, Vec<u64>)> {
    len.prop_flat_map(move |n| {
        (
            prop::collection::vec(signed(bits).prop_map(|v| v as u64), n),
            prop::collection::vec(signed(bits).prop_map(|v| v as u64), n),
        )
    })
}

/// Proptest configuration: each case runs a three-party protocol, so keep the count modest.
pub fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}
