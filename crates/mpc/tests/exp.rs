//! Powers of two `m 2^(y + shift)` against plaintext, with the error bound of the `exp`
//! module doc: relative `2^-(f-3)` plus two units of the result (the floor and the truncation).
mod common;
use common::*;
use proptest::prelude::*;

/// Checks `pow2` on exponents `ys` (reals) within `[lo, lo + 32)`.
fn check(seed: u8, ys: &[f64], lo: i64, m: f64, shift: i64) -> Result<(), TestCaseError> {
    let f = 28u32;
    let enc: Vec<u64> = ys
        .iter()
        .map(|&y| (y * (1u64 << f) as f64).round() as i64 as u64)
        .collect();
    let got = eval(seed, std::slice::from_ref(&enc), |p, s| {
        p.pow2(&s[0], f, (lo, 31), m, shift)
    });
    for (i, &w) in enc.iter().enumerate() {
        let y = w as i64 as f64 / (1u64 << f) as f64;
        let want = m * 2f64.powf(y + shift as f64);
        let g = got[i] as i64 as f64;
        let tol = want * 2f64.powi(-(f as i32 - 3)) + 2.0;
        prop_assert!(
            (g - want).abs() <= tol,
            "m 2^({y} + {shift}) = {want}, got {g}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(16))]

    /// Every exponent of the documented window, any `m` and a shift that keeps the result
    /// within the ring.
    #[test]
    fn powers_of_two(lo in -40i64..20, off in prop::collection::vec(0.0f64..31.999, 1..40),
                     m in 1.0f64..1.999, seed: u8) {
        let shift = 28 - lo; // the largest result near 2^61
        let ys: Vec<f64> = off.iter().map(|o| lo as f64 + o).collect();
        check(seed, &ys, lo, m, shift)?;
    }
}

/// The window's edges, whole exponents and a result scaled down below one unit.
#[test]
fn pow2_at_the_edges() {
    let ys = [
        -3.0,
        -2.999_999_99,
        -2.5,
        0.0,
        1.0,
        10.0,
        20.0,
        28.999_999,
        28.0,
    ];
    check(3, &ys, -3, 1.0, 30).unwrap();
    check(4, &ys, -3, 1.5, 2).unwrap();
    // Rounds do not depend on n.
    let rounds = |n: usize| {
        let x = vec![1u64 << 28; n];
        agreed(run3(5, &[x], |p, s| {
            let before = p.stats().rounds;
            p.pow2(&s[0], 28, (0, 31), 1.0, 0)?;
            Ok(p.stats().rounds - before)
        }))
    };
    assert_eq!(rounds(1), rounds(300));
    // 22 with the cheap truncation; each of its four truncations (three levels of Estrin's
    // scheme and the last) rounds exactly in seven more (the carry of its low bits,
    // `proto::fixed`). Horner's rule took 90.
    assert_eq!(rounds(1), 50);
}

/// `pow2_window`: the same powers inside the window, and the bit that says which exponents
/// lie outside `[lo, lo + 32)` (below, above, far on either side, and at both edges).
#[test]
fn pow2_window_flags_the_exponents_outside() {
    let f = 28u32;
    let lo = -5i64;
    let ys = [
        -5.0, -4.5, 0.0, 26.999_999, 26.0, 27.0, 27.5, -5.000_001, -6.0, -300.0, 40.0, 1e6, 3.25,
    ];
    let enc: Vec<u64> = ys
        .iter()
        .map(|&y| (y * (1u64 << f) as f64).round() as i64 as u64)
        .collect();
    let both = agreed(run3(9, std::slice::from_ref(&enc), |p, s| {
        let (z, out) = p.pow2_window(&s[0], f, (lo, 31), (1.0, 20))?;
        let plain = p.pow2(&s[0], f, (lo, 31), 1.0, 20)?;
        Ok((p.reveal(&z)?, p.reveal(&plain)?, p.reveal_bits(&out)?))
    }));
    let (z, plain, out) = both;
    for (i, &y) in ys.iter().enumerate() {
        let outside = !(lo as f64..(lo + 32) as f64).contains(&y);
        assert_eq!(out[i], outside, "y = {y}");
        if !outside {
            assert_eq!(z[i], plain[i], "y = {y}");
            let want = 2f64.powf(y + 20.0);
            assert!(
                (z[i] as f64 - want).abs() <= want * 2f64.powi(-25) + 2.0,
                "y = {y}"
            );
        }
    }
}

proptest! {
    #![proptest_config(config(24))]

    /// Quotients keep their relative precision whatever their magnitude: within `2^-25`
    /// relative plus four units of the result (two truncations, each a floor and an `ε`).
    #[test]
    fn quotients_are_relatively_precise(
        b in prop::collection::vec(1u64..(1 << 40), 1..30),
        q in prop::collection::vec(-13.0f64..12.9, 1..30),
        m in 1.0f64..1.999, e in -2i32..=27, seed: u8,
    ) {
        let n = b.len().min(q.len());
        let b = &b[..n];
        let a: Vec<u64> = (0..n).map(|i| (b[i] as f64 * q[i].signum() * 2f64.powf(q[i].abs())).round() as i64 as u64).collect();
        let got = eval(seed, &[a.clone(), b.to_vec()], |p, s| p.quotient(&s[0], &s[1], 41, (m, e)));
        for i in 0..n {
            let want = m * (a[i] as i64 as f64 / b[i] as f64) * 2f64.powi(e);
            let g = got[i] as i64 as f64;
            prop_assert!((g - want).abs() <= want.abs() * 2f64.powi(-25) + 4.0, "{} / {} -> {want}, got {g}", a[i] as i64, b[i]);
        }
    }
}
