//! Truncation, fixed-point multiplication, reciprocal and division against plaintext, with the
//! error bounds stated in the `fixed` module docs.
mod common;
use common::*;
use proptest::prelude::*;
use sharestat_mpc::AShares;
use sharestat_mpc::fixed::{FRAC_BITS, decode, encode};

proptest! {
    #![proptest_config(config(24))]

    /// trunc returns floor(x / 2^d) or one less, for every |x| < 2^62.
    #[test]
    fn truncation_is_floor_or_one_less(x in signed_vec(62, 1..150), d in 1u32..=62, seed: u8) {
        let lim = (1i64 << 62) - 1;
        let x: Vec<u64> = x.into_iter().map(|v| (v as i64).clamp(-lim, lim) as u64).collect();
        let got = eval(seed, std::slice::from_ref(&x), |p, s| p.trunc(&s[0], d));
        for (i, &v) in x.iter().enumerate() {
            let floor = (v as i64) >> d;
            let g = got[i] as i64;
            prop_assert!(g == floor || g == floor - 1, "x {} d {} got {} floor {}", v as i64, d, g, floor);
        }
    }

    #[test]
    fn fixed_point_product(a in prop::collection::vec(-2000.0f64..2000.0, 1..60), seed: u8) {
        let b: Vec<f64> = a.iter().map(|v| 1.0 - v / 1000.0).collect();
        let f = FRAC_BITS;
        let ea: Vec<u64> = a.iter().map(|&v| encode(v, f)).collect();
        let eb: Vec<u64> = b.iter().map(|&v| encode(v, f)).collect();
        let got = eval(seed, &[ea.clone(), eb.clone()], |p, s| p.fx_mul(&s[0], &s[1], f));
        let ulp = 1.0 / (1u64 << f) as f64;
        for i in 0..a.len() {
            let exact = decode(ea[i], f) * decode(eb[i], f);
            prop_assert!(decode(got[i], f) - exact <= 0.0 && exact - decode(got[i], f) < 2.0 * ulp, "{} * {}", a[i], b[i]);
        }
    }

    /// |1/x - got| <= 2^-(f-4) * max(1, 1/x) on the whole documented domain.
    #[test]
    fn reciprocal_and_division(x in prop::collection::vec(
            prop_oneof![1e-5f64..1.0, 1.0f64..100.0, 100.0f64..2.0e6], 1..40), seed: u8) {
        let f = FRAC_BITS;
        let ex: Vec<u64> = x.iter().map(|&v| encode(v, f)).collect();
        let num: Vec<u64> = x.iter().map(|_| encode(3.5, f)).collect();
        let got = eval(seed, &[ex.clone(), num], |p, s| {
            let r = p.reciprocal(&s[0], f)?;
            let q = p.div(&s[1], &s[0], f)?;
            Ok(AShares::concat(&[&r, &q]))
        });
        let n = x.len();
        let tol = |want: f64| 2f64.powi(-(f as i32 - 4)) * want.abs().max(1.0);
        for i in 0..n {
            let xv = decode(ex[i], f);
            let want = 1.0 / xv;
            let r = decode(got[i], f);
            prop_assert!((r - want).abs() <= tol(want), "1/{} = {} got {}", xv, want, r);
            let q = decode(got[n + i], f);
            prop_assert!((q - 3.5 * want).abs() <= 4.0 * tol(3.5 * want), "3.5/{} got {}", xv, q);
        }
    }
}

#[test]
fn reciprocal_at_domain_edges() {
    let f = FRAC_BITS;
    let xs = [
        2f64.powi(-20),
        2f64.powi(-19),
        0.5,
        1.0,
        1.0 + 2f64.powi(-20),
        3.0,
        1.0e6,
        2.0e6,
    ];
    let ex: Vec<u64> = xs.iter().map(|&v| encode(v, f)).collect();
    let got = eval(4, std::slice::from_ref(&ex), |p, s| p.reciprocal(&s[0], f));
    for (i, &x) in xs.iter().enumerate() {
        let want = 1.0 / x;
        let r = decode(got[i], f);
        let tol = 2f64.powi(-(f as i32 - 4)) * want.max(1.0);
        assert!((r - want).abs() <= tol, "1/{x} = {want} got {r}");
    }
}
