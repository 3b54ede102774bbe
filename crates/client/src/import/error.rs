//! Import errors: one [`CellError`] per bad cell or row, gathered in [`ImportErrors`]
//! together with a file-level problem, if any.

use std::fmt;

/// Most problem lines [`ImportErrors`] prints before "and N more".
const MAX_LINES: usize = 200;

/// One bad cell (or, with an empty `column`, one bad row).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CellError {
    /// File name, e.g. `rome.csv`.
    pub file: String,
    /// 1-based row as the owner sees it (the header is row 1).
    pub row: usize,
    /// Column name; "" for a row-level problem (wrong number of fields, ...).
    pub column: String,
    /// The cell's text as read (for a row-level problem: what was found).
    pub text: String,
    /// What was expected, e.g. `an integer from 18 to 110`.
    pub expected: String,
    /// For FHIR sources: where in the file, e.g. `line 7 (Observation/o1,
    /// valueQuantity.code)` or `entry 3 (Patient/p2)`; "" for spreadsheets and CSV.
    pub location: String,
}

impl CellError {
    pub(crate) fn new(
        file: &str,
        row: usize,
        column: &str,
        text: String,
        expected: String,
    ) -> Self {
        CellError {
            file: file.to_owned(),
            row,
            column: column.to_owned(),
            text,
            expected,
            location: String::new(),
        }
    }

    /// A problem of a FHIR source at `location` (see [`CellError::location`]); `line` is
    /// the line or entry number (for sorting), `column` "" when no column is concerned.
    pub(crate) fn at(
        file: &str,
        line: usize,
        location: String,
        column: &str,
        text: String,
        expected: String,
    ) -> Self {
        CellError {
            location,
            ..CellError::new(file, line, column, text, expected)
        }
    }
}

impl fmt::Display for CellError {
    /// `rome.csv row 7, column age: "x" is not an integer from 18 to 110`, or for a
    /// row: `rome.csv row 7: found 25 fields, expected 26 fields as in the header`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.location.is_empty() {
            write!(f, "{} {}", self.file, self.location)?;
            return if !self.column.is_empty() {
                write!(
                    f,
                    ", column {}: {:?} is not {}",
                    self.column, self.text, self.expected
                )
            } else if self.text.is_empty() {
                write!(f, ": {}", self.expected)
            } else {
                write!(f, ": found {}, expected {}", self.text, self.expected)
            };
        }
        if self.column.is_empty() {
            write!(
                f,
                "{} row {}: found {}, expected {}",
                self.file, self.row, self.text, self.expected
            )
        } else {
            write!(
                f,
                "{} row {}, column {}: {:?} is not {}",
                self.file, self.row, self.column, self.text, self.expected
            )
        }
    }
}

/// Why a file could not be imported: all its cell and row problems, and a file-level
/// problem if there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportErrors {
    /// File name.
    pub file: String,
    /// Every bad cell and row, in file order.
    pub errors: Vec<CellError>,
    /// File-level problem: cannot open, empty, header mismatch, wrong delimiter, ...
    pub fatal: Option<String>,
}

impl ImportErrors {
    pub(crate) fn fatal(file: impl Into<String>, message: impl Into<String>) -> Self {
        ImportErrors {
            file: file.into(),
            errors: Vec::new(),
            fatal: Some(message.into()),
        }
    }
}

impl fmt::Display for ImportErrors {
    /// The file-level problem, then one line per cell problem (at most 200, then
    /// `... and N more`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        if let Some(fatal) = &self.fatal {
            write!(f, "{}: {fatal}", self.file)?;
            first = false;
        }
        if !self.errors.is_empty() {
            if !first {
                writeln!(f)?;
            }
            let n = self.errors.len();
            write!(
                f,
                "{}: {n} problem{} found",
                self.file,
                if n == 1 { "" } else { "s" }
            )?;
            for e in self.errors.iter().take(MAX_LINES) {
                write!(f, "\n  {e}")?;
            }
            if n > MAX_LINES {
                write!(f, "\n  ... and {} more", n - MAX_LINES)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ImportErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_caps_lines() {
        let errors: Vec<CellError> = (2..=301)
            .map(|row| CellError::new("a.csv", row, "age", "x".into(), "an integer".into()))
            .collect();
        let e = ImportErrors {
            file: "a.csv".into(),
            errors,
            fatal: Some("the file has a problem".into()),
        };
        let text = e.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "a.csv: the file has a problem");
        assert_eq!(lines[1], "a.csv: 300 problems found");
        assert_eq!(
            lines[2],
            "  a.csv row 2, column age: \"x\" is not an integer"
        );
        assert_eq!(lines.len(), 2 + 200 + 1);
        assert_eq!(lines[202], "  ... and 100 more");
    }

    #[test]
    fn row_level_display() {
        let e = CellError::new(
            "r.csv",
            7,
            "",
            "25 fields".into(),
            "26 fields as in the header".into(),
        );
        assert_eq!(
            e.to_string(),
            "r.csv row 7: found 25 fields, expected 26 fields as in the header"
        );
    }
}
