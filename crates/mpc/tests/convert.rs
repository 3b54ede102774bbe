//! Bit-to-arithmetic conversion, bit injection and select against plaintext.
mod common;
use common::*;
use proptest::prelude::*;
use sharestat_mpc::AShares;

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn select_and_injection((x, y) in signed_pair(62, 1..150), seed: u8) {
        let n = x.len();
        let got = eval(seed, &[x.clone(), y.clone()], |p, s| {
            let c = p.lt(&s[0], &s[1], 64)?;
            let as_int = p.b2a_bits(&c)?;
            let inj = p.bit_inject(&c, &s[1])?;
            let min = p.select(&c, &s[0], &s[1])?;
            Ok(AShares::concat(&[&as_int, &inj, &min]))
        });
        for i in 0..n {
            let (a, b) = (x[i] as i64, y[i] as i64);
            prop_assert_eq!(got[i], (a < b) as u64);
            prop_assert_eq!(got[n + i], if a < b { y[i] } else { 0 });
            prop_assert_eq!(got[2 * n + i] as i64, a.min(b));
        }
    }

    #[test]
    fn public_bits_roundtrip(bits in prop::collection::vec(any::<bool>(), 0..200), seed: u8) {
        let [r, _, _] = run3(seed, &[], |p, _| {
            let b = p.public_bits(&bits);
            let a = p.b2a_bits(&b)?;
            Ok((p.reveal_bits(&b)?, p.reveal(&a)?))
        });
        prop_assert_eq!(&r.0, &bits);
        prop_assert_eq!(r.1, bits.iter().map(|&b| b as u64).collect::<Vec<_>>());
    }
}
