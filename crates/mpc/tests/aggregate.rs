//! Masked aggregates and one-hot frequencies against plaintext.
mod common;
use common::*;
use proptest::prelude::*;
use sharestat_mpc::AShares;

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn masked_sum_count_and_squares(
        rows in prop::collection::vec((signed(30), any::<bool>()), 0..200), seed: u8) {
        let x: Vec<u64> = rows.iter().map(|r| r.0 as u64).collect();
        let m: Vec<u64> = rows.iter().map(|r| r.1 as u64).collect();
        let got = eval(seed, &[x.clone(), m.clone()], |p, s| {
            let c = p.masked_count(&s[1]);
            let sum = p.masked_sum(&s[1], &s[0])?;
            let sq = p.masked_sum_sq(&s[1], &s[0])?;
            Ok(AShares::concat(&[&c, &sum, &sq]))
        });
        let sel = || rows.iter().filter(|r| r.1).map(|r| r.0 as i128);
        prop_assert_eq!(got[0], sel().count() as u64);
        prop_assert_eq!(got[1] as i64 as i128, sel().sum::<i128>());
        prop_assert_eq!(got[2] as u128, sel().map(|v| v * v).sum::<i128>() as u128 & u64::MAX as u128);
    }

    #[test]
    fn one_hot_frequencies(rows in prop::collection::vec((0usize..5, any::<bool>()), 0..300), seed: u8) {
        let mut cols: Vec<Vec<u64>> = (0..5).map(|l| rows.iter().map(|r| (r.0 == l) as u64).collect()).collect();
        cols.push(rows.iter().map(|r| r.1 as u64).collect());
        let got = eval(seed, &cols, |p, s| {
            let levels: Vec<&AShares> = s[..5].iter().collect();
            let all = p.freq_onehot(&levels, None)?;
            let masked = p.freq_onehot(&levels, Some(&s[5]))?;
            Ok(AShares::concat(&[&all, &masked]))
        });
        for l in 0..5 {
            prop_assert_eq!(got[l], rows.iter().filter(|r| r.0 == l).count() as u64);
            prop_assert_eq!(got[5 + l], rows.iter().filter(|r| r.0 == l && r.1).count() as u64);
        }
    }
}
