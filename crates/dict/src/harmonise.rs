//! Harmonisation: one raw [`Cell`] of a site's file -> the exact encoded value of a
//! dictionary column, or a human description of what was expected.
//!
//! Text is trimmed first. A blank cell, or text equal (case-insensitively) to a
//! global or site missing-value marker, is missing. Numbers written as text are
//! parsed digit by digit with the site's decimal separator, never through `f64`.

use std::borrow::Cow;

use chrono::NaiveDate;

use crate::spec::{Cell, ColumnSpec, ColumnType, SiteConventions, date_to_epoch_days};

/// Harmonises one cell of column `col` as written by site `site_name` with reading
/// conventions `conv` and global missing markers `missing`.
///
/// `Ok(None)` = missing; `Ok(Some(v))` = the encoded value (integer; decimal scaled
/// by `10^decimals`; level index; 0/1; days since 1970-01-01). `Err(expected)`
/// describes what was expected, e.g. `an integer from 18 to 110` or
/// `one of male, female (or aliases M, F)`.
pub fn harmonise(
    col: &ColumnSpec,
    site_name: &str,
    conv: &SiteConventions,
    missing: &[String],
    cell: &Cell,
) -> Result<Option<i64>, String> {
    if is_missing(cell, conv, missing) {
        return if col.required {
            Err(format!(
                "{} (required: missing values are not allowed)",
                expected_description(col, site_name, conv)
            ))
        } else {
            Ok(None)
        };
    }
    let value = parse_value(col, site_name, conv, cell);
    match value {
        Some(v) if in_range(col, v) => Ok(Some(v)),
        // Within what the dictionary declares, beyond the implicit bound of an open side.
        Some(v) if col.min.is_none_or(|m| v >= m) && col.max.is_none_or(|m| v <= m) => {
            Err(format!(
                "{} within ±{} (the bound of a column without min or max: declare the \
                 column's range in the dictionary)",
                expected_description(col, site_name, conv),
                col.display_value(crate::spec::DEFAULT_BOUND)
            ))
        }
        _ => Err(describe_failure(col, site_name, conv, cell)),
    }
}

/// What a value of `col` must look like at site `site_name`, e.g.
/// `an integer from 18 to 110`, `a number from 0.0 to 100.0 with at most 1 decimal
/// place (decimal separator ',')`, `one of male, female (or aliases M, F)`,
/// `a date dd/mm/yyyy (or yyyy-mm-dd)`.
pub fn expected_description(col: &ColumnSpec, site_name: &str, conv: &SiteConventions) -> String {
    let range = range_text(col);
    match &col.ty {
        ColumnType::Integer => format!("an integer{range}"),
        ColumnType::Decimal { decimals } => {
            let places = match decimals {
                0 => " without decimal places".to_owned(),
                1 => " with at most 1 decimal place".to_owned(),
                d => format!(" with at most {d} decimal places"),
            };
            let sep = if conv.decimal_separator == '.' {
                String::new()
            } else {
                format!(" (decimal separator '{}')", conv.decimal_separator)
            };
            format!("a number{range}{places}{sep}")
        }
        ColumnType::Categorical { levels, .. } => {
            format!("one of {}{}", levels.join(", "), alias_text(col, site_name))
        }
        ColumnType::Boolean => format!(
            "a boolean (0/1, true/false, yes/no){}",
            alias_text(col, site_name)
        ),
        ColumnType::Date => {
            let own = human_date_format(&conv.date_format);
            let iso = if own == "yyyy-mm-dd" {
                String::new()
            } else {
                " (or yyyy-mm-dd)".to_owned()
            };
            format!("a date {own}{iso}{range}")
        }
    }
}

/// The description of a failed cell, with a hint when a decimal uses the other
/// separator.
fn describe_failure(
    col: &ColumnSpec,
    site_name: &str,
    conv: &SiteConventions,
    cell: &Cell,
) -> String {
    let base = expected_description(col, site_name, conv);
    let numeric = matches!(col.ty, ColumnType::Decimal { .. } | ColumnType::Integer);
    let comma = matches!(cell, Cell::Text(t) if t.contains(','));
    if numeric && comma && conv.decimal_separator == '.' {
        format!("{base} (decimal separator '.')")
    } else {
        base
    }
}

fn alias_text(col: &ColumnSpec, site_name: &str) -> String {
    match col.aliases.get(site_name) {
        Some(a) if !a.is_empty() => {
            let names: Vec<&str> = a.keys().map(String::as_str).collect();
            format!(" (or aliases {})", names.join(", "))
        }
        _ => String::new(),
    }
}

fn range_text(col: &ColumnSpec) -> String {
    match (col.min, col.max) {
        (Some(a), Some(b)) => format!(" from {} to {}", col.display_value(a), col.display_value(b)),
        (Some(a), None) => format!(" of at least {}", col.display_value(a)),
        (None, Some(b)) => format!(" of at most {}", col.display_value(b)),
        (None, None) => String::new(),
    }
}

/// `%d/%m/%Y` -> `dd/mm/yyyy` (unknown specifiers are shown as they are).
pub(crate) fn human_date_format(fmt: &str) -> String {
    let mut out = String::new();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('d') => out.push_str("dd"),
            Some('e') => out.push('d'),
            Some('m') => out.push_str("mm"),
            Some('Y') => out.push_str("yyyy"),
            Some('y') => out.push_str("yy"),
            Some('b') | Some('h') => out.push_str("mon"),
            Some('B') => out.push_str("month"),
            Some('F') => out.push_str("yyyy-mm-dd"),
            Some('%') => out.push('%'),
            Some(o) => {
                out.push('%');
                out.push(o);
            }
            None => out.push('%'),
        }
    }
    out
}

fn in_range(col: &ColumnSpec, v: i64) -> bool {
    let (lo, hi) = col.bounds();
    (lo..=hi).contains(&v)
}

fn is_missing(cell: &Cell, conv: &SiteConventions, missing: &[String]) -> bool {
    match cell {
        Cell::Empty => true,
        Cell::Text(s) => {
            let t = s.trim();
            t.is_empty()
                || missing
                    .iter()
                    .chain(conv.missing.iter())
                    .any(|m| eq_fold(m.trim(), t))
        }
        Cell::Number(_) | Cell::Date(_) | Cell::Bool(_) => false,
    }
}

/// Case-insensitive (Unicode lower-case) equality without allocating.
pub(crate) fn eq_fold(a: &str, b: &str) -> bool {
    a == b
        || a.chars()
            .flat_map(char::to_lowercase)
            .eq(b.chars().flat_map(char::to_lowercase))
}

/// The value of a present cell, or `None` if it does not parse (range not checked).
fn parse_value(
    col: &ColumnSpec,
    site_name: &str,
    conv: &SiteConventions,
    cell: &Cell,
) -> Option<i64> {
    match (&col.ty, cell) {
        (_, Cell::Empty) => None,
        (ColumnType::Integer, Cell::Text(t)) => {
            parse_scaled(t.trim(), conv.decimal_separator, 0).ok()
        }
        (ColumnType::Integer, Cell::Number(x)) => integral_f64(*x),
        (ColumnType::Decimal { decimals }, Cell::Text(t)) => {
            parse_scaled(t.trim(), conv.decimal_separator, *decimals).ok()
        }
        (ColumnType::Decimal { decimals }, Cell::Number(x)) => scale_f64(*x, *decimals).ok(),
        (ColumnType::Integer | ColumnType::Decimal { .. }, Cell::Date(_) | Cell::Bool(_)) => None,
        (ColumnType::Categorical { levels, .. }, c) => {
            let text = cell_text(c);
            let text = text.trim();
            if let Some(i) = levels.iter().position(|l| eq_fold(l, text)) {
                return i64::try_from(i).ok();
            }
            let target = lookup_alias(col, site_name, text)?;
            levels
                .iter()
                .position(|l| l == target)
                .and_then(|i| i64::try_from(i).ok())
        }
        (ColumnType::Boolean, Cell::Bool(b)) => Some(i64::from(*b)),
        (ColumnType::Boolean, Cell::Number(x)) => match integral_f64(*x) {
            Some(v @ (0 | 1)) => Some(v),
            _ => None,
        },
        (ColumnType::Boolean, Cell::Text(t)) => {
            let t = t.trim();
            bool_word(t)
                .or_else(|| lookup_alias(col, site_name, t).and_then(bool_word))
                .map(i64::from)
        }
        (ColumnType::Boolean, Cell::Date(_)) => None,
        (ColumnType::Date, Cell::Date(d)) => Some(date_to_epoch_days(*d)),
        (ColumnType::Date, Cell::Number(x)) => excel_serial_to_date(*x).map(date_to_epoch_days),
        (ColumnType::Date, Cell::Text(t)) => {
            parse_date_text(t.trim(), &conv.date_format).map(date_to_epoch_days)
        }
        (ColumnType::Date, Cell::Bool(_)) => None,
    }
}

fn cell_text(cell: &Cell) -> Cow<'_, str> {
    match cell {
        Cell::Empty => Cow::Borrowed(""),
        Cell::Text(s) => Cow::Borrowed(s.as_str()),
        Cell::Number(x) => match integral_f64(*x) {
            Some(i) => Cow::Owned(i.to_string()),
            None => Cow::Owned(x.to_string()),
        },
        Cell::Date(d) => Cow::Owned(d.format("%Y-%m-%d").to_string()),
        Cell::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
    }
}

fn lookup_alias<'a>(col: &'a ColumnSpec, site_name: &str, text: &str) -> Option<&'a str> {
    col.aliases
        .get(site_name)?
        .iter()
        .find(|(alias, _)| eq_fold(alias.trim(), text))
        .map(|(_, target)| target.as_str())
}

/// `0/1`, `true/false`, `yes/no` (case-insensitive).
pub(crate) fn bool_word(t: &str) -> Option<bool> {
    const TRUE: [&str; 3] = ["1", "true", "yes"];
    const FALSE: [&str; 3] = ["0", "false", "no"];
    if TRUE.iter().any(|w| w.eq_ignore_ascii_case(t)) {
        Some(true)
    } else if FALSE.iter().any(|w| w.eq_ignore_ascii_case(t)) {
        Some(false)
    } else {
        None
    }
}

/// Text date in the site's format, or ISO `yyyy-mm-dd`.
pub(crate) fn parse_date_text(t: &str, fmt: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(t, fmt)
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y-%m-%d"))
        .ok()
}

/// Excel serial day number (1900 date system) -> date. Must be a whole day in
/// 1..=2958465 (1900-01-01..9999-12-31); serial 60 (Excel's fictitious 1900-02-29)
/// is rejected.
pub(crate) fn excel_serial_to_date(x: f64) -> Option<NaiveDate> {
    if x.fract() != 0.0 || !(1.0..=2_958_465.0).contains(&x) {
        return None;
    }
    // In range and integral, so the conversion is exact.
    let n = x as i64;
    let base = match n {
        60 => return None,
        ..60 => NaiveDate::from_ymd_opt(1899, 12, 31)?,
        _ => NaiveDate::from_ymd_opt(1899, 12, 30)?,
    };
    base.checked_add_signed(chrono::TimeDelta::try_days(n)?)
}

/// Largest magnitude for which every integer is exactly an `f64` (2^53).
const F64_EXACT: f64 = 9_007_199_254_740_992.0;

/// An `f64` that is exactly an integer (within ±2^53).
fn integral_f64(x: f64) -> Option<i64> {
    // Integral and within ±2^53, so the conversion is exact.
    (x.is_finite() && x.fract() == 0.0 && x.abs() <= F64_EXACT).then_some(x as i64)
}

/// Why a number did not convert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumError {
    /// Not a number in the expected notation.
    Invalid,
    /// More (non-zero) decimal places than allowed.
    TooManyPlaces,
    /// Too large to encode.
    Overflow,
}

/// Parses decimal text (`[+-]digits[<sep>digits]`) exactly into an integer scaled by
/// `10^decimals`. Trailing zero places beyond `decimals` are accepted (`40.50` is
/// exactly 40.5); non-zero ones are [`NumError::TooManyPlaces`].
pub(crate) fn parse_scaled(t: &str, sep: char, decimals: u32) -> Result<i64, NumError> {
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (int_part, frac_part) = match body.split_once(sep) {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int_part) || !digits(frac_part) || int_part.len() + frac_part.len() == 0 {
        return Err(NumError::Invalid);
    }
    let mut value: i128 = 0;
    for b in int_part.bytes() {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i128::from(b - b'0')))
            .filter(|v| *v <= i128::from(i64::MAX))
            .ok_or(NumError::Overflow)?;
    }
    let frac = frac_part.as_bytes();
    for i in 0..decimals as usize {
        let d = frac.get(i).map_or(0, |b| b - b'0');
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i128::from(d)))
            .ok_or(NumError::Overflow)?;
    }
    if frac.iter().skip(decimals as usize).any(|b| *b != b'0') {
        return Err(NumError::TooManyPlaces);
    }
    let value = if negative { -value } else { value };
    i64::try_from(value).map_err(|_| NumError::Overflow)
}

/// Rounds an `f64` to `decimals` places, scaled by `10^decimals`, only if it is
/// within 1e-9 (or 4 ulps for large magnitudes) of such a value.
pub(crate) fn scale_f64(x: f64, decimals: u32) -> Result<i64, NumError> {
    if !x.is_finite() {
        return Err(NumError::Invalid);
    }
    let scale = 10f64.powi(decimals as i32);
    let r = (x * scale).round();
    if r.abs() > F64_EXACT {
        return Err(NumError::Overflow);
    }
    let tolerance = 1e-9_f64.max(x.abs() * 4.0 * f64::EPSILON);
    if (x - r / scale).abs() > tolerance {
        return Err(NumError::TooManyPlaces);
    }
    // |r| <= 2^53 and integral, so the conversion is exact.
    Ok(r as i64)
}

#[cfg(test)]
#[path = "harmonise_tests.rs"]
mod tests;
