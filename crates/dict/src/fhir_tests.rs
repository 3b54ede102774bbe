//! Unit tests of the `[fhir]` section: a study's mapping as a clinical study writes it, and
//! each mistake refused with the column and field named.

use super::*;
use crate::Dictionary;

const COLUMNS: &str = r#"study = "s"

[[columns]]
name = "gender"
type = "categorical"
levels = ["male", "female"]

[[columns]]
name = "age"
type = "integer"
unit = "years"

[[columns]]
name = "ecog"
type = "categorical"
levels = ["0", "1", "2", "3", "4"]

[[columns]]
name = "creatinine"
type = "decimal"
decimals = 2
unit = "mg/dL"

[[columns]]
name = "diabetes"
type = "boolean"

[[columns]]
name = "admissions"
type = "integer"

[[columns]]
name = "start"
type = "date"

[[columns]]
name = "months"
type = "decimal"
decimals = 1
unit = "months"

[[columns]]
name = "death"
type = "boolean"
"#;

const FHIR: &str = r#"
[fhir]
index = { resource = "Procedure", codes = ["http://snomed.info/sct|1287742003"] }

[fhir.columns.gender]
resource = "Patient"
element = "gender"
map = { male = "male", female = "female" }

[fhir.columns.age]
derive = "age"

[fhir.columns.ecog]
resource = "Observation"
codes = ["http://loinc.org|89247-1"]
element = "valueCodeableConcept"
map = { "http://loinc.org|LA9622-7" = "0", "http://loinc.org|LA9623-5" = "1" }
pick = "nearest"
window_days = 30

[fhir.columns.creatinine]
resource = "Observation"
codes = ["http://loinc.org|2160-0"]
element = "valueQuantity"
unit = "mg/dL"
pick = "last"

[fhir.columns.diabetes]
resource = "Condition"
codes = ["http://hl7.org/fhir/sid/icd-10|E11.9", "E11"]
pick = "exists"

[fhir.columns.admissions]
resource = "Encounter"
pick = "count"

[fhir.columns.start]
resource = "Procedure"
codes = ["http://snomed.info/sct|1287742003"]
element = "performedPeriod.start"

[fhir.columns.months]
derive = "time"
event = "death"

[fhir.columns.death]
derive = "event"
event = "death"

[fhir.sites.rome.columns.creatinine]
codes = ["http://loinc.org|14682-9"]
unit = "umol/L"
"#;

fn with(fhir: &str) -> Result<Dictionary, crate::DictError> {
    Dictionary::parse(&format!("{COLUMNS}{fhir}"))
}

fn err(fhir: &str) -> String {
    with(fhir).unwrap_err().to_string()
}

#[test]
fn the_types_a_mapping_reads() {
    let f = with(FHIR).unwrap().fhir.unwrap();
    assert_eq!(
        f.resource_types(),
        [
            "Patient",
            "Procedure",
            "Encounter",
            "Observation",
            "Condition"
        ]
    );
}

#[test]
fn a_clinical_mapping_parses() {
    let d = with(FHIR).unwrap();
    let f = d.fhir.unwrap();
    let index = f.index.unwrap();
    assert_eq!(index.resource, "Procedure");
    assert_eq!(index.element, Element::Date);
    assert_eq!(f.columns["age"], ColumnSource::Age);
    assert_eq!(f.columns["months"], ColumnSource::Time(Event::Death));
    assert_eq!(f.columns["death"], ColumnSource::Event(Event::Death));
    let ColumnSource::Read(ecog) = &f.columns["ecog"] else {
        panic!()
    };
    assert_eq!(ecog.pick, Pick::Nearest { window_days: 30 });
    assert_eq!(ecog.map["http://loinc.org|LA9623-5"], "1");
    let ColumnSource::Read(crea) = &f.columns["creatinine"] else {
        panic!()
    };
    assert_eq!(
        (crea.element, crea.pick),
        (Element::ValueQuantity, Pick::Last)
    );
    assert_eq!(crea.unit.as_deref(), Some("mg/dL"));
    let ColumnSource::Read(dm) = &f.columns["diabetes"] else {
        panic!()
    };
    assert_eq!((dm.element, dm.pick), (Element::Date, Pick::Exists));
    assert_eq!(
        f.sites["rome"]["creatinine"].unit.as_deref(),
        Some("umol/L")
    );
    // Without [fhir] a dictionary has none; the adrenal example has none.
    assert!(Dictionary::parse(COLUMNS).unwrap().fhir.is_none());
}

#[test]
fn mistakes_are_named() {
    let cases = [
        // A column the dictionary does not have.
        (
            "[fhir.columns.weight]\nresource = \"Patient\"\nelement = \"gender\"\n",
            "column weight: [fhir.columns] names a column",
        ),
        // An unknown resource, element, pick, key.
        (
            "[fhir.columns.ecog]\nresource = \"Specimen\"\n",
            "resource \"Specimen\" is not one of",
        ),
        (
            "[fhir.columns.start]\nresource = \"Procedure\"\nelement = \"performer\"\n",
            "element \"performer\" is not one of",
        ),
        (
            "[fhir.columns.admissions]\nresource = \"Encounter\"\npick = \"most\"\n",
            "pick \"most\" is not one of",
        ),
        (
            "[fhir.columns.admissions]\nresource = \"Encounter\"\npick = \"count\"\ncolour = 1\n",
            "unknown field `colour`",
        ),
        // Elements a resource does not have; coded elements without a map or to a non-level.
        (
            "[fhir.columns.gender]\nresource = \"Observation\"\nelement = \"gender\"\n",
            "a Observation has no element gender",
        ),
        (
            "[fhir.columns.gender]\nresource = \"Patient\"\nelement = \"gender\"\n",
            "needs a map from FHIR codes",
        ),
        (
            "[fhir.columns.gender]\nresource = \"Patient\"\nelement = \"gender\"\nmap = { m = \"man\" }\n",
            "map sends \"m\" to \"man\", which is not a level of column gender",
        ),
        // valueQuantity without a unit, or into a categorical column.
        (
            "[fhir.columns.creatinine]\nresource = \"Observation\"\ncodes = [\"2160-0\"]\nelement = \"valueQuantity\"\n",
            "needs the UCUM unit",
        ),
        (
            "[fhir.columns.ecog]\nresource = \"Observation\"\nelement = \"valueQuantity\"\nunit = \"1\"\n",
            "element valueQuantity cannot fill a categorical column",
        ),
        // Picks that do not fit the column; nearest without a window or an index date.
        (
            "[fhir.columns.ecog]\nresource = \"Encounter\"\npick = \"count\"\n",
            "pick = \"count\" fills an integer column",
        ),
        (
            "[fhir.columns.admissions]\nresource = \"Condition\"\npick = \"exists\"\n",
            "pick = \"exists\" fills a boolean column",
        ),
        (
            "[fhir.columns.start]\nresource = \"Procedure\"\npick = \"nearest\"\n",
            "needs window_days",
        ),
        (
            "[fhir.columns.start]\nresource = \"Procedure\"\npick = \"nearest\"\nwindow_days = 3\n",
            "needs the patients' index date",
        ),
        (
            "[fhir.columns.age]\nderive = \"age\"\n",
            "needs the patients' index date",
        ),
        // Derived columns: the wrong type or unit, extra keys, an unknown event.
        (
            "[fhir]\nindex = { resource = \"Procedure\" }\n[fhir.columns.ecog]\nderive = \"age\"\n",
            "fills an integer or decimal column",
        ),
        (
            "[fhir]\nindex = { resource = \"Procedure\" }\n[fhir.columns.creatinine]\nderive = \"time\"\nevent = \"death\"\n",
            "unit to be one of days, weeks, months, years",
        ),
        (
            "[fhir.columns.death]\nderive = \"event\"\nevent = \"stroke\"\n",
            "event \"stroke\": give \"death\"",
        ),
        (
            "[fhir.columns.death]\nderive = \"event\"\n",
            "needs event = \"death\"",
        ),
        (
            "[fhir.columns.death]\nderive = \"event\"\nevent = \"death\"\nresource = \"Patient\"\n",
            "takes event only",
        ),
        ("[fhir.columns.age]\nderive = \"bmi\"\n", "derive \"bmi\""),
        // Codes: malformed; on a Patient.
        (
            "[fhir.columns.diabetes]\nresource = \"Condition\"\ncodes = [\"http://x|\"]\npick = \"exists\"\n",
            "is not `system|code`",
        ),
        (
            "[fhir.columns.gender]\nresource = \"Patient\"\ncodes = [\"x\"]\nelement = \"gender\"\nmap = { male = \"male\" }\n",
            "a Patient is not selected by codes",
        ),
        // Units must be UCUM's (case-sensitive).
        (
            "[fhir.columns.creatinine]\nresource = \"Observation\"\nelement = \"valueQuantity\"\nunit = \"MG/DL\"\n",
            "unit \"MG/DL\" is not a UCUM unit",
        ),
        // The index must be a date.
        (
            "[fhir]\nindex = { resource = \"Observation\", element = \"valueQuantity\", unit = \"1\" }\n",
            "is not a date",
        ),
        (
            "[fhir]\nindex = { resource = \"Patient\", element = \"deceasedDateTime\" }\n",
            "element deceasedDateTime is not a date: the index date is read from `date`",
        ),
        (
            "[fhir]\nindex = { resource = \"Procedure\", pick = \"count\" }\n",
            "[fhir] index: pick must be \"first\" or \"last\"",
        ),
        // A site's alternative for a column that reads nothing, or a unit on a coded column.
        (
            "[fhir.sites.rome.columns.age]\ncodes = [\"x\"]\n",
            "site rome: [fhir.sites.rome.columns.age]: the column reads no resource",
        ),
    ];
    for (fhir, expected) in cases {
        let e = err(fhir);
        assert!(
            e.contains(expected),
            "{fhir}\n-> {e}\n(expected {expected})"
        );
    }
    let e = err(&format!(
        "{FHIR}\n[fhir.sites.munich.columns.gender]\nunit = \"kg\"\n"
    ));
    assert!(e.contains("unit applies to valueQuantity only"), "{e}");
}
