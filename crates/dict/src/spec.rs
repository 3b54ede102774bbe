//! The data model of a dictionary: study, sites' reading conventions, columns, the
//! encoded (stored) columns and the raw [`Cell`] that harmonisation starts from.

use std::collections::BTreeMap;

use chrono::NaiveDate;

/// A parsed and validated data dictionary (see `docs/dictionary.md`).
#[derive(Debug, Clone, PartialEq)]
pub struct Dictionary {
    /// Short study identifier, e.g. `adrenal`.
    pub study: String,
    /// Human-readable title ("" when not given).
    pub title: String,
    /// Global missing-value markers (compared trimmed and case-insensitively). A blank
    /// cell is always missing, whether or not `""` is listed.
    pub missing: Vec<String>,
    /// Per-site reading conventions, by site name.
    pub sites: BTreeMap<String, SiteConventions>,
    /// The columns, in order.
    pub columns: Vec<ColumnSpec>,
    /// Where each column comes from in a site's FHIR R4 resources (`[fhir]`), if given.
    pub fhir: Option<crate::fhir::FhirMapping>,
}

impl Dictionary {
    /// The reading conventions of `site`, or the default (canonical CSV) for a site not
    /// listed under `[sites]`.
    pub fn site(&self, site: &str) -> SiteConventions {
        self.sites.get(site).cloned().unwrap_or_default()
    }

    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// How one site writes its files. Fields not given in the dictionary take the
/// canonical defaults ([`SiteConventions::default`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteConventions {
    /// Field delimiter of delimited text files; `None` = by file extension (tab for
    /// `.tsv`, comma otherwise). Always ASCII.
    pub delimiter: Option<char>,
    /// Decimal separator of numbers written as text: `.` or `,`.
    pub decimal_separator: char,
    /// chrono `strftime` format of dates written as text (ISO `%Y-%m-%d` is always
    /// accepted too).
    pub date_format: String,
    /// Sheet to read from spreadsheets; `None` = the first sheet.
    pub sheet: Option<String>,
    /// Extra missing-value markers of this site (in addition to the global ones).
    pub missing: Vec<String>,
}

impl Default for SiteConventions {
    /// Canonical CSV: comma, `.` decimals, ISO dates, first sheet, no extra markers.
    fn default() -> Self {
        SiteConventions {
            delimiter: None,
            decimal_separator: '.',
            date_format: "%Y-%m-%d".to_owned(),
            sheet: None,
            missing: Vec::new(),
        }
    }
}

/// The type of a dictionary column, with its type-specific settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnType {
    /// Whole numbers.
    Integer,
    /// Exact decimals, stored as integers scaled by `10^decimals`.
    Decimal {
        /// Number of decimal places kept (0..=12).
        decimals: u32,
    },
    /// One of a fixed, ordered list of levels, stored as the level index.
    Categorical {
        /// The levels in order (index 0 first).
        levels: Vec<String>,
        /// Whether the nodes also store one 0/1 column per level.
        onehot: bool,
    },
    /// 0/1 (false/true).
    Boolean,
    /// Calendar dates, stored as days since 1970-01-01.
    Date,
}

impl ColumnType {
    /// The type's name as written in the dictionary (`integer`, `decimal`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            ColumnType::Integer => "integer",
            ColumnType::Decimal { .. } => "decimal",
            ColumnType::Categorical { .. } => "categorical",
            ColumnType::Boolean => "boolean",
            ColumnType::Date => "date",
        }
    }
}

/// One dictionary column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSpec {
    /// Column name, as in the files' header.
    pub name: String,
    /// Type and type-specific settings.
    pub ty: ColumnType,
    /// Unit, e.g. `Gy` ("" when none).
    pub unit: String,
    /// Free-text description ("" when none).
    pub description: String,
    /// Inclusive lower bound in encoded units (scaled decimal, days since epoch).
    pub min: Option<i64>,
    /// Inclusive upper bound in encoded units.
    pub max: Option<i64>,
    /// Missing values are not allowed.
    pub required: bool,
    /// Per-site aliases: site -> (text as the site writes it -> level, or `true` /
    /// `false` for booleans). Matched trimmed and case-insensitively.
    pub aliases: BTreeMap<String, BTreeMap<String, String>>,
}

/// Largest magnitude, in encoded units, of a number, date or level of a column whose
/// dictionary declares no `min` or `max` (that side's implicit bound): `2^40 - 1`. Uploads
/// refuse values beyond it, and the query language proves its ranges from it (`docs/dictionary.md`).
pub const DEFAULT_BOUND: i64 = (1 << 40) - 1;

impl ColumnSpec {
    /// The inclusive bounds of this column's encoded values: the declared `min` and `max`,
    /// each side defaulting to [`DEFAULT_BOUND`] (levels: `0..levels`, booleans: `0..=1`).
    pub fn bounds(&self) -> (i64, i64) {
        match &self.ty {
            ColumnType::Categorical { levels, .. } => (0, levels.len().saturating_sub(1) as i64),
            ColumnType::Boolean => (0, 1),
            _ => (
                self.min.unwrap_or(-DEFAULT_BOUND),
                self.max.unwrap_or(DEFAULT_BOUND),
            ),
        }
    }

    /// The human form of an encoded value of this column: decimals with all their
    /// places (`40.5`, `72.0`), dates as ISO, levels by name, booleans as 0/1.
    pub fn display_value(&self, value: i64) -> String {
        match &self.ty {
            ColumnType::Integer | ColumnType::Boolean => value.to_string(),
            ColumnType::Decimal { decimals } => format_scaled(value, *decimals),
            ColumnType::Categorical { levels, .. } => usize::try_from(value)
                .ok()
                .and_then(|i| levels.get(i))
                .cloned()
                .unwrap_or_else(|| format!("#{value}")),
            ColumnType::Date => epoch_days_to_date(value)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| format!("day {value}")),
        }
    }
}

/// Formats an integer scaled by `10^decimals` with exactly `decimals` places.
pub(crate) fn format_scaled(value: i64, decimals: u32) -> String {
    if decimals == 0 {
        return value.to_string();
    }
    let scale = 10u128.pow(decimals);
    let abs = u128::from(value.unsigned_abs());
    let sign = if value < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:0width$}",
        abs / scale,
        abs % scale,
        width = decimals as usize
    )
}

/// 1970-01-01, the origin of encoded dates.
pub(crate) fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")
}

/// Days since 1970-01-01 -> date.
pub(crate) fn epoch_days_to_date(days: i64) -> Option<NaiveDate> {
    epoch().checked_add_signed(chrono::TimeDelta::try_days(days)?)
}

/// Date -> days since 1970-01-01.
pub(crate) fn date_to_epoch_days(date: NaiveDate) -> i64 {
    date.signed_duration_since(epoch()).num_days()
}

/// One encoded (stored) column on the nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedColumn {
    /// Stored name: `<name>`, `<name>.present` or `<name>=<level>`.
    pub name: String,
    /// The dictionary column it comes from.
    pub source: String,
    /// What the words mean.
    pub kind: EncodedKind,
}

/// What the words of an encoded column mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodedKind {
    /// An integer value.
    Integer,
    /// A decimal scaled by `10^decimals`.
    Decimal {
        /// Decimal places of the scaling.
        decimals: u32,
    },
    /// A categorical level index `0..levels`.
    Code {
        /// Number of levels.
        levels: usize,
    },
    /// 0/1.
    Boolean,
    /// Days since 1970-01-01.
    Date,
    /// Presence mask: 1 = present, 0 = missing.
    Present,
    /// 1 if the categorical has this level, else 0 (also 0 when missing).
    OneHot {
        /// Index of the level.
        level: usize,
    },
}

impl EncodedKind {
    /// Stable textual form: `integer`, `decimal(1)`, `categorical(3)`, `boolean`,
    /// `date`, `present`, `onehot(2)`.
    pub fn as_str(&self) -> String {
        match self {
            EncodedKind::Integer => "integer".to_owned(),
            EncodedKind::Decimal { decimals } => format!("decimal({decimals})"),
            EncodedKind::Code { levels } => format!("categorical({levels})"),
            EncodedKind::Boolean => "boolean".to_owned(),
            EncodedKind::Date => "date".to_owned(),
            EncodedKind::Present => "present".to_owned(),
            EncodedKind::OneHot { level } => format!("onehot({level})"),
        }
    }
}

/// One raw cell as read from a file.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value at all (an empty spreadsheet cell).
    Empty,
    /// Text (every CSV field; spreadsheet text cells).
    Text(String),
    /// A spreadsheet number.
    Number(f64),
    /// A spreadsheet date (the date part of a date/time cell).
    Date(NaiveDate),
    /// A spreadsheet boolean.
    Bool(bool),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_formatting() {
        assert_eq!(format_scaled(405, 1), "40.5");
        assert_eq!(format_scaled(720, 1), "72.0");
        assert_eq!(format_scaled(-5, 2), "-0.05");
        assert_eq!(format_scaled(7, 0), "7");
        assert_eq!(format_scaled(i64::MIN, 3), "-9223372036854775.808");
    }

    #[test]
    fn epoch_days_round_trip() {
        let d = NaiveDate::from_ymd_opt(2022, 10, 16).unwrap();
        assert_eq!(epoch_days_to_date(date_to_epoch_days(d)), Some(d));
        assert_eq!(date_to_epoch_days(epoch()), 0);
        assert_eq!(epoch_days_to_date(i64::MAX), None);
    }

    #[test]
    fn kind_names() {
        assert_eq!(EncodedKind::Decimal { decimals: 1 }.as_str(), "decimal(1)");
        assert_eq!(EncodedKind::Code { levels: 3 }.as_str(), "categorical(3)");
        assert_eq!(EncodedKind::OneHot { level: 2 }.as_str(), "onehot(2)");
        assert_eq!(EncodedKind::Present.as_str(), "present");
    }
}
