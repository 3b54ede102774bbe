//! Shared by both readers: matching a header against the dictionary, harmonising the
//! rows into the encoded columns, collecting every problem, and finishing the import.
use std::collections::{HashMap, HashSet};

use sharestat_dict::{Cell, Dictionary, EncodedColumn, SiteConventions, encode_row, harmonise};

use super::error::{CellError, ImportErrors};
use super::summary::SummaryBuilder;
use super::{ImportOptions, Imported};

/// What the owner is told when a field is not UTF-8.
const NOT_UTF8: &str = "valid UTF-8 text (save the file as UTF-8)";

/// Candidate delimiters for the wrong-delimiter hint.
const DELIMITERS: [char; 4] = [',', ';', '\t', '|'];

/// Turns rows of raw cells into encoded columns.
pub(super) struct Builder<'a> {
    file: String,
    dict: &'a Dictionary,
    site: &'a str,
    conv: SiteConventions,
    drop_bad_rows: bool,
    /// Dictionary column -> field index in the file.
    map: Vec<usize>,
    /// Number of header fields.
    width: usize,
    columns: Vec<EncodedColumn>,
    data: Vec<Vec<u64>>,
    errors: Vec<CellError>,
    dropped_errors: Vec<CellError>,
    dropped_rows: usize,
    data_rows: usize,
    kept: usize,
    values: Vec<Option<i64>>,
    words: Vec<u64>,
    row_errors: Vec<CellError>,
    cell: Cell,
    summary: SummaryBuilder,
}

impl<'a> Builder<'a> {
    /// Checks `header` (fields in file order; `first_col` = 1-based column of the
    /// first field) and prepares the import. `delimiter` is given for delimited text
    /// (for the wrong-delimiter hint).
    pub(super) fn new(
        file: String,
        dict: &'a Dictionary,
        opts: &'a ImportOptions,
        header: &[String],
        first_col: usize,
        delimiter: Option<char>,
    ) -> Result<Self, ImportErrors> {
        let conv = dict.site(&opts.site);
        let map = match match_header(dict, header, first_col, delimiter, &opts.site) {
            Ok(map) => map,
            Err(message) => return Err(ImportErrors::fatal(file, message)),
        };
        let columns = dict.encoded_columns();
        Ok(Builder {
            file,
            dict,
            site: &opts.site,
            conv,
            drop_bad_rows: opts.drop_bad_rows,
            map,
            width: header.len(),
            data: vec![Vec::new(); columns.len()],
            columns,
            errors: Vec::new(),
            dropped_errors: Vec::new(),
            dropped_rows: 0,
            data_rows: 0,
            kept: 0,
            values: Vec::with_capacity(dict.columns.len()),
            words: Vec::new(),
            row_errors: Vec::new(),
            cell: Cell::Empty,
            summary: SummaryBuilder::new(dict),
        })
    }

    /// Room for `rows` more rows in every column (when the number is known, as for FHIR
    /// patients: no doubling of the columns while they fill).
    pub(super) fn reserve(&mut self, rows: usize) {
        for c in &mut self.data {
            c.reserve_exact(rows);
        }
    }

    /// Number of header fields.
    pub(super) fn width(&self) -> usize {
        self.width
    }

    /// A row-level problem (`found`, `expected`) that makes the row unusable.
    pub(super) fn bad_row(&mut self, row: usize, found: String, expected: String) {
        self.data_rows += 1;
        let e = CellError::new(&self.file, row, "", found, expected);
        self.reject(vec![e]);
    }

    /// Harmonises one data row. `fill(field, cell)` stores field `field` in `cell`, or
    /// returns the field's text (lossily decoded) if it is not valid UTF-8.
    pub(super) fn row(
        &mut self,
        row: usize,
        mut fill: impl FnMut(usize, &mut Cell) -> Result<(), String>,
    ) {
        self.data_rows += 1;
        self.values.clear();
        for (col, &field) in self.dict.columns.iter().zip(&self.map) {
            let value = match fill(field, &mut self.cell) {
                Err(lossy) => Err((lossy, NOT_UTF8.to_owned())),
                Ok(()) => harmonise(col, self.site, &self.conv, &self.dict.missing, &self.cell)
                    .map_err(|expected| (cell_text(&self.cell), expected)),
            };
            match value {
                Ok(v) => self.values.push(v),
                Err((text, expected)) => {
                    self.row_errors
                        .push(CellError::new(&self.file, row, &col.name, text, expected));
                    self.values.push(None);
                }
            }
        }
        if !self.row_errors.is_empty() {
            let errs = std::mem::take(&mut self.row_errors);
            self.reject(errs);
            return;
        }
        if !self.errors.is_empty() {
            // The import fails anyway: keep checking, stop storing.
            return;
        }
        encode_row(self.dict, &self.values, &mut self.words);
        for (column, word) in self.data.iter_mut().zip(&self.words) {
            column.push(*word);
        }
        self.summary.add(&self.values);
        self.kept += 1;
    }

    fn reject(&mut self, errs: Vec<CellError>) {
        if self.drop_bad_rows {
            self.dropped_rows += 1;
            self.dropped_errors.extend(errs);
        } else {
            self.errors.extend(errs);
        }
    }

    /// The import's result.
    pub(super) fn finish(self) -> Result<Imported, ImportErrors> {
        if self.data_rows == 0 {
            return Err(ImportErrors::fatal(
                self.file,
                "the file has a header but no data rows",
            ));
        }
        if !self.errors.is_empty() {
            return Err(ImportErrors {
                file: self.file,
                errors: self.errors,
                fatal: None,
            });
        }
        if self.kept == 0 {
            return Err(ImportErrors {
                fatal: Some(format!(
                    "all {} data rows have errors; nothing to import",
                    self.data_rows
                )),
                file: self.file,
                errors: self.dropped_errors,
            });
        }
        Ok(Imported {
            rows: self.kept,
            summary: self.summary.finish(self.dict),
            columns: self.columns,
            data: self.data,
            dropped_rows: self.dropped_rows,
            dropped_errors: self.dropped_errors,
        })
    }
}

/// Puts `s` into `cell` as text, reusing its buffer.
pub(super) fn set_text(cell: &mut Cell, s: &str) {
    if let Cell::Text(buf) = cell {
        buf.clear();
        buf.push_str(s);
    } else {
        *cell = Cell::Text(s.to_owned());
    }
}

/// A cell as the owner sees it, for error messages.
fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.clone(),
        Cell::Number(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{x:.0}"),
        Cell::Number(x) => x.to_string(),
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
    }
}

/// Dictionary column -> field index, or one message naming every header problem.
fn match_header(
    dict: &Dictionary,
    header: &[String],
    first_col: usize,
    delimiter: Option<char>,
    site: &str,
) -> Result<Vec<usize>, String> {
    let names: Vec<&str> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = if i == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                h
            };
            h.trim()
        })
        .collect();
    let n = names.len();
    if let Some(d) = delimiter
        && n < dict.columns.len()
    {
        let guess = DELIMITERS
            .iter()
            .filter(|c| **c != d)
            .map(|c| {
                (
                    names.iter().map(|h| h.matches(*c).count()).sum::<usize>(),
                    *c,
                )
            })
            .max();
        if let Some((count, c)) = guess
            && count > 0
        {
            return Err(format!(
                "header has {n} field{}; is the delimiter {c:?} rather than {d:?}? \
                 (the conventions of site {site:?} say {d:?})",
                if n == 1 { "" } else { "s" }
            ));
        }
    }
    // Every look-up goes through hash maps: linear in the number of columns (a header of
    // 10^5 columns is checked in milliseconds, not the minute a quadratic scan takes).
    let mut problems = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if name.is_empty() {
            problems.push(format!("column {} of the header is empty", i + first_col));
        }
    }
    // Header name -> its 1-based columns, in the order the names first occur.
    let mut at: HashMap<&str, Vec<usize>> = HashMap::with_capacity(n);
    let mut order: Vec<&str> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if name.is_empty() {
            continue;
        }
        let cols = at.entry(name).or_default();
        if cols.is_empty() {
            order.push(name);
        }
        cols.push(i + first_col);
    }
    for name in &order {
        let cols = &at[name];
        if let Some((last, rest)) = cols.split_last()
            && !rest.is_empty()
        {
            let rest: Vec<String> = rest.iter().map(usize::to_string).collect();
            problems.push(format!(
                "duplicate header {name:?} in columns {} and {last}",
                rest.join(", ")
            ));
        }
    }
    let known: HashSet<&str> = dict.columns.iter().map(|c| c.name.as_str()).collect();
    let mut folded: HashMap<String, &str> = HashMap::with_capacity(dict.columns.len());
    for c in dict.columns.iter().rev() {
        folded.insert(c.name.to_ascii_lowercase(), c.name.as_str());
    }
    for name in &order {
        if known.contains(name) {
            continue;
        }
        let hint = folded
            .get(&name.to_ascii_lowercase())
            .map(|c| format!(" (did you mean {c:?}?)"))
            .unwrap_or_default();
        problems.push(format!(
            "unknown column {name:?} (column {}) is not in the dictionary{hint}",
            at[name][0]
        ));
    }
    let absent: Vec<String> = dict
        .columns
        .iter()
        .filter(|c| !at.contains_key(c.name.as_str()))
        .map(|c| format!("{:?}", c.name))
        .collect();
    if !absent.is_empty() {
        problems.push(format!(
            "missing column{} {} (every dictionary column must be present, even if empty)",
            if absent.len() == 1 { "" } else { "s" },
            absent.join(", ")
        ));
    }
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    // No duplicates and none missing: each dictionary column's one field, 0-based.
    Ok(dict
        .columns
        .iter()
        .map(|c| at[c.name.as_str()][0] - first_col)
        .collect())
}
