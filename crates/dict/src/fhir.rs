//! The dictionary's `[fhir]` section (issue 18): where each study column's value comes from
//! when a site's data are FHIR R4 resources (a Bulk Data export, a Bundle, a FHIR server)
//! rather than a spreadsheet. It is part of the dictionary the consortium agrees on (the nodes
//! parse and hash it like the rest) but only the data owner's client uses it.
//!
//! For each column: the resource type and the codes that select its resources (any
//! `system|code`, with per-site alternatives), the element read (`Patient.gender`,
//! `valueQuantity` with its UCUM unit, `valueCodeableConcept` through a code map, ...) and
//! the rule when a patient has none or several (`first`, `last`, `nearest` to the index
//! date within a window, `count`, `exists`); or a column derived from the others: the age at
//! the index date, the time from the index date to an event or the last contact, and the
//! event's indicator. Format and examples: `docs/dictionary.md`, section `[fhir]`.
use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::DictError;
use crate::spec::{ColumnSpec, ColumnType};

/// FHIR resource types a column may read.
pub const RESOURCES: [&str; 7] = [
    "Patient",
    "Condition",
    "Observation",
    "Procedure",
    "MedicationStatement",
    "MedicationAdministration",
    "Encounter",
];

/// The `[fhir]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FhirMapping {
    /// How each patient's index date is found (needed by `age`, `time`, `nearest`).
    pub index: Option<Source>,
    /// Where each column's value comes from, by column name (columns not listed are
    /// missing for every patient).
    pub columns: BTreeMap<String, ColumnSource>,
    /// Per-site alternatives: site -> column -> the codes that replace the column's own, the
    /// code-map entries added to it, and the unit assumed for quantities without a UCUM code.
    pub sites: BTreeMap<String, BTreeMap<String, SiteAlternative>>,
}

impl FhirMapping {
    /// The resource types the mapping reads: Patient first, then the index's and those of
    /// the columns and their events (by column name), once each.
    pub fn resource_types(&self) -> Vec<String> {
        let mut types = vec!["Patient".to_owned()];
        let sources = self
            .index
            .iter()
            .chain(self.columns.values().filter_map(|c| match c {
                ColumnSource::Read(s)
                | ColumnSource::Time(Event::Coded(s))
                | ColumnSource::Event(Event::Coded(s)) => Some(s),
                _ => None,
            }));
        for s in sources {
            if !types.contains(&s.resource) {
                types.push(s.resource.clone());
            }
        }
        types
    }
}

/// Where a column's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnSource {
    /// An element of the patient's resources.
    Read(Source),
    /// Whole years from `Patient.birthDate` to the index date.
    Age,
    /// The time from the index date to the event, or to the last contact when there is
    /// none, in the column's unit (`days`, `weeks`, `months` or `years`).
    Time(Event),
    /// 1 when the event happened, 0 otherwise.
    Event(Event),
}

/// The event of a `time` or `event` column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// `Patient.deceasedDateTime` (or `deceasedBoolean` without a date: the event without a
    /// time).
    Death,
    /// The first resource of a code filter (its date).
    Coded(Source),
}

/// A selection of resources and the element read from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Resource type, one of [`RESOURCES`].
    pub resource: String,
    /// `system|code` filters (any matches; a code without `|` matches any system); empty for
    /// `Patient` and to take every resource of the type.
    pub codes: Vec<String>,
    /// The element read.
    pub element: Element,
    /// What to take when a patient has several resources (or none).
    pub pick: Pick,
    /// FHIR code (`system|code` or `code`) -> the column's level, for coded elements.
    pub map: BTreeMap<String, String>,
    /// The UCUM unit the column holds, for `valueQuantity` (compatible units are converted).
    pub unit: Option<String>,
}

/// The element of a resource a column reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Element {
    /// `Patient.gender`, through the code map.
    Gender,
    /// `Patient.birthDate`.
    BirthDate,
    /// `Patient.deceasedDateTime`.
    DeceasedDateTime,
    /// `Observation.valueQuantity`, converted to the column's unit.
    ValueQuantity,
    /// `Observation.valueCodeableConcept`, through the code map.
    ValueCodeableConcept,
    /// `Observation.valueBoolean`.
    ValueBoolean,
    /// The resource's `code` (e.g. a Condition's diagnosis), through the code map.
    Code,
    /// The resource's date: `effectiveDateTime`, `onsetDateTime`, `performedPeriod.start`,
    /// `performedDateTime`, `effectivePeriod.start`, `period.start` (whichever it has).
    Date,
}

impl Element {
    /// The name written in the dictionary.
    pub fn name(self) -> &'static str {
        match self {
            Element::Gender => "gender",
            Element::BirthDate => "birthDate",
            Element::DeceasedDateTime => "deceasedDateTime",
            Element::ValueQuantity => "valueQuantity",
            Element::ValueCodeableConcept => "valueCodeableConcept",
            Element::ValueBoolean => "valueBoolean",
            Element::Code => "code",
            Element::Date => "date",
        }
    }

    fn parse(s: &str) -> Option<Element> {
        Some(match s {
            "gender" => Element::Gender,
            "birthDate" => Element::BirthDate,
            "deceasedDateTime" => Element::DeceasedDateTime,
            "valueQuantity" => Element::ValueQuantity,
            "valueCodeableConcept" => Element::ValueCodeableConcept,
            "valueBoolean" => Element::ValueBoolean,
            "code" => Element::Code,
            "date"
            | "effectiveDateTime"
            | "onsetDateTime"
            | "performedPeriod.start"
            | "performedDateTime" => Element::Date,
            _ => return None,
        })
    }

    /// Whether resources of type `resource` have this element.
    fn of(self, resource: &str) -> bool {
        match self {
            Element::Gender | Element::BirthDate | Element::DeceasedDateTime => {
                resource == "Patient"
            }
            Element::ValueQuantity | Element::ValueCodeableConcept | Element::ValueBoolean => {
                resource == "Observation"
            }
            Element::Code | Element::Date => resource != "Patient",
        }
    }

    /// Whether the element is read through the code map.
    fn coded(self) -> bool {
        matches!(
            self,
            Element::Gender | Element::ValueCodeableConcept | Element::Code
        )
    }
}

/// What to take when a patient has several resources of a selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// The earliest by the resource's date (the default).
    First,
    /// The latest by the resource's date.
    Last,
    /// The nearest to the index date, at most this many days before or after it.
    Nearest {
        /// The window, in days either side of the index date.
        window_days: u32,
    },
    /// How many there are (0 when none).
    Count,
    /// Whether there is one (1) or none (0).
    Exists,
}

/// A site's replacement of a column's codes, its additions to the code map, and the unit its
/// quantities are in when they do not say.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SiteAlternative {
    /// Replaces the column's `codes`.
    pub codes: Option<Vec<String>>,
    /// Entries added to (or replacing those of) the column's `map`.
    pub map: BTreeMap<String, String>,
    /// The UCUM unit assumed for the site's quantities that carry no UCUM code (only a
    /// human-readable `unit`, or none); converted to the column's `unit` like any other.
    pub unit: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFhir {
    index: Option<toml::Value>,
    #[serde(default)]
    columns: BTreeMap<String, toml::Value>,
    #[serde(default)]
    sites: BTreeMap<String, RawSite>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    #[serde(default)]
    columns: BTreeMap<String, RawAlternative>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlternative {
    codes: Option<Vec<String>>,
    #[serde(default)]
    map: BTreeMap<String, String>,
    unit: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    resource: Option<String>,
    #[serde(default)]
    codes: Vec<String>,
    element: Option<String>,
    pick: Option<String>,
    window_days: Option<u32>,
    #[serde(default)]
    map: BTreeMap<String, String>,
    unit: Option<String>,
    derive: Option<String>,
    event: Option<toml::Value>,
}

/// Units a `time` column may have.
pub const TIME_UNITS: [&str; 4] = ["days", "weeks", "months", "years"];

/// Parses the `[fhir]` section against the dictionary's `columns`.
pub(crate) fn parse(value: toml::Value, columns: &[ColumnSpec]) -> Result<FhirMapping, DictError> {
    let raw: RawFhir = value.try_into().map_err(|e: toml::de::Error| {
        DictError::study("fhir", format!("[fhir]: {}", e.message()))
    })?;
    let index = match raw.index {
        None => None,
        Some(v) => {
            let err = |m: String| DictError::study("fhir.index", format!("[fhir] index: {m}"));
            let raw: RawSource = v
                .try_into()
                .map_err(|e: toml::de::Error| err(e.message().to_owned()))?;
            let s = source(raw, None).map_err(err)?;
            if s.element != Element::Date {
                return Err(err(format!(
                    "element {} is not a date: the index date is read from `date` (a \
                     resource's effective, onset or performed date)",
                    s.element.name()
                )));
            }
            if !matches!(s.pick, Pick::First | Pick::Last) {
                return Err(err(
                    "pick must be \"first\" or \"last\": one index date per patient".into(),
                ));
            }
            Some(s)
        }
    };
    let mut out = BTreeMap::new();
    for (name, v) in raw.columns {
        let col = columns.iter().find(|c| c.name == name).ok_or_else(|| {
            DictError::column(
                &name,
                "fhir",
                "[fhir.columns] names a column the dictionary does not have",
            )
        })?;
        let err =
            |m: String| DictError::column(&name, "fhir", format!("[fhir.columns.{name}]: {m}"));
        let raw: RawSource = v
            .try_into()
            .map_err(|e: toml::de::Error| err(e.message().to_owned()))?;
        let src = column_source(raw, col).map_err(err)?;
        let needs_index = match &src {
            ColumnSource::Age | ColumnSource::Time(_) => true,
            ColumnSource::Read(s) => matches!(s.pick, Pick::Nearest { .. }),
            ColumnSource::Event(_) => false,
        };
        if needs_index && index.is_none() {
            return Err(err(
                "needs the patients' index date: give [fhir] index = { resource, codes, element = \"date\" }"
                    .into(),
            ));
        }
        out.insert(name, src);
    }
    let mut sites = BTreeMap::new();
    for (site, raw) in raw.sites {
        let mut alts = BTreeMap::new();
        for (name, alt) in raw.columns {
            let err = |m: &str| {
                DictError::site(
                    &site,
                    "fhir",
                    format!("[fhir.sites.{site}.columns.{name}]: {m}"),
                )
            };
            let Some(ColumnSource::Read(src)) = out.get(&name) else {
                return Err(err("the column reads no resource in [fhir.columns]"));
            };
            if alt.unit.is_some() && src.element != Element::ValueQuantity {
                return Err(err("unit applies to valueQuantity only"));
            }
            if let Some(u) = &alt.unit {
                check_unit(u).map_err(|m| err(&m))?;
            }
            if !alt.map.is_empty() && !src.element.coded() {
                return Err(err("map applies to coded elements only"));
            }
            let col = columns
                .iter()
                .find(|c| c.name == name)
                .expect("checked above");
            check_map(&alt.map, col).map_err(|m| err(&m))?;
            if let Some(codes) = &alt.codes {
                check_codes(codes).map_err(|m| err(&m))?;
            }
            alts.insert(
                name,
                SiteAlternative {
                    codes: alt.codes,
                    map: alt.map,
                    unit: alt.unit,
                },
            );
        }
        sites.insert(site, alts);
    }
    Ok(FhirMapping {
        index,
        columns: out,
        sites,
    })
}

/// A column's source, checked against the column's type.
fn column_source(raw: RawSource, col: &ColumnSpec) -> Result<ColumnSource, String> {
    let Some(derive) = raw.derive.clone() else {
        if raw.event.is_some() {
            return Err("event applies to derive = \"time\" or \"event\" only".into());
        }
        let s = source(raw, Some(col))?;
        return Ok(ColumnSource::Read(s));
    };
    let only = |what: &str| -> Result<(), String> {
        let extra = raw.resource.is_some()
            || !raw.codes.is_empty()
            || raw.element.is_some()
            || raw.pick.is_some()
            || raw.window_days.is_some()
            || !raw.map.is_empty()
            || raw.unit.is_some();
        if extra {
            Err(format!(
                "derive = \"{derive}\" takes {what}, not resource, codes, element, pick, window_days, map or unit"
            ))
        } else {
            Ok(())
        }
    };
    let numeric = matches!(col.ty, ColumnType::Integer | ColumnType::Decimal { .. });
    match derive.as_str() {
        "age" => {
            only("nothing else")?;
            if raw.event.is_some() || !numeric {
                return Err(
                    "derive = \"age\" fills an integer or decimal column and takes nothing else"
                        .into(),
                );
            }
            Ok(ColumnSource::Age)
        }
        "time" | "event" => {
            only("event only")?;
            let event = match raw.event {
                None => {
                    return Err(format!(
                        "derive = \"{derive}\" needs event = \"death\" or a code filter {{ resource, codes }}"
                    ));
                }
                Some(toml::Value::String(s)) if s == "death" => Event::Death,
                Some(toml::Value::String(s)) => {
                    return Err(format!(
                        "event {s:?}: give \"death\" or a code filter {{ resource, codes }}"
                    ));
                }
                Some(v) => {
                    let raw: RawSource = v
                        .try_into()
                        .map_err(|e: toml::de::Error| format!("event: {}", e.message()))?;
                    let mut s = source(raw, None).map_err(|m| format!("event: {m}"))?;
                    s.element = Element::Date;
                    Event::Coded(s)
                }
            };
            if derive == "time" {
                if !numeric {
                    return Err("derive = \"time\" fills an integer or decimal column".into());
                }
                if !TIME_UNITS.contains(&col.unit.as_str()) {
                    return Err(format!(
                        "derive = \"time\" needs the column's unit to be one of {} (it is {:?})",
                        TIME_UNITS.join(", "),
                        col.unit
                    ));
                }
                Ok(ColumnSource::Time(event))
            } else {
                if col.ty != ColumnType::Boolean {
                    return Err("derive = \"event\" fills a boolean column".into());
                }
                Ok(ColumnSource::Event(event))
            }
        }
        other => Err(format!(
            "derive {other:?}: give \"age\", \"time\" or \"event\""
        )),
    }
}

/// A resource selection; with `col`, checked against the column it fills.
fn source(raw: RawSource, col: Option<&ColumnSpec>) -> Result<Source, String> {
    if raw.derive.is_some() || raw.event.is_some() {
        return Err("derive and event belong to a column, not to a resource selection".into());
    }
    let resource = raw
        .resource
        .ok_or("resource is missing (Patient, Observation, Condition, ...)")?;
    if !RESOURCES.contains(&resource.as_str()) {
        return Err(format!(
            "resource {resource:?} is not one of {}",
            RESOURCES.join(", ")
        ));
    }
    check_codes(&raw.codes)?;
    if resource == "Patient" && !raw.codes.is_empty() {
        return Err("a Patient is not selected by codes".into());
    }
    let element_name = raw.element.unwrap_or_else(|| "date".into());
    let element = Element::parse(&element_name).ok_or_else(|| {
        format!(
            "element {element_name:?} is not one of gender, birthDate, deceasedDateTime, \
             valueQuantity, valueCodeableConcept, valueBoolean, code, date"
        )
    })?;
    if !element.of(&resource) {
        return Err(format!("a {resource} has no element {element_name}"));
    }
    let pick = match (raw.pick.as_deref().unwrap_or("first"), raw.window_days) {
        ("first", None) => Pick::First,
        ("last", None) => Pick::Last,
        ("count", None) => Pick::Count,
        ("exists", None) => Pick::Exists,
        ("nearest", Some(w)) => Pick::Nearest { window_days: w },
        ("nearest", None) => {
            return Err(
                "pick = \"nearest\" needs window_days (days either side of the index date)".into(),
            );
        }
        (_, Some(_)) => return Err("window_days applies to pick = \"nearest\" only".into()),
        (other, None) => {
            return Err(format!(
                "pick {other:?} is not one of first, last, nearest, count, exists"
            ));
        }
    };
    if raw.unit.is_some() && element != Element::ValueQuantity {
        return Err("unit applies to element = \"valueQuantity\" only".into());
    }
    if let Some(u) = &raw.unit {
        check_unit(u)?;
    }
    if !raw.map.is_empty() && !element.coded() {
        return Err(format!(
            "map applies to coded elements (gender, valueCodeableConcept, code), not {element_name}"
        ));
    }
    if let Some(col) = col {
        check_column(col, element, pick, &raw.map, raw.unit.as_deref())?;
    }
    Ok(Source {
        resource,
        codes: raw.codes,
        element,
        pick,
        map: raw.map,
        unit: raw.unit,
    })
}

/// Whether a column of `col`'s type can hold what `element` read with `pick` gives.
fn check_column(
    col: &ColumnSpec,
    element: Element,
    pick: Pick,
    map: &BTreeMap<String, String>,
    unit: Option<&str>,
) -> Result<(), String> {
    let ty = col.ty.name();
    match pick {
        Pick::Count => {
            return match col.ty {
                ColumnType::Integer => Ok(()),
                _ => Err(format!(
                    "pick = \"count\" fills an integer column, not a {ty} one"
                )),
            };
        }
        Pick::Exists => {
            return match col.ty {
                ColumnType::Boolean => Ok(()),
                _ => Err(format!(
                    "pick = \"exists\" fills a boolean column, not a {ty} one"
                )),
            };
        }
        _ => {}
    }
    let fits = match element {
        Element::BirthDate | Element::DeceasedDateTime | Element::Date => {
            col.ty == ColumnType::Date
        }
        Element::ValueQuantity => {
            if unit.is_none() {
                return Err("element = \"valueQuantity\" needs the UCUM unit the column holds (unit = \"...\")".into());
            }
            matches!(col.ty, ColumnType::Integer | ColumnType::Decimal { .. })
        }
        Element::ValueBoolean => col.ty == ColumnType::Boolean,
        Element::Gender | Element::ValueCodeableConcept | Element::Code => {
            if map.is_empty() {
                return Err(format!(
                    "element {} needs a map from FHIR codes to the column's levels",
                    element.name()
                ));
            }
            check_map(map, col)?;
            matches!(col.ty, ColumnType::Categorical { .. } | ColumnType::Boolean)
        }
    };
    if fits {
        Ok(())
    } else {
        Err(format!(
            "element {} cannot fill a {ty} column",
            element.name()
        ))
    }
}

/// The map's targets must be the column's levels (or `true`/`false` for booleans).
fn check_map(map: &BTreeMap<String, String>, col: &ColumnSpec) -> Result<(), String> {
    for (code, level) in map {
        let ok = match &col.ty {
            ColumnType::Categorical { levels, .. } => levels.contains(level),
            ColumnType::Boolean => matches!(level.as_str(), "true" | "false"),
            _ => false,
        };
        if !ok {
            return Err(format!(
                "map sends {code:?} to {level:?}, which is not a level of column {}",
                col.name
            ));
        }
    }
    Ok(())
}

/// A unit must be a valid UCUM code (case-sensitive: `mg/dL`, `umol/L`, `10*9/L`, `Gy`).
fn check_unit(u: &str) -> Result<(), String> {
    ucum::validate(u).map_err(|e| format!("unit {u:?} is not a UCUM unit ({e})"))
}

/// Codes are `system|code` or `code`, neither part empty.
fn check_codes(codes: &[String]) -> Result<(), String> {
    for c in codes {
        let bad = match c.split_once('|') {
            Some((s, k)) => s.trim().is_empty() || k.trim().is_empty() || k.contains('|'),
            None => c.trim().is_empty(),
        };
        if bad {
            return Err(format!("code {c:?} is not `system|code` or `code`"));
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "fhir_tests.rs"]
mod tests;
