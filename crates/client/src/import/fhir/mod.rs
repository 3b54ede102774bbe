//! Import of a site's FHIR R4 resources (issue 18): a Bulk Data export directory, an NDJSON
//! file (`.ndjson`, `.ndjson.gz`) or a Bundle, mapped to one row per patient by the
//! dictionary's `[fhir]` section, then validated and encoded exactly as a CSV file would be
//! (the same [`super::builder`]), so the shares are the same.
//!
//! | module | what it holds |
//! |---|---|
//! | `source` | the files of a source and their resources, one at a time (NDJSON streamed, gzip on the fly) |
//! | `resource` | the typed serde structs of the elements read, FHIR dates |
//! | `plan` | the `[fhir]` section resolved for the site: rules per column, code filters |
//! | `collect` | per-patient accumulators fed resource by resource |
//! | `derive` | each patient's row: picks, age, time to event, event indicator, whole-patient checks |
//!
//! Memory grows with patients × columns, not with resources: a resource is parsed into the
//! typed structs, added to its patient and dropped. Every problem is collected (with file,
//! line or Bundle entry, resource, element path, column, what was found and what was
//! expected) and the import fails if there is any; nothing is uploaded.
mod collect;
mod derive;
mod plan;
mod resource;
mod source;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use sharestat_dict::{Cell, Dictionary};

use super::builder::Builder;
use super::error::{CellError, ImportErrors};
use super::{ImportOptions, Imported};
use collect::Patients;
use plan::Plan;
use source::{Files, Loc};

/// Most problems kept (a broken export of 10^7 lines must not fill the memory with them).
const MAX_PROBLEMS: usize = 10_000;

/// One problem of a resource or patient.
#[derive(Debug)]
struct Problem {
    pub loc: Loc,
    /// The resource (and element path) at fault, e.g. `Observation/o1, valueQuantity.code`.
    pub what: String,
    /// The study column concerned, or "".
    pub column: String,
    pub text: String,
    pub expected: String,
}

/// The problems found, at most [`MAX_PROBLEMS`] kept and the rest counted.
#[derive(Debug, Default)]
struct Problems {
    list: Vec<Problem>,
    more: usize,
}

impl Problems {
    /// How many so far (kept or not).
    pub fn count(&self) -> usize {
        self.list.len() + self.more
    }

    pub fn push(&mut self, p: Problem) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(p);
        } else {
            self.more += 1;
        }
    }
}

/// What a FHIR import read, besides the table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct FhirStats {
    /// Files read.
    pub files: usize,
    /// Resources used (of the types a study column may read; void ones not counted).
    pub resources: u64,
    /// Resources of other types, skipped, by type.
    pub skipped: BTreeMap<String, u64>,
    /// Bytes of the files on disk.
    pub bytes: u64,
}

/// [`import_fhir_with`] without progress reports.
pub fn import_fhir(
    path: &Path,
    dict: &Dictionary,
    opts: &ImportOptions,
) -> Result<(Imported, FhirStats), ImportErrors> {
    import_fhir_with(path, dict, opts, &mut |_, _| {})
}

/// Reads the FHIR resources at `path` (a Bulk Data export directory, with or without its
/// `manifest.json`; an `.ndjson`/`.ndjson.gz` file; or a Bundle `.json`), maps them to one
/// row per patient with `dict`'s `[fhir]` section for site `opts.site` (its alternatives
/// applied) and validates and encodes the rows as [`super::import_file`] does.
/// `progress(bytes read, bytes in all)` is called as the files are read.
///
/// With `opts.drop_bad_rows`, patients whose row breaks the dictionary's rules (a value out
/// of range, a required value missing) are dropped and counted; problems of the resources
/// themselves (malformed lines, unknown codes, units that do not convert, a patient
/// referenced but not given) always fail the import.
pub fn import_fhir_with(
    path: &Path,
    dict: &Dictionary,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(Imported, FhirStats), ImportErrors> {
    let label = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let plan = Plan::new(dict, &opts.site).map_err(|m| ImportErrors::fatal(label.clone(), m))?;
    let files = Files::open(path).map_err(|m| ImportErrors::fatal(label.clone(), m))?;
    import_files(label, files, &plan, dict, opts, progress)
}

/// [`import_fhir`] of one file held in memory (`name`: `.ndjson`, `.ndjson.gz` or a Bundle
/// `.json`), as a browser sends it to the local app.
pub fn import_fhir_bytes(
    name: &str,
    bytes: Vec<u8>,
    dict: &Dictionary,
    opts: &ImportOptions,
) -> Result<(Imported, FhirStats), ImportErrors> {
    let plan = Plan::new(dict, &opts.site).map_err(|m| ImportErrors::fatal(name, m))?;
    let files = Files::from_bytes(name, bytes).map_err(|m| ImportErrors::fatal(name, m))?;
    import_files(name.to_owned(), files, &plan, dict, opts, &mut |_, _| {})
}

/// Whether a file's name says it is FHIR (`.ndjson`, `.ndjson.gz`, `.json`).
pub fn is_fhir_file(name: &str) -> bool {
    source::is_fhir_name(name)
}

fn import_files(
    label: String,
    files: Files,
    plan: &Plan,
    dict: &Dictionary,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(Imported, FhirStats), ImportErrors> {
    let problems = std::cell::RefCell::new(Problems::default());
    let mut pats = Patients::new(plan);
    let total = files.bytes;
    files.read(
        &mut |loc, r, full_url| pats.add(loc, r, full_url, &mut problems.borrow_mut()),
        &mut |loc, message| {
            problems.borrow_mut().push(Problem {
                loc,
                what: String::new(),
                column: String::new(),
                text: String::new(),
                expected: message,
            })
        },
        &mut |done| progress(done, total),
    );
    let mut problems = problems.into_inner();
    // Rows in the order of the Patient resources.
    let mut order: Vec<usize> = (0..pats.pats.len()).collect();
    order.sort_by_key(|&i| {
        pats.pats[i]
            .at
            .as_ref()
            .map_or((u32::MAX, u32::MAX), |l| (l.file, l.line))
    });
    let header: Vec<String> = dict.columns.iter().map(|c| c.name.clone()).collect();
    // Values arrive as numbers, dates and exact levels: the canonical conventions apply.
    let canonical = ImportOptions {
        site: String::new(),
        drop_bad_rows: opts.drop_bad_rows,
    };
    let mut builder = Builder::new(label.clone(), dict, &canonical, &header, 1, None)?;
    let mut cells = vec![Cell::Empty; header.len()];
    let mut rows: Vec<usize> = Vec::new();
    // (row, column) whose resource was refused: its row check is not reported again.
    let mut reported: HashSet<(usize, &str)> = HashSet::new();
    pats.done_reading();
    builder.reserve(order.len());
    for &i in &order {
        let pat = &mut pats.pats[i];
        let failed = derive::row(plan, pat, &mut cells, &mut problems);
        // The patient's accumulators are spent: the table grows as they are freed.
        pat.slots = Vec::new();
        let Some(failed) = failed else { continue };
        rows.push(i);
        for c in failed {
            reported.insert((rows.len(), plan.columns[c].as_str()));
        }
        builder.row(rows.len(), |f, cell| {
            *cell = cells[f].clone();
            Ok(())
        });
    }
    let stats = FhirStats {
        files: files.names.len(),
        resources: pats.read,
        skipped: pats.skipped.iter().map(|(k, v)| (k.clone(), *v)).collect(),
        bytes: files.bytes,
    };
    // A builder error's row is the patient's ordinal: name the patient instead.
    let place = |e: CellError| -> CellError {
        let Some(&i) = e.row.checked_sub(1).and_then(|r| rows.get(r)) else {
            return e;
        };
        let pat = &pats.pats[i];
        let loc = pat.at.clone().unwrap_or(Loc { file: 0, line: 0 });
        located(
            &files,
            Problem {
                loc,
                what: format!("Patient/{}", pat.id),
                column: e.column,
                text: e.text,
                expected: e.expected,
            },
        )
    };
    let result = builder.finish();
    if rows.is_empty() && problems.list.is_empty() {
        return Err(ImportErrors::fatal(
            label,
            "no Patient resources: the source holds no patient to import",
        ));
    }
    let mut errors: Vec<CellError> = problems
        .list
        .into_iter()
        .map(|p| located(&files, p))
        .collect();
    if problems.more > 0 {
        errors.push(CellError::at(
            &label,
            usize::MAX,
            "...".into(),
            "",
            String::new(),
            format!("{} more problems not listed", problems.more),
        ));
    }
    match result {
        Ok(mut imported) if errors.is_empty() => {
            imported.dropped_errors = imported.dropped_errors.into_iter().map(place).collect();
            Ok((imported, stats))
        }
        Ok(_) => Err(ImportErrors {
            file: label,
            errors,
            fatal: None,
        }),
        Err(e) => {
            let mut all: Vec<CellError> = e
                .errors
                .into_iter()
                .filter(|c| !reported.contains(&(c.row, c.column.as_str())))
                .map(place)
                .collect();
            all.extend(errors);
            Err(ImportErrors {
                file: label,
                errors: all,
                fatal: e.fatal,
            })
        }
    }
}

/// A problem as the owner reads it: file, line (or Bundle entry), resource and element.
fn located(files: &Files, p: Problem) -> CellError {
    let file = files
        .names
        .get(p.loc.file as usize)
        .map_or("", String::as_str);
    let unit = if file.ends_with(".json") {
        "entry"
    } else {
        "line"
    };
    let mut location = if p.loc.line == 0 {
        String::new()
    } else {
        format!("{unit} {}", p.loc.line)
    };
    if !p.what.is_empty() {
        if location.is_empty() {
            location = format!("({})", p.what);
        } else {
            location = format!("{location} ({})", p.what);
        }
    }
    if location.is_empty() {
        location = "(the file)".into();
    }
    CellError::at(
        file,
        usize::try_from(p.loc.line).unwrap_or(usize::MAX),
        location,
        &p.column,
        p.text,
        p.expected,
    )
}
