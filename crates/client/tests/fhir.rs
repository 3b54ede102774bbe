//! The FHIR reader on small hand-made exports whose every value is worked out by hand:
//! each rule (first, last, nearest, count, exists, age, time, event), UCUM conversion,
//! Bundles with `urn:uuid` references, manifests, gzip; and the bad-input corpus (unknown
//! code, wrong unit, malformed line, missing or dangling patient reference, truncated
//! gzip, ambiguous values, dates before birth), each error naming file, line, resource,
//! element and column.
use std::io::Write;
use std::path::Path;

use sharestat_client::import::{ImportErrors, ImportOptions, Imported, import_fhir};
use sharestat_dict::Dictionary;

const DICT: &str = r#"
study = "t"
title = "FHIR reader test"

[[columns]]
name = "sex"
type = "categorical"
levels = ["male", "female"]
required = true

[[columns]]
name = "age"
type = "integer"
min = 0
max = 120

[[columns]]
name = "crea"
type = "decimal"
decimals = 2
unit = "mg/dL"
min = 0
max = 20

[[columns]]
name = "ecog"
type = "categorical"
levels = ["0", "1", "2"]

[[columns]]
name = "diabetes"
type = "boolean"
required = true

[[columns]]
name = "visits"
type = "integer"
min = 0
max = 1000

[[columns]]
name = "start"
type = "date"

[[columns]]
name = "months"
type = "decimal"
decimals = 1
unit = "months"
min = 0
max = 600

[[columns]]
name = "dead"
type = "boolean"

[fhir]
index = { resource = "Procedure", codes = ["http://snomed.info/sct|108290001"] }

[fhir.columns.sex]
resource = "Patient"
element = "gender"
map = { male = "male", female = "female" }

[fhir.columns.age]
derive = "age"

[fhir.columns.crea]
resource = "Observation"
codes = ["http://loinc.org|2160-0"]
element = "valueQuantity"
unit = "mg/dL"
pick = "last"

[fhir.columns.ecog]
resource = "Observation"
codes = ["http://loinc.org|89247-1"]
element = "valueCodeableConcept"
map = { "http://loinc.org|LA9622-7" = "0", "http://loinc.org|LA9623-5" = "1", "http://loinc.org|LA9624-3" = "2" }
pick = "nearest"
window_days = 30

[fhir.columns.diabetes]
resource = "Condition"
codes = ["E11"]
pick = "exists"

[fhir.columns.visits]
resource = "Encounter"
pick = "count"

[fhir.columns.start]
resource = "Procedure"
codes = ["http://snomed.info/sct|108290001"]

[fhir.columns.months]
derive = "time"
event = "death"

[fhir.columns.dead]
derive = "event"
event = "death"

[fhir.sites.rome.columns.crea]
unit = "umol/L"
"#;

fn dict() -> Dictionary {
    Dictionary::parse(DICT).unwrap()
}

fn opts(site: &str) -> ImportOptions {
    ImportOptions {
        site: site.into(),
        drop_bad_rows: false,
    }
}

const P1: &str = r#"{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1950-06-15","deceasedDateTime":"2021-03-02T10:00:00+01:00"}"#;
const P2: &str = r#"{"resourceType":"Patient","id":"p2","gender":"male","birthDate":"1960-01-01"}"#;
const PROC1: &str = r#"{"resourceType":"Procedure","id":"rt1","status":"completed","subject":{"reference":"Patient/p1"},"code":{"coding":[{"system":"http://snomed.info/sct","code":"108290001"}]},"performedPeriod":{"start":"2020-06-15","end":"2020-06-20"}}"#;
const PROC2: &str = r#"{"resourceType":"Procedure","id":"rt2","status":"completed","subject":{"reference":"Patient/p2"},"code":{"coding":[{"system":"http://snomed.info/sct","code":"108290001"}]},"performedDateTime":"2021-01-10"}"#;

fn obs(id: &str, patient: &str, code: &str, date: &str, value: &str) -> String {
    format!(
        r#"{{"resourceType":"Observation","id":"{id}","status":"final","subject":{{"reference":"Patient/{patient}"}},"code":{{"coding":[{{"system":"http://loinc.org","code":"{code}"}}]}},"effectiveDateTime":"{date}",{value}}}"#
    )
}

fn crea(id: &str, patient: &str, date: &str, v: &str, unit: &str) -> String {
    obs(
        id,
        patient,
        "2160-0",
        date,
        &format!(
            r#""valueQuantity":{{"value":{v},"unit":"{unit}","system":"http://unitsofmeasure.org","code":"{unit}"}}"#
        ),
    )
}

fn ecog(id: &str, patient: &str, date: &str, la: &str) -> String {
    obs(
        id,
        patient,
        "89247-1",
        date,
        &format!(
            r#""valueCodeableConcept":{{"coding":[{{"system":"http://loinc.org","code":"{la}"}}]}}"#
        ),
    )
}

fn enc(id: &str, patient: &str, date: &str) -> String {
    format!(
        r#"{{"resourceType":"Encounter","id":"{id}","status":"finished","class":{{"code":"AMB"}},"subject":{{"reference":"Patient/{patient}"}},"period":{{"start":"{date}"}}}}"#
    )
}

const DM2: &str = r#"{"resourceType":"Condition","id":"c1","subject":{"reference":"Patient/p2"},"code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10","code":"E11"}]},"onsetDateTime":"2010-05-01"}"#;

/// The good export: files by type.
fn good() -> Vec<(&'static str, Vec<String>)> {
    vec![
        ("Patient.ndjson", vec![P1.into(), P2.into()]),
        (
            "Observation.ndjson",
            vec![
                crea("o1", "p1", "2020-06-01", "1.2", "mg/dL"),
                crea("o2", "p1", "2020-07-01", "0.011", "g/L"),
                ecog("o3", "p1", "2020-06-01", "LA9623-5"),
                ecog("o4", "p1", "2020-08-30", "LA9622-7"),
                ecog("o5", "p2", "2020-01-01", "LA9624-3"),
                crea("o6", "p2", "2021-01-10", "0.95", "mg/dL"),
            ],
        ),
        ("Procedure.ndjson", vec![PROC1.into(), PROC2.into()]),
        ("Condition.ndjson", vec![DM2.into()]),
        (
            "Encounter.ndjson",
            vec![
                enc("e1", "p2", "2021-02-01"),
                enc("e2", "p2", "2022-01-10"),
                enc("e3", "p1", "2020-06-15"),
            ],
        ),
    ]
}

fn write_dir(dir: &Path, files: &[(&str, Vec<String>)]) {
    for (name, lines) in files {
        let text = lines.join("\n") + "\n";
        if name.ends_with(".gz") {
            let f = std::fs::File::create(dir.join(name)).unwrap();
            let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::default());
            gz.write_all(text.as_bytes()).unwrap();
            gz.finish().unwrap();
        } else {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }
}

fn import_dir(files: &[(&str, Vec<String>)], site: &str) -> Result<Imported, ImportErrors> {
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), files);
    import_fhir(dir.path(), &dict(), &opts(site)).map(|(i, _)| i)
}

fn words(imp: &Imported, col: &str) -> Vec<i64> {
    imp.column(col).unwrap().iter().map(|w| *w as i64).collect()
}

fn days(y: i32, m: u32, d: u32) -> i64 {
    (chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
        - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap())
    .num_days()
}

#[test]
fn every_rule_gives_the_value_worked_out_by_hand() {
    let imp = import_dir(&good(), "munich").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(imp.rows, 2);
    // Rows in the order of the Patient file: p1, p2.
    assert_eq!(words(&imp, "sex"), [1, 0]);
    // p1: 1950-06-15 to 2020-06-15 = 70 (birthday on the index date); p2: 1960-01-01 to
    // 2021-01-10 = 61.
    assert_eq!(words(&imp, "age"), [70, 61]);
    // crea, last: p1's latest is 0.011 g/L = 1.1 mg/dL (converted, rounded to 2 places);
    // p2: 0.95.
    assert_eq!(words(&imp, "crea"), [110, 95]);
    // ecog nearest to the index within 30 days: p1 2020-06-01 (14 days) "1", not
    // 2020-08-30 (76 days); p2's only one is 375 days away: missing.
    assert_eq!(words(&imp, "ecog"), [1, 0]);
    assert_eq!(words(&imp, "ecog.present"), [1, 0]);
    assert_eq!(words(&imp, "diabetes"), [0, 1]);
    assert_eq!(words(&imp, "visits"), [1, 2]);
    assert_eq!(words(&imp, "start"), [days(2020, 6, 15), days(2021, 1, 10)]);
    // p1 died 2021-03-02: 260 days = 8.54 months -> 8.5; p2 alive, last contact
    // 2022-01-10: 365 days = 11.99 months -> 12.0.
    assert_eq!(words(&imp, "months"), [85, 120]);
    assert_eq!(words(&imp, "dead"), [1, 0]);
}

#[test]
fn an_export_reads_the_same_from_a_bundle_gzip_or_a_manifest() {
    let plain = import_dir(&good(), "munich").unwrap();
    // gzip and a manifest naming the files.
    let mut files = good();
    files[1].0 = "Observation.ndjson.gz";
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), &files);
    let manifest = serde_json::json!({
        "transactionTime": "2026-12-07T00:00:00Z", "request": "x", "requiresAccessToken": false,
        "output": files.iter().map(|(n, _)| serde_json::json!({"type": "X", "url": format!("https://h/files/{n}")})).collect::<Vec<_>>(),
        "error": []
    });
    std::fs::write(dir.path().join("manifest.json"), manifest.to_string()).unwrap();
    let (gz, stats) = import_fhir(dir.path(), &dict(), &opts("munich")).unwrap();
    assert_eq!(gz, plain);
    assert_eq!(stats.files, 5);
    assert_eq!(stats.resources, 14);
    // A Bundle whose references are urn:uuid full URLs, Observations before Patients.
    let mut entries = Vec::new();
    for (_, lines) in good().iter().rev() {
        for l in lines {
            let mut r: serde_json::Value = serde_json::from_str(l).unwrap();
            let id = r["id"].as_str().unwrap().to_owned();
            if let Some(s) = r.get_mut("subject") {
                let p = s["reference"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("Patient/");
                s["reference"] = format!("urn:uuid:0000-{p}").into();
            }
            entries
                .push(serde_json::json!({"fullUrl": format!("urn:uuid:0000-{id}"), "resource": r}));
        }
    }
    let bundle =
        serde_json::json!({"resourceType": "Bundle", "type": "collection", "entry": entries});
    let path = dir.path().join("export.json");
    std::fs::write(&path, bundle.to_string()).unwrap();
    let (b, _) = import_fhir(&path, &dict(), &opts("munich")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(b, plain);
}

#[test]
fn void_resources_and_other_types_are_skipped() {
    let mut files = good();
    // An entered-in-error creatinine later than the others would otherwise be the last.
    let mut bad: serde_json::Value =
        serde_json::from_str(&crea("o9", "p1", "2020-12-01", "9.99", "mg/dL")).unwrap();
    bad["status"] = "entered-in-error".into();
    files[1].1.push(bad.to_string());
    files.push((
        "Practitioner.ndjson",
        vec![r#"{"resourceType":"Practitioner","id":"dr1"}"#.into()],
    ));
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), &files);
    let (imp, stats) = import_fhir(dir.path(), &dict(), &opts("munich")).unwrap();
    assert_eq!(words(&imp, "crea"), [110, 95]);
    assert_eq!(stats.skipped.get("Practitioner"), Some(&1));
}

/// An edit of the good export's files.
type Change = Box<dyn Fn(&mut Vec<(&'static str, Vec<String>)>)>;

/// The import fails; its messages, one per line.
fn fails(files: &[(&str, Vec<String>)], site: &str) -> String {
    let e = import_dir(files, site).expect_err("the import must fail");
    e.to_string()
}

#[test]
fn a_site_assumes_its_unit_for_quantities_without_one() {
    let mut files = good();
    // Rome's creatinine without a UCUM code: 97.2 umol/L assumed = 1.0994 mg/dL? No:
    // umol/L and mg/dL are not comparable without a molar mass: refused, naming both.
    files[1].1[5] = obs(
        "o6",
        "p2",
        "2160-0",
        "2021-01-10",
        r#""valueQuantity":{"value":97.2}"#,
    );
    let msg = fails(&files, "rome");
    assert!(msg.contains("Observation.ndjson line 6 (Observation/o6, valueQuantity.code), column crea: \"umol/L\" is not a UCUM unit convertible to mg/dL"), "{msg}");
    // At a site without an assumed unit: the quantity has none.
    let msg = fails(&files, "munich");
    assert!(msg.contains("a UCUM unit (the quantity has none"), "{msg}");
}

#[test]
fn the_bad_input_corpus_gives_precise_errors() {
    let cases: Vec<(&str, Change, &str)> = vec![
        (
            "unknown code",
            Box::new(|f| f[1].1[2] = ecog("o3", "p1", "2020-06-01", "LA9999-9")),
            "Observation.ndjson line 3 (Observation/o3, valueCodeableConcept), column ecog: \"http://loinc.org|LA9999-9\" is not a code the map knows",
        ),
        (
            "wrong unit",
            Box::new(|f| f[1].1[0] = crea("o1", "p1", "2020-06-01", "88", "mmol/L")),
            "Observation.ndjson line 1 (Observation/o1, valueQuantity.code), column crea: \"mmol/L\" is not a UCUM unit convertible to mg/dL",
        ),
        (
            "not a UCUM unit",
            Box::new(|f| f[1].1[0] = crea("o1", "p1", "2020-06-01", "88", "mg per dL")),
            "column crea: \"mg per dL\" is not a UCUM unit convertible to mg/dL",
        ),
        (
            "malformed JSON line",
            Box::new(|f| f[1].1[3] = r#"{"resourceType":"Observation","id":"o4""#.into()),
            "Observation.ndjson line 4: not valid JSON",
        ),
        (
            "wrong JSON type",
            Box::new(|f| {
                f[1].1[3] =
                    r#"{"resourceType":"Observation","id":"o4","valueQuantity":{"value":"high"}}"#
                        .into()
            }),
            "Observation.ndjson line 4: an element has the wrong JSON type (invalid type: string \"high\", expected f64",
        ),
        (
            "missing patient reference",
            Box::new(|f| f[3].1[0] = DM2.replace(r#""subject":{"reference":"Patient/p2"},"#, "")),
            "Condition.ndjson line 1 (Condition/c1, subject): a reference to the patient",
        ),
        (
            "dangling patient reference",
            Box::new(|f| f[4].1[0] = enc("e1", "p7", "2021-02-01")),
            "Encounter.ndjson line 1 (Encounter/e1, subject.reference): found Patient/p7, expected a patient of the export",
        ),
        (
            "reference to a group",
            Box::new(|f| {
                f[4].1[0] = enc("e1", "p2", "2021-02-01").replace("Patient/p2", "Group/g")
            }),
            "(Encounter/e1, subject.reference): found Group/g, expected a reference to a Patient",
        ),
        (
            "two values on one date",
            Box::new(|f| f[1].1[1] = crea("o2", "p1", "2020-06-01", "1.3", "mg/dL")),
            "(Patient/p1), column crea: \"two values on the same date\" is not one value where one was required",
        ),
        (
            "date before birth",
            Box::new(|f| f[2].1[1] = PROC2.replace("2021-01-10", "1959-01-10")),
            "Procedure.ndjson line 2 (Patient/p2), column age: \"1959-01-10\" is not an index date on or after the birth date 1960-01-01",
        ),
        (
            "death before the index date",
            Box::new(|f| f[0].1[0] = P1.replace("2021-03-02", "2020-01-02")),
            "Patient.ndjson line 1 (Patient/p1), column months: \"2020-01-02 (deceasedDateTime)\" is not a date on or after the index date 2020-06-15",
        ),
        (
            "partial birth date",
            Box::new(|f| f[0].1[1] = P2.replace("1960-01-01", "1960")),
            "Patient.ndjson line 2 (Patient/p2, birthDate): found 1960, expected a full date YYYY-MM-DD (a partial date",
        ),
        (
            "a value out of the dictionary's range",
            Box::new(|f| f[1].1[5] = crea("o6", "p2", "2021-01-10", "25", "mg/dL")),
            "Patient.ndjson line 2 (Patient/p2), column crea: \"25\" is not a number from 0.00 to 20.00",
        ),
        (
            "too many decimals",
            Box::new(|f| f[1].1[5] = crea("o6", "p2", "2021-01-10", "0.955", "mg/dL")),
            "(Patient/p2), column crea: \"0.955\" is not a number",
        ),
        (
            "a required value missing",
            Box::new(|f| f[0].1[1] = P2.replace(r#""gender":"male","#, "")),
            "(Patient/p2), column sex: \"\" is not one of male, female",
        ),
        (
            "unknown gender",
            Box::new(|f| f[0].1[1] = P2.replace(r#""gender":"male""#, r#""gender":"unknown""#)),
            "Patient.ndjson line 2 (Patient/p2, gender), column sex: \"unknown\" is not a gender the map knows (female, male)",
        ),
        (
            "a resource given twice",
            Box::new(|f| {
                let e = f[4].1[0].clone();
                f[4].1.push(e)
            }),
            "Encounter.ndjson line 4 (Encounter/e1, id): Encounter/e1 is given twice",
        ),
        (
            "a comparator",
            Box::new(|f| {
                f[1].1[5] = crea("o6", "p2", "2021-01-10", "0.5", "mg/dL")
                    .replace(r#""value":0.5"#, r#""value":0.5,"comparator":"<""#)
            }),
            "(Observation/o6, valueQuantity.comparator), column crea: \"<\" is not an exact value",
        ),
        (
            "a line that is not a resource",
            Box::new(|f| f[1].1[3] = r#"{"id":"o4"}"#.into()),
            "Observation.ndjson line 4: a JSON object without resourceType",
        ),
    ];
    for (what, change, expected) in cases {
        let mut files = good();
        change(&mut files);
        let msg = match import_dir(&files, "munich") {
            Ok(_) => panic!("{what}: the import must fail"),
            Err(e) => e.to_string(),
        };
        assert!(
            msg.contains(expected),
            "{what}: expected\n  {expected}\nin\n{msg}"
        );
    }
}

#[test]
fn a_truncated_gzip_is_an_error_at_its_line() {
    let mut files = good();
    files[1].0 = "Observation.ndjson.gz";
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), &files);
    let p = dir.path().join("Observation.ndjson.gz");
    let bytes = std::fs::read(&p).unwrap();
    std::fs::write(&p, &bytes[..bytes.len() - 12]).unwrap();
    let e = import_fhir(dir.path(), &dict(), &opts("munich")).unwrap_err();
    assert!(
        e.to_string()
            .contains("Observation.ndjson.gz line 6: the gzip stream is truncated or corrupt"),
        "{e}"
    );
}

#[test]
fn file_level_problems_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let e = import_fhir(dir.path(), &dict(), &opts("x")).unwrap_err();
    assert!(
        e.to_string()
            .contains("holds no .ndjson or .ndjson.gz files"),
        "{e}"
    );
    std::fs::write(
        dir.path().join("manifest.json"),
        r#"{"output":[{"type":"Patient","url":"http://h/Patient-1.ndjson"}]}"#,
    )
    .unwrap();
    let e = import_fhir(dir.path(), &dict(), &opts("x")).unwrap_err();
    assert!(
        e.to_string()
            .contains("manifest.json lists Patient-1.ndjson"),
        "{e}"
    );
    let e = import_fhir(&dir.path().join("nope"), &dict(), &opts("x")).unwrap_err();
    assert!(e.to_string().contains("cannot open"), "{e}");
    let p = dir.path().join("data.csv");
    std::fs::write(&p, "a\n").unwrap();
    let e = import_fhir(&p, &dict(), &opts("x")).unwrap_err();
    assert!(
        e.to_string().contains("give a Bulk Data export directory"),
        "{e}"
    );
    let p = dir.path().join("one.json");
    std::fs::write(&p, P1).unwrap();
    let e = import_fhir(&p, &dict(), &opts("x")).unwrap_err();
    assert!(
        e.to_string().contains("holds a Patient, not a Bundle"),
        "{e}"
    );
    let no_fhir = Dictionary::parse(
        "study = \"s\"\ntitle = \"t\"\n[[columns]]\nname = \"a\"\ntype = \"integer\"\n",
    )
    .unwrap();
    let e = import_fhir(dir.path(), &no_fhir, &opts("x")).unwrap_err();
    assert!(e.to_string().contains("has no [fhir] section"), "{e}");
}

#[test]
fn a_file_without_line_breaks_is_not_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), &good());
    // 65 MiB without a line break after the Practitioner's opening.
    let mut huge = String::from("{\"resourceType\":\"Practitioner\",\"id\":\"");
    huge.push_str(&"x".repeat(65 << 20));
    std::fs::write(dir.path().join("Practitioner.ndjson"), huge).unwrap();
    let e = import_fhir(dir.path(), &dict(), &opts("munich")).unwrap_err();
    assert!(
        e.to_string()
            .contains("Practitioner.ndjson line 1: a line longer than 64 MiB"),
        "{e}"
    );
}
