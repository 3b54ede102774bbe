//! Shuffle, sort with payload and k-th element selection against plaintext, including many
//! equal keys and the extremes of the key range.
mod common;
use common::*;
use proptest::prelude::*;
use sharestat_mpc::AShares;

fn keys(bits: u32) -> impl Strategy<Value = Vec<u64>> {
    prop_oneof![
        signed_vec(bits - 1, 0..120),
        // many duplicates
        prop::collection::vec((-2i64..3).prop_map(|v| v as u64), 0..160),
    ]
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn shuffle_keeps_rows_together(x in signed_vec(63, 0..200), seed: u8) {
        let n = x.len();
        let tag: Vec<u64> = (0..n as u64).map(|i| i * 7 + 1).collect();
        let got = eval(seed, &[x.clone(), tag.clone()], |p, s| {
            let out = p.shuffle(&[&s[0], &s[1]])?;
            Ok(AShares::concat(&[&out[0], &out[1]]))
        });
        let mut rows: Vec<(u64, u64)> = (0..n).map(|i| (got[i], got[n + i])).collect();
        let mut want: Vec<(u64, u64)> = x.iter().copied().zip(tag.iter().copied()).collect();
        rows.sort();
        want.sort();
        prop_assert_eq!(rows, want);
    }

    #[test]
    fn sort_with_payload_is_stable(k in keys(32), seed: u8) {
        let n = k.len();
        let payload: Vec<u64> = (0..n as u64).map(|i| i ^ 0xABCD).collect();
        let got = eval(seed, &[k.clone(), payload.clone()], |p, s| {
            let (sk, sp) = p.sort(&s[0], &[&s[1]], 32)?;
            Ok(AShares::concat(&[&sk, &sp[0]]))
        });
        let mut want: Vec<(i64, u64)> = k.iter().map(|&v| v as i64).zip(payload.iter().copied()).collect();
        want.sort_by_key(|r| r.0); // stable: ties keep input order
        let got_rows: Vec<(i64, u64)> = (0..n).map(|i| (got[i] as i64, got[n + i])).collect();
        prop_assert_eq!(got_rows, want);
    }

    #[test]
    fn select_several_ranks(k in keys(40), picks in prop::collection::vec(any::<prop::sample::Index>(), 1..4), seed: u8) {
        prop_assume!(!k.is_empty());
        let ranks: Vec<usize> = picks.iter().map(|i| i.index(k.len())).collect();
        let got = eval(seed, std::slice::from_ref(&k), |p, s| p.select_kth(&s[0], &ranks, 40));
        let mut sorted: Vec<i64> = k.iter().map(|&v| v as i64).collect();
        sorted.sort();
        let want: Vec<u64> = ranks.iter().map(|&r| sorted[r] as u64).collect();
        prop_assert_eq!(got, want);
    }
}

#[test]
fn sort_all_equal_and_extreme_keys() {
    let lim = (1i64 << 31) - 1;
    let mut k: Vec<u64> = vec![5; 300];
    k.extend([lim as u64, (-lim) as u64, 0, lim as u64, (-lim) as u64]);
    let got = eval(2, std::slice::from_ref(&k), |p, s| {
        Ok(p.sort(&s[0], &[], 32)?.0)
    });
    let mut want: Vec<i64> = k.iter().map(|&v| v as i64).collect();
    want.sort();
    assert_eq!(got.iter().map(|&v| v as i64).collect::<Vec<_>>(), want);
}

#[test]
fn sort_refuses_keys_too_wide_for_the_ring() {
    let k: Vec<u64> = (0..1000).collect();
    let [r, _, _] = run3(1, &[k], |p, s| Ok(p.sort(&s[0], &[], 60).map(|_| ())));
    assert!(
        matches!(r, Err(sharestat_mpc::MpcError::Param { op: "sort", .. })),
        "{r:?}"
    );
}

#[test]
fn large_inputs_take_the_sampled_paths() {
    // 6000 rows with heavy duplication: segments are sampled, bracketed and finished by all-pairs.
    let k: Vec<u64> = (0..6000i64)
        .map(|i| ((i * 7919) % 301 - 150) as u64)
        .collect();
    let ranks = [0, 1, 2999, 3000, 4500, 5999];
    let [got, _, _] = run3(8, std::slice::from_ref(&k), |p, s| {
        let (sorted, _) = p.sort(&s[0], &[], 12)?;
        let sel = p.select_kth(&s[0], &ranks, 12)?;
        Ok((p.reveal(&sorted)?, p.reveal(&sel)?))
    });
    let mut want: Vec<i64> = k.iter().map(|&v| v as i64).collect();
    want.sort();
    assert_eq!(got.0.iter().map(|&v| v as i64).collect::<Vec<_>>(), want);
    let sel: Vec<i64> = ranks.iter().map(|&r| want[r]).collect();
    assert_eq!(got.1.iter().map(|&v| v as i64).collect::<Vec<_>>(), sel);
}
