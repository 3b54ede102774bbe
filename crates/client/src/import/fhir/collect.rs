//! Per-patient accumulators: each resource read is added to its patient's state at once and
//! dropped, so memory grows with the number of patients and columns, not with the number
//! of resources (a `nearest` column keeps its candidates within the patient).
//!
//! Resources may come in any order (an Observation before its Patient): a patient's state
//! is created by the first resource naming it, and a patient named but never given is an
//! error at the end ([`super::derive`]).
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};

use chrono::NaiveDate;
use sharestat_dict::fhir::{Element, Pick, RESOURCES};

use super::plan::{EventRule, Plan, Read, Rule};
use super::resource::{Resource, parse_date};
use super::source::Loc;
use super::{Problem, Problems};

/// A value read for a column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Value {
    Num(f64),
    Level(u16),
    Bool(bool),
    Date(NaiveDate),
}

/// A candidate value with its resource's date and place.
#[derive(Debug, Clone)]
pub(super) struct Cand {
    pub date: Option<NaiveDate>,
    pub value: Value,
    pub loc: Loc,
}

/// One column of one patient: 40 bytes in the common case (one value, or a count), with
/// what is rare (ties, undated candidates, a `nearest` column's candidates) boxed aside.
#[derive(Debug, Default)]
pub(super) struct Slot {
    /// Candidates seen.
    pub n: u32,
    /// A resource's value for this column was refused (reported): the column's own check
    /// (e.g. "required") is not reported again for the patient.
    pub failed: bool,
    /// The earliest (`first`) or latest (`last`) so far.
    pub best: Option<Cand>,
    /// The rest, when there is any.
    pub extra: Option<Box<Extra>>,
}

/// The rare part of a [`Slot`].
#[derive(Debug, Default)]
pub(super) struct Extra {
    /// Another candidate on the best's date with a different value.
    pub tie: Option<Loc>,
    /// A candidate without a date.
    pub undated: Option<Loc>,
    /// `nearest`: every dated candidate.
    pub near: Vec<Cand>,
}

impl Slot {
    fn extra(&mut self) -> &mut Extra {
        self.extra.get_or_insert_with(Default::default)
    }

    /// Another candidate on the best's date with a different value.
    pub fn tie(&self) -> Option<&Loc> {
        self.extra.as_ref()?.tie.as_ref()
    }

    /// A candidate without a date.
    pub fn undated(&self) -> Option<&Loc> {
        self.extra.as_ref()?.undated.as_ref()
    }

    /// `nearest`: every dated candidate.
    pub fn near(&self) -> &[Cand] {
        self.extra.as_ref().map_or(&[], |e| &e.near)
    }
}

/// The patient's death as the Patient resource gives it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) enum Death {
    #[default]
    No,
    /// `deceasedBoolean: true` without a date.
    Undated,
    At(NaiveDate),
}

/// Everything kept about one patient.
#[derive(Debug, Default)]
pub(super) struct Pat {
    /// Where its Patient resource is; `None` while only referenced.
    pub at: Option<Loc>,
    /// The patient's id (for messages).
    pub id: String,
    /// The first resource naming it (for "not in the export").
    pub first_ref: Option<Box<(Loc, String)>>,
    pub birth: Option<NaiveDate>,
    pub death: Death,
    /// The latest date of any of its resources.
    pub last: Option<NaiveDate>,
    pub index: Option<(NaiveDate, Loc)>,
    pub slots: Vec<Slot>,
    /// Per event: its first date (and place), `Some(None)` when it happened without a date.
    pub events: Vec<Option<Option<(NaiveDate, Loc)>>>,
}

/// The accumulators of every patient.
pub(super) struct Patients<'p> {
    pub plan: &'p Plan,
    pub pats: Vec<Pat>,
    key: HashMap<String, u32>,
    /// Resource type -> the rules (column indices) that may select it.
    by_type: HashMap<String, Vec<usize>>,
    /// Hashes of `Type/id` seen (a resource given twice would count twice).
    seen: HashSet<u64>,
    hasher: std::collections::hash_map::RandomState,
    /// Resources of types no column reads, by type.
    pub skipped: HashMap<String, u64>,
    /// Resources read (not skipped).
    pub read: u64,
}

impl<'p> Patients<'p> {
    pub fn new(plan: &'p Plan) -> Self {
        let mut by_type: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in plan.rules.iter().enumerate() {
            if let Rule::Read(read) = r {
                by_type
                    .entry(read.select.resource.clone())
                    .or_default()
                    .push(i);
            }
        }
        Patients {
            plan,
            pats: Vec::new(),
            key: HashMap::new(),
            by_type,
            seen: HashSet::new(),
            hasher: Default::default(),
            skipped: HashMap::new(),
            read: 0,
        }
    }

    /// Frees what only reading needed (the id index, the seen resources), before the rows
    /// are derived.
    pub fn done_reading(&mut self) {
        self.key = HashMap::new();
        self.seen = HashSet::new();
    }

    fn patient(&mut self, key: &str) -> usize {
        if let Some(i) = self.key.get(key) {
            return *i as usize;
        }
        let i = self.pats.len();
        self.pats.push(Pat {
            id: key.to_owned(),
            slots: (0..self.plan.rules.len())
                .map(|_| Slot::default())
                .collect(),
            events: vec![None; self.plan.events.len()],
            ..Pat::default()
        });
        self.key.insert(key.to_owned(), i as u32);
        i
    }

    /// Adds one resource read at `loc` (`full_url`: its Bundle entry's).
    pub fn add(&mut self, loc: Loc, r: Resource, full_url: Option<&str>, out: &mut Problems) {
        let ty = r.resource_type.as_str();
        if !RESOURCES.contains(&ty) {
            *self.skipped.entry(ty.to_owned()).or_default() += 1;
            return;
        }
        // A Bundle entry may identify its resource by its fullUrl alone (`urn:uuid:...`).
        let id: Option<String> = r.id.clone().or_else(|| {
            full_url
                .and_then(|u| u.strip_prefix("urn:uuid:"))
                .map(str::to_owned)
        });
        let label = format!("{ty}/{}", id.as_deref().unwrap_or("(no id)"));
        let problem = |element: &str, column: &str, text: String, expected: String| Problem {
            loc: loc.clone(),
            what: if element.is_empty() {
                label.clone()
            } else {
                format!("{label}, {element}")
            },
            column: column.to_owned(),
            text,
            expected,
        };
        let Some(id) = id.as_deref() else {
            out.push(problem(
                "id",
                "",
                String::new(),
                "every resource needs an id".into(),
            ));
            return;
        };
        let mut h = self.hasher.build_hasher();
        h.write(ty.as_bytes());
        h.write_u8(b'/');
        h.write(id.as_bytes());
        if !self.seen.insert(h.finish()) {
            out.push(problem(
                "id",
                "",
                String::new(),
                format!("{label} is given twice: each resource once"),
            ));
            return;
        }
        if r.void() {
            return;
        }
        self.read += 1;
        let p = if ty == "Patient" {
            let p = self.patient(id);
            if let Some(u) = full_url.and_then(|u| u.strip_prefix("urn:uuid:")) {
                self.key.insert(u.to_owned(), p as u32);
            }
            self.pats[p].at = Some(loc.clone());
            // Nothing else reads a Patient (the dictionary takes no index, event or
            // resource date from it).
            return self.patient_elements(p, &r, &problem, out);
        } else {
            let Some((path, reference)) = r.patient_ref() else {
                out.push(problem(
                    "subject",
                    "",
                    String::new(),
                    "a reference to the patient (subject.reference \"Patient/<id>\"): the resource belongs to no patient".into(),
                ));
                return;
            };
            let Some(key) = patient_key(reference) else {
                out.push(problem(
                    path,
                    "",
                    reference.to_owned(),
                    "a reference to a Patient (\"Patient/<id>\" or \"urn:uuid:<id>\")".into(),
                ));
                return;
            };
            let p = self.patient(key);
            if self.pats[p].at.is_none() && self.pats[p].first_ref.is_none() {
                self.pats[p].first_ref = Some(Box::new((loc.clone(), format!("{label}, {path}"))));
            }
            p
        };
        // The resource's date, and its problem reported only where the date is used (a
        // partial onset date of a Condition no column needs does not fail the import).
        let dated = r.date().map(|(path, d)| (path, d, parse_date(d)));
        let date = dated
            .as_ref()
            .and_then(|(_, _, x)| x.as_ref().ok().copied());
        let bad_date = |column: &str, out: &mut Problems| {
            if let Some((path, d, Err(e))) = &dated {
                out.push(problem(path, column, d.to_string(), e.clone()));
            }
        };
        let pat = &mut self.pats[p];
        for d in r.all_dates().filter_map(|d| parse_date(d).ok()) {
            pat.last = pat.last.max(Some(d));
        }
        if let Some((sel, latest)) = &self.plan.index
            && sel.selects(&r)
        {
            match date {
                None if dated.is_some() => bad_date("", out),
                None => out.push(problem(
                    "",
                    "",
                    String::new(),
                    "a date: the resource selects the patient's index date".into(),
                )),
                Some(d) => {
                    let better = pat
                        .index
                        .as_ref()
                        .is_none_or(|(cur, _)| if *latest { d > *cur } else { d < *cur });
                    if better {
                        pat.index = Some((d, loc.clone()));
                    }
                }
            }
        }
        for (e, rule) in self.plan.events.iter().enumerate() {
            if let EventRule::Coded(sel) = rule
                && sel.selects(&r)
            {
                bad_date("", out);
                let new = date.map(|d| (d, loc.clone()));
                let cur = &mut pat.events[e];
                *cur = Some(match (cur.take(), new) {
                    (Some(Some(a)), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
                    (Some(Some(a)), None) => Some(a),
                    (_, b) => b,
                });
            }
        }
        let Some(cols) = self.by_type.get(ty) else {
            return;
        };
        for &c in cols {
            let Rule::Read(read) = &self.plan.rules[c] else {
                continue;
            };
            if !read.select.selects(&r) {
                continue;
            }
            if matches!(read.pick, Pick::Count | Pick::Exists) {
                pat.slots[c].n += 1;
                continue;
            }
            let column = &self.plan.columns[c];
            if date.is_none() && dated.is_some() && read.element != Element::Date {
                // first, last and nearest order by the date (a date column reports its own).
                bad_date(column, out);
                pat.slots[c].failed = true;
            }
            match value(read, &r) {
                Ok(None) => {}
                Ok(Some(v)) => push(&mut pat.slots[c], read.pick, date, v, &loc),
                Err((path, text, expected)) => {
                    pat.slots[c].failed = true;
                    out.push(problem(path, column, text, expected))
                }
            }
        }
    }

    /// The Patient's own elements: birth, death, and the columns reading them.
    fn patient_elements(
        &mut self,
        p: usize,
        r: &Resource,
        problem: &dyn Fn(&str, &str, String, String) -> Problem,
        out: &mut Problems,
    ) {
        let pat = &mut self.pats[p];
        if let Some(b) = &r.birth_date {
            match parse_date(b) {
                Ok(d) => pat.birth = Some(d),
                Err(e) => out.push(problem("birthDate", "", b.clone(), e)),
            }
        }
        pat.death = match (&r.deceased_date_time, r.deceased_boolean) {
            (Some(d), _) => match parse_date(d) {
                Ok(d) => Death::At(d),
                Err(e) => {
                    out.push(problem("deceasedDateTime", "", d.clone(), e));
                    Death::Undated
                }
            },
            (None, Some(true)) => Death::Undated,
            _ => Death::No,
        };
        for &c in self.by_type.get("Patient").into_iter().flatten() {
            let Rule::Read(read) = &self.plan.rules[c] else {
                continue;
            };
            let v = match read.element {
                Element::Gender => match &r.gender {
                    None => None,
                    Some(g) => match read.map.get(g.as_str()) {
                        Some(l) => Some(Value::Level(*l)),
                        None => {
                            pat.slots[c].failed = true;
                            out.push(problem(
                                "gender",
                                &self.plan.columns[c],
                                g.clone(),
                                format!("a gender the map knows ({})", read.map_codes()),
                            ));
                            None
                        }
                    },
                },
                Element::BirthDate => pat.birth.map(Value::Date),
                Element::DeceasedDateTime => match pat.death {
                    Death::At(d) => Some(Value::Date(d)),
                    _ => None,
                },
                _ => None,
            };
            if let Some(v) = v {
                let slot = &mut pat.slots[c];
                slot.n += 1;
                slot.best = Some(Cand {
                    date: None,
                    value: v,
                    loc: pat.at.clone().unwrap_or(Loc { file: 0, line: 0 }),
                });
            }
        }
    }
}

/// The patient a reference names: `Patient/<id>` (also after a base URL or before
/// `/_history/<v>`) or `urn:uuid:<id>`.
fn patient_key(reference: &str) -> Option<&str> {
    if let Some(u) = reference.strip_prefix("urn:uuid:") {
        return (!u.is_empty()).then_some(u);
    }
    let at = reference.rfind("Patient/")?;
    if at > 0 && !reference[..at].ends_with('/') {
        return None;
    }
    let id = reference[at + 8..].split('/').next()?;
    (!id.is_empty()).then_some(id)
}

type Bad = (&'static str, String, String);

/// The value `read` takes from `r`; `Ok(None)` when `r` lacks the element.
fn value(read: &Read, r: &Resource) -> Result<Option<Value>, Bad> {
    Ok(Some(match read.element {
        Element::ValueQuantity => {
            let Some(q) = &r.value_quantity else {
                return Ok(None);
            };
            let Some(v) = q.value else { return Ok(None) };
            if let Some(c) = &q.comparator {
                return Err((
                    "valueQuantity.comparator",
                    c.clone(),
                    "an exact value (a value with a comparator such as < is a bound)".into(),
                ));
            }
            let to = read.unit.as_deref().unwrap_or("1");
            let Some(from) = q.ucum().or(read.assumed_unit.as_deref()) else {
                return Err((
                    "valueQuantity.code",
                    String::new(),
                    format!("a UCUM unit (the quantity has none; the column holds {to})"),
                ));
            };
            if from == to {
                Value::Num(v)
            } else {
                match ucum::convert(v, from, to) {
                    Ok(x) if x.is_finite() => {
                        let s = 10f64.powi(read.decimals as i32);
                        Value::Num((x * s).round() / s)
                    }
                    _ => {
                        return Err((
                            "valueQuantity.code",
                            from.to_owned(),
                            format!("a UCUM unit convertible to {to}"),
                        ));
                    }
                }
            }
        }
        Element::ValueBoolean => match r.value_boolean {
            Some(b) => Value::Bool(b),
            None => return Ok(None),
        },
        Element::ValueCodeableConcept | Element::Code => {
            let (path, codings) = if read.element == Element::Code {
                r.codings()
            } else {
                match &r.value_codeable_concept {
                    Some(cc) => ("valueCodeableConcept", cc.coding.iter().collect()),
                    None => return Ok(None),
                }
            };
            match codings.iter().find_map(|c| read.level(c)) {
                Some(l) => Value::Level(l),
                None => {
                    let found: Vec<String> = codings.iter().filter_map(|c| c.key()).collect();
                    return Err((
                        path,
                        found.join(", "),
                        format!("a code the map knows ({})", read.map_codes()),
                    ));
                }
            }
        }
        Element::Date => match r.date() {
            Some((path, d)) => match parse_date(d) {
                Ok(d) => Value::Date(d),
                Err(e) => return Err((path, d.to_owned(), e)),
            },
            None => return Ok(None),
        },
        _ => return Ok(None),
    }))
}

/// Adds a candidate to a slot by the column's pick.
fn push(slot: &mut Slot, pick: Pick, date: Option<NaiveDate>, value: Value, loc: &Loc) {
    slot.n += 1;
    let cand = Cand {
        date,
        value,
        loc: loc.clone(),
    };
    match pick {
        Pick::Count | Pick::Exists => {}
        Pick::Nearest { .. } => match date {
            Some(_) => slot.extra().near.push(cand),
            None => slot.extra().undated = Some(loc.clone()),
        },
        Pick::First | Pick::Last => {
            if date.is_none() {
                slot.extra().undated.get_or_insert(loc.clone());
            }
            let Some(best) = &slot.best else {
                slot.best = Some(cand);
                return;
            };
            let better = match (date, best.date) {
                (Some(d), Some(b)) => {
                    if pick == Pick::First {
                        d < b
                    } else {
                        d > b
                    }
                }
                _ => false,
            };
            if better {
                slot.best = Some(cand);
                if let Some(e) = &mut slot.extra {
                    e.tie = None;
                }
            } else if date == best.date && value != best.value {
                slot.extra().tie = Some(loc.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::patient_key;

    #[test]
    fn references_to_patients() {
        assert_eq!(patient_key("Patient/p1"), Some("p1"));
        assert_eq!(patient_key("http://h/fhir/Patient/p1"), Some("p1"));
        assert_eq!(patient_key("Patient/p1/_history/2"), Some("p1"));
        assert_eq!(patient_key("urn:uuid:abc"), Some("abc"));
        assert_eq!(patient_key("Group/g1"), None);
        assert_eq!(patient_key("OtherPatient/p1"), None);
        assert_eq!(patient_key("Patient/"), None);
        assert_eq!(patient_key("#contained"), None);
    }
}
