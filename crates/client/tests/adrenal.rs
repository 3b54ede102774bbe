//! The adrenal fixture: the delivered files (Munich's workbook, Rome's `;`/decimal-comma
//! CSV) import to exactly the same encoded columns as the canonical CSVs, and the
//! values agree with the fixture's README / expected.json.

use std::path::PathBuf;

use sharestat_client::import::{ImportOptions, Imported, import_bytes, import_file};
use sharestat_dict::Dictionary;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/adrenal")
        .join(name)
}

fn dictionary() -> Dictionary {
    let text = std::fs::read_to_string(fixture("dictionary.toml")).unwrap();
    Dictionary::parse(&text).unwrap()
}

fn import(name: &str, site: &str) -> Imported {
    let opts = ImportOptions {
        site: site.into(),
        drop_bad_rows: false,
    };
    import_file(&fixture(name), &dictionary(), &opts).unwrap_or_else(|e| panic!("{e}"))
}

fn levels(imp: &Imported, col: &str) -> Vec<(String, usize)> {
    imp.summary.column(col).unwrap().levels.clone()
}

fn pairs(v: &[(&str, usize)]) -> Vec<(String, usize)> {
    v.iter().map(|(l, n)| (l.to_string(), *n)).collect()
}

#[test]
fn munich_workbook_equals_canonical_csv() {
    let delivered = import("munich_delivered.xlsx", "munich");
    let canonical = import("munich.csv", "canonical");
    assert_eq!(delivered.columns, canonical.columns);
    for (c, (a, b)) in canonical
        .columns
        .iter()
        .zip(delivered.data.iter().zip(&canonical.data))
    {
        assert_eq!(a, b, "column {}", c.name);
    }
    assert_eq!(delivered, canonical);
}

#[test]
fn rome_delivered_csv_equals_canonical_csv() {
    let delivered = import("rome_delivered.csv", "rome");
    let canonical = import("rome.csv", "some-unlisted-site");
    assert_eq!(delivered.columns, canonical.columns);
    for (c, (a, b)) in canonical
        .columns
        .iter()
        .zip(delivered.data.iter().zip(&canonical.data))
    {
        assert_eq!(a, b, "column {}", c.name);
    }
    assert_eq!(delivered, canonical);
}

/// A file held in memory (as the local app receives it from a browser) imports exactly as
/// the same file on disk, workbook and delimited text; its errors name it.
#[test]
fn files_in_memory_import_as_files_on_disk() {
    for (name, site) in [
        ("munich_delivered.xlsx", "munich"),
        ("rome_delivered.csv", "rome"),
        ("munich.csv", "canonical"),
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let opts = ImportOptions {
            site: site.into(),
            drop_bad_rows: false,
        };
        let got = import_bytes(name, bytes, &dictionary(), &opts).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got, import(name, site), "{name}");
    }
    let opts = ImportOptions::default();
    let bad = import_bytes("notes.pdf", b"%PDF".to_vec(), &dictionary(), &opts).unwrap_err();
    assert!(
        bad.to_string().contains("unsupported file type \".pdf\""),
        "{bad}"
    );
    let broken = import_bytes("x.xlsx", b"not a zip".to_vec(), &dictionary(), &opts).unwrap_err();
    assert!(broken.to_string().contains("x.xlsx"), "{broken}");
    assert!(
        broken.to_string().contains("cannot open the workbook"),
        "{broken}"
    );
}

#[test]
fn spot_checks_against_the_readme() {
    let munich = import("munich_delivered.xlsx", "munich");
    let rome = import("rome_delivered.csv", "rome");
    assert_eq!((munich.rows, rome.rows), (24, 24));
    assert_eq!((munich.dropped_rows, rome.dropped_rows), (0, 0));
    assert_eq!(
        levels(&munich, "gender"),
        pairs(&[("male", 16), ("female", 8)])
    );
    // Combined: male 29, female 19; ECOG 0/1/2: 18/22/8.
    let add = |col: &str| -> Vec<usize> {
        levels(&munich, col)
            .iter()
            .zip(levels(&rome, col))
            .map(|(a, b)| a.1 + b.1)
            .collect()
    };
    assert_eq!(add("gender"), vec![29, 19]);
    assert_eq!(add("ecog_status"), vec![18, 22, 8, 0, 0]);
    // expected.json "missing".
    for (col, n) in [
        ("pattern", 1),
        ("primary", 2),
        ("toxicity", 2),
        ("toxicity_grade", 2),
        ("local_control", 2),
        ("age", 0),
    ] {
        let m =
            munich.summary.column(col).unwrap().missing + rome.summary.column(col).unwrap().missing;
        assert_eq!(m, n, "missing {col}");
    }
    let age = munich.summary.column("age").unwrap();
    assert_eq!(
        (age.min.as_deref(), age.max.as_deref()),
        (Some("38"), Some("91"))
    );
    assert_eq!(age.kind, "integer");
    let bed = rome.summary.column("bed10_gy").unwrap();
    assert_eq!(bed.kind, "decimal(1)");
    let start = munich.summary.column("treatment_start").unwrap();
    assert_eq!(
        (start.min.as_deref(), start.max.as_deref()),
        (Some("2020-08-24"), Some("2023-09-03"))
    );
    let fu = rome.summary.column("follow_up_months").unwrap();
    assert_eq!(fu.min.as_deref(), Some("0.9"));

    // Sums of exact encodings (expected.json "numeric"): age 3208, BED10 3559.4 Gy,
    // conformity index 48.16.
    let sum = |col: &str| -> i64 {
        [&munich, &rome]
            .iter()
            .flat_map(|i| i.column(col).unwrap())
            .map(|w| *w as i64)
            .sum()
    };
    assert_eq!(sum("age"), 3208);
    assert_eq!(sum("bed10_gy"), 35594);
    assert_eq!(sum("conformity_index"), 4816);
    assert_eq!(sum("follow_up_months"), 4966);

    // First Munich patient: male, 91, treatment start 2022-10-16 (day 19281).
    assert_eq!(munich.column("gender").unwrap()[0], 0);
    assert_eq!(munich.column("gender=male").unwrap()[0], 1);
    assert_eq!(munich.column("treatment_start").unwrap()[0], 19281);
    assert_eq!(munich.column("prescription_dose_gy").unwrap()[0], 405);
    // A missing primary: value 0, mask 0.
    let present = munich.column("primary.present").unwrap();
    assert_eq!(present.iter().filter(|p| **p == 0).count(), 2);
    let i = present.iter().position(|p| *p == 0).unwrap();
    assert_eq!(munich.column("primary").unwrap()[i], 0);
    assert!((0..6).all(|l| {
        munich
            .column(&format!(
                "primary={}",
                ["lung", "skin", "liver", "colorectal", "kidney", "other"][l]
            ))
            .unwrap()[i]
            == 0
    }));
    assert!(munich.data.iter().all(|c| c.len() == 24));
    assert!(!munich.summary.to_string().is_empty());
}
