//! Spreadsheets (`.xlsx`, `.xlsm`, `.xls`, `.xlsb`, `.ods`) read with `calamine`: the
//! site's sheet (or the first), real date cells, numbers stored as text.

use std::io::{Cursor, Read, Seek};
use std::path::Path;

use calamine::{Data, Reader, Sheets, open_workbook_auto, open_workbook_auto_from_rs};
use chrono::NaiveDate;
use sharestat_dict::{Cell, Dictionary};

use super::builder::Builder;
use super::error::ImportErrors;
use super::{ImportOptions, Imported};

/// Reads the site's sheet of a workbook.
pub(super) fn read(
    path: &Path,
    file: String,
    dict: &Dictionary,
    opts: &ImportOptions,
) -> Result<Imported, ImportErrors> {
    match open_workbook_auto(path) {
        Ok(w) => read_sheets(w, file, dict, opts),
        Err(e) => Err(ImportErrors::fatal(
            file,
            format!("cannot open the workbook: {e}"),
        )),
    }
}

/// [`read`] of a workbook held in memory (a file a browser sent: no copy on disk).
pub(super) fn read_bytes(
    bytes: Vec<u8>,
    file: String,
    dict: &Dictionary,
    opts: &ImportOptions,
) -> Result<Imported, ImportErrors> {
    match open_workbook_auto_from_rs(Cursor::new(bytes)) {
        Ok(w) => read_sheets(w, file, dict, opts),
        Err(e) => Err(ImportErrors::fatal(
            file,
            format!("cannot open the workbook: {e}"),
        )),
    }
}

/// The site's sheet of an opened workbook.
fn read_sheets<RS: Read + Seek>(
    mut workbook: Sheets<RS>,
    file: String,
    dict: &Dictionary,
    opts: &ImportOptions,
) -> Result<Imported, ImportErrors> {
    let conv = dict.site(&opts.site);
    let names = workbook.sheet_names();
    let sheet = match (&conv.sheet, names.first()) {
        (Some(s), _) if names.contains(s) => s.clone(),
        (Some(s), _) => {
            return Err(ImportErrors::fatal(
                file,
                format!(
                    "the workbook has no sheet {s:?} (the conventions of site {:?}); its sheets: {}",
                    opts.site,
                    names.join(", ")
                ),
            ));
        }
        (None, Some(first)) => first.clone(),
        (None, None) => return Err(ImportErrors::fatal(file, "the workbook has no sheets")),
    };
    let range = match workbook.worksheet_range(&sheet) {
        Ok(r) => r,
        Err(e) => {
            return Err(ImportErrors::fatal(
                file,
                format!("cannot read sheet {sheet:?}: {e}"),
            ));
        }
    };
    let (row0, col0) = range
        .start()
        .map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let mut rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| (row0 + i + 1, cells))
        .filter(|(_, cells)| !cells.iter().all(is_blank));
    let Some((_, header_cells)) = rows.next() else {
        return Err(ImportErrors::fatal(
            file,
            format!("the sheet {sheet:?} is empty (no header row)"),
        ));
    };
    let used = header_cells
        .iter()
        .rposition(|c| !is_blank(c))
        .map_or(0, |i| i + 1);
    let header: Vec<String> = header_cells[..used].iter().map(header_text).collect();
    let mut builder = Builder::new(file, dict, opts, &header, col0 + 1, None)?;
    for (row, cells) in rows {
        if let Some(extra) = cells.iter().skip(used).position(|c| !is_blank(c)) {
            builder.bad_row(
                row,
                format!("a value in column {}", col0 + used + extra + 1),
                format!(
                    "no value right of the header's last column ({})",
                    col0 + used
                ),
            );
            continue;
        }
        builder.row(row, |i, cell| {
            *cell = to_cell(&cells[i]);
            Ok(())
        });
    }
    builder.finish()
}

fn is_blank(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

fn header_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// A calamine cell as a raw [`Cell`]: date/time cells become their date.
fn to_cell(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Float(x) => Cell::Number(*x),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) if dt.is_datetime() => match dt.as_datetime() {
            Some(t) => Cell::Date(t.date()),
            None => Cell::Number(dt.as_f64()),
        },
        Data::DateTime(dt) => Cell::Number(dt.as_f64()),
        Data::DateTimeIso(s) => s
            .get(..10)
            .and_then(|p| NaiveDate::parse_from_str(p, "%Y-%m-%d").ok())
            .map_or_else(|| Cell::Text(s.clone()), Cell::Date),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Text(e.to_string()),
    }
}
