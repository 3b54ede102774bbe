//! The adversarial suite's combinations of several releases (issue 13) under the cell-key
//! perturbation mode: trackers of counts, sums, means and t-tests give only noisy answers, the
//! same rows always get the same noise, and every perturbed value stays within its stated
//! error. The other attack classes: `attacks.rs`.
mod support;

use sharestat_dict::Policy;
use support::Fixture;
use support::attack::{D, refused_by, runs, study_policy};

/// The study's policy in the perturbation mode.
fn perturbed() -> Fixture {
    Fixture::new(Policy {
        perturbation: sharestat_dict::Perturbation::CellKey,
        ..study_policy()
    })
}

fn num(fx: &Fixture, q: &str) -> f64 {
    runs(fx, q).as_f64().unwrap_or_else(|| panic!("{q}"))
}

/// A tracker (Denning 1979): three releases that each pass every pairwise rule and
/// together give one patient's attribute: whether the oldest patient is a man.
const TRACKER: [&str; 3] = [
    "sum(d$gender == \"male\")",
    "sum(d$gender == \"male\" & d$age <= 66)",
    "sum(d$gender == \"male\" & d$age > 66 & d$age < 91)",
];

#[test]
fn the_tracker_is_exact_without_perturbation() {
    let fx = Fixture::adrenal();
    let c: Vec<f64> = TRACKER.iter().map(|q| num(&fx, q)).collect();
    assert_eq!(c[0] - c[1] - c[2], 1.0, "the oldest patient is a man");
}

#[test]
fn the_tracker_is_noisy_with_perturbation() {
    let (fx, exact) = (perturbed(), Fixture::adrenal());
    let c: Vec<f64> = TRACKER.iter().map(|q| num(&fx, q)).collect();
    let t: Vec<f64> = TRACKER.iter().map(|q| num(&exact, q)).collect();
    // Each count is within the noise bound of the truth, and the combination is not the
    // patient's attribute.
    for (g, w) in c.iter().zip(&t) {
        assert!((g - w).abs() <= 2.0, "{g} vs {w}");
    }
    assert_ne!(c[0] - c[1] - c[2], 1.0, "{c:?}");
}

#[test]
fn the_same_rows_always_get_the_same_noise() {
    let fx = perturbed();
    let q = "sum(d$age > 66)";
    let first = num(&fx, q);
    for _ in 0..5 {
        assert_eq!(
            num(&fx, q),
            first,
            "repeating does not average the noise out"
        );
    }
    // Written differently, the same rows: the same count.
    assert_eq!(num(&fx, "sum(!(d$age <= 66))"), first);
    assert_eq!(num(&fx, "nrow(subset(d, age > 66))"), first);
}

#[test]
fn the_noise_of_a_count_costs_at_most_one_round_more_than_its_checks() {
    // The coins are drawn in the sign-bit circuit of the count's own disclosure tests
    // (`disclose::Batch`), converted in the round that opens the tests' bits, and the noisy
    // count is opened from additive shares; a two-way table's keys take one product more.
    // Fresh fixtures: each query's subset is new to the record in both modes.
    for q in [
        "sum(d$age > 66)",
        "table(d$laterality)",
        "table(d$gender, d$age > 66)",
    ] {
        let q = format!("{D}{q}");
        let (noisy, exact) = (perturbed().rounds(&q), Fixture::adrenal().rounds(&q));
        assert!(
            noisy <= exact + 1,
            "{q}: {noisy} rounds perturbed, {exact} exact"
        );
    }
}

#[test]
fn counts_are_perturbed_within_the_bound_and_zeros_stay_zero() {
    let (fx, exact) = (perturbed(), Fixture::adrenal());
    let mut moved = 0;
    // Thresholds whose subsets differ pairwise in at least 5 rows (the differencing rule).
    for k in [52, 60, 66, 73, 80] {
        let q = format!("sum(d$age > {k})");
        let (g, w) = (num(&fx, &q), num(&exact, &q));
        assert!((g - w).abs() <= 2.0, "{q}: {g} vs {w}");
        moved += usize::from(g != w);
    }
    assert!(moved >= 2, "the noise moved only {moved} of 5 counts");
    // A table's cells get the noise of their rows, the last level's as the others'.
    for (column, levels) in [
        ("gender", &["male", "female"][..]),
        ("laterality", &["left", "right", "bilateral"]),
        ("ecog_status", &["0", "1", "2"]),
    ] {
        let t = runs(&fx, &format!("table(d${column})"));
        for level in levels {
            let c = num(&fx, &format!("sum(d${column} == \"{level}\")"));
            assert_eq!(t[level].as_f64(), Some(c), "{column} {level}: {t}");
        }
    }
    let t = runs(&fx, "table(d$ecog_status)");
    assert_eq!(t["3"], serde_json::json!(0), "{t}");
    assert_eq!(t["4"], serde_json::json!(0), "{t}");
    let q = "table(d$gender, d$age > 66)";
    let (g, w) = (runs(&fx, q).to_string(), runs(&exact, q).to_string());
    let nums = |s: &str| -> Vec<f64> {
        s.split(|c: char| !c.is_ascii_digit())
            .filter_map(|t| t.parse().ok())
            .collect()
    };
    let (gn, wn) = (nums(&g), nums(&w));
    assert_eq!(gn.len(), wn.len(), "{g} vs {w}");
    assert!(
        gn.iter().zip(&wn).all(|(a, b)| (a - b).abs() <= 2.0),
        "{g} vs {w}"
    );
}
/// The tracker on a sum, split at age `k`: the oldest patient's follow-up from three sums
/// over subsets.
fn sum_tracker(k: u32) -> [String; 3] {
    let x = "d$follow_up_months";
    let m = "d$gender == \"male\"";
    [
        format!("sum({x}[{m}])"),
        format!("sum({x}[{m} & d$age <= {k}])"),
        format!("sum({x}[{m} & d$age > {k} & d$age < 91])"),
    ]
}

/// The bound on a perturbed sum's noise: `D x 2^(b-k)` for `2^b` at or above the largest
/// value (the columns used are non-negative; with the study's `D = 2`, `k = 4`: at most a quarter of twice the maximum).
fn sum_bound(fx: &Fixture, column: &str) -> f64 {
    let max = num(fx, &format!("max(d${column}, na.rm = TRUE)"));
    2.0 * (2.0 * max) / 16.0
}

#[test]
fn the_sum_tracker_is_exact_without_perturbation() {
    let fx = Fixture::adrenal();
    let s: Vec<f64> = sum_tracker(66).iter().map(|q| num(&fx, q)).collect();
    assert!((s[0] - s[1] - s[2] - 12.6).abs() < 1e-6, "{s:?}");
}

#[test]
fn the_sum_tracker_is_noisy_with_perturbation() {
    let bound = sum_bound(&Fixture::adrenal(), "follow_up_months");
    // Trackers split at different ages (each in a study of its own, so that the pairwise
    // rule does not refuse their overlaps): each sum is within the bound, and the
    // estimates of the one patient's follow-up they give are noisy (two sums' noises can
    // cancel, so some may be right: the attacker cannot tell which).
    let mut wrong = 0;
    for k in [60, 63, 66, 70, 75] {
        let (fx, exact) = (perturbed(), Fixture::adrenal());
        let s: Vec<f64> = sum_tracker(k).iter().map(|q| num(&fx, q)).collect();
        let t: Vec<f64> = sum_tracker(k).iter().map(|q| num(&exact, q)).collect();
        for (g, w) in s.iter().zip(&t) {
            assert!((g - w).abs() <= bound, "{g} vs {w} (bound {bound})");
        }
        wrong += usize::from((s[0] - s[1] - s[2] - 12.6).abs() > 0.05);
    }
    assert!(wrong >= 3, "{wrong} of 5 trackers are wrong");
    let (fx, exact) = (perturbed(), Fixture::adrenal());
    // Variants: a total against a part, through arithmetic on a condition, a mean.
    let total = num(&fx, "sum(d$follow_up_months)");
    assert!((total - num(&exact, "sum(d$follow_up_months)")).abs() < 1e-6);
    let part = num(&fx, "sum(d$follow_up_months * (d$age <= 66))");
    let rest = num(
        &fx,
        "sum(ifelse(d$age > 66 & d$age < 91, d$follow_up_months, 0))",
    );
    assert!(
        (total - part - rest - 12.6).abs() > 0.05,
        "{total} {part} {rest}"
    );
    // Two means whose subsets differ in the patient: the exact rule still refuses it.
    runs(&fx, "mean(d$follow_up_months[d$age <= 66])");
    refused_by(
        &fx,
        "mean(d$follow_up_months[d$age <= 66 | d$age >= 91])",
        "differencing",
    );
    let _ = exact;
}

#[test]
fn the_same_rows_always_get_the_same_sum_noise() {
    let fx = perturbed();
    let q = "sum(d$gtv_cc[d$age > 66])";
    let first = num(&fx, q);
    for _ in 0..3 {
        assert_eq!(
            num(&fx, q),
            first,
            "repeating does not average the noise out"
        );
    }
    // The same rows of the same column written differently: the same noise.
    assert_eq!(num(&fx, "sum(subset(d, age > 66)$gtv_cc)"), first);
    // A value made zero outside the rows has its own magnitude bound (that of its
    // values, not of the column's): the same noise for every way of writing it.
    let product = num(&fx, "sum(d$gtv_cc * (d$age > 66))");
    assert_eq!(num(&fx, "sum(ifelse(d$age > 66, d$gtv_cc, 0))"), product);
    assert_eq!(num(&fx, "sum((d$age > 66) * d$gtv_cc)"), product);
}

#[test]
fn perturbed_variances_of_values_far_from_zero_stay_close() {
    // Ages of a subset: mean about 70, variance about 60. A variance made with the noisy
    // count and uncentred sums moved by its own size (the count's noise times mean²/var);
    // centred at the noisy mean it stays within a fraction of it.
    let (fx, exact) = (perturbed(), Fixture::adrenal());
    for cond in [
        "d$age > 52",
        "d$gender == \"male\"",
        "d$follow_up_months > 10",
    ] {
        let q = format!("var(d$age[{cond}])");
        let (g, w) = (num(&fx, &q), num(&exact, &q));
        assert!((g - w).abs() <= 0.25 * w, "{q}: {g} vs {w}");
    }
}

#[test]
fn a_t_test_over_a_subset_counts_it_only_with_noise() {
    // The tracker of counts built from t.tests' degrees of freedom: with the cell-key
    // method each df is the subset's perturbed count minus one, not its exact count, and
    // the test's mean and t stay close to the exact ones.
    let (fx, exact) = (perturbed(), Fixture::adrenal());
    let mut moved = 0;
    for k in [52, 60, 66, 73, 80] {
        let t = format!("t.test(d$age[d$age > {k}], mu = 70)");
        let (g, w) = (runs(&fx, &t), runs(&exact, &t));
        let count = num(&fx, &format!("sum(d$age > {k})"));
        assert_eq!(g["df"].as_f64().unwrap(), count - 1.0, "{t}: {g}");
        let exact_count = num(&exact, &format!("sum(d$age > {k})"));
        assert_eq!(w["df"].as_f64().unwrap(), exact_count - 1.0);
        moved += usize::from(count != exact_count);
        let (gm, wm) = (
            g["estimate"]["mean of x"].as_f64().unwrap(),
            w["estimate"]["mean of x"].as_f64().unwrap(),
        );
        assert!((gm - wm).abs() <= 0.1 * wm, "{t}: mean {gm} vs {wm}");
    }
    assert!(moved >= 2, "{moved}");
}

#[test]
fn a_cached_magnitude_is_never_mixed_between_values() {
    // `x - m` (the centring of a variance) changes one share component only: the party
    // that does not hold it sees the same shares as for `x`. Its cached bound must not
    // be taken (or overwritten) for the other value: the sum gives the same noise before
    // and after the variance.
    let fx = perturbed();
    let x = "(d$age + 1000000000)[d$age > 60]";
    let first = num(&fx, &format!("sum({x})"));
    let v = num(&fx, &format!("var({x})"));
    assert!(v >= 0.0, "{v}");
    for _ in 0..2 {
        assert_eq!(num(&fx, &format!("sum({x})")), first);
        num(&fx, &format!("sd({x})"));
    }
}

/// The corners of the box `[-1, 1]^3`.
fn corners() -> impl Iterator<Item = (f64, f64, f64)> {
    (0..8).map(|c| {
        let f = |bit: u32| if c >> bit & 1 == 1 { 1.0 } else { -1.0 };
        (f(0), f(1), f(2))
    })
}

#[test]
fn moments_of_subsets_are_within_the_documented_error() {
    let (fx, exact) = (perturbed(), Fixture::adrenal());
    let mut moved = 0;
    for (column, cond) in [
        ("gtv_cc", "d$age > 60"),
        ("follow_up_months", "d$gender == \"female\""),
        ("age", "d$follow_up_months > 12"),
        ("ptv_cc", "d$age <= 70"),
        ("gtv_cc", "d$gender == \"male\""),
        ("follow_up_months", "d$age > 55 & d$age < 80"),
        ("age", "d$gtv_cc > 20"),
        ("ptv_cc", "d$follow_up_months <= 30"),
    ] {
        let x = format!("d${column}[{cond}]");
        let n = num(&exact, &format!("sum(!is.na({x}))"));
        let bound = sum_bound(&exact, column);
        let (g, w) = (
            num(&fx, &format!("sum({x}, na.rm = TRUE)")),
            num(&exact, &format!("sum({x}, na.rm = TRUE)")),
        );
        assert!((g - w).abs() <= bound, "sum {x}: {g} vs {w}");
        moved += usize::from((g - w).abs() > 1e-9);
        // The mean and variance are made of the noisy sums and the count of the rows with
        // the count's noise (within ±2): each lies within the range of its formula over
        // the boxes of the three.
        let sum = w;
        let ss = num(&exact, &format!("sum({x} * {x}, na.rm = TRUE)"));
        let top = 2.0 * num(&exact, &format!("max(d${column}, na.rm = TRUE)"));
        let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
        for (dn, ds, dss) in corners() {
            let (n, s, q) = (n + 2.0 * dn, sum + bound * ds, ss + bound * top * dss);
            for (i, v) in [s / n, ((n * q - s * s) / (n * (n - 1.0))).max(0.0)]
                .into_iter()
                .enumerate()
            {
                (lo[i], hi[i]) = (lo[i].min(v), hi[i].max(v));
            }
        }
        for (i, f) in ["mean", "var"].into_iter().enumerate() {
            let g = num(&fx, &format!("{f}({x}, na.rm = TRUE)"));
            assert!(
                g >= lo[i] - 1e-9 && g <= hi[i] + 1e-9,
                "{f} {x}: {g} outside [{}, {}]",
                lo[i],
                hi[i]
            );
        }
    }
    assert!(moved >= 4, "the noise moved only {moved} of 8 sums");
}

#[test]
fn a_sum_over_its_mean_gives_only_the_perturbed_count() {
    let (fx, exact) = (perturbed(), Fixture::adrenal());
    let mut moved = 0;
    for k in [52, 60, 66, 73, 80] {
        let x = format!("d$follow_up_months[d$age > {k}]");
        let ratio = num(&fx, &format!("sum({x})")) / num(&fx, &format!("mean({x})"));
        let count = num(&fx, &format!("sum(d$age > {k})"));
        assert!((ratio - count).abs() < 1e-6, "{x}: {ratio} vs {count}");
        moved += usize::from(count != num(&exact, &format!("sum(d$age > {k})")));
    }
    assert!(moved >= 2, "{moved}");
}

#[test]
fn perturbed_results_carry_a_note_and_totals_are_exact() {
    let fx = perturbed();
    let out = fx.run(&format!("{D}mean(d$gtv_cc[d$age > 60])")).unwrap();
    let notes = &out.last().unwrap().notes;
    assert!(notes.iter().any(|n| n.contains("cell-key")), "{notes:?}");
    let exact = Fixture::adrenal();
    for q in [
        "sum(d$gtv_cc)",
        "mean(d$age)",
        "var(tm$ptv_cc)",
        "sd(d$follow_up_months)",
    ] {
        let (g, w) = (num(&fx, q), num(&exact, q));
        assert!((g - w).abs() <= 1e-9 * w.abs().max(1.0), "{q}: {g} vs {w}");
    }
}
