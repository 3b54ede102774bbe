//! Vectors longer than `PAR_THRESHOLD` take the multi-core code paths (PRG expansion, local
//! products, AND gates, bit transposition); their results must equal plaintext as well.
mod common;
use common::*;
use sharestat_mpc::{AShares, PAR_THRESHOLD};

#[test]
fn large_vectors_use_the_parallel_paths() {
    let n = 2 * PAR_THRESHOLD + 77;
    let x: Vec<u64> = (0..n as i64)
        .map(|i| ((i * 7919) % 20011 - 10005) as u64)
        .collect();
    let y: Vec<u64> = (0..n as i64)
        .map(|i| match i % 3 {
            0 => x[i as usize],
            _ => ((i * 104_729) % 30011 - 15005) as u64,
        })
        .collect();
    let got = eval(11, &[x.clone(), y.clone()], |p, s| {
        let prod = p.mul(&s[0], &s[1])?;
        let dot = p.dot(&s[0], &s[1])?;
        let lt = p.lt(&s[0], &s[1], 64)?;
        let lt = p.b2a_bits(&lt)?;
        let eq = p.eq(&s[0], &s[1], 64)?;
        let eq = p.b2a_bits(&eq)?;
        let t = p.trunc(&prod, 3)?;
        let sh = p.shuffle(&[&s[0]])?;
        let sh_sum = sh[0].sum();
        Ok(AShares::concat(&[&prod, &dot, &lt, &eq, &t, &sh_sum]))
    });
    let mut at = 0;
    let mut take = |len: usize| {
        at += len;
        &got[at - len..at]
    };
    let prod: Vec<u64> = (0..n).map(|i| x[i].wrapping_mul(y[i])).collect();
    assert_eq!(take(n), &prod[..]);
    let dot = prod.iter().fold(0u64, |s, v| s.wrapping_add(*v));
    assert_eq!(take(1), &[dot]);
    let lt: Vec<u64> = (0..n)
        .map(|i| ((x[i] as i64) < (y[i] as i64)) as u64)
        .collect();
    assert_eq!(take(n), &lt[..]);
    let eq: Vec<u64> = (0..n).map(|i| (x[i] == y[i]) as u64).collect();
    assert!(eq.contains(&1) && eq.contains(&0));
    assert_eq!(take(n), &eq[..]);
    // Exact rounding (the default): the floor.
    for (i, &g) in take(n).iter().enumerate() {
        assert_eq!(g as i64, (prod[i] as i64) >> 3);
    }
    let sum = x.iter().fold(0u64, |s, v| s.wrapping_add(*v));
    assert_eq!(take(1), &[sum]);
}
