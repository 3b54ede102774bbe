//! A patient's row from its accumulated state: the picked values, the derived age, time and
//! event indicator, and the checks that need the whole patient (two values where one was
//! required, a date before birth or before the index date, a patient named but not given).
use chrono::{Datelike, NaiveDate};
use sharestat_dict::Cell;
use sharestat_dict::fhir::Pick;

use super::collect::{Cand, Death, Pat, Value};
use super::plan::{EventRule, Plan, Read, Rule};
use super::source::Loc;
use super::{Problem, Problems};

/// Whole years from `birth` to `day`.
fn whole_years(birth: NaiveDate, day: NaiveDate) -> i64 {
    let mut y = i64::from(day.year() - birth.year());
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        y -= 1;
    }
    y
}

fn round(x: f64, decimals: u32) -> f64 {
    let s = 10f64.powi(decimals as i32);
    (x * s).round() / s
}

/// Fills `cells` (one per dictionary column) with patient `pat`'s row; problems go to `out`.
/// Returns the columns with a problem (while reading or here), whose missing value the row's
/// own check must not report again; `None` when the patient was referenced but never given
/// (no row).
pub(super) fn row(
    plan: &Plan,
    pat: &Pat,
    cells: &mut [Cell],
    out: &mut Problems,
) -> Option<Vec<usize>> {
    let mut failed = fill(plan, pat, cells, out)?;
    failed.extend(
        pat.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.failed)
            .map(|(c, _)| c),
    );
    Some(failed)
}

/// [`row`]'s work; the columns with problems here.
fn fill(plan: &Plan, pat: &Pat, cells: &mut [Cell], out: &mut Problems) -> Option<Vec<usize>> {
    let mut failed = Vec::new();
    let Some(at) = &pat.at else {
        if let Some(first) = &pat.first_ref {
            let (loc, what) = &**first;
            out.push(Problem {
                loc: loc.clone(),
                what: what.clone(),
                column: String::new(),
                text: format!("Patient/{}", pat.id),
                expected: "a patient of the export (no Patient resource has this id)".into(),
            });
        }
        return None;
    };
    let problem = |loc: &Loc, what: String, column: &str, text: String, expected: String| Problem {
        loc: loc.clone(),
        what,
        column: column.to_owned(),
        text,
        expected,
    };
    let me = format!("Patient/{}", pat.id);
    let before_birth = |d: NaiveDate| pat.birth.is_some_and(|b| d < b);
    for (c, rule) in plan.rules.iter().enumerate() {
        let column = &plan.columns[c];
        let slot = &pat.slots[c];
        let before = out.count();
        if pat.index.is_none()
            && plan.required[c]
            && matches!(rule, Rule::Age | Rule::Time { .. })
            && let Some((sel, _)) = &plan.index
        {
            out.push(problem(
                at,
                me.clone(),
                column,
                String::new(),
                format!(
                    "derived from the index date, which the patient lacks (no {} selected by the index)",
                    sel.resource
                ),
            ));
        }
        cells[c] = match rule {
            Rule::Absent => Cell::Empty,
            Rule::Read(read) => match pick(read, slot, pat.index.as_ref().map(|i| i.0)) {
                Ok(None) => Cell::Empty,
                Ok(Some(cand)) => {
                    if let Value::Date(d) = cand.value
                        && before_birth(d)
                    {
                        out.push(problem(
                            &cand.loc,
                            me.clone(),
                            column,
                            d.to_string(),
                            format!("a date on or after the birth date {}", pat.birth.unwrap()),
                        ));
                    }
                    cell(read, cand.value)
                }
                Err((loc, text, expected)) => {
                    out.push(problem(&loc, me.clone(), column, text, expected));
                    Cell::Empty
                }
            },
            Rule::Age => match (pat.birth, &pat.index) {
                (Some(b), Some((d, loc))) => {
                    if *d < b {
                        out.push(problem(
                            loc,
                            me.clone(),
                            column,
                            d.to_string(),
                            format!("an index date on or after the birth date {b}"),
                        ));
                        Cell::Empty
                    } else {
                        Cell::Number(whole_years(b, *d) as f64)
                    }
                }
                _ => Cell::Empty,
            },
            Rule::Time {
                event,
                days_per_unit,
                decimals,
            } => match (&pat.index, end(plan, pat, *event)) {
                (None, _) => Cell::Empty,
                (Some(_), Err((text, expected))) => {
                    out.push(problem(at, me.clone(), column, text, expected));
                    Cell::Empty
                }
                (Some(_), Ok(None)) => Cell::Empty,
                (Some((start, _)), Ok(Some((end, what)))) => {
                    let days = (end - *start).num_days();
                    if days < 0 {
                        out.push(problem(
                            at,
                            me.clone(),
                            column,
                            format!("{end} ({what})"),
                            format!("a date on or after the index date {start}"),
                        ));
                        Cell::Empty
                    } else {
                        Cell::Number(round(days as f64 / days_per_unit, *decimals))
                    }
                }
            },
            Rule::Event(event) => Cell::Bool(match (&plan.events[*event], pat.death) {
                (EventRule::Death, d) => d != Death::No,
                (EventRule::Coded(_), _) => pat.events[*event].is_some(),
            }),
        };
        if out.count() > before {
            failed.push(c);
        }
    }
    if let (Some(b), Some((d, loc))) = (pat.birth, &pat.index)
        && d < &b
        && !plan.rules.iter().any(|r| matches!(r, Rule::Age))
    {
        out.push(problem(
            loc,
            me.clone(),
            "",
            d.to_string(),
            format!("an index date on or after the birth date {b}"),
        ));
    }
    if let (Some(b), Death::At(d)) = (pat.birth, pat.death)
        && d < b
    {
        out.push(problem(
            at,
            format!("{me}, deceasedDateTime"),
            "",
            d.to_string(),
            format!("a death date on or after the birth date {b}"),
        ));
    }
    Some(failed)
}

/// Where a time column ends: the death, the coded event's first date, or else the last
/// contact (`None` without any); or why it cannot be told (found, expected).
fn end(
    plan: &Plan,
    pat: &Pat,
    event: usize,
) -> Result<Option<(NaiveDate, &'static str)>, (String, String)> {
    match (&plan.events[event], pat.death, &pat.events[event]) {
        (EventRule::Death, Death::At(d), _) => Ok(Some((d, "deceasedDateTime"))),
        (EventRule::Death, Death::Undated, _) => Err((
            "deceasedBoolean".to_owned(),
            "a death date (deceasedDateTime): deceasedBoolean true gives no time to death"
                .to_owned(),
        )),
        (EventRule::Coded(_), _, Some(Some((d, _)))) => Ok(Some((*d, "the event's date"))),
        (EventRule::Coded(_), _, Some(None)) => Err((
            "(no date)".to_owned(),
            "a date on the event's resource".to_owned(),
        )),
        _ => Ok(pat.last.map(|d| (d, "the last contact"))),
    }
}

type Bad = (Loc, String, String);

/// The candidate a column's pick takes from a slot, or why there is none to take.
fn pick(
    read: &Read,
    slot: &super::collect::Slot,
    index: Option<NaiveDate>,
) -> Result<Option<Cand>, Bad> {
    let any = slot.best.as_ref().or(slot.near().first());
    match read.pick {
        Pick::Count => {
            return Ok(Some(Cand {
                date: None,
                value: Value::Num(f64::from(slot.n)),
                loc: Loc { file: 0, line: 0 },
            }));
        }
        Pick::Exists => {
            return Ok(Some(Cand {
                date: None,
                value: Value::Bool(slot.n > 0),
                loc: Loc { file: 0, line: 0 },
            }));
        }
        _ => {}
    }
    if slot.n >= 2
        && let Some(loc) = slot.undated()
    {
        return Err((
            loc.clone(),
            format!("{} values", slot.n),
            format!(
                "one value, or dated values to pick the {} from (a candidate has no date)",
                match read.pick {
                    Pick::Last => "last",
                    Pick::Nearest { .. } => "nearest",
                    _ => "first",
                }
            ),
        ));
    }
    if let Pick::Nearest { window_days } = read.pick {
        let Some(index) = index else { return Ok(None) };
        let dist = |c: &Cand| c.date.map_or(i64::MAX, |d| (d - index).num_days().abs());
        let Some(best) = slot
            .near()
            .iter()
            .filter(|c| dist(c) <= i64::from(window_days))
            .min_by_key(|c| dist(c))
        else {
            return Ok(None);
        };
        if let Some(other) = slot
            .near()
            .iter()
            .find(|c| dist(c) == dist(best) && c.value != best.value)
        {
            return Err((
                other.loc.clone(),
                "two values equally near the index date".into(),
                "one value where one was required (the nearest is ambiguous)".into(),
            ));
        }
        return Ok(Some(best.clone()));
    }
    if let Some(loc) = slot.tie() {
        return Err((
            loc.clone(),
            "two values on the same date".into(),
            "one value where one was required (first and last are ambiguous)".into(),
        ));
    }
    Ok(any.cloned())
}

fn cell(read: &Read, v: Value) -> Cell {
    match v {
        Value::Num(x) => Cell::Number(x),
        Value::Bool(b) => Cell::Bool(b),
        Value::Date(d) => Cell::Date(d),
        Value::Level(l) => Cell::Text(read.targets[l as usize].clone()),
    }
}
