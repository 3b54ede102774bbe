//! `prop.table(x, margin = NULL)` (R's `proportions`) of a public table: each count over the
//! table's total, or over its row's (`margin = 1`) or column's (`margin = 2`) total. Computed
//! in the clear from the released counts: it reveals nothing more. Printed as R prints a
//! table of proportions (7 significant digits, one number of decimals for all).
use super::render_stats::signif;
use super::value::{Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;

/// The cells' texts: each to 7 significant digits, padded to the decimals the longest needs
/// (R's `format` of a numeric matrix).
pub(crate) fn prop_texts(props: &[f64]) -> Vec<String> {
    let decimals = props
        .iter()
        .filter(|p| p.is_finite())
        .map(|&p| signif(p, 7).split_once('.').map_or(0, |(_, d)| d.len()))
        .max()
        .unwrap_or(0);
    props
        .iter()
        .map(|p| {
            if p.is_finite() {
                format!("{p:.decimals$}")
            } else {
                "NaN".into()
            }
        })
        .collect()
}

impl Evaluator<'_> {
    /// `prop.table(x, margin)`.
    pub(crate) fn prop_table(&mut self, e: &Expr, x: Value, margin: Option<f64>) -> Result<Value> {
        let x = super::suppress::whole_table(e, x, "prop.table")?;
        let Value::Pub(Public::Table(t)) = x else {
            return Err(EvalError::at(
                e,
                "prop.table() takes a table (from table())",
            ));
        };
        let counts: Vec<f64> = t.counts.iter().map(|&c| c as f64).collect();
        let cols = match t.dims.as_slice() {
            [_, (_, c)] => c.len(),
            _ => counts.len().max(1),
        };
        let total =
            |cells: &mut dyn Iterator<Item = usize>| -> f64 { cells.map(|i| counts[i]).sum() };
        let props: Vec<f64> = match (margin, t.dims.len()) {
            (None, _) => {
                let sum = total(&mut (0..counts.len()));
                counts.iter().map(|c| c / sum).collect()
            }
            (Some(m), 2) if m == 1.0 || m == 2.0 => (0..counts.len())
                .map(|i| {
                    let (r, c) = (i / cols, i % cols);
                    let sum = if m == 1.0 {
                        total(&mut (r * cols..(r + 1) * cols))
                    } else {
                        total(&mut (0..counts.len() / cols).map(|k| k * cols + c))
                    };
                    counts[i] / sum
                })
                .collect(),
            (Some(1.0), 1) => counts.iter().map(|_| 1.0).collect(),
            (Some(m), d) => {
                return Err(EvalError::at(
                    e,
                    format!("margin = {m} is not a dimension of this {d}-way table (1 or 2)"),
                ));
            }
        };
        Ok(Value::Pub(Public::Props { table: t, props }))
    }
}
