//! Bar plots of tables: one bar per level of a one-way table, or grouped bars of a two-way
//! table, with each bar's count written above it.
//!
//! As in R's `barplot(tab, beside = TRUE)`, the columns of a two-way table are the groups
//! along the x axis and its rows the bars within each group, named in a legend. A count that
//! is not a number (null) draws no bar and is labelled `NA`.
use crate::{Plot, PlotError, Ticked, bold_style, count_step, number_label, text_style, ticks};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde_json::Value;

/// The size of a bar plot in pixels.
pub const SIZE: (u32, u32) = (800, 560);

/// A table to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct BarData {
    /// The groups along the x axis: a one-way table's levels, a two-way table's columns.
    pub groups: Vec<String>,
    /// The bars within each group: empty for a one-way table, a two-way table's rows.
    pub series: Vec<String>,
    /// `counts[g][s]`: the count of group `g` and series `s` (one series for a one-way
    /// table); `None` for a missing count.
    pub counts: Vec<Vec<Option<f64>>>,
}

fn bad(message: impl Into<String>) -> PlotError {
    PlotError::Data {
        kind: "bar",
        message: message.into(),
    }
}

fn count(v: &Value, what: &str) -> Result<Option<f64>, PlotError> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(n.as_f64()),
        other => Err(bad(format!("the count of {what} is not a number: {other}"))),
    }
}

impl BarData {
    /// Reads `{"level": count, ...}` or `{"row": {"col": count, ...}, ...}`.
    pub fn from_json(v: &Value) -> Result<BarData, PlotError> {
        let table = v
            .as_object()
            .ok_or_else(|| bad(format!("not a table: {v}")))?;
        if table.is_empty() {
            return Err(bad("the table is empty"));
        }
        if !table.values().any(Value::is_object) {
            return Ok(BarData {
                groups: table.keys().cloned().collect(),
                series: Vec::new(),
                counts: table
                    .iter()
                    .map(|(k, c)| count(c, k).map(|c| vec![c]))
                    .collect::<Result<_, _>>()?,
            });
        }
        let series: Vec<String> = table.keys().cloned().collect();
        let mut groups: Vec<String> = Vec::new();
        for (r, row) in table {
            let row = row
                .as_object()
                .ok_or_else(|| bad(format!("row {r:?} is not a table row")))?;
            for c in row.keys() {
                if !groups.contains(c) {
                    groups.push(c.clone());
                }
            }
        }
        let counts = groups
            .iter()
            .map(|g| {
                series
                    .iter()
                    .map(|s| count(&table[s][g], &format!("{s:?}, {g:?}")))
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<_, _>>()?;
        Ok(BarData {
            groups,
            series,
            counts,
        })
    }

    /// The largest count (0 when there is none).
    pub fn max_count(&self) -> f64 {
        self.counts
            .iter()
            .flatten()
            .flatten()
            .copied()
            .fold(0.0, f64::max)
    }

    /// The bars: (group, series, x from, x to, count) with groups at [g, g + 1).
    pub fn bars(&self) -> Vec<(usize, usize, f64, f64, Option<f64>)> {
        let mut out = Vec::new();
        for (g, row) in self.counts.iter().enumerate() {
            let k = row.len().max(1) as f64;
            let width = 0.7 / k;
            for (s, c) in row.iter().enumerate() {
                let x0 = g as f64 + 0.15 + s as f64 * width;
                out.push((g, s, x0, x0 + width, *c));
            }
        }
        out
    }
}

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Draws the bar plot on `root`.
pub fn render<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    p: &Plot<'_>,
    d: &BarData,
) -> Result<(), String> {
    let (bottom, top) = p.style.ylim.unwrap_or(match d.max_count() {
        m if m > 0.0 => (0.0, m * 1.12),
        _ => (0.0, 1.0),
    });
    let step = count_step(top - bottom.min(0.0), 8);
    let yticks: Vec<f64> = ticks(top, step)
        .into_iter()
        .filter(|t| *t >= bottom)
        .collect();
    let centres: Vec<f64> = (0..d.groups.len()).map(|g| g as f64 + 0.5).collect();
    let legend = !d.series.is_empty();

    let mut builder = ChartBuilder::on(root);
    builder
        .margin(12)
        .margin_right(if legend { 150 } else { 30 })
        .margin_top(16)
        .x_label_area_size(48)
        .y_label_area_size(70);
    if !p.main.is_empty() {
        builder.caption(&p.main, bold_style(22.0));
    }
    let mut chart = builder
        .build_cartesian_2d(
            Ticked::new(0f64..d.groups.len() as f64, centres),
            Ticked::new(bottom..top, yticks),
        )
        .map_err(err)?;
    let groups = d.groups.clone();
    let name = move |x: &f64| {
        groups
            .get(x.floor().max(0.0) as usize)
            .cloned()
            .unwrap_or_default()
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .x_desc(p.xlab.as_deref().unwrap_or(""))
        .y_desc(p.ylab.as_deref().unwrap_or("Count"))
        .x_label_formatter(&name)
        .y_label_formatter(&|y| number_label(*y))
        .label_style(text_style(14.0))
        .axis_desc_style(text_style(16.0))
        .draw()
        .map_err(err)?;

    let label = text_style(13.0).pos(Pos::new(HPos::Center, VPos::Bottom));
    for (g, s, x0, x1, c) in d.bars() {
        // R's col: one per bar of a one-way table, one per row (series) of a two-way one.
        let fill = p.style.colour(if legend || p.style.col.is_empty() {
            s
        } else {
            g
        });
        if let Some(c) = c {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x0, bottom.max(0.0)), (x1, c.clamp(bottom, top))],
                    fill.filled(),
                )))
                .map_err(err)?;
        }
        let text = c.map_or_else(|| "NA".to_owned(), number_label);
        let (x, y) = chart.backend_coord(&((x0 + x1) / 2.0, c.unwrap_or(0.0)));
        root.draw(&Text::new(text, (x, y - 3), label.clone()))
            .map_err(err)?;
    }

    if legend {
        let (xs, ys) = chart.plotting_area().get_pixel_range();
        let style = text_style(14.0).pos(Pos::new(HPos::Left, VPos::Center));
        for (s, name) in d.series.iter().enumerate() {
            let (x, y) = (xs.end + 16, ys.start + 12 + 24 * s as i32);
            root.draw(&Rectangle::new(
                [(x, y - 7), (x + 14, y + 7)],
                p.style.colour(s).filled(),
            ))
            .map_err(err)?;
            root.draw(&Text::new(name.clone(), (x + 22, y), style.clone()))
                .map_err(err)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_way_tables_give_one_bar_per_level() {
        let d = BarData::from_json(&json!({"male": 16, "female": 8})).unwrap();
        assert_eq!(d.groups, ["male", "female"]);
        assert!(d.series.is_empty());
        assert_eq!(d.counts, [vec![Some(16.0)], vec![Some(8.0)]]);
        assert_eq!(d.max_count(), 16.0);
        assert_eq!(d.bars().len(), 2);
    }

    #[test]
    fn two_way_tables_group_the_rows_by_column() {
        let d = BarData::from_json(&json!({
            "female": {"0": 1, "1": 2},
            "male": {"0": 30, "1": null}
        }))
        .unwrap();
        assert_eq!(d.groups, ["0", "1"]);
        assert_eq!(d.series, ["female", "male"]);
        assert_eq!(
            d.counts,
            [vec![Some(1.0), Some(30.0)], vec![Some(2.0), None]]
        );
        let bars = d.bars();
        assert_eq!(bars.len(), 4);
        assert!(bars[1].2 >= bars[0].3 - 1e-12 && bars[3].3 < 2.0);
        assert!(BarData::from_json(&json!({"a": "x"})).is_err());
        assert!(BarData::from_json(&json!({})).is_err());
    }
}
