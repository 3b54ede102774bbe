//! Delimited text (`.csv`, `.tsv`, `.txt`) streamed record by record with the `csv`
//! crate: the site's delimiter, quoted fields, CRLF, a UTF-8 BOM stripped. Fields are
//! read as bytes and decoded here, so that a non-UTF-8 field is reported with its
//! row and column.
//!
//! Records end at `\n` only (a trailing `\r` is cut off the last field): with the csv
//! crate's default CRLF terminator the reported line numbers run one behind after
//! the first `\r\n`, and row numbers must be exact.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use sharestat_dict::Dictionary;

use super::builder::{Builder, set_text};
use super::error::ImportErrors;
use super::{ImportOptions, Imported};

/// Reads a delimited file; `default_delimiter` applies when the site sets none.
pub(super) fn read(
    path: &Path,
    file: String,
    default_delimiter: char,
    dict: &Dictionary,
    opts: &ImportOptions,
) -> Result<Imported, ImportErrors> {
    match File::open(path) {
        Ok(f) => read_from(
            BufReader::with_capacity(1 << 16, f),
            file,
            default_delimiter,
            dict,
            opts,
        ),
        Err(e) => Err(ImportErrors::fatal(
            file,
            format!("cannot open the file: {e}"),
        )),
    }
}

/// [`read`] of any source (a file, or bytes a browser sent: no copy on disk).
pub(super) fn read_from<R: Read>(
    source: R,
    file: String,
    default_delimiter: char,
    dict: &Dictionary,
    opts: &ImportOptions,
) -> Result<Imported, ImportErrors> {
    let conv = dict.site(&opts.site);
    let delimiter = conv.delimiter.unwrap_or(default_delimiter);
    let byte = u8::try_from(delimiter).expect("the dictionary checks that delimiters are ASCII");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(byte)
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(source);
    let read_error = |file: String, e: csv::Error| {
        ImportErrors::fatal(file, format!("cannot read the file: {e}"))
    };

    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => {}
        Ok(false) => {
            return Err(ImportErrors::fatal(
                file,
                "the file is empty (no header row)",
            ));
        }
        Err(e) => return Err(read_error(file, e)),
    }
    let mut header = Vec::with_capacity(record.len());
    for i in 0..record.len() {
        let field = field(&record, i);
        if field.contains(&b'\r') {
            return Err(ImportErrors::fatal(
                file,
                "the lines of the file end in a bare CR (old Mac format): save it with LF or CRLF line ends",
            ));
        }
        match std::str::from_utf8(field) {
            Ok(s) => header.push(s.to_owned()),
            Err(_) => {
                return Err(ImportErrors::fatal(
                    file,
                    format!(
                        "header column {} ({:?}) is not valid UTF-8 text (save the file as UTF-8)",
                        i + 1,
                        String::from_utf8_lossy(field)
                    ),
                ));
            }
        }
    }
    let mut builder = Builder::new(file.clone(), dict, opts, &header, 1, Some(delimiter))?;
    let width = builder.width();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(read_error(file, e)),
        }
        let row = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(|f| f.trim_ascii().is_empty()) {
            continue;
        }
        if record.len() != width {
            builder.bad_row(
                row,
                format!(
                    "{} field{}",
                    record.len(),
                    if record.len() == 1 { "" } else { "s" }
                ),
                format!("{width} fields as in the header"),
            );
            continue;
        }
        builder.row(row, |i, cell| {
            let bytes = field(&record, i);
            match std::str::from_utf8(bytes) {
                Ok(s) => {
                    set_text(cell, s);
                    Ok(())
                }
                Err(_) => Err(String::from_utf8_lossy(bytes).into_owned()),
            }
        });
    }
    builder.finish()
}

/// Field `i` of `record`, without the `\r` of a CRLF line end on the last field.
fn field(record: &csv::ByteRecord, i: usize) -> &[u8] {
    let f = &record[i];
    if i + 1 == record.len() {
        f.strip_suffix(b"\r").unwrap_or(f)
    } else {
        f
    }
}
