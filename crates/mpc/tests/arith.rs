//! Input, reveal, linear operations, multiplication and dot products against plaintext.
mod common;
use common::*;
use proptest::prelude::*;
use sharestat_mpc::harness::{Keys, run_in_memory};
use sharestat_mpc::{AShares, PartyId};

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn party_input_and_reveal(v in signed_vec(63, 0..150), owner in 0usize..3, seed: u8) {
        let n = v.len();
        let owner = PartyId::new(owner).unwrap();
        let out = run_in_memory(Keys::Seeded([seed; 16]), |p| {
            let mine = (p.id() == owner).then_some(v.as_slice());
            let x = p.input(owner, mine, n)?;
            let to0 = p.reveal_to(&x, PartyId::new(0).unwrap())?;
            Ok((p.reveal(&x)?, to0))
        }).unwrap();
        for (i, (all, to0)) in out.iter().enumerate() {
            prop_assert_eq!(all, &v);
            prop_assert_eq!(to0.is_some(), i == 0);
        }
        prop_assert_eq!(out[0].1.as_ref().unwrap(), &v);
    }

    #[test]
    fn linear_ops((x, y) in signed_pair(63, 1..100), c in signed(63), seed: u8) {
        let c = c as u64;
        let n = x.len();
        let pubv: Vec<u64> = (0..n as u64).map(|i| i.wrapping_mul(0x9E37_79B9)).collect();
        let got = eval(seed, &[x.clone(), y.clone()], |p, s| {
            let me = p.id();
            let r = s[0].add(&s[1]).sub(&s[1].scale(3)).neg()
                .add_public(me, &pubv).add_const(me, c).mul_public(&pubv);
            Ok(AShares::concat(&[&r, &s[0].sum(), &s[1].prefix_sum()]))
        });
        let mut want: Vec<u64> = (0..n).map(|i| {
            let r = x[i].wrapping_add(y[i]).wrapping_sub(y[i].wrapping_mul(3)).wrapping_neg()
                .wrapping_add(pubv[i]).wrapping_add(c);
            r.wrapping_mul(pubv[i])
        }).collect();
        want.push(x.iter().fold(0u64, |s, &v| s.wrapping_add(v)));
        let mut acc = 0u64;
        want.extend(y.iter().map(|&v| { acc = acc.wrapping_add(v); acc }));
        prop_assert_eq!(got, want);
    }

    #[test]
    fn mul_and_dot((x, y) in signed_pair(63, 1..120), seed: u8) {
        let got = eval(seed, &[x.clone(), y.clone()], |p, s| {
            let m = p.mul(&s[0], &s[1])?;
            let mm = p.mul_many(&[(&s[0], &s[0]), (&s[1], &m)])?;
            let d = p.dot(&s[0], &s[1])?;
            let dd = p.dot_many(&[(&s[1], &s[1]), (&s[0], &m)])?;
            // Products and dot products in one round.
            let before = p.stats().rounds;
            let (md, mdd) = p.mul_dot(&[(&s[0], &s[0]), (&s[1], &m)], &[(&s[1], &s[1]), (&s[0], &m)])?;
            assert_eq!(p.stats().rounds, before + 1);
            Ok(AShares::concat(&[&m, &mm[0], &mm[1], &d, &dd, &md[0], &md[1], &mdd]))
        });
        let n = x.len();
        let m: Vec<u64> = (0..n).map(|i| x[i].wrapping_mul(y[i])).collect();
        let dot = |a: &[u64], b: &[u64]| a.iter().zip(b).fold(0u64, |s, (p, q)| s.wrapping_add(p.wrapping_mul(*q)));
        let mut want = m.clone();
        want.extend((0..n).map(|i| x[i].wrapping_mul(x[i])));
        want.extend((0..n).map(|i| y[i].wrapping_mul(m[i])));
        want.push(dot(&x, &y));
        want.push(dot(&y, &y));
        want.push(dot(&x, &m));
        let again = want[n..].to_vec();
        want.extend(again[..2 * n].iter().copied());
        want.extend(again[2 * n + 1..].iter().copied());
        prop_assert_eq!(got, want);
    }
}

#[test]
fn rounds_and_bytes_do_not_grow_with_n() {
    let measure = |n: usize| {
        let x: Vec<u64> = (0..n as u64).collect();
        let [s, _, _] = run3(1, &[x.clone(), x], |p, s| {
            let before = p.stats();
            p.mul(&s[0], &s[1])?;
            Ok(p.stats().since(&before))
        });
        s
    };
    let small = measure(10);
    let big = measure(10_000);
    assert_eq!(small.rounds, 1);
    assert_eq!(big.rounds, 1);
    assert_eq!(
        big.bytes_sent,
        8 + 8 * 10_000,
        "one element per party per product"
    );
}
