//! Unit tests of harmonisation and exact number parsing.

use super::*;
use crate::spec::{Dictionary, format_scaled};
use proptest::prelude::*;

fn adrenal() -> Dictionary {
    Dictionary::parse(include_str!("../../../examples/adrenal/dictionary.toml")).unwrap()
}

fn h(d: &Dictionary, col: &str, site: &str, cell: Cell) -> Result<Option<i64>, String> {
    harmonise(
        d.column(col).unwrap(),
        site,
        &d.site(site),
        &d.missing,
        &cell,
    )
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

#[test]
fn integers() {
    let d = adrenal();
    assert_eq!(h(&d, "age", "canonical", text(" 91 ")), Ok(Some(91)));
    assert_eq!(h(&d, "age", "canonical", text("91.0")), Ok(Some(91)));
    assert_eq!(h(&d, "age", "munich", Cell::Number(38.0)), Ok(Some(38)));
    assert_eq!(
        h(&d, "age", "munich", Cell::Number(38.5)),
        Err("an integer from 18 to 110".into())
    );
    assert_eq!(
        h(&d, "age", "canonical", text("x")),
        Err("an integer from 18 to 110".into())
    );
    assert_eq!(
        h(&d, "age", "canonical", text("17")),
        Err("an integer from 18 to 110".into())
    );
    assert_eq!(
        h(&d, "age", "canonical", text("NA")),
        Err("an integer from 18 to 110 (required: missing values are not allowed)".into())
    );
    assert_eq!(h(&d, "adapted_fractions", "rome", text("4")), Ok(Some(4)));
}

#[test]
fn decimals_are_exact() {
    let d = adrenal();
    assert_eq!(h(&d, "bed10_gy", "canonical", text("95.2")), Ok(Some(952)));
    assert_eq!(h(&d, "bed10_gy", "canonical", text("72")), Ok(Some(720)));
    assert_eq!(h(&d, "bed10_gy", "canonical", text("72.00")), Ok(Some(720)));
    assert_eq!(h(&d, "bed10_gy", "rome", text("60,0")), Ok(Some(600)));
    assert_eq!(
        h(&d, "bed10_gy", "munich", Cell::Number(95.2)),
        Ok(Some(952))
    );
    assert_eq!(
        h(&d, "conformity_index", "munich", Cell::Number(0.1 + 0.2)),
        Ok(Some(30))
    );
    assert_eq!(
        h(&d, "bed10_gy", "canonical", text("95.25")),
        Err("a number from 0.0 to 200.0 with at most 1 decimal place".into())
    );
    assert_eq!(
        h(&d, "bed10_gy", "munich", Cell::Number(95.25)),
        Err("a number from 0.0 to 200.0 with at most 1 decimal place".into())
    );
    assert_eq!(
        h(&d, "bed10_gy", "canonical", text("95,2")),
        Err(
            "a number from 0.0 to 200.0 with at most 1 decimal place (decimal separator '.')"
                .into()
        )
    );
    assert_eq!(
        h(&d, "bed10_gy", "rome", text("95.2")),
        Err(
            "a number from 0.0 to 200.0 with at most 1 decimal place (decimal separator ',')"
                .into()
        )
    );
    assert_eq!(
        h(&d, "gtv_cc", "canonical", text("0")),
        Err("a number from 0.1 to 2000.0 with at most 1 decimal place".into())
    );
    assert!(h(&d, "ptv_dmax_gy", "canonical", text("-3.5")).is_err());
    // A column without min or max: negative values, and values within the implicit bound
    // (2^40 - 1 encoded), and nothing beyond it.
    let mut open = d.clone();
    for c in &mut open.columns {
        if c.name == "ptv_dmax_gy" {
            (c.min, c.max) = (None, None);
        }
    }
    assert_eq!(
        h(&open, "ptv_dmax_gy", "canonical", text("-3.5")),
        Ok(Some(-35))
    );
    assert!(h(&open, "ptv_dmax_gy", "canonical", text("1e3")).is_err());
    assert!(
        h(
            &open,
            "ptv_dmax_gy",
            "canonical",
            text("99999999999999999999")
        )
        .is_err()
    );
    assert_eq!(
        h(&open, "ptv_dmax_gy", "canonical", text("109951162777.5")),
        Ok(Some(1_099_511_627_775))
    );
    let e = h(&open, "ptv_dmax_gy", "canonical", text("109951162777.6")).unwrap_err();
    assert!(e.contains("within ±109951162777.5"), "{e}");
    assert!(e.contains("declare the column's range"), "{e}");
}

#[test]
fn categoricals_and_aliases() {
    let d = adrenal();
    assert_eq!(h(&d, "gender", "canonical", text("female")), Ok(Some(1)));
    assert_eq!(h(&d, "gender", "canonical", text("Female")), Ok(Some(1)));
    assert_eq!(h(&d, "gender", "rome", text("M")), Ok(Some(0)));
    assert_eq!(h(&d, "gender", "rome", text("f")), Ok(Some(1)));
    assert_eq!(h(&d, "gender", "rome", text("male")), Ok(Some(0)));
    assert_eq!(
        h(&d, "gender", "munich", text("M")),
        Err("one of male, female".into())
    );
    assert_eq!(
        h(&d, "gender", "rome", text("x")),
        Err("one of male, female (or aliases F, M)".into())
    );
    assert_eq!(
        h(&d, "ecog_status", "munich", Cell::Number(2.0)),
        Ok(Some(2))
    );
    assert_eq!(h(&d, "ecog_status", "munich", text("2")), Ok(Some(2)));
    assert_eq!(h(&d, "toxicity_grade", "canonical", text("")), Ok(None));
    assert_eq!(h(&d, "toxicity_grade", "canonical", Cell::Empty), Ok(None));
    assert_eq!(h(&d, "primary", "canonical", text("na")), Ok(None));
}

#[test]
fn dates() {
    let d = adrenal();
    let day = |y, m, dd| date_to_epoch_days(NaiveDate::from_ymd_opt(y, m, dd).unwrap());
    assert_eq!(
        h(&d, "treatment_start", "canonical", text("2022-10-16")),
        Ok(Some(day(2022, 10, 16)))
    );
    assert_eq!(
        h(&d, "treatment_start", "rome", text("16/10/2022")),
        Ok(Some(day(2022, 10, 16)))
    );
    assert_eq!(
        h(&d, "treatment_start", "rome", text("2022-10-16")),
        Ok(Some(day(2022, 10, 16)))
    );
    assert_eq!(
        h(&d, "treatment_start", "munich", text("16.10.2022")),
        Ok(Some(day(2022, 10, 16)))
    );
    assert_eq!(
        h(&d, "treatment_start", "munich", Cell::Number(44850.0)),
        Ok(Some(day(2022, 10, 16)))
    );
    let date = NaiveDate::from_ymd_opt(2022, 10, 16).unwrap();
    assert_eq!(
        h(&d, "treatment_start", "munich", Cell::Date(date)),
        Ok(Some(day(2022, 10, 16)))
    );
    assert_eq!(
        h(&d, "treatment_start", "rome", text("31/02/2022")),
        Err("a date dd/mm/yyyy (or yyyy-mm-dd)".into())
    );
    assert_eq!(
        h(&d, "treatment_start", "canonical", text("16.10.2022")),
        Err("a date yyyy-mm-dd".into())
    );
    assert!(h(&d, "treatment_start", "munich", Cell::Number(44850.5)).is_err());
    assert_eq!(
        excel_serial_to_date(1.0),
        NaiveDate::from_ymd_opt(1900, 1, 1)
    );
    assert_eq!(
        excel_serial_to_date(59.0),
        NaiveDate::from_ymd_opt(1900, 2, 28)
    );
    assert_eq!(excel_serial_to_date(60.0), None);
    assert_eq!(
        excel_serial_to_date(61.0),
        NaiveDate::from_ymd_opt(1900, 3, 1)
    );
    assert_eq!(human_date_format("%d.%m.%Y"), "dd.mm.yyyy");
}

#[test]
fn booleans() {
    let d = adrenal();
    for (t, v) in [
        ("0", 0),
        ("1", 1),
        ("TRUE", 1),
        ("false", 0),
        ("Yes", 1),
        ("no", 0),
    ] {
        assert_eq!(
            h(&d, "event_death", "canonical", text(t)),
            Ok(Some(v)),
            "{t}"
        );
    }
    assert_eq!(
        h(&d, "event_death", "munich", Cell::Number(1.0)),
        Ok(Some(1))
    );
    assert_eq!(
        h(&d, "event_death", "munich", Cell::Bool(false)),
        Ok(Some(0))
    );
    assert_eq!(
        h(&d, "event_death", "munich", Cell::Number(2.0)),
        Err("a boolean (0/1, true/false, yes/no)".into())
    );
    let b = Dictionary::parse(
        "study = \"s\"\n[[columns]]\nname = \"b\"\ntype = \"boolean\"\naliases.de = { ja = true, nein = \"no\" }\n",
    )
    .unwrap();
    assert_eq!(h(&b, "b", "de", text("JA")), Ok(Some(1)));
    assert_eq!(h(&b, "b", "de", text("nein")), Ok(Some(0)));
    assert_eq!(
        h(&b, "b", "de", text("doch")),
        Err("a boolean (0/1, true/false, yes/no) (or aliases ja, nein)".into())
    );
}

#[test]
fn number_parser_edges() {
    assert_eq!(parse_scaled("+.5", '.', 1), Ok(5));
    assert_eq!(parse_scaled("5.", '.', 1), Ok(50));
    assert_eq!(parse_scaled("-0,05", ',', 2), Ok(-5));
    assert_eq!(parse_scaled(".", '.', 1), Err(NumError::Invalid));
    assert_eq!(parse_scaled("", '.', 1), Err(NumError::Invalid));
    assert_eq!(parse_scaled("1.2.3", '.', 3), Err(NumError::Invalid));
    assert_eq!(parse_scaled("1,5", '.', 1), Err(NumError::Invalid));
    assert_eq!(parse_scaled("1.25", '.', 1), Err(NumError::TooManyPlaces));
    assert_eq!(parse_scaled("9223372036854775807", '.', 0), Ok(i64::MAX));
    assert_eq!(
        parse_scaled("9223372036854775808", '.', 0),
        Err(NumError::Overflow)
    );
    assert_eq!(
        parse_scaled("922337203685477580.8", '.', 1),
        Err(NumError::Overflow)
    );
    assert_eq!(scale_f64(f64::NAN, 1), Err(NumError::Invalid));
    assert_eq!(scale_f64(1e300, 1), Err(NumError::Overflow));
    assert_eq!(scale_f64(1.000_000_000_1, 2), Ok(100));
    assert_eq!(scale_f64(1.000_001, 2), Err(NumError::TooManyPlaces));
}

proptest! {
    #[test]
    fn text_round_trip(v in any::<i64>(), d in 0u32..=12) {
        let t = format_scaled(v, d);
        prop_assert_eq!(parse_scaled(&t, '.', d), Ok(v));
        prop_assert_eq!(parse_scaled(&t.replace('.', ","), ',', d), Ok(v));
    }

    #[test]
    fn f64_round_trip(v in -(1i64 << 40)..(1i64 << 40), d in 0u32..=4) {
        let x: f64 = format_scaled(v, d).parse().unwrap();
        prop_assert_eq!(scale_f64(x, d), Ok(v));
    }
}
