//! The FHIR R4 elements the reader uses, as typed serde structs: one [`Resource`] holds the
//! union of what a Patient, Observation, Condition, Procedure, MedicationStatement,
//! MedicationAdministration or Encounter may carry that a study column can read. Every other
//! element is skipped by serde without being stored.
//!
//! Why not a FHIR model crate: the R4 model crates either compile hundreds of thousands of
//! generated lines (`fhir` with `r4`, `helios-fhir`), target R5 only (`fhir-sdk`), or are
//! unmaintained since 2023 (`fhirbolt`); the reader needs a dozen elements (issue 18 allows
//! typed structs for just those).
use chrono::NaiveDate;
use serde::Deserialize;

/// One resource, with only the elements read.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct Resource {
    pub resource_type: String,
    pub id: Option<String>,
    pub status: Option<String>,
    // Patient
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub deceased_date_time: Option<String>,
    pub deceased_boolean: Option<bool>,
    // references to the patient
    pub subject: Option<Reference>,
    pub patient: Option<Reference>,
    // codes
    pub code: Option<CodeableConcept>,
    pub medication_codeable_concept: Option<CodeableConcept>,
    #[serde(rename = "type")]
    pub types: Vec<CodeableConcept>,
    pub class: Option<Coding>,
    pub verification_status: Option<CodeableConcept>,
    // values
    pub value_quantity: Option<Quantity>,
    pub value_codeable_concept: Option<CodeableConcept>,
    pub value_boolean: Option<bool>,
    // dates
    pub effective_date_time: Option<String>,
    pub effective_instant: Option<String>,
    pub effective_period: Option<Period>,
    pub onset_date_time: Option<String>,
    pub onset_period: Option<Period>,
    pub performed_date_time: Option<String>,
    pub performed_period: Option<Period>,
    pub period: Option<Period>,
    pub recorded_date: Option<String>,
}

/// `Reference.reference`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Reference {
    pub reference: Option<String>,
}

/// `CodeableConcept.coding`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct CodeableConcept {
    pub coding: Vec<Coding>,
    pub text: Option<String>,
}

/// A `Coding`'s system and code.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Coding {
    pub system: Option<String>,
    pub code: Option<String>,
}

impl Coding {
    /// `system|code`, or `code` without a system.
    pub fn key(&self) -> Option<String> {
        let code = self.code.as_deref()?;
        Some(match self.system.as_deref() {
            Some(s) => format!("{s}|{code}"),
            None => code.to_owned(),
        })
    }
}

/// A `Quantity`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Quantity {
    pub value: Option<f64>,
    pub comparator: Option<String>,
    pub unit: Option<String>,
    pub system: Option<String>,
    pub code: Option<String>,
}

/// UCUM's code system.
pub(super) const UCUM: &str = "http://unitsofmeasure.org";

impl Quantity {
    /// The UCUM unit: `code` when the system is UCUM (or absent), else the human-readable
    /// `unit`; `None` when there is neither.
    pub fn ucum(&self) -> Option<&str> {
        match (&self.system, &self.code) {
            (Some(s), Some(c)) if s == UCUM => Some(c),
            (None, Some(c)) => Some(c),
            _ => self.unit.as_deref(),
        }
    }
}

/// A `Period`'s start and end.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Period {
    pub start: Option<String>,
    pub end: Option<String>,
}

impl Resource {
    /// The patient the resource is about: `(element path, reference)`.
    pub fn patient_ref(&self) -> Option<(&'static str, &str)> {
        if let Some(r) = self.subject.as_ref().and_then(|r| r.reference.as_deref()) {
            return Some(("subject.reference", r));
        }
        self.patient
            .as_ref()
            .and_then(|r| r.reference.as_deref())
            .map(|r| ("patient.reference", r))
    }

    /// The codings that a code filter matches against, with their element path.
    pub fn codings(&self) -> (&'static str, Vec<&Coding>) {
        if let Some(c) = &self.code {
            return ("code", c.coding.iter().collect());
        }
        if let Some(c) = &self.medication_codeable_concept {
            return ("medicationCodeableConcept", c.coding.iter().collect());
        }
        let mut v: Vec<&Coding> = self.types.iter().flat_map(|t| t.coding.iter()).collect();
        v.extend(self.class.iter());
        ("type", v)
    }

    /// The resource's clinical date and its element path (the first it has of
    /// effective, onset, performed, period.start, recordedDate).
    pub fn date(&self) -> Option<(&'static str, &str)> {
        fn start(p: &Option<Period>) -> Option<&str> {
            p.as_ref().and_then(|p| p.start.as_deref())
        }
        [
            ("effectiveDateTime", self.effective_date_time.as_deref()),
            ("effectivePeriod.start", start(&self.effective_period)),
            ("effectiveInstant", self.effective_instant.as_deref()),
            ("onsetDateTime", self.onset_date_time.as_deref()),
            ("onsetPeriod.start", start(&self.onset_period)),
            ("performedDateTime", self.performed_date_time.as_deref()),
            ("performedPeriod.start", start(&self.performed_period)),
            ("period.start", start(&self.period)),
            ("recordedDate", self.recorded_date.as_deref()),
        ]
        .into_iter()
        .find_map(|(path, v)| v.map(|v| (path, v)))
    }

    /// Every date the resource carries (for the patient's last contact).
    pub fn all_dates(&self) -> impl Iterator<Item = &str> {
        fn period(p: &Option<Period>) -> [Option<&str>; 2] {
            p.as_ref()
                .map(|p| [p.start.as_deref(), p.end.as_deref()])
                .unwrap_or([None, None])
        }
        [
            self.effective_date_time.as_deref(),
            self.effective_instant.as_deref(),
            self.onset_date_time.as_deref(),
            self.performed_date_time.as_deref(),
            self.recorded_date.as_deref(),
        ]
        .into_iter()
        .chain(period(&self.effective_period))
        .chain(period(&self.onset_period))
        .chain(period(&self.performed_period))
        .chain(period(&self.period))
        .flatten()
    }

    /// Whether the resource does not count: entered in error, cancelled, not done, or a
    /// refuted diagnosis.
    pub fn void(&self) -> bool {
        if matches!(
            self.status.as_deref(),
            Some("entered-in-error" | "cancelled" | "not-done")
        ) {
            return true;
        }
        self.verification_status.as_ref().is_some_and(|v| {
            v.coding
                .iter()
                .any(|c| matches!(c.code.as_deref(), Some("refuted" | "entered-in-error")))
        })
    }
}

/// The calendar date of a FHIR `date`, `dateTime` or `instant` (the date as written, in the
/// time zone it was written in), or why it is not one.
pub(super) fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let (Some(day), Some(rest)) = (s.get(..10), s.get(10..)) else {
        return Err(if s.len() == 4 || s.len() == 7 {
            "a full date YYYY-MM-DD (a partial date, year or month only, cannot be placed on a day)"
                .into()
        } else {
            "a date YYYY-MM-DD".into()
        });
    };
    if !(rest.is_empty() || rest.starts_with('T')) {
        return Err("a date YYYY-MM-DD or dateTime YYYY-MM-DDThh:mm:ss+zz:zz".into());
    }
    NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| "a valid calendar date".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_fhir_writes_them() {
        let d = |s| parse_date(s);
        assert_eq!(
            d("2022-10-16"),
            Ok(NaiveDate::from_ymd_opt(2022, 10, 16).unwrap())
        );
        assert_eq!(
            d("2022-10-16T23:30:00-05:00"),
            Ok(NaiveDate::from_ymd_opt(2022, 10, 16).unwrap())
        );
        assert!(d("2022-10").unwrap_err().contains("partial"));
        assert!(d("2022").unwrap_err().contains("partial"));
        assert!(d("2022-02-30").is_err());
        assert!(d("16.10.2022").is_err());
        assert!(d("2022-10-16X").is_err());
        assert!(d("").is_err());
        assert!(d("ä").is_err());
        assert!(d("2022-10-1ä").is_err());
        assert!(d("2022-10-1ä0").is_err());
    }

    #[test]
    fn unknown_elements_are_skipped() {
        let r: Resource = serde_json::from_str(
            r#"{"resourceType":"Observation","id":"o1","status":"final","meta":{"x":1},
            "subject":{"reference":"Patient/p1"},"code":{"coding":[{"system":"http://loinc.org","code":"1-8"}]},
            "valueQuantity":{"value":1.5,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"},
            "effectivePeriod":{"start":"2020-01-02"}}"#,
        )
        .unwrap();
        assert_eq!(r.patient_ref(), Some(("subject.reference", "Patient/p1")));
        assert_eq!(r.date(), Some(("effectivePeriod.start", "2020-01-02")));
        assert_eq!(r.value_quantity.unwrap().ucum(), Some("mg/dL"));
        assert_eq!(
            r.code.unwrap().coding[0].key().as_deref(),
            Some("http://loinc.org|1-8")
        );
    }
}
