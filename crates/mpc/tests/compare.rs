//! Boolean gates, A2B/B2A, MSB, less-than, less-or-equal and equality against plaintext.
mod common;
use common::*;
use proptest::prelude::*;
use sharestat_mpc::harness::{Keys, run_in_memory};
use sharestat_mpc::prg::Prg;
use sharestat_mpc::proto::io::deal_bool;
use sharestat_mpc::{AShares, BShares, Party};

/// Reveals bits and checks the three parties agree.
fn eval_bits(
    seed: u8,
    inputs: &[Vec<u64>],
    f: impl Fn(&mut Party, &[AShares]) -> sharestat_mpc::Result<sharestat_mpc::Bits> + Sync,
) -> Vec<bool> {
    agreed(run3(seed, inputs, |p, x| {
        f(p, x).and_then(|r| p.reveal_bits(&r))
    }))
}

/// Runs `f` on boolean shares dealt from `inputs` and reveals its boolean result.
fn eval_bool(
    seed: u8,
    inputs: &[Vec<u64>],
    f: impl Fn(&mut Party, &[BShares]) -> sharestat_mpc::Result<BShares> + Sync,
) -> Vec<u64> {
    let mut dealer = Prg::new([seed; 16]);
    let dealt: Vec<[BShares; 3]> = inputs.iter().map(|v| deal_bool(v, &mut dealer)).collect();
    agreed(
        run_in_memory(Keys::Seeded([seed; 16]), |p| {
            let mine: Vec<BShares> = dealt.iter().map(|d| d[p.id().index()].clone()).collect();
            f(p, &mine).and_then(|r| p.reveal_bool(&r))
        })
        .unwrap(),
    )
}

fn in_width(v: u64, k: u32) -> i64 {
    // v read as a signed k-bit number
    let s = 64 - k;
    ((v << s) as i64) >> s
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn and_or_adder((x, y) in signed_pair(63, 1..80), seed: u8) {
        let got = eval_bool(seed, &[x.clone(), y.clone()], |p, s| {
            let a = p.and(&s[0], &s[1])?;
            let o = p.or(&s[0], &s[1])?;
            let sum = p.add_bool(&s[0], &s[1])?;
            Ok(BShares::concat(&[&a, &o, &sum]))
        });
        let n = x.len();
        let mut want: Vec<u64> = (0..n).map(|i| x[i] & y[i]).collect();
        want.extend((0..n).map(|i| x[i] | y[i]));
        want.extend((0..n).map(|i| x[i].wrapping_add(y[i])));
        prop_assert_eq!(got, want);
    }

    #[test]
    fn a2b_then_b2a_roundtrip(x in signed_vec(63, 1..80), seed: u8) {
        let [bits, back, _] = run3(seed, std::slice::from_ref(&x), |p, s| {
            let b = p.a2b(&s[0])?;
            let a = p.b2a(&b)?;
            Ok((p.reveal_bool(&b)?, p.reveal(&a)?))
        }).map(|r| r);
        prop_assert_eq!(&bits.0, &x);
        prop_assert_eq!(&bits.1, &x);
        prop_assert_eq!(&back.1, &x);
    }

    #[test]
    fn less_than_and_le_full_width((x, y) in signed_pair(62, 1..150), seed: u8) {
        let got = eval_bits(seed, &[x.clone(), y.clone()], |p, s| {
            let lt = p.lt(&s[0], &s[1], 64)?;
            let le = p.le(&s[0], &s[1], 64)?;
            let m = p.msb(&s[0], 64)?;
            let mut w = lt.words().clone();
            w = BShares::concat(&[&w, le.words(), m.words()]);
            // repack as one bit vector: lt bits, le bits, msb bits in separate words
            Ok(sharestat_mpc::Bits::from_words(w, lt.len() + 128 * lt.words().len()))
        });
        let n = x.len();
        let words = n.div_ceil(64);
        for i in 0..n {
            let (a, b) = (x[i] as i64, y[i] as i64);
            prop_assert_eq!(got[i], a < b, "lt {} {}", a, b);
            prop_assert_eq!(got[64 * words + i], a <= b, "le {} {}", a, b);
            prop_assert_eq!(got[128 * words + i], a < 0, "msb {}", a);
        }
    }

    #[test]
    fn narrow_widths_and_public_threshold(
        k in 2u32..40,
        (x, y) in signed_pair(38, 1..100),
        t in signed(38),
        seed: u8,
    ) {
        // restrict inputs so that |x - y| < 2^(k-1)
        let clip = |v: u64| { let lim = (1i64 << (k - 2)) - 1; (v as i64).clamp(-lim, lim) as u64 };
        let x: Vec<u64> = x.into_iter().map(clip).collect();
        let y: Vec<u64> = y.into_iter().map(clip).collect();
        let t = clip(t as u64);
        let n = x.len();
        let got = eval_bits(seed, &[x.clone(), y.clone()], |p, s| {
            let lt = p.lt(&s[0], &s[1], k)?;
            let lp = p.lt_public(&s[0], &vec![t; n], k)?;
            let eq = p.eq(&s[0], &s[1], k)?;
            let w = BShares::concat(&[lt.words(), lp.words(), eq.words()]);
            Ok(sharestat_mpc::Bits::from_words(w, 3 * 64 * lt.words().len()))
        });
        let words = n.div_ceil(64);
        for i in 0..n {
            let (a, b) = (in_width(x[i], 64), in_width(y[i], 64));
            prop_assert_eq!(got[i], a < b, "k {} lt {} {}", k, a, b);
            prop_assert_eq!(got[64 * words + i], a < t as i64, "k {} lt_public {}", k, a);
            prop_assert_eq!(got[128 * words + i], a == b, "k {} eq {} {}", k, a, b);
        }
    }

    #[test]
    fn equality_with_many_duplicates(x in prop::collection::vec(-3i64..3, 1..200),
                                     y in prop::collection::vec(-3i64..3, 200), seed: u8) {
        let x: Vec<u64> = x.into_iter().map(|v| v as u64).collect();
        let y: Vec<u64> = y[..x.len()].iter().map(|&v| v as u64).collect();
        let got = eval_bits(seed, &[x.clone(), y.clone()], |p, s| p.eq(&s[0], &s[1], 64));
        for i in 0..x.len() {
            prop_assert_eq!(got[i], x[i] == y[i]);
        }
    }
}

#[test]
fn extremes_of_the_comparison_range() {
    let lim = (1i64 << 62) - 1;
    let vals = [0, 1, -1, lim, -lim, lim - 1, -lim + 1, 42, -42];
    let mut x = Vec::new();
    let mut y = Vec::new();
    for &a in &vals {
        for &b in &vals {
            x.push(a as u64);
            y.push(b as u64);
        }
    }
    let got = eval_bits(9, &[x.clone(), y.clone()], |p, s| p.lt(&s[0], &s[1], 64));
    let eq = eval_bits(9, &[x.clone(), y.clone()], |p, s| p.eq(&s[0], &s[1], 64));
    for i in 0..x.len() {
        assert_eq!(
            got[i],
            (x[i] as i64) < (y[i] as i64),
            "{} < {}",
            x[i] as i64,
            y[i] as i64
        );
        assert_eq!(eq[i], x[i] == y[i]);
    }
}

#[test]
fn comparison_rounds_are_logarithmic_in_width_not_n() {
    for n in [10usize, 5000] {
        let x: Vec<u64> = (0..n as u64).collect();
        let [s, _, _] = run3(3, &[x.clone(), x], |p, s| {
            let before = p.stats();
            p.lt(&s[0], &s[1], 64)?;
            let mid = p.stats();
            p.eq(&s[0], &s[1], 64)?;
            Ok((mid.since(&before), p.stats().since(&mid)))
        });
        assert_eq!(s.0.rounds, 8, "lt rounds, n = {n}");
        assert_eq!(s.1.rounds, 7, "eq rounds, n = {n}");
    }
}

#[test]
fn boolean_input_from_a_party() {
    let v: Vec<u64> = vec![0, u64::MAX, 0x0123_4567_89AB_CDEF, 1 << 63];
    for owner in sharestat_mpc::PartyId::ALL {
        let out = run_in_memory(Keys::Seeded([owner.index() as u8; 16]), |p| {
            let mine = (p.id() == owner).then_some(v.as_slice());
            let x = p.input_bool(owner, mine, v.len())?;
            p.reveal_bool(&x)
        })
        .unwrap();
        assert!(out.iter().all(|o| o == &v), "owner {owner}");
    }
}
