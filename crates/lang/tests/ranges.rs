//! Issue 14: no silent wrong numbers. Every private value has a proven range (from the
//! dictionary and the program); arithmetic whose words could leave the ring is refused with
//! the expression and its bound, sums of squares are centred (or truncated, with their error
//! checked) so that variances never wrap. Each result is compared with plaintext arithmetic
//! on the fixture's own encoded values.
mod support;

use support::Fixture;

const D: &str = "tm <- load(\"munich\")\ntr <- load(\"rome\")\nd <- rbind(tm, tr)\n";

/// The plaintext values of a numeric column over both sites (real units).
fn column(fx: &Fixture, name: &str, decimals: u32) -> Vec<f64> {
    let mut out = Vec::new();
    for site in &fx.sites {
        let c = site
            .columns
            .iter()
            .position(|c| c.name == name)
            .unwrap_or_else(|| panic!("no column {name}"));
        out.extend(
            site.data[c]
                .iter()
                .map(|&w| w as i64 as f64 / 10f64.powi(decimals as i32)),
        );
    }
    out
}

fn var(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0)
}

fn num(fx: &Fixture, q: &str) -> f64 {
    fx.json(&format!("{D}{q}"))
        .as_f64()
        .unwrap_or_else(|| panic!("{q}"))
}

fn close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-6 * want.abs(),
        "{what}: {got} vs {want} (relative {:.1e})",
        ((got - want) / want).abs()
    );
}

#[test]
fn division_by_a_constant_then_a_variance_is_right() {
    let fx = Fixture::adrenal();
    let ptv = column(&fx, "ptv_cc", 1);
    let fu = column(&fx, "follow_up_months", 1);
    // The cases: -354.85 and NaN before.
    let third: Vec<f64> = ptv.iter().map(|v| v / 3.0).collect();
    close(num(&fx, "var(d$ptv_cc / 3)"), var(&third), "var(ptv / 3)");
    let years: Vec<f64> = fu.iter().map(|v| v / 12.0).collect();
    close(
        num(&fx, "sd(d$follow_up_months / 12)"),
        var(&years).sqrt(),
        "sd(fu / 12)",
    );
    let m: Vec<f64> = fu.iter().map(|v| v / 30.4375).collect();
    close(
        num(&fx, "var(d$follow_up_months / 30.4375)"),
        var(&m),
        "var(fu / 30.4375)",
    );
    // A chain of divisions that 64-bit words cannot hold within 1e-7: refused, saying why.
    let e = fx.refusal(&format!("{D}mean(d$follow_up_months * 30.4375 / 30.4375)"));
    assert!(e.contains("cannot be computed within 1e-7"), "{e}");
}

#[test]
fn squares_and_fourth_powers_are_right_or_refused() {
    let fx = Fixture::adrenal();
    let gtv = column(&fx, "gtv_cc", 1);
    let sq: Vec<f64> = gtv.iter().map(|v| v * v).collect();
    close(num(&fx, "var(d$gtv_cc * d$gtv_cc)"), var(&sq), "var(x * x)");
    close(num(&fx, "var(d$gtv_cc^2)"), var(&sq), "var(x^2)");
    let age = column(&fx, "age", 0);
    let a4: Vec<f64> = age.iter().map(|v| v.powi(4)).collect();
    close(
        num(&fx, "var(d$age * d$age * d$age * d$age)"),
        var(&a4),
        "var(age^4)",
    );
    // gtv^4 at 4 decimals: words up to 1.6e17, too wide for the exact parts of `wide.rs`
    // (2^57 over 48 rows); truncated by the least 2^j that fits them: the error bound
    // (4·2^j·s + 4·2^(2j) in squared words) is checked to be within 1e-6, and holds.
    let g4: Vec<f64> = gtv.iter().map(|v| v.powi(4)).collect();
    let got = num(&fx, "var(d$gtv_cc * d$gtv_cc * d$gtv_cc * d$gtv_cc)");
    let want = var(&g4);
    assert!(
        ((got - want) / want).abs() <= 1e-6,
        "var(gtv^4): {got} but {want}"
    );
    // ptv^5 at 5 decimals: words up to 2.4e22, beyond 2^62: refused, naming it.
    let e = fx.refusal(&format!(
        "{D}var(d$ptv_cc * d$ptv_cc * d$ptv_cc * d$ptv_cc * d$ptv_cc)"
    ));
    assert!(e.contains("can reach 2.4e17"), "{e}");
    assert!(
        e.contains("`d$ptv_cc * d$ptv_cc * d$ptv_cc * d$ptv_cc * d$ptv_cc`"),
        "{e}"
    );
}

#[test]
fn sums_beyond_64_bits_are_exact_and_words_beyond_it_refused() {
    let fx = Fixture::adrenal();
    // ptv up to 3000 at 1 decimal, to the fifth power: 2.4e17 at 5 decimals is a word of
    // 2.4e22 (beyond 2^62).
    let e = fx.refusal(&format!(
        "{D}sum(d$ptv_cc * d$ptv_cc * d$ptv_cc * d$ptv_cc * d$ptv_cc)"
    ));
    assert!(e.contains("beyond what a 64-bit word holds"), "{e}");
    // Within the word (8.1e17 at 4 decimals), but a sum over 48 rows can reach 3.9e19 words,
    // beyond 2^63: summed in two parts, exact (it was refused).
    let ptv = column(&fx, "ptv_cc", 1);
    let words: i128 = ptv
        .iter()
        .map(|v| ((v * 10.0).round() as i128).pow(4))
        .sum();
    let want = words as f64 / 1e4;
    let q = "d$ptv_cc * d$ptv_cc * d$ptv_cc * d$ptv_cc";
    assert_eq!(num(&fx, &format!("sum({q})")), want);
    close(num(&fx, &format!("mean({q})")), want / 48.0, "mean(ptv^4)");
    let fourth: Vec<f64> = ptv.iter().map(|v| v.powi(4)).collect();
    close(num(&fx, &format!("var({q})")), var(&fourth), "var(ptv^4)");
}

#[test]
fn comparisons_beyond_their_width_are_refused() {
    let fx = Fixture::adrenal();
    // gtv^4 at 4 decimals reaches 1.6e13 (1.6e17 words): wider than a 48-bit comparison.
    let e = fx.refusal(&format!(
        "{D}sum(d$gtv_cc * d$gtv_cc * d$gtv_cc * d$gtv_cc > 1000)"
    ));
    assert!(e.contains("secure comparison"), "{e}");
    // Ordinary comparisons run.
    let gtv = column(&fx, "gtv_cc", 1);
    let want = gtv.iter().filter(|v| **v * **v > 400.0).count() as f64;
    assert_eq!(num(&fx, "sum(d$gtv_cc * d$gtv_cc > 400)"), want);
}

#[test]
fn ifelse_and_floor_keep_proven_ranges() {
    let fx = Fixture::adrenal();
    let ptv = column(&fx, "ptv_cc", 1);
    let age = column(&fx, "age", 0);
    let x: Vec<f64> = ptv
        .iter()
        .zip(&age)
        .map(|(p, a)| if *a > 60.0 { p / 7.0 } else { 0.5 })
        .collect();
    close(
        num(&fx, "var(ifelse(d$age > 60, d$ptv_cc / 7, 0.5))"),
        var(&x),
        "var(ifelse)",
    );
    let f: Vec<f64> = ptv.iter().map(|v| (v / 7.0).floor()).collect();
    close(num(&fx, "var(floor(d$ptv_cc / 7))"), var(&f), "var(floor)");
}

#[test]
fn survival_times_with_many_digits_keep_every_row() {
    // Issue 14: times of `days / 30.4375` carry 10 significant digits; a key packed into 31
    // bits dropped rows without a word. The KM table on `t / 30.4375` is the table on `t`
    // with its times divided.
    let fx = Fixture::adrenal();
    let plain = fx.json(&format!(
        "{D}survfit(Surv(follow_up_months, event_death) ~ 1, data = d)"
    ));
    // 1.1: words of 2.3e9 at 8 decimals, past the old key's 2^31.
    for c in [30.4375, 1.1] {
        let scaled = fx.json(&format!(
            "{D}survfit(Surv(follow_up_months / {c}, event_death) ~ 1, data = d)"
        ));
        assert_eq!(scaled["n"], plain["n"], "{c}");
        assert_eq!(scaled["events"], plain["events"], "{c}");
        let (a, b) = (
            scaled["table"].as_array().unwrap(),
            plain["table"].as_array().unwrap(),
        );
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            let t = y["time"].as_f64().unwrap() / c;
            close(x["time"].as_f64().unwrap(), t, "time");
            assert_eq!(x["n_risk"], y["n_risk"]);
            assert_eq!(x["surv"], y["surv"]);
        }
        close(
            scaled["median"].as_f64().unwrap(),
            plain["median"].as_f64().unwrap() / c,
            "median",
        );
    }
}

#[test]
fn orderings_of_values_with_too_many_digits_are_refused() {
    let fx = Fixture::adrenal();
    // ptv * ptv at 2 decimals (words up to 9e8) orders fine.
    let ptv = column(&fx, "ptv_cc", 1);
    let mut sq: Vec<f64> = ptv.iter().map(|v| v * v).collect();
    sq.sort_by(f64::total_cmp);
    let n = sq.len();
    let want = (sq[n / 2 - 1] + sq[n / 2]) / 2.0;
    close(
        num(&fx, "median(d$ptv_cc * d$ptv_cc)"),
        want,
        "median(ptv^2)",
    );
    // ptv^3 at 3 decimals: words up to 2.7e13, beyond the 2^37 of a sort key.
    for q in [
        "median(d$ptv_cc * d$ptv_cc * d$ptv_cc)",
        "quantile(d$ptv_cc * d$ptv_cc * d$ptv_cc, 0.25)",
        "wilcox.test(d$ptv_cc * d$ptv_cc * d$ptv_cc, d$gtv_cc)",
    ] {
        let e = fx.refusal(&format!("{D}{q}"));
        assert!(e.contains("ordering them securely"), "{q}: {e}");
    }
}

/// Pearson's r of `x` and `y` in plaintext.
fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    sxy / (var(x) * var(y)).sqrt() / (n - 1.0)
}

#[test]
fn cross_products_beyond_64_bits_are_exact() {
    let fx = Fixture::adrenal();
    let (g, p) = (column(&fx, "gtv_cc", 1), column(&fx, "ptv_cc", 1));
    // ptv^2 at 2 decimals (9e8 words) times ptv^2 gtv over 48 rows: 3.9e19 > 2^62, so the
    // sums are made in parts beyond 64 bits (`wide_gram.rs`) and are exact.
    let p2: Vec<f64> = p.iter().map(|v| v * v).collect();
    let p2g: Vec<f64> = p2.iter().zip(&g).map(|(a, b)| a * b).collect();
    let q = "cor(d$ptv_cc * d$ptv_cc, d$ptv_cc * d$ptv_cc * d$gtv_cc)";
    close(num(&fx, q), pearson(&p2, &p2g), q);
    // The same in lm (`Σ y²` of ptv^2 reaches 3.9e19 units): the slope of a simple
    // regression is cov / var.
    let fit = fx.json(&format!(
        "{D}d$p2 <- d$ptv_cc * d$ptv_cc\nlm(p2 ~ gtv_cc, data = d)"
    ));
    let slope = pearson(&g, &p2) * (var(&p2) / var(&g)).sqrt();
    close(fit["coef"][1].as_f64().unwrap(), slope, "lm slope");
    // With that column as the regressor, its largest row has a hat value of 0.9988 (R's
    // `hatvalues`): the leverage rule, computed from the wide cross-products, refuses it.
    let e = fx.refusal(&format!(
        "{D}d$big <- d$ptv_cc * d$ptv_cc * d$gtv_cc\nlm(age ~ big, data = d)"
    ));
    assert!(e.contains("max_leverage"), "{e}");
    // Values within a word whose products even 128 bits cannot sum: refused, named.
    let e = fx.refusal(&format!(
        "{D}cor(d$ptv_cc * d$ptv_cc * d$ptv_cc * d$ptv_cc, d$gtv_cc)"
    ));
    assert!(e.contains("even in 128 bits"), "{e}");
    // Ordinary correlations run and are right.
    close(num(&fx, "cor(d$gtv_cc, d$ptv_cc)"), pearson(&g, &p), "cor");
}

#[test]
fn abs_pmin_and_pmax_are_exact_and_keep_disclosure_control() {
    let fx = Fixture::adrenal();
    let (age, ptv, gtv) = (
        column(&fx, "age", 0),
        column(&fx, "ptv_cc", 1),
        column(&fx, "gtv_cc", 1),
    );
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let dev: Vec<f64> = age.iter().map(|a| (a - 65.0).abs()).collect();
    close(num(&fx, "mean(abs(d$age - 65))"), mean(&dev), "mean(abs)");
    close(num(&fx, "var(abs(d$age - 65))"), var(&dev), "var(abs)");
    let capped: Vec<f64> = ptv.iter().map(|p| p.min(100.0)).collect();
    close(num(&fx, "mean(pmin(d$ptv_cc, 100))"), mean(&capped), "pmin");
    let floor: Vec<f64> = gtv.iter().map(|g| g.max(10.5)).collect();
    close(num(&fx, "mean(pmax(d$gtv_cc, 10.5))"), mean(&floor), "pmax");
    let both: Vec<f64> = ptv
        .iter()
        .zip(&gtv)
        .map(|(p, g)| p.min(*g * 3.0).min(80.0))
        .collect();
    // In a study of its own: its parts differ from the ones above in a few rows.
    close(
        num(
            &Fixture::adrenal(),
            "mean(pmin(d$ptv_cc, d$gtv_cc * 3, 80))",
        ),
        mean(&both),
        "pmin of three",
    );
    // The rows where the comparison goes one way are a part: one patient is older than 90,
    // so abs(age - 90.5) (or pmax(age, 90.5)) summed against sum(age) would show his age.
    for q in ["sum(abs(d$age - 90.5))", "sum(pmax(d$age, 90.5))"] {
        let e = fx.refusal(&format!("{D}{q}"));
        assert!(e.contains("refused by disclosure control"), "{q}: {e}");
        assert!(!e.contains("91"), "{q}: {e}");
    }
    let e = fx.refusal(&format!("{D}mean(pmin(d$age, 70, na.rm = TRUE))"));
    assert!(e.contains("na.rm = TRUE is not available"), "{e}");
}

#[test]
fn round_and_signif_of_public_numbers_match_r() {
    // `r/round.R` -> `r/round.json`: R's values on ties, binary near-ties (2.675, 0.15),
    // negatives, large and small numbers, and digits from -2 to 4 (signif: 1 to 7).
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../r/round.json");
    let cases: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let fx = Fixture::open();
    for case in cases.as_array().unwrap() {
        let (f, d) = (
            case["fun"].as_str().unwrap(),
            case["digits"].as_i64().unwrap(),
        );
        let xs: Vec<String> = case["x"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| format!("{:?}", v.as_f64().unwrap()))
            .collect();
        let q = format!("{f}(c({}), {d})", xs.join(", "));
        let got = fx.json(&q);
        let (got, want) = (got.as_array().unwrap(), case["y"].as_array().unwrap());
        assert_eq!(got.len(), want.len(), "{q}");
        for ((g, w), x) in got.iter().zip(want).zip(&xs) {
            let (g, w) = (g.as_f64().unwrap(), w.as_f64().unwrap());
            assert!(
                g == w || (g - w).abs() <= 1e-12 * w.abs(),
                "{f}({x}, {d}): {g}, R has {w}"
            );
        }
    }
}

/// `round(x, digits)` of private values: the stored decimal value to the nearest, ties to
/// even (R's rule wherever the value is a binary fraction, as every tie of one-decimal data
/// is; `r/survival_cohorts.R` has R's values on a cohort); `signif` likewise, per value's
/// decade.
#[test]
fn round_of_private_values_rounds_the_stored_decimals() {
    let fx = Fixture::open();
    let ptv = column(&fx, "ptv_cc", 1);
    let age = column(&fx, "age", 0);
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let half_even = |x: f64, k: i32| {
        // On the exact decimal: x has at most 3 places here, so x * 10^3 is an integer.
        let w = (x * 1000.0).round() as i64;
        let d = 10i64.pow((3 - k) as u32);
        let (q, r) = (w.div_euclid(d), w.rem_euclid(d));
        let q = if 2 * r > d || (2 * r == d && q % 2 == 1) {
            q + 1
        } else {
            q
        };
        q as f64 * 10f64.powi(-k)
    };
    for (q, want) in [
        (
            "mean(round(d$ptv_cc))",
            mean(&ptv.iter().map(|&x| half_even(x, 0)).collect::<Vec<_>>()),
        ),
        (
            "mean(round(d$ptv_cc, -1))",
            mean(&ptv.iter().map(|&x| half_even(x, -1)).collect::<Vec<_>>()),
        ),
        ("mean(round(d$ptv_cc, 1))", mean(&ptv)),
        (
            "mean(round(d$age / 8, 1))",
            mean(
                &age.iter()
                    .map(|&x| half_even(x / 8.0, 1))
                    .collect::<Vec<_>>(),
            ),
        ),
        ("var(round(d$ptv_cc / 4, 2))", {
            let v: Vec<f64> = ptv.iter().map(|&x| half_even(x / 4.0, 2)).collect();
            let m = mean(&v);
            v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64
        }),
    ] {
        close(num(&fx, q), want, q);
    }
    // Ties go to the even neighbour, on both signs (2.5 -> 2, -2.5 -> -2, 3.5 -> 4).
    let ties = ptv
        .iter()
        .filter(|&&x| ((x * 10.0).round() as i64).rem_euclid(10) == 5)
        .count();
    assert!(ties > 0, "the fixture has ties at .5");
    // signif: each value's decade (secret) picks its rounding; on the exact decimal, ties to
    // even (the rule R applies to 2.5 or 15, binary fractions and integers, the only ties of
    // one-decimal data).
    let signif = |x: f64, k: i32| {
        let w = (x.abs() * 1000.0).round() as i64;
        if w == 0 {
            return 0.0;
        }
        let e = w.to_string().len() as i32 - 1 - 3;
        let keep = k - 1 - e;
        if keep >= 3 { x } else { half_even(x, keep) }
    };
    let ci = column(&fx, "conformity_index", 2);
    let bed = column(&fx, "bed10_gy", 1);
    for (q, col, shift, k) in [
        ("mean(signif(d$conformity_index, 1))", &ci, 0.0, 1),
        ("mean(signif(d$conformity_index, 2))", &ci, 0.0, 2),
        ("mean(signif(d$bed10_gy, 2))", &bed, 0.0, 2),
        ("mean(signif(d$bed10_gy))", &bed, 0.0, 6),
        ("var(signif(d$conformity_index - 0.1, 1))", &ci, -0.1, 1),
        ("mean(signif(-d$bed10_gy, 2))", &bed, 0.0, -2),
    ] {
        // A negative `k` here negates the column (R's signif keeps the sign).
        let (sign, k) = if k < 0 { (-1.0, -k) } else { (1.0, k) };
        let v: Vec<f64> = col.iter().map(|&x| signif(sign * x + shift, k)).collect();
        let want = if q.starts_with("var") {
            let m = mean(&v);
            v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64
        } else {
            mean(&v)
        };
        close(num(&fx, q), want, q);
    }
    // Each value's decade is a part for the disclosure rules (the rounding residues of a
    // decade of a few rows would otherwise stand out): ptv's range reaches 3000, and no
    // patient has 1000 cc or more, so that decade's part is empty and the mean refused.
    let e = fx.refusal(&format!("{D}mean(signif(d$ptv_cc, 2))"));
    assert!(e.contains("min_subset"), "{e}");
}

#[test]
fn a_column_without_declared_bounds_is_narrowed_by_a_secure_check() {
    // ptv_dmax_gy without min or max: the implicit ±2^40 would leave its variance refused
    // (its squares could not be summed exactly); the one-bit check that every value lies
    // within ±2^20 units makes it exact again.
    let policy = Fixture::open().policies[0].clone();
    let fx = Fixture::with_dictionary(policy, |d| {
        for c in &mut d.columns {
            if c.name == "ptv_dmax_gy" {
                (c.min, c.max) = (None, None);
            }
        }
    });
    let dmax = column(&fx, "ptv_dmax_gy", 1);
    close(
        num(&fx, "var(d$ptv_dmax_gy)"),
        var(&dmax),
        "var(ptv_dmax_gy)",
    );
    close(
        num(&fx, "sd(d$ptv_dmax_gy / 3)"),
        (var(&dmax) / 9.0).sqrt(),
        "sd(ptv_dmax_gy / 3)",
    );
}
