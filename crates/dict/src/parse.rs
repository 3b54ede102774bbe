//! TOML -> [`Dictionary`]: deserialisation into raw structs, then validation with
//! errors that name the column (or site) and the field.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use chrono::format::{Item, StrftimeItems};
use serde::Deserialize;

use crate::error::DictError;
use crate::harmonise::{NumError, bool_word, eq_fold, parse_scaled, scale_f64};
use crate::spec::{ColumnSpec, ColumnType, Dictionary, SiteConventions, date_to_epoch_days};

/// Most decimal places a decimal column may have.
const MAX_DECIMALS: u32 = 12;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDict {
    study: Option<String>,
    title: Option<String>,
    #[serde(default)]
    missing: Vec<String>,
    #[serde(default)]
    sites: BTreeMap<String, toml::Value>,
    #[serde(default)]
    columns: Vec<toml::Value>,
    fhir: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    delimiter: Option<String>,
    decimal_separator: Option<String>,
    date_format: Option<String>,
    sheet: Option<String>,
    #[serde(default)]
    missing: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    name: String,
    #[serde(rename = "type")]
    ty: String,
    unit: Option<String>,
    description: Option<String>,
    min: Option<toml::Value>,
    max: Option<toml::Value>,
    decimals: Option<i64>,
    levels: Option<Vec<String>>,
    #[serde(default)]
    aliases: BTreeMap<String, BTreeMap<String, toml::Value>>,
    required: Option<bool>,
    onehot: Option<bool>,
}

impl Dictionary {
    /// Parses and validates a dictionary written in TOML (format: `docs/dictionary.md`).
    pub fn parse(text: &str) -> Result<Dictionary, DictError> {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| DictError::Syntax(e.to_string().trim().to_owned()))?;
        let raw: RawDict = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| DictError::study("", e.message()))?;

        let study = raw.study.unwrap_or_default().trim().to_owned();
        if study.is_empty() {
            return Err(DictError::study(
                "study",
                "study (the study id) is missing or empty",
            ));
        }
        let missing: Vec<String> = raw.missing.iter().map(|m| m.trim().to_owned()).collect();

        let mut sites = BTreeMap::new();
        for (name, value) in raw.sites {
            let site = parse_site(&name, value)?;
            sites.insert(name, site);
        }
        if raw.columns.is_empty() {
            return Err(DictError::study(
                "columns",
                "no columns ([[columns]] tables)",
            ));
        }
        // Every missing marker of any site: a level may not be one of them.
        let all_markers: Vec<&str> = missing
            .iter()
            .chain(
                sites
                    .values()
                    .flat_map(|s: &SiteConventions| s.missing.iter()),
            )
            .map(String::as_str)
            .collect();

        let mut columns: Vec<ColumnSpec> = Vec::with_capacity(raw.columns.len());
        // Names seen so far: a set, so that wide dictionaries parse in linear time.
        let mut names = std::collections::HashSet::with_capacity(raw.columns.len());
        for (i, value) in raw.columns.into_iter().enumerate() {
            let label = value
                .get("name")
                .and_then(toml::Value::as_str)
                .map_or_else(|| format!("#{}", i + 1), str::to_owned);
            let raw: RawColumn = value
                .try_into()
                .map_err(|e: toml::de::Error| DictError::column(&label, "", e.message()))?;
            let col = parse_column(raw, &missing, &sites, &all_markers)?;
            if !names.insert(col.name.clone()) {
                return Err(DictError::column(
                    &col.name,
                    "name",
                    "name is used by more than one column",
                ));
            }
            columns.push(col);
        }
        let fhir = raw
            .fhir
            .map(|v| crate::fhir::parse(v, &columns))
            .transpose()?;
        Ok(Dictionary {
            study,
            title: raw.title.unwrap_or_default(),
            missing,
            sites,
            columns,
            fhir,
        })
    }
}

fn parse_site(name: &str, value: toml::Value) -> Result<SiteConventions, DictError> {
    if name.trim().is_empty() || name.trim() != name {
        return Err(DictError::site(
            name,
            "",
            "site names must be non-empty without surrounding spaces",
        ));
    }
    let raw: RawSite = value
        .try_into()
        .map_err(|e: toml::de::Error| DictError::site(name, "", e.message()))?;
    let mut conv = SiteConventions::default();
    if let Some(d) = raw.delimiter {
        let mut chars = d.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii() && !matches!(c, '"' | '\n' | '\r') => {
                conv.delimiter = Some(c)
            }
            _ => {
                return Err(DictError::site(
                    name,
                    "delimiter",
                    format!(
                        "delimiter {d:?} must be one ASCII character other than a quote or line break"
                    ),
                ));
            }
        }
    }
    if let Some(s) = raw.decimal_separator {
        conv.decimal_separator = match s.as_str() {
            "." => '.',
            "," => ',',
            _ => {
                return Err(DictError::site(
                    name,
                    "decimal_separator",
                    format!("decimal_separator {s:?} must be \".\" or \",\""),
                ));
            }
        };
    }
    if conv.delimiter == Some(conv.decimal_separator) {
        return Err(DictError::site(
            name,
            "delimiter",
            format!(
                "delimiter and decimal_separator are both '{}'",
                conv.decimal_separator
            ),
        ));
    }
    if let Some(f) = raw.date_format {
        check_date_format(&f).map_err(|m| DictError::site(name, "date_format", m))?;
        conv.date_format = f;
    }
    if let Some(sheet) = raw.sheet {
        if sheet.trim().is_empty() {
            return Err(DictError::site(name, "sheet", "sheet must not be empty"));
        }
        conv.sheet = Some(sheet);
    }
    conv.missing = raw.missing.iter().map(|m| m.trim().to_owned()).collect();
    Ok(conv)
}

/// A date format must be valid strftime and round-trip a full date.
fn check_date_format(f: &str) -> Result<(), String> {
    let items: Vec<Item<'_>> = StrftimeItems::new(f).collect();
    if items.iter().any(|i| matches!(i, Item::Error)) {
        return Err(format!(
            "date_format {f:?} is not a valid chrono strftime format"
        ));
    }
    let probe = NaiveDate::from_ymd_opt(2001, 2, 3).expect("valid date");
    let mut text = String::new();
    let round_trip = write!(text, "{}", probe.format_with_items(items.into_iter())).is_ok()
        && NaiveDate::parse_from_str(&text, f) == Ok(probe);
    if round_trip {
        Ok(())
    } else {
        Err(format!(
            "date_format {f:?} does not read back a full date (day, month and year)"
        ))
    }
}

fn parse_column(
    raw: RawColumn,
    missing: &[String],
    sites: &BTreeMap<String, SiteConventions>,
    all_markers: &[&str],
) -> Result<ColumnSpec, DictError> {
    let name = raw.name;
    let err = |field: &str, msg: String| DictError::column(&name, field, msg);
    if name.is_empty() || name.trim() != name {
        return Err(err(
            "name",
            format!("name {name:?} must be non-empty without surrounding spaces"),
        ));
    }
    if name.contains('=') || name.ends_with(".present") {
        return Err(err(
            "name",
            "name must not contain '=' nor end with \".present\" (reserved for encoded columns)"
                .into(),
        ));
    }
    let ty = match raw.ty.as_str() {
        "integer" => ColumnType::Integer,
        "decimal" => {
            let d = raw.decimals.ok_or_else(|| {
                err(
                    "decimals",
                    "decimals is required for a decimal column".into(),
                )
            })?;
            match u32::try_from(d) {
                Ok(d) if d <= MAX_DECIMALS => ColumnType::Decimal { decimals: d },
                _ => {
                    return Err(err(
                        "decimals",
                        format!("decimals {d} is not in 0..={MAX_DECIMALS}"),
                    ));
                }
            }
        }
        "categorical" => {
            let levels = raw.levels.clone().ok_or_else(|| {
                err(
                    "levels",
                    "levels is required for a categorical column".into(),
                )
            })?;
            check_levels(&levels, all_markers).map_err(|m| err("levels", m))?;
            ColumnType::Categorical {
                levels,
                onehot: raw.onehot.unwrap_or(true),
            }
        }
        "boolean" => ColumnType::Boolean,
        "date" => ColumnType::Date,
        other => {
            return Err(err(
                "type",
                format!(
                    "type {other:?} is not one of integer, decimal, categorical, boolean, date"
                ),
            ));
        }
    };
    let tname = ty.name();
    if raw.decimals.is_some() && !matches!(ty, ColumnType::Decimal { .. }) {
        return Err(err(
            "decimals",
            format!("decimals is only allowed for decimal columns, not {tname}"),
        ));
    }
    if raw.levels.is_some() && !matches!(ty, ColumnType::Categorical { .. }) {
        return Err(err(
            "levels",
            format!("levels is only allowed for categorical columns, not {tname}"),
        ));
    }
    if raw.onehot.is_some() && !matches!(ty, ColumnType::Categorical { .. }) {
        return Err(err(
            "onehot",
            format!("onehot is only allowed for categorical columns, not {tname}"),
        ));
    }
    if !raw.aliases.is_empty()
        && !matches!(ty, ColumnType::Categorical { .. } | ColumnType::Boolean)
    {
        return Err(err(
            "aliases",
            format!("aliases are only allowed for categorical and boolean columns, not {tname}"),
        ));
    }
    let mut col = ColumnSpec {
        name: name.clone(),
        ty,
        unit: raw.unit.unwrap_or_default(),
        description: raw.description.unwrap_or_default(),
        min: None,
        max: None,
        required: raw.required.unwrap_or(false),
        aliases: BTreeMap::new(),
    };
    for (site, table) in raw.aliases {
        let site_markers: Vec<&str> = missing
            .iter()
            .chain(
                sites
                    .get(&site)
                    .map(|s| s.missing.as_slice())
                    .unwrap_or_default(),
            )
            .map(String::as_str)
            .collect();
        let resolved =
            resolve_aliases(&col, &site, table, &site_markers).map_err(|m| err("aliases", m))?;
        col.aliases.insert(site, resolved);
    }
    if let Some(v) = &raw.min {
        col.min = Some(bound(&col, "min", v).map_err(|m| err("min", m))?);
    }
    if let Some(v) = &raw.max {
        col.max = Some(bound(&col, "max", v).map_err(|m| err("max", m))?);
    }
    if let (Some(a), Some(b)) = (col.min, col.max)
        && a > b
    {
        return Err(err(
            "min",
            format!(
                "min {} > max {}",
                col.display_value(a),
                col.display_value(b)
            ),
        ));
    }
    Ok(col)
}

fn check_levels(levels: &[String], markers: &[&str]) -> Result<(), String> {
    if levels.is_empty() {
        return Err("levels must not be empty".into());
    }
    for (i, level) in levels.iter().enumerate() {
        if level.trim().is_empty() || level.trim() != level {
            return Err(format!(
                "level {level:?} must be non-empty without surrounding spaces"
            ));
        }
        if let Some(prev) = levels[..i].iter().find(|p| eq_fold(p, level)) {
            return Err(format!(
                "levels {prev:?} and {level:?} are the same (case is ignored)"
            ));
        }
        if markers.iter().any(|m| eq_fold(m, level)) {
            return Err(format!("level {level:?} is also a missing-value marker"));
        }
    }
    Ok(())
}

/// Validates one site's aliases; targets become level names (categorical) or
/// `true`/`false` (boolean).
fn resolve_aliases(
    col: &ColumnSpec,
    site: &str,
    table: BTreeMap<String, toml::Value>,
    markers: &[&str],
) -> Result<BTreeMap<String, String>, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (alias, target) in table {
        let target_text = match &target {
            toml::Value::String(s) => s.clone(),
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Integer(i) => i.to_string(),
            other => {
                return Err(format!(
                    "alias {alias:?} of site {site}: target {other} must be a string"
                ));
            }
        };
        let (target, clash): (String, Option<String>) = match &col.ty {
            ColumnType::Categorical { levels, .. } => {
                if !levels.contains(&target_text) {
                    return Err(format!(
                        "alias {alias:?} of site {site}: target {target_text:?} is not one of the levels {}",
                        levels.join(", ")
                    ));
                }
                let clash = levels
                    .iter()
                    .find(|l| eq_fold(l, alias.trim()) && **l != target_text)
                    .cloned();
                (target_text, clash)
            }
            _ => {
                let Some(b) = bool_word(&target_text) else {
                    return Err(format!(
                        "alias {alias:?} of site {site}: target {target_text:?} is not a boolean (true/false)"
                    ));
                };
                let clash = bool_word(alias.trim())
                    .filter(|w| *w != b)
                    .map(|w| w.to_string());
                (b.to_string(), clash)
            }
        };
        if alias.trim().is_empty() {
            return Err(format!("site {site}: an alias must not be empty"));
        }
        if let Some(c) = clash {
            return Err(format!(
                "alias {alias:?} of site {site} -> {target:?} contradicts {c:?}"
            ));
        }
        if markers.iter().any(|m| eq_fold(m, alias.trim())) {
            return Err(format!(
                "alias {alias:?} of site {site} is also a missing-value marker"
            ));
        }
        if let Some(prev) = out.keys().find(|p| eq_fold(p.trim(), alias.trim())) {
            return Err(format!(
                "aliases {prev:?} and {alias:?} of site {site} are the same (case is ignored)"
            ));
        }
        out.insert(alias, target);
    }
    Ok(out)
}

/// A `min`/`max` value in encoded units.
fn bound(col: &ColumnSpec, field: &str, v: &toml::Value) -> Result<i64, String> {
    let shown = match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let bad = |what: &str| format!("{field} {shown} is not {what}");
    match (&col.ty, v) {
        (ColumnType::Integer, toml::Value::Integer(i)) => Ok(*i),
        (ColumnType::Integer, toml::Value::String(s)) => {
            parse_scaled(s.trim(), '.', 0).map_err(|_| bad("an integer"))
        }
        (ColumnType::Integer, toml::Value::Float(f)) if f.fract() == 0.0 => {
            scale_f64(*f, 0).map_err(|_| bad("an integer"))
        }
        (ColumnType::Decimal { decimals }, toml::Value::Integer(i)) => 10i64
            .checked_pow(*decimals)
            .and_then(|s| i.checked_mul(s))
            .ok_or_else(|| bad("a number that fits")),
        (ColumnType::Decimal { decimals }, toml::Value::Float(f)) => {
            scale_f64(*f, *decimals).map_err(|e| num_problem(field, &shown, e, *decimals))
        }
        (ColumnType::Decimal { decimals }, toml::Value::String(s)) => {
            parse_scaled(s.trim(), '.', *decimals)
                .map_err(|e| num_problem(field, &shown, e, *decimals))
        }
        (ColumnType::Date, toml::Value::Datetime(dt)) => match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                    .map(date_to_epoch_days)
                    .ok_or_else(|| bad("a valid date"))
            }
            _ => Err(bad("a date without time (yyyy-mm-dd)")),
        },
        (ColumnType::Date, toml::Value::String(s)) => {
            NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .map(date_to_epoch_days)
                .map_err(|_| bad("a date yyyy-mm-dd"))
        }
        (ColumnType::Categorical { .. } | ColumnType::Boolean, _) => Err(format!(
            "{field} is only allowed for integer, decimal and date columns, not {}",
            col.ty.name()
        )),
        (ColumnType::Integer, _) => Err(bad("an integer")),
        (ColumnType::Decimal { .. }, _) => Err(bad("a number")),
        (ColumnType::Date, _) => Err(bad("a date yyyy-mm-dd")),
    }
}

fn num_problem(field: &str, shown: &str, e: NumError, decimals: u32) -> String {
    match e {
        NumError::TooManyPlaces => format!(
            "{field} {shown} has more than {decimals} decimal place{}",
            if decimals == 1 { "" } else { "s" }
        ),
        NumError::Overflow => format!("{field} {shown} is too large"),
        NumError::Invalid => format!("{field} {shown} is not a number"),
    }
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
