//! Import of a site's file: read it with the site's conventions from the data
//! dictionary, check its header, harmonise every cell, report *all* problems with row
//! and column, and keep one encoded copy (`Vec<u64>` per encoded column) ready to be
//! secret-shared on the data owner's machine.
//!
//! | module | what it holds |
//! |---|---|
//! | `delimited` | `.csv` / `.tsv` / `.txt`, streamed record by record with the `csv` crate |
//! | `sheet` | `.xlsx` / `.xlsm` / `.xls` / `.xlsb` / `.ods` with `calamine` |
//! | `fhir` | FHIR R4 resources (Bulk Data export, NDJSON, Bundle) mapped by the dictionary's `[fhir]` section |
//! | `builder` | header matching and row harmonisation shared by the readers |
//! | `error` | [`CellError`], [`ImportErrors`] |
//! | `summary` | [`Summary`], [`ColumnSummary`] for the owner to confirm before upload |
//!
//! Row numbers are what the owner sees: the header is row 1. For delimited text it is
//! the line a record starts on (blank lines count, as in an editor); for spreadsheets
//! the sheet's row number. Rows whose cells are all blank are skipped.

mod builder;
mod delimited;
mod error;
mod fhir;
mod sheet;
mod summary;

use std::path::Path;

use sharestat_dict::{Dictionary, EncodedColumn};

pub use error::{CellError, ImportErrors};
pub use fhir::{FhirStats, import_fhir, import_fhir_bytes, import_fhir_with, is_fhir_file};
pub use summary::{ColumnSummary, Summary};

/// How to import one file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportOptions {
    /// The site whose conventions (`[sites.<site>]`) and aliases apply; a site not in
    /// the dictionary reads canonical CSV.
    pub site: String,
    /// Drop rows that have errors (and count them) instead of failing.
    pub drop_bad_rows: bool,
}

/// A successfully imported file.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// Number of rows kept.
    pub rows: usize,
    /// The encoded columns, as [`Dictionary::encoded_columns`].
    pub columns: Vec<EncodedColumn>,
    /// One `Vec` per encoded column, each of length `rows`.
    pub data: Vec<Vec<u64>>,
    /// Rows dropped because of errors (only with `drop_bad_rows`).
    pub dropped_rows: usize,
    /// The problems of the dropped rows, so that the owner can fix them.
    pub dropped_errors: Vec<CellError>,
    /// Per-column summary of the kept rows.
    pub summary: Summary,
}

impl Imported {
    /// The words of the encoded column `name`.
    pub fn column(&self, name: &str) -> Option<&[u64]> {
        let i = self.columns.iter().position(|c| c.name == name)?;
        Some(&self.data[i])
    }
}

/// The format of a file by its name's extension (lower case), or why it is not one we read.
fn format_of(name: &str) -> Result<String, String> {
    let ext = Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" | "tsv" | "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => Ok(ext),
        _ => Err(format!(
            "unsupported file type {:?}: use .csv, .tsv, .txt, .xlsx, .xls or .ods",
            if ext.is_empty() {
                "(none)".to_owned()
            } else {
                format!(".{ext}")
            }
        )),
    }
}

/// [`import_file`] of a file held in memory (`name` gives its format and names it in the
/// errors): a file a browser sent to the local app is imported without a copy on disk. A
/// FHIR file (`.ndjson`, `.ndjson.gz`, a Bundle `.json`) is mapped by the dictionary's
/// `[fhir]` section ([`import_fhir_bytes`]).
pub fn import_bytes(
    name: &str,
    bytes: Vec<u8>,
    dict: &Dictionary,
    opts: &ImportOptions,
) -> Result<Imported, ImportErrors> {
    let file = name.to_owned();
    if is_fhir_file(name) {
        return import_fhir_bytes(name, bytes, dict, opts).map(|(i, _)| i);
    }
    match format_of(name)
        .map_err(|m| ImportErrors::fatal(file.clone(), m))?
        .as_str()
    {
        "csv" | "txt" => delimited::read_from(bytes.as_slice(), file, ',', dict, opts),
        "tsv" => delimited::read_from(bytes.as_slice(), file, '\t', dict, opts),
        _ => sheet::read_bytes(bytes, file, dict, opts),
    }
}

/// Reads `path` (format by extension: `.csv`/`.tsv`/`.txt`, `.xlsx`/`.xlsm`/`.xls`/
/// `.xlsb`/`.ods`) with the conventions of `opts.site`, validates and harmonises every
/// cell against `dict`, and encodes the rows.
///
/// Errors: every cell and row problem of the file (not just the first), or a
/// file-level problem (cannot open, empty, header does not match the dictionary).
pub fn import_file(
    path: &Path,
    dict: &Dictionary,
    opts: &ImportOptions,
) -> Result<Imported, ImportErrors> {
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    match format_of(&file)
        .map_err(|m| ImportErrors::fatal(file.clone(), m))?
        .as_str()
    {
        "csv" | "txt" => delimited::read(path, file, ',', dict, opts),
        "tsv" => delimited::read(path, file, '\t', dict, opts),
        _ => sheet::read(path, file, dict, opts),
    }
}
