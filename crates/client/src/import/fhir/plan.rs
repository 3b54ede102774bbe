//! The dictionary's `[fhir]` section resolved for one site: per dictionary column what to
//! read (the site's alternative codes, code-map entries and assumed unit applied), and the
//! code filters prepared for matching.
use std::collections::{BTreeMap, HashMap, HashSet};

use sharestat_dict::fhir::{ColumnSource, Element, Event, Pick, Source};
use sharestat_dict::{ColumnType, Dictionary};

use super::resource::{Coding, Resource};

/// A code filter: `system|code` entries and bare codes (any system).
#[derive(Debug, Default)]
pub(super) struct Codes {
    full: HashSet<String>,
    bare: HashSet<String>,
}

impl Codes {
    fn new(codes: &[String]) -> Codes {
        let mut c = Codes::default();
        for k in codes {
            if k.contains('|') {
                c.full.insert(k.clone());
            } else {
                c.bare.insert(k.clone());
            }
        }
        c
    }

    /// No filter: every resource of the type.
    fn is_empty(&self) -> bool {
        self.full.is_empty() && self.bare.is_empty()
    }

    fn matches(&self, c: &Coding) -> bool {
        let Some(code) = c.code.as_deref() else {
            return false;
        };
        if self.bare.contains(code) {
            return true;
        }
        match c.system.as_deref() {
            Some(s) => self.full.contains(&format!("{s}|{code}")),
            None => false,
        }
    }
}

/// A selection of resources: a type and a code filter.
#[derive(Debug)]
pub(super) struct Selector {
    pub resource: String,
    codes: Codes,
}

impl Selector {
    fn new(resource: &str, codes: &[String]) -> Selector {
        Selector {
            resource: resource.to_owned(),
            codes: Codes::new(codes),
        }
    }

    /// Whether `r` is selected.
    pub fn selects(&self, r: &Resource) -> bool {
        if r.resource_type != self.resource {
            return false;
        }
        self.codes.is_empty() || r.codings().1.into_iter().any(|c| self.codes.matches(c))
    }
}

/// What a column reads from the resources it selects.
#[derive(Debug)]
pub(super) struct Read {
    pub select: Selector,
    pub element: Element,
    pub pick: Pick,
    /// FHIR code (`system|code` entries and bare codes) -> index into `targets`.
    pub map: HashMap<String, u16>,
    /// The levels (or `true`/`false`) the map sends codes to.
    pub targets: Vec<String>,
    /// The unit the column holds (valueQuantity).
    pub unit: Option<String>,
    /// The unit assumed for the site's quantities that carry no UCUM code.
    pub assumed_unit: Option<String>,
    /// Decimal places of the column (0 for integers): converted values are rounded to them.
    pub decimals: u32,
}

impl Read {
    /// The level a coding maps to: its `system|code` entry, else its bare code's.
    pub fn level(&self, c: &Coding) -> Option<u16> {
        let code = c.code.as_deref()?;
        if let Some(s) = c.system.as_deref()
            && let Some(l) = self.map.get(&format!("{s}|{code}"))
        {
            return Some(*l);
        }
        self.map.get(code).copied()
    }

    /// The map's codes, for "expected one of ...".
    pub fn map_codes(&self) -> String {
        let mut k: Vec<&str> = self.map.keys().map(String::as_str).collect();
        k.sort_unstable();
        k.join(", ")
    }
}

/// The event of a derived time or indicator.
#[derive(Debug)]
pub(super) enum EventRule {
    Death,
    Coded(Selector),
}

/// One dictionary column's rule.
#[derive(Debug)]
pub(super) enum Rule {
    /// The mapping does not say: missing for every patient.
    Absent,
    Read(Box<Read>),
    Age,
    /// Time to the event (else the last contact) in days per unit, rounded to `decimals`.
    Time {
        event: usize,
        days_per_unit: f64,
        decimals: u32,
    },
    Event(usize),
}

/// The whole mapping for one site.
#[derive(Debug)]
pub(super) struct Plan {
    /// The dictionary's column names, in order.
    pub columns: Vec<String>,
    /// Whether each column is required.
    pub required: Vec<bool>,
    /// One rule per dictionary column, in the dictionary's order.
    pub rules: Vec<Rule>,
    /// The index date's selection and whether the latest (rather than the earliest) counts.
    pub index: Option<(Selector, bool)>,
    /// The distinct events of the time and event columns.
    pub events: Vec<EventRule>,
}

fn decimals(ty: &ColumnType) -> u32 {
    match ty {
        ColumnType::Decimal { decimals } => *decimals,
        _ => 0,
    }
}

impl Plan {
    /// The plan of `dict`'s `[fhir]` section at `site`, or why there is none.
    pub fn new(dict: &Dictionary, site: &str) -> Result<Plan, String> {
        let Some(m) = &dict.fhir else {
            return Err(format!(
                "the dictionary of study {:?} has no [fhir] section: it does not say where \
                 its columns come from in FHIR resources (docs/dictionary.md, section [fhir])",
                dict.study
            ));
        };
        let alts = m.sites.get(site);
        let mut events: Vec<(String, EventRule)> = Vec::new();
        let mut event_of = |e: &Event| -> usize {
            let key = match e {
                Event::Death => "death".to_owned(),
                Event::Coded(s) => format!("{}:{}", s.resource, s.codes.join(",")),
            };
            if let Some(i) = events.iter().position(|(k, _)| *k == key) {
                return i;
            }
            let rule = match e {
                Event::Death => EventRule::Death,
                Event::Coded(s) => EventRule::Coded(Selector::new(&s.resource, &s.codes)),
            };
            events.push((key, rule));
            events.len() - 1
        };
        let mut rules = Vec::with_capacity(dict.columns.len());
        for col in &dict.columns {
            let rule = match m.columns.get(&col.name) {
                None => Rule::Absent,
                Some(ColumnSource::Age) => Rule::Age,
                Some(ColumnSource::Event(e)) => Rule::Event(event_of(e)),
                Some(ColumnSource::Time(e)) => Rule::Time {
                    event: event_of(e),
                    days_per_unit: match col.unit.as_str() {
                        "days" => 1.0,
                        "weeks" => 7.0,
                        "months" => 365.25 / 12.0,
                        _ => 365.25,
                    },
                    decimals: decimals(&col.ty),
                },
                Some(ColumnSource::Read(src)) => {
                    let alt = alts.and_then(|a| a.get(&col.name));
                    Rule::Read(Box::new(read(src, alt, decimals(&col.ty))))
                }
            };
            rules.push(rule);
        }
        // The dictionary allows only a date, first or last, for the index.
        let index = m
            .index
            .as_ref()
            .map(|s| (Selector::new(&s.resource, &s.codes), s.pick == Pick::Last));
        Ok(Plan {
            columns: dict.columns.iter().map(|c| c.name.clone()).collect(),
            required: dict.columns.iter().map(|c| c.required).collect(),
            rules,
            index,
            events: events.into_iter().map(|(_, e)| e).collect(),
        })
    }
}

fn read(src: &Source, alt: Option<&sharestat_dict::fhir::SiteAlternative>, decimals: u32) -> Read {
    let codes = alt
        .and_then(|a| a.codes.as_ref())
        .unwrap_or(&src.codes)
        .clone();
    let mut map: BTreeMap<String, String> = src.map.clone();
    if let Some(a) = alt {
        map.extend(a.map.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    let mut targets: Vec<String> = Vec::new();
    let mut index = HashMap::new();
    for (code, level) in map {
        let i = match targets.iter().position(|t| *t == level) {
            Some(i) => i,
            None => {
                targets.push(level);
                targets.len() - 1
            }
        };
        index.insert(code, i as u16);
    }
    Read {
        select: Selector::new(&src.resource, &codes),
        element: src.element,
        pick: src.pick,
        map: index,
        targets,
        unit: src.unit.clone(),
        assumed_unit: alt.and_then(|a| a.unit.clone()),
        decimals,
    }
}
