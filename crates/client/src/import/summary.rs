//! Per-column summary of an import (missing count, level counts, range) for the data
//! owner to check before the values are secret-shared.

use std::fmt;

use sharestat_dict::{ColumnType, Dictionary};

/// Summary of the kept rows, one entry per dictionary column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// In dictionary order.
    pub columns: Vec<ColumnSummary>,
}

impl Summary {
    /// The summary of column `name`.
    pub fn column(&self, name: &str) -> Option<&ColumnSummary> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// Summary of one dictionary column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSummary {
    /// Column name.
    pub name: String,
    /// Encoded kind of the value column, e.g. `decimal(1)`, `categorical(3)`.
    pub kind: String,
    /// Number of missing values.
    pub missing: usize,
    /// Count per level, in level order (categoricals; booleans as `0` and `1`).
    pub levels: Vec<(String, usize)>,
    /// Smallest value in human form (integers, decimals with their places, ISO dates).
    pub min: Option<String>,
    /// Largest value in human form.
    pub max: Option<String>,
}

impl ColumnSummary {
    /// The counts per level (`male 16, female 8`) or the range (`38 .. 91`), as the command
    /// line and the browser show them; empty when the column has no value.
    pub fn detail(&self) -> String {
        if !self.levels.is_empty() {
            let levels: Vec<String> = self
                .levels
                .iter()
                .map(|(l, n)| format!("{l} {n}"))
                .collect();
            levels.join(", ")
        } else if let (Some(lo), Some(hi)) = (&self.min, &self.max) {
            format!("{lo} .. {hi}")
        } else {
            String::new()
        }
    }
}

impl fmt::Display for Summary {
    /// One line per column: name, kind, missing, then levels or range.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self.columns.iter().map(|c| c.name.len()).max().unwrap_or(0);
        for c in &self.columns {
            write!(
                f,
                "{:width$}  {:16} missing {:>6}",
                c.name, c.kind, c.missing
            )?;
            let detail = c.detail();
            if !detail.is_empty() {
                write!(f, "  {detail}")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// Accumulates the summary row by row.
pub(super) struct SummaryBuilder {
    missing: Vec<usize>,
    counts: Vec<Vec<usize>>,
    min: Vec<Option<i64>>,
    max: Vec<Option<i64>>,
}

impl SummaryBuilder {
    pub(super) fn new(dict: &Dictionary) -> Self {
        let counts = dict
            .columns
            .iter()
            .map(|c| match &c.ty {
                ColumnType::Categorical { levels, .. } => vec![0; levels.len()],
                ColumnType::Boolean => vec![0; 2],
                _ => Vec::new(),
            })
            .collect();
        let n = dict.columns.len();
        SummaryBuilder {
            missing: vec![0; n],
            counts,
            min: vec![None; n],
            max: vec![None; n],
        }
    }

    /// Adds one row of harmonised values.
    pub(super) fn add(&mut self, values: &[Option<i64>]) {
        for (i, v) in values.iter().enumerate() {
            let Some(v) = *v else {
                self.missing[i] += 1;
                continue;
            };
            if let Some(c) = usize::try_from(v)
                .ok()
                .and_then(|l| self.counts[i].get_mut(l))
            {
                *c += 1;
            }
            self.min[i] = Some(self.min[i].map_or(v, |m| m.min(v)));
            self.max[i] = Some(self.max[i].map_or(v, |m| m.max(v)));
        }
    }

    pub(super) fn finish(self, dict: &Dictionary) -> Summary {
        let encoded = dict.encoded_columns();
        // Column name -> its encoded kind, looked up once per column (linear, not quadratic).
        let kinds: std::collections::HashMap<&str, String> = encoded
            .iter()
            .rev()
            .map(|e| (e.name.as_str(), e.kind.as_str()))
            .collect();
        let columns = dict
            .columns
            .iter()
            .enumerate()
            .map(|(i, col)| {
                let kind = kinds.get(col.name.as_str()).cloned().unwrap_or_default();
                let names: Vec<String> = match &col.ty {
                    ColumnType::Categorical { levels, .. } => levels.clone(),
                    ColumnType::Boolean => vec!["0".into(), "1".into()],
                    _ => Vec::new(),
                };
                let ranged = matches!(
                    col.ty,
                    ColumnType::Integer | ColumnType::Decimal { .. } | ColumnType::Date
                );
                let human = |v: Option<i64>| v.filter(|_| ranged).map(|v| col.display_value(v));
                ColumnSummary {
                    name: col.name.clone(),
                    kind,
                    missing: self.missing[i],
                    levels: names
                        .into_iter()
                        .zip(self.counts[i].iter().copied())
                        .collect(),
                    min: human(self.min[i]),
                    max: human(self.max[i]),
                }
            })
            .collect();
        Summary { columns }
    }
}
