//! The FHIR reader's less common sources, each value worked out by hand: medications by ATC
//! (`medicationCodeableConcept`, MedicationStatement and MedicationAdministration), OPS
//! procedures counted, Encounters by `type`, `valueBoolean`, the time to a coded event (not
//! death) in weeks with its indicator, an index date taken as the *last* of its selection,
//! and a Condition refuted or entered in error that does not count.
use sharestat_client::import::{ImportOptions, Imported, import_fhir};
use sharestat_dict::Dictionary;

const DICT: &str = r#"
study = "r"
title = "FHIR rules"

[[columns]]
name = "metformin"
type = "boolean"

[[columns]]
name = "first_dose"
type = "date"

[[columns]]
name = "rt_sessions"
type = "integer"
min = 0
max = 100

[[columns]]
name = "icu_stays"
type = "integer"
min = 0
max = 100

[[columns]]
name = "smoker"
type = "boolean"

[[columns]]
name = "pfs_weeks"
type = "decimal"
decimals = 1
unit = "weeks"
min = 0
max = 1000

[[columns]]
name = "progressed"
type = "boolean"

[[columns]]
name = "stage"
type = "categorical"
levels = ["I", "II", "III"]

[fhir]
index = { resource = "Procedure", codes = ["http://fhir.de/CodeSystem/bfarm/ops|8-522"], pick = "last" }

[fhir.columns.metformin]
resource = "MedicationStatement"
codes = ["http://www.whocc.no/atc|A10BA02"]
pick = "exists"

[fhir.columns.first_dose]
resource = "MedicationAdministration"
codes = ["http://www.whocc.no/atc|L01XA01"]
element = "date"
pick = "first"

[fhir.columns.rt_sessions]
resource = "Procedure"
codes = ["http://fhir.de/CodeSystem/bfarm/ops|8-522"]
pick = "count"

[fhir.columns.icu_stays]
resource = "Encounter"
codes = ["http://snomed.info/sct|305351004"]
pick = "count"

[fhir.columns.smoker]
resource = "Observation"
codes = ["http://loinc.org|72166-2"]
element = "valueBoolean"
pick = "last"

[fhir.columns.pfs_weeks]
derive = "time"
event = { resource = "Condition", codes = ["http://snomed.info/sct|444391001"] }

[fhir.columns.progressed]
derive = "event"
event = { resource = "Condition", codes = ["http://snomed.info/sct|444391001"] }

[fhir.columns.stage]
resource = "Condition"
codes = ["http://snomed.info/sct|254637007"]
element = "code"
map = { "http://snomed.info/sct|254637007" = "I" }
"#;

fn subject(p: &str) -> String {
    format!(r#""subject":{{"reference":"Patient/{p}"}}"#)
}

fn coded(system: &str, code: &str) -> String {
    format!(r#"{{"coding":[{{"system":"{system}","code":"{code}"}}]}}"#)
}

fn lines() -> Vec<String> {
    let atc = "http://www.whocc.no/atc";
    let ops = "http://fhir.de/CodeSystem/bfarm/ops";
    let sct = "http://snomed.info/sct";
    let mut v = vec![
        r#"{"resourceType":"Patient","id":"a","birthDate":"1950-01-01"}"#.to_owned(),
        r#"{"resourceType":"Patient","id":"b","birthDate":"1960-01-01"}"#.to_owned(),
    ];
    // a: three RT sessions, the last (the index) on 2021-03-01; b: one on 2021-01-04.
    for (id, p, day) in [
        ("r1", "a", "2021-02-01"),
        ("r2", "a", "2021-03-01"),
        ("r3", "a", "2021-02-15"),
        ("r4", "b", "2021-01-04"),
    ] {
        v.push(format!(
            r#"{{"resourceType":"Procedure","id":"{id}","status":"completed",{},"code":{},"performedDateTime":"{day}T08:00:00+01:00"}}"#,
            subject(p),
            coded(ops, "8-522")
        ));
    }
    // A session not done does not count.
    v.push(format!(
        r#"{{"resourceType":"Procedure","id":"r5","status":"not-done",{},"code":{},"performedDateTime":"2021-04-01"}}"#,
        subject("b"),
        coded(ops, "8-522")
    ));
    // a takes metformin (a statement with a period); b's statement is another drug.
    v.push(format!(
        r#"{{"resourceType":"MedicationStatement","id":"m1","status":"active",{},"medicationCodeableConcept":{},"effectivePeriod":{{"start":"2019-05-01"}}}}"#,
        subject("a"),
        coded(atc, "A10BA02")
    ));
    v.push(format!(
        r#"{{"resourceType":"MedicationStatement","id":"m2","status":"active",{},"medicationCodeableConcept":{},"effectiveDateTime":"2019-05-01"}}"#,
        subject("b"),
        coded(atc, "C09AA05")
    ));
    // Cisplatin administrations: a's first on 2021-02-02.
    for (id, p, day) in [("d1", "a", "2021-02-09"), ("d2", "a", "2021-02-02")] {
        v.push(format!(
            r#"{{"resourceType":"MedicationAdministration","id":"{id}","status":"completed",{},"medicationCodeableConcept":{},"effectiveDateTime":"{day}"}}"#,
            subject(p),
            coded(atc, "L01XA01")
        ));
    }
    // ICU stays by Encounter type: b twice, a never (a's encounter is another type).
    for (id, p, ty, day) in [
        ("e1", "b", "305351004", "2021-01-10"),
        ("e2", "b", "305351004", "2021-06-10"),
        ("e3", "a", "185347001", "2021-09-06"),
    ] {
        v.push(format!(
            r#"{{"resourceType":"Encounter","id":"{id}","status":"finished",{},"type":[{}],"period":{{"start":"{day}","end":"{day}"}}}}"#,
            subject(p),
            coded(sct, ty)
        ));
    }
    // Smoking: a's last says false, b's only one true.
    for (id, p, day, b) in [
        ("s1", "a", "2020-01-01", true),
        ("s2", "a", "2021-01-01", false),
        ("s3", "b", "2020-06-01", true),
    ] {
        v.push(format!(
            r#"{{"resourceType":"Observation","id":"{id}","status":"final",{},"code":{},"effectiveDateTime":"{day}","valueBoolean":{b}}}"#,
            subject(p),
            coded("http://loinc.org", "72166-2")
        ));
    }
    // Progression: a on 2021-05-10 (70 days after the index = 10.0 weeks); a refuted
    // progression of b and one entered in error do not count.
    v.push(format!(
        r#"{{"resourceType":"Condition","id":"c1",{},"code":{},"onsetDateTime":"2021-05-10"}}"#,
        subject("a"),
        coded(sct, "444391001")
    ));
    v.push(format!(
        r#"{{"resourceType":"Condition","id":"c2",{},"code":{},"onsetDateTime":"2021-02-10","verificationStatus":{}}}"#,
        subject("b"),
        coded(sct, "444391001"),
        coded("http://terminology.hl7.org/CodeSystem/condition-ver-status", "refuted")
    ));
    v.push(format!(
        r#"{{"resourceType":"Condition","id":"c3",{},"code":{},"onsetDateTime":"2021-02-11","verificationStatus":{}}}"#,
        subject("b"),
        coded(sct, "444391001"),
        coded("http://terminology.hl7.org/CodeSystem/condition-ver-status", "entered-in-error")
    ));
    v.push(format!(
        r#"{{"resourceType":"Condition","id":"c4",{},"code":{},"onsetDateTime":"2020-12-01"}}"#,
        subject("b"),
        coded(sct, "254637007")
    ));
    // A partial onset date on a Condition no column reads does not matter.
    v.push(format!(
        r#"{{"resourceType":"Condition","id":"c5",{},"code":{},"onsetDateTime":"2019"}}"#,
        subject("a"),
        coded(sct, "38341003")
    ));
    v
}

fn import(lines: &[String]) -> Imported {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("all.ndjson"), lines.join("\n")).unwrap();
    let dict = Dictionary::parse(DICT).unwrap();
    let opts = ImportOptions {
        site: "x".into(),
        drop_bad_rows: false,
    };
    import_fhir(dir.path(), &dict, &opts)
        .unwrap_or_else(|e| panic!("{e}"))
        .0
}

fn words(imp: &Imported, col: &str) -> Vec<i64> {
    imp.column(col).unwrap().iter().map(|w| *w as i64).collect()
}

#[test]
fn medications_procedures_encounters_and_coded_events() {
    let imp = import(&lines());
    assert_eq!(imp.rows, 2);
    assert_eq!(words(&imp, "metformin"), [1, 0]);
    let day = |s: &str| {
        (chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
            - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap())
        .num_days()
    };
    assert_eq!(words(&imp, "first_dose"), [day("2021-02-02"), 0]);
    assert_eq!(words(&imp, "first_dose.present"), [1, 0]);
    assert_eq!(words(&imp, "rt_sessions"), [3, 1]);
    assert_eq!(words(&imp, "icu_stays"), [0, 2]);
    assert_eq!(words(&imp, "smoker"), [0, 1]);
    // a: index 2021-03-01 (the last session), progression 2021-05-10: 70 days = 10.0 weeks.
    // b: index 2021-01-04, no progression that counts, last contact 2021-06-10 (the ICU
    // stay's end): 157 days = 22.43 weeks -> 22.4.
    assert_eq!(words(&imp, "pfs_weeks"), [100, 224]);
    assert_eq!(words(&imp, "progressed"), [1, 0]);
    assert_eq!(words(&imp, "stage.present"), [0, 1]);
}

#[test]
fn a_coded_event_before_the_index_date_is_refused() {
    let mut l = lines();
    let c1 = l.iter().position(|x| x.contains("\"id\":\"c1\"")).unwrap();
    l[c1] = l[c1].replace("2021-05-10", "2021-02-20");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("all.ndjson"), l.join("\n")).unwrap();
    let dict = Dictionary::parse(DICT).unwrap();
    let opts = ImportOptions {
        site: "x".into(),
        drop_bad_rows: false,
    };
    let e = import_fhir(dir.path(), &dict, &opts)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("(Patient/a), column pfs_weeks: \"2021-02-20 (the event's date)\" is not a date on or after the index date 2021-03-01"),
        "{e}"
    );
}

#[test]
fn a_partial_date_is_an_error_where_a_pick_needs_it() {
    let mut l = lines();
    let c4 = l.iter().position(|x| x.contains("\"id\":\"c4\"")).unwrap();
    l[c4] = l[c4].replace("2020-12-01", "2020-12");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("all.ndjson"), l.join("\n")).unwrap();
    let dict = Dictionary::parse(DICT).unwrap();
    let opts = ImportOptions {
        site: "x".into(),
        drop_bad_rows: false,
    };
    let e = import_fhir(dir.path(), &dict, &opts).unwrap_err();
    assert_eq!(e.errors.len(), 1, "{e}");
    assert!(
        e.to_string().contains("(Condition/c4, onsetDateTime), column stage: \"2020-12\" is not a full date YYYY-MM-DD (a partial date"),
        "{e}"
    );
}
