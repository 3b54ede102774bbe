//! The FHIR fixtures: the adrenal study as FHIR (Munich as a Bulk Data export with a gzip
//! file and a manifest, Rome as a transaction Bundle in other UCUM units) imports to exactly
//! the encoded columns of the CSV files; a third-party generator's export (carebundle 0.5.0)
//! gives, patient by patient, the values an independent Python reading computed
//! (`examples/carebundle/expected.py` -> `expected.json`).
use std::path::PathBuf;

use sharestat_client::import::{ImportOptions, Imported, import_fhir, import_file};
use sharestat_dict::{ColumnType, Dictionary};

fn example(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(path)
}

fn dictionary(path: &str) -> Dictionary {
    Dictionary::parse(&std::fs::read_to_string(example(path)).unwrap()).unwrap()
}

fn opts(site: &str) -> ImportOptions {
    ImportOptions {
        site: site.into(),
        drop_bad_rows: false,
    }
}

fn same(fhir: &Imported, csv: &Imported) {
    assert_eq!(fhir.rows, csv.rows);
    assert_eq!(fhir.columns, csv.columns);
    for (c, (a, b)) in csv.columns.iter().zip(fhir.data.iter().zip(&csv.data)) {
        assert_eq!(a, b, "column {}", c.name);
    }
    assert_eq!(fhir, csv);
}

#[test]
fn munich_export_equals_the_csv() {
    let dict = dictionary("adrenal/dictionary.toml");
    let (fhir, stats) = import_fhir(&example("adrenal/fhir/munich"), &dict, &opts("munich"))
        .unwrap_or_else(|e| panic!("{e}"));
    let csv = import_file(&example("adrenal/munich.csv"), &dict, &opts("canonical")).unwrap();
    same(&fhir, &csv);
    assert_eq!(stats.files, 5);
}

#[test]
fn rome_bundle_in_other_units_equals_the_csv() {
    let dict = dictionary("adrenal/dictionary.toml");
    let (fhir, _) = import_fhir(&example("adrenal/fhir/rome.json"), &dict, &opts("rome"))
        .unwrap_or_else(|e| panic!("{e}"));
    let csv = import_file(&example("adrenal/rome.csv"), &dict, &opts("canonical")).unwrap();
    same(&fhir, &csv);
}

#[test]
fn munich_read_with_romes_alternatives_is_refused_by_code() {
    // Munich codes diagnoses in ICD-10-GM; without its site alternative (as "rome") the
    // primary tumour's Conditions are not selected, so primary would be missing for every
    // patient: the import still succeeds (primary may be missing) but differs from the CSV.
    let dict = dictionary("adrenal/dictionary.toml");
    let (fhir, _) = import_fhir(&example("adrenal/fhir/munich"), &dict, &opts("rome")).unwrap();
    assert_eq!(fhir.summary.column("primary").unwrap().missing, fhir.rows);
}

#[test]
fn carebundle_export_gives_the_independent_values() {
    let dict = dictionary("carebundle/dictionary.toml");
    let (imp, stats) = import_fhir(&example("carebundle/ndjson"), &dict, &opts("any"))
        .unwrap_or_else(|e| panic!("{e}"));
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(example("carebundle/expected.json")).unwrap(),
    )
    .unwrap();
    let patients = expected["patients"].as_array().unwrap();
    assert_eq!(imp.rows, patients.len());
    assert!(stats.skipped.contains_key("Practitioner"), "{stats:?}");
    same_as_expected(&dict, &imp, patients);
}

#[test]
fn carebundle_transaction_bundle_with_urn_uuid_references() {
    // carebundle's default output: a transaction Bundle per patient whose resources have no
    // id (POST entries), identified and referenced by `urn:uuid:` full URLs.
    let dict = dictionary("carebundle/dictionary.toml");
    let (imp, _) = import_fhir(
        &example("carebundle/bundle/mixed-7-0000.json"),
        &dict,
        &opts("any"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(example("carebundle/expected.json")).unwrap(),
    )
    .unwrap();
    let first = &expected["patients"].as_array().unwrap()[..1];
    assert_eq!(imp.rows, 1);
    same_as_expected(&dict, &imp, first);
}

/// Every column of every patient of `imp` equals `patients` (expected.json's values).
fn same_as_expected(dict: &Dictionary, imp: &Imported, patients: &[serde_json::Value]) {
    for col in &dict.columns {
        let words = imp.column(&col.name).unwrap();
        let present = imp.column(&format!("{}.present", col.name));
        for (i, p) in patients.iter().enumerate() {
            let want = &p[&col.name];
            let is_present = present.is_none_or(|m| m[i] == 1);
            if want.is_null() {
                assert!(
                    !is_present,
                    "{} of patient {}: expected missing",
                    col.name, p["id"]
                );
                continue;
            }
            assert!(is_present, "{} of patient {}: missing", col.name, p["id"]);
            let w = words[i] as i64;
            let got = match &col.ty {
                ColumnType::Categorical { levels, .. } => serde_json::json!(levels[w as usize]),
                ColumnType::Boolean => serde_json::json!(w == 1),
                ColumnType::Integer => serde_json::json!(w),
                ColumnType::Decimal { decimals } => {
                    let x = w as f64 / 10f64.powi(*decimals as i32);
                    assert!(
                        (x - want.as_f64().unwrap()).abs() < 1e-9,
                        "{} of patient {}: {x} != {want}",
                        col.name,
                        p["id"]
                    );
                    continue;
                }
                ColumnType::Date => {
                    let d = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()
                        + chrono::Duration::days(w);
                    serde_json::json!(d.to_string())
                }
            };
            assert_eq!(&got, want, "{} of patient {}", col.name, p["id"]);
        }
    }
}

#[test]
fn a_patient_without_an_index_date_is_named_once_per_derived_column() {
    // Munich's export without munich-01's radiotherapy (the index selection).
    let dict = dictionary("adrenal/dictionary.toml");
    let from = example("adrenal/fhir/munich");
    let dir = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(&from).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), dir.path().join(f.file_name())).unwrap();
    }
    let procs = std::fs::read_to_string(from.join("Procedure.ndjson")).unwrap();
    let kept: Vec<&str> = procs
        .lines()
        .filter(|l| !(l.contains("\"Patient/munich-01\"") && l.contains("108290001")))
        .collect();
    assert_eq!(kept.len() + 1, procs.lines().count());
    std::fs::write(dir.path().join("Procedure.ndjson"), kept.join("\n")).unwrap();
    let e = import_fhir(dir.path(), &dict, &opts("munich"))
        .unwrap_err()
        .to_string();
    for col in ["age", "follow_up_months"] {
        let lines: Vec<&str> = e
            .lines()
            .filter(|l| l.contains(&format!("column {col}:")))
            .collect();
        assert_eq!(lines.len(), 1, "{col}: {e}");
        assert!(
            lines[0].contains("Patient.ndjson line 1 (Patient/munich-01), column")
                && lines[0].contains("derived from the index date, which the patient lacks (no Procedure selected by the index)"),
            "{e}"
        );
    }
    // The treatment start (read from the same Procedure) is missing, and required.
    assert!(
        e.contains("(Patient/munich-01), column treatment_start: \"\" is not a date"),
        "{e}"
    );
}
