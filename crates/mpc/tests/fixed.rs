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
        let got = eval(seed, std::slice::from_ref(&x), |p, s| {
            p.set_exact_rounding(false);
            p.trunc(&s[0], d)
        });
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
            // Exact rounding: the floor, within one unit below.
            prop_assert!(decode(got[i], f) <= exact && exact - decode(got[i], f) < ulp, "{} * {}", a[i], b[i]);
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

proptest! {
    #![proptest_config(config(16))]

    /// ln and the reciprocal from one decomposition, within a few units in the last place.
    #[test]
    fn logarithm(x in prop::collection::vec(
            prop_oneof![1e-4f64..1.0, 1.0f64..100.0, 100.0f64..2.0e6], 1..40), seed: u8) {
        let f = FRAC_BITS;
        let ex: Vec<u64> = x.iter().map(|&v| encode(v, f)).collect();
        let got = eval(seed, std::slice::from_ref(&ex), |p, s| {
            let (r, l) = p.recip_ln(&s[0], f)?;
            Ok(AShares::concat(&[&r, &l]))
        });
        let n = x.len();
        let tol = 2f64.powi(-(f as i32 - 4));
        for i in 0..n {
            let xv = decode(ex[i], f);
            let l = decode(got[n + i], f);
            prop_assert!((l - xv.ln()).abs() <= tol, "ln {} = {} got {}", xv, xv.ln(), l);
            let r = decode(got[i], f);
            prop_assert!((r - 1.0 / xv).abs() <= tol * (1.0 / xv).max(1.0), "1/{} got {}", xv, r);
        }
    }

    /// ln on [1, 2] without the normalisation (the GLM's deviance, at f = 28), within the
    /// polynomial's 6.1e-9 and a few units, both edges included.
    #[test]
    fn logarithm_on_one_to_two(x in prop::collection::vec(1.0f64..=2.0, 1..40), seed: u8) {
        let f = 28;
        let mut x = x;
        x.extend([1.0, 2.0, 1.5]);
        let ex: Vec<u64> = x.iter().map(|&v| encode(v, f)).collect();
        let got = eval(seed, std::slice::from_ref(&ex), |p, s| p.ln_1_2(&s[0], f));
        let tol = 6.1e-9 + 2f64.powi(-(f as i32 - 3));
        for (i, &w) in ex.iter().enumerate() {
            let xv = decode(w, f);
            let l = decode(got[i], f);
            prop_assert!((l - xv.ln()).abs() <= tol, "ln {} = {} got {}", xv, xv.ln(), l);
        }
    }

    /// trunc_unbiased with per-element shifts rounds down or up.
    #[test]
    fn unbiased_truncation_rounds_down_or_up(x in signed_vec(60, 1..100), seed: u8) {
        let d: Vec<u32> = (0..x.len()).map(|i| 1 + (i as u32 * 7) % 40).collect();
        let got = eval(seed, std::slice::from_ref(&x), |p, s| {
            p.set_exact_rounding(false);
            p.trunc_unbiased(&s[0], &d)
        });
        for (i, &v) in x.iter().enumerate() {
            let floor = (v as i64) >> d[i];
            let g = got[i] as i64;
            prop_assert!(g == floor || g == floor + 1, "x {} d {} got {}", v as i64, d[i], g);
        }
    }

    /// Exact rounding (the default): `trunc` is `floor(x / 2^d)` and `trunc_unbiased`
    /// `floor(x / 2^d + 1/2)`, whatever the shares, for per-element shifts over the range.
    #[test]
    fn exact_truncation_rounds_to_nearest(x in signed_vec(62, 1..150), d0 in 1u32..=62, seed: u8) {
        let d: Vec<u32> = (0..x.len()).map(|i| 1 + (d0 + i as u32 * 13) % 62).collect();
        let x: Vec<u64> = x.iter().zip(&d).map(|(&v, &d)| {
            let lim = (1i64 << 62) - (1i64 << (d - 1)) - 1;
            (v as i64).clamp(-lim, lim) as u64
        }).collect();
        let [a, b] = [0u32, 1].map(|u| eval(seed, std::slice::from_ref(&x), |p, s| {
            if u == 0 { p.trunc_each(&s[0], &d) } else { p.trunc_unbiased(&s[0], &d) }
        }));
        for (i, &v) in x.iter().enumerate() {
            let nearest = ((v as i64) + (1i64 << (d[i] - 1))) >> d[i];
            prop_assert_eq!(a[i] as i64, (v as i64) >> d[i], "x {} d {}", v as i64, d[i]);
            prop_assert_eq!(b[i] as i64, nearest, "x {} d {}", v as i64, d[i]);
        }
    }
}

/// With exact rounding, a chain of fixed-point steps (products, reciprocal, logarithm) gives
/// the same words whatever the session's randomness: the reproducibility issue 14 asks for.
#[test]
fn exact_rounding_makes_results_independent_of_the_shares() {
    let f = FRAC_BITS;
    let x: Vec<u64> = (1..200u64)
        .map(|i| encode(0.37 * i as f64 + 0.011, f))
        .collect();
    let run = |seed: u8, exact: bool| {
        eval(seed, std::slice::from_ref(&x), |p, s| {
            p.set_exact_rounding(exact);
            let sq = p.fx_mul(&s[0], &s[0], f)?;
            let r = p.reciprocal(&sq, f)?;
            let (_, l) = p.recip_ln(&s[0], f)?;
            Ok(AShares::concat(&[&sq, &r, &l]))
        })
    };
    let first = run(1, true);
    for seed in [2, 3, 200] {
        assert_eq!(run(seed, true), first, "seed {seed}");
    }
    // The cheap rounding does depend on them (else this test could not fail).
    assert_ne!(run(1, false), run(2, false));
}

/// Sums of many unbiased truncations do not drift (floor truncation loses about one unit
/// per term; the unbiased one keeps the sum within a few standard deviations).
#[test]
fn unbiased_truncation_has_no_drift() {
    let n = 20_000usize;
    let d = 12u32;
    let x: Vec<u64> = (0..n as u64)
        .map(|i| (i.wrapping_mul(0x9E37_79B9) % (1 << 30)) as i64 as u64)
        .collect();
    let exact: f64 = x.iter().map(|&v| v as i64 as f64 / 4096.0).sum();
    let got = eval(9, std::slice::from_ref(&x), |p, s| {
        p.set_exact_rounding(false);
        p.trunc_unbiased(&s[0], &vec![d; n])
    });
    let floor_got = eval(9, std::slice::from_ref(&x), |p, s| {
        p.set_exact_rounding(false);
        p.trunc(&s[0], d)
    });
    let sum = |v: &[u64]| v.iter().map(|&g| g as i64 as f64).sum::<f64>();
    // Stochastic rounding: standard deviation at most sqrt(n)/2 = 71.
    assert!(
        (sum(&got) - exact).abs() < 400.0,
        "unbiased drift {}",
        sum(&got) - exact
    );
    assert!(
        exact - sum(&floor_got) > 0.5 * n as f64,
        "floor drift {}",
        exact - sum(&floor_got)
    );
}

proptest! {
    #![proptest_config(config(16))]

    /// ratio: a few units of 2^-f whatever the scale of a and b.
    #[test]
    fn ratio_of_any_scale(pairs in prop::collection::vec((1u64..(1 << 40), 0.0f64..1.0, any::<bool>()), 1..40), seed: u8) {
        let f = 24;
        let b: Vec<u64> = pairs.iter().map(|p| p.0).collect();
        let a: Vec<u64> = pairs
            .iter()
            .map(|p| {
                let v = (p.0 as f64 * p.1 * 7.0).round() as i64;
                (if p.2 { -v } else { v }) as u64
            })
            .collect();
        let got = eval(seed, &[a.clone(), b.clone()], |p, s| p.ratio(&s[0], &s[1], 41, f));
        for i in 0..b.len() {
            let want = a[i] as i64 as f64 / b[i] as f64;
            let g = decode(got[i], f);
            prop_assert!((g - want).abs() <= 2f64.powi(-(f as i32 - 3)) * want.abs().max(1.0), "{} / {} = {} got {}", a[i] as i64, b[i], want, g);
        }
    }
}

/// Rounds of the logarithms: Estrin's scheme in four levels (Horner's rule took nine).
#[test]
fn logarithm_rounds() {
    let rounds = |n: usize, general: bool| {
        let x = vec![encode(1.25, 26); n];
        agreed(run3(6, &[x], move |p, s| {
            let before = p.stats().rounds;
            if general {
                p.ln(&s[0], 26)?;
            } else {
                p.ln_1_2(&s[0], 26)?;
            }
            Ok(p.stats().rounds - before)
        }))
    };
    assert_eq!(rounds(1, false), rounds(200, false));
    assert!(rounds(1, false) <= 40, "{}", rounds(1, false));
    assert!(rounds(1, true) > rounds(1, false));
}

proptest! {
    #![proptest_config(config(16))]

    /// Public polynomials by Estrin's scheme against f64 evaluation, every degree from 0 to
    /// 16 (odd and even numbers of terms, levels with a term left over).
    #[test]
    fn polynomials_by_estrin(v in prop::collection::vec(-1.0f64..=1.0, 1..30),
                             c in prop::collection::vec(-0.5f64..0.5, 1..17), seed: u8) {
        let f = 28;
        let ev: Vec<u64> = v.iter().map(|&x| encode(x, f)).collect();
        let got = eval(seed, std::slice::from_ref(&ev), |p, s| p.poly(&s[0], &c, f));
        // Each truncation at most half a unit; powers up to v^16 carry up to 16 units.
        let tol = 40.0 * 2f64.powi(-(f as i32));
        for (i, &w) in ev.iter().enumerate() {
            let x = decode(w, f);
            let want: f64 = c.iter().rev().fold(0.0, |acc, k| acc * x + k);
            let g = decode(got[i], f);
            prop_assert!((g - want).abs() <= tol, "{c:?} at {x}: {want} got {g}");
        }
    }
}

proptest! {
    #![proptest_config(config(12))]

    /// Several polynomials of one value sharing their powers (`Party::polys`), of different
    /// degrees, against f64 evaluation; in the rounds of the longest one alone.
    #[test]
    fn several_polynomials_share_their_powers(
        v in prop::collection::vec(-1.0f64..=1.0, 1..20),
        cs in prop::collection::vec(prop::collection::vec(-0.5f64..0.5, 1..33), 1..4),
        seed: u8,
    ) {
        let f = 28;
        let ev: Vec<u64> = v.iter().map(|&x| encode(x, f)).collect();
        let sets = cs.clone();
        let out = run3(seed, std::slice::from_ref(&ev), move |p, s| {
            let refs: Vec<&[f64]> = sets.iter().map(Vec::as_slice).collect();
            let r0 = p.stats().rounds;
            let ys = p.polys(&s[0], &refs, f)?;
            let rounds = p.stats().rounds - r0;
            let longest = sets.iter().max_by_key(|c| c.len()).cloned().unwrap_or_default();
            let r1 = p.stats().rounds;
            p.poly(&s[0], &longest, f)?;
            let alone = p.stats().rounds - r1;
            let opened: Vec<Vec<u64>> = ys.iter().map(|y| p.reveal(y)).collect::<Result<_, _>>()?;
            Ok((opened, rounds, alone))
        });
        let (got, rounds, alone) = out[0].clone();
        prop_assert_eq!(rounds, alone);
        let tol = 80.0 * 2f64.powi(-(f as i32));
        for (c, g) in cs.iter().zip(&got) {
            for (i, &w) in ev.iter().enumerate() {
                let x = decode(w, f);
                let want: f64 = c.iter().rev().fold(0.0, |acc, k| acc * x + k);
                let y = decode(g[i], f);
                prop_assert!((y - want).abs() <= tol, "{c:?} at {x}: {want} got {y}");
            }
        }
    }
}

/// Beyond `ESTRIN_MAX_ELEMENTS` the same polynomial by Horner's rule: the same values within
/// the same error, more rounds and fewer bytes per element.
#[test]
fn long_polynomials_by_horner() {
    use sharestat_mpc::proto::poly::ESTRIN_MAX_ELEMENTS;
    let f = 28;
    let c = [0.3, -0.45, 0.2, 0.1, -0.05, 0.02, 0.01, -0.004, 0.002];
    let run = |n: usize| {
        let xs: Vec<f64> = (0..n).map(|i| -1.0 + 2.0 * i as f64 / n as f64).collect();
        let ev: Vec<u64> = xs.iter().map(|&x| encode(x, f)).collect();
        let out = run3(7, std::slice::from_ref(&ev), move |p, s| {
            let (r0, b0) = (p.stats().rounds, p.stats().bytes_sent);
            let y = p.poly(&s[0], &c, f)?;
            let (r, b) = (p.stats().rounds - r0, p.stats().bytes_sent - b0);
            let opened = p.reveal(&y)?;
            Ok((opened, r, b))
        });
        let (got, rounds, bytes) = out[0].clone();
        for (i, &w) in ev.iter().enumerate() {
            let x = decode(w, f);
            let want: f64 = c.iter().rev().fold(0.0, |acc, k| acc * x + k);
            let g = decode(got[i], f);
            assert!(
                (g - want).abs() <= 40.0 * 2f64.powi(-(f as i32)),
                "{x}: {want} got {g}"
            );
        }
        (rounds, bytes as f64 / n as f64)
    };
    let (short_rounds, short_bytes) = run(ESTRIN_MAX_ELEMENTS);
    let (long_rounds, long_bytes) = run(ESTRIN_MAX_ELEMENTS + 1);
    assert!(
        long_rounds > short_rounds,
        "{long_rounds} vs {short_rounds}"
    );
    assert!(long_bytes < short_bytes, "{long_bytes} vs {short_bytes}");
}
