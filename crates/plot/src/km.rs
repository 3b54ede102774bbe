//! Kaplan-Meier plots: step curves per group with censoring ticks and optional dashed
//! confidence bands (like R's `plot(survfit)`), a legend, and a "Number at risk" table under
//! the plot with one row per group at the x axis ticks (like `survminer`).
//!
//! The data is a fit as `sharestat-rstats`' `survival_print.rs` writes it and reads it back
//! (`fit_from_json`, so the layout is known to that crate only): one curve
//! (`{"group", "n", "steps": [...]}`) or several (`{"groups": [...], "curves": [...]}`); each
//! step is a distinct time with `n_risk`, `n_event`, `n_censor`, `surv` (the estimate just
//! after it) and `lower`/`upper` (null where undefined).
use crate::journal::KmOptions;
use crate::{
    Plot, PlotError, Ticked, bold_style, number_label, style::clip, style::dashes, text_style,
    tick_step, ticks,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde_json::Value;
use sharestat_rstats::survival::SurvFit;

/// Width of a KM figure in pixels.
pub const WIDTH: u32 = 800;
/// Height of the plot part (above the number-at-risk table).
pub const PLOT_HEIGHT: u32 = 500;
/// Height of one row of the number-at-risk table.
const ROW: i32 = 24;
/// Half the length of a censoring tick (a vertical stroke across the curve).
pub const TICK: i32 = 6;

/// One distinct time of a curve.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The time.
    pub time: f64,
    /// Number at risk just before it.
    pub n_risk: f64,
    /// Events at it.
    pub n_event: f64,
    /// Censorings at it.
    pub n_censor: f64,
    /// Survival just after it.
    pub surv: f64,
    /// Lower confidence limit, when defined.
    pub lower: Option<f64>,
    /// Upper confidence limit, when defined.
    pub upper: Option<f64>,
}

/// One group's curve.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// The group's label (`All` for a fit without groups).
    pub label: String,
    /// Number of subjects.
    pub n: f64,
    /// Every distinct time, increasing.
    pub steps: Vec<Step>,
}

/// The curves of a fit.
#[derive(Debug, Clone, PartialEq)]
pub struct KmData {
    /// One per group, in the fit's order.
    pub curves: Vec<Curve>,
}

fn bad(message: impl Into<String>) -> PlotError {
    PlotError::Data {
        kind: "km",
        message: message.into(),
    }
}

impl KmData {
    /// Reads a fit of one curve or several, as `sharestat-rstats` writes it
    /// (`survival_print::fit_json`) and reads it back (`fit_from_json`): the JSON layout is
    /// known to that crate only.
    pub fn from_json(v: &Value) -> Result<KmData, PlotError> {
        let fit = sharestat_rstats::survival_print::fit_from_json(v).map_err(bad)?;
        KmData::from_fit(&fit)
    }

    /// The curves of a typed fit (`All` for a fit without groups, `group i` for a curve
    /// without a label).
    pub fn from_fit(fit: &SurvFit) -> Result<KmData, PlotError> {
        let several = fit.curves.len() > 1 || fit.strata.is_some();
        let curves: Vec<Curve> = fit
            .curves
            .iter()
            .enumerate()
            .map(|(i, c)| Curve {
                label: match c.group.as_str() {
                    "" if several => format!("group {}", i + 1),
                    "" => "All".to_owned(),
                    g => g.to_owned(),
                },
                n: c.n as f64,
                steps: c
                    .table
                    .iter()
                    .map(|r| Step {
                        time: r.time,
                        n_risk: r.n_risk as f64,
                        n_event: r.n_event as f64,
                        n_censor: r.n_censor as f64,
                        surv: r.surv,
                        lower: r.lower.is_finite().then_some(r.lower),
                        upper: r.upper.is_finite().then_some(r.upper),
                    })
                    .collect(),
            })
            .collect();
        if curves.is_empty() {
            return Err(bad("no curves"));
        }
        Ok(KmData { curves })
    }

    /// The largest time of any curve (0 without steps).
    pub fn max_time(&self) -> f64 {
        self.curves
            .iter()
            .filter_map(|c| c.steps.last())
            .map(|s| s.time)
            .fold(0.0, f64::max)
    }

    /// The smallest time shown: 0, or an earlier (negative) time.
    pub fn min_time(&self) -> f64 {
        self.curves
            .iter()
            .filter_map(|c| c.steps.first())
            .map(|s| s.time)
            .fold(0.0, f64::min)
    }
}

/// The figure's size: the plot and a table row per group.
pub fn size(d: &KmData, o: &KmOptions) -> (u32, u32) {
    let k = o.scale;
    (
        (f64::from(WIDTH) * k).round() as u32,
        (f64::from(PLOT_HEIGHT) * k).round() as u32 + table_height(d, o) as u32,
    )
}

fn table_height(d: &KmData, o: &KmOptions) -> i32 {
    if o.risk_table {
        px(o.scale, f64::from(40 + ROW * d.curves.len() as i32))
    } else {
        0
    }
}

/// `v` pixels at the figure's scale.
fn px(k: f64, v: f64) -> i32 {
    (v * k).round() as i32
}

/// Pushes `p` unless it repeats the last point.
fn push(path: &mut Vec<(f64, f64)>, p: (f64, f64)) {
    if path.last() != Some(&p) {
        path.push(p);
    }
}

/// The survival step function as a polyline: from 1 at `start`, at each event time a
/// horizontal segment to it then a vertical drop to the new estimate; then level to the
/// curve's last time (censored subjects can outlast the last event).
pub fn surv_path(c: &Curve, start: f64) -> Vec<(f64, f64)> {
    let mut path = vec![(start, 1.0)];
    let mut s = 1.0;
    for st in c.steps.iter().filter(|st| st.n_event > 0.0) {
        push(&mut path, (st.time, s));
        s = st.surv;
        push(&mut path, (st.time, s));
    }
    if let Some(last) = c.steps.last()
        && last.time > path[path.len() - 1].0
    {
        path.push((last.time, s));
    }
    path
}

/// A confidence limit (`pick` is `lower` or `upper`) as step polylines from 1 at `start`; a
/// null limit ends the current piece (level up to its time) and the next defined one starts a
/// new piece.
pub fn band_paths(c: &Curve, start: f64, pick: fn(&Step) -> Option<f64>) -> Vec<Vec<(f64, f64)>> {
    let mut pieces = Vec::new();
    let mut cur = vec![(start, 1.0)];
    let mut level = 1.0;
    for st in c.steps.iter().filter(|st| st.n_event > 0.0) {
        match pick(st) {
            Some(v) => {
                if !cur.is_empty() {
                    push(&mut cur, (st.time, level));
                }
                push(&mut cur, (st.time, v));
                level = v;
            }
            None if !cur.is_empty() => {
                push(&mut cur, (st.time, level));
                pieces.push(std::mem::take(&mut cur));
            }
            None => {}
        }
    }
    if !cur.is_empty() {
        if let Some(last) = c.steps.last()
            && last.time > cur[cur.len() - 1].0
        {
            cur.push((last.time, level));
        }
        pieces.push(cur);
    }
    pieces.retain(|p| p.len() > 1);
    pieces
}

/// Where the censoring ticks go: (time, survival just after it) of each time with censorings.
pub fn censor_marks(c: &Curve) -> Vec<(f64, f64)> {
    c.steps
        .iter()
        .filter(|st| st.n_censor > 0.0)
        .map(|st| (st.time, st.surv))
        .collect()
}

/// The number at risk at time `t`: the group's n at or before 0, else the `n_risk` of the
/// first step at or after `t`, or 0 when every subject's time is before `t`.
pub fn at_risk(c: &Curve, t: f64) -> f64 {
    if t <= 0.0 {
        return c.n;
    }
    c.steps
        .iter()
        .find(|st| st.time >= t)
        .map_or(0.0, |st| st.n_risk)
}

/// The colour of a curve's confidence band: the curve's colour halfway to white.
fn band_colour(c: RGBAColor) -> RGBAColor {
    let mix = |v: u8| ((u16::from(v) + 255) / 2) as u8;
    RGBAColor(mix(c.0), mix(c.1), mix(c.2), c.3)
}

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Draws the KM figure on `root`.
pub fn render<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    p: &Plot<'_>,
    d: &KmData,
) -> Result<(), String> {
    let (_, height) = root.dim_in_pixel();
    let o = &p.km;
    let k = o.scale;
    let px = |v: f64| px(k, v);
    let (upper, _) = root.split_vertically(height as i32 - table_height(d, o));
    let (start, end) = o.xlim.or(p.style.xlim).unwrap_or_else(|| {
        let start = d.min_time();
        match d.max_time() {
            m if m > start => (start, m),
            _ => (start, start + 1.0),
        }
    });
    let step = o.break_by.unwrap_or_else(|| tick_step(end, 8));
    let (ylo, yhi) = p.style.ylim.unwrap_or((0.0, 1.0));
    let xticks: Vec<f64> = ticks(end, step);
    let label_style = text_style(14.0 * k);
    let widest = d
        .curves
        .iter()
        .map(|c| {
            root.estimate_text_size(&c.label, &label_style)
                .map_or(0, |s| s.0)
        })
        .max()
        .unwrap_or(0);
    let left = (widest + px(36.0) as u32).max(px(70.0) as u32);
    let legend = d.curves.len() > 1;
    // Title, then the legend row, then the plot.
    let mut top = px(12.0);
    if !p.main.is_empty() {
        let centre = root.dim_in_pixel().0 as i32 / 2;
        root.draw(&Text::new(
            p.main.clone(),
            (centre, top),
            bold_style(22.0 * k).pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(err)?;
        top += px(34.0);
    }
    let legend_y = top + px(10.0);
    if legend {
        top += px(28.0);
    }

    let mut builder = ChartBuilder::on(&upper);
    builder
        .margin(px(12.0))
        .margin_right(px(30.0))
        .margin_top(top)
        .x_label_area_size(px(48.0))
        .y_label_area_size(left);
    let mut chart = builder
        .build_cartesian_2d(Ticked::new(start..end, xticks.clone()), ylo..yhi)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(p.xlab.as_deref().unwrap_or("Time"))
        .y_desc(p.ylab.as_deref().unwrap_or("Survival"))
        .x_label_formatter(&|x| number_label(*x))
        .y_labels(6)
        .y_label_formatter(&|y| format!("{y:.1}"))
        .label_style(label_style.clone())
        .axis_desc_style(text_style(16.0 * k))
        .draw()
        .map_err(err)?;

    for (i, c) in d.curves.iter().enumerate() {
        let col = p.style.colour(i);
        let lty = p.style.line_type(i);
        if p.conf_int {
            let band = band_colour(col).stroke_width(px(1.0).max(1) as u32);
            for pick in [|s: &Step| s.lower, |s: &Step| s.upper] {
                let clipped = band_paths(c, start, pick)
                    .iter()
                    .flat_map(|b| clip(b, (start, end), (ylo, yhi)))
                    .collect::<Vec<_>>();
                for piece in clipped {
                    chart
                        .draw_series(DashedLineSeries::new(
                            piece,
                            px(6.0) as u32,
                            px(4.0) as u32,
                            band,
                        ))
                        .map_err(err)?;
                }
            }
        }
        let width = px(2.0) as u32;
        let to_px = |(x, y): (f64, f64)| {
            let (a, b) = chart.backend_coord(&(x, y));
            (f64::from(a), f64::from(b))
        };
        let visible = clip(&surv_path(c, start), (start, end), (ylo, yhi));
        let pieces: Vec<_> = visible
            .iter()
            .flat_map(|v| dashes(v, lty, f64::from(width), to_px))
            .collect();
        for piece in pieces {
            chart
                .draw_series(LineSeries::new(piece, col.stroke_width(width)))
                .map_err(err)?;
        }
        let tick = col.stroke_width(px(2.0) as u32);
        let t = px(f64::from(TICK));
        chart
            .draw_series(
                censor_marks(c)
                    .into_iter()
                    .filter(|&(x, y)| (start..=end).contains(&x) && (ylo..=yhi).contains(&y))
                    .map(|at| EmptyElement::at(at) + PathElement::new(vec![(0, -t), (0, t)], tick)),
            )
            .map_err(err)?;
    }

    crate::journal::draw_medians(&mut chart, o, start)?;
    crate::journal::draw_pval(&mut chart, o, (start, end))?;
    let xs = chart.plotting_area().get_pixel_range().0;
    if legend {
        draw_legend(root, d, &p.style, (xs.start, legend_y), k).map_err(err)?;
    }
    if !o.risk_table {
        return Ok(());
    }
    // The number-at-risk table, its columns under the x axis ticks.
    let top = height as i32 - table_height(d, o) + px(8.0);
    let row_h = px(f64::from(ROW));
    root.draw(&Text::new(
        "Number at risk",
        (px(12.0), top),
        bold_style(15.0 * k).pos(Pos::new(HPos::Left, VPos::Top)),
    ))
    .map_err(err)?;
    for (i, c) in d.curves.iter().enumerate() {
        let y = top + row_h * (i as i32 + 1) + row_h / 2;
        let col = p.style.colour(i);
        let row = label_style.color(&col);
        root.draw(&Text::new(
            c.label.clone(),
            (px(12.0), y),
            row.pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(err)?;
        for &t in &xticks {
            let x = chart.backend_coord(&(t, 0.0)).0;
            let n = at_risk(c, t);
            let small = o.suppress_below.is_some_and(|k| n >= 1.0 && n < k as f64);
            root.draw(&Text::new(
                if small {
                    "*".to_owned()
                } else {
                    number_label(n)
                },
                (x, y),
                label_style.pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(err)?;
        }
    }
    Ok(())
}

/// The legend: a row of colour keys and group labels above the plot, from `x` at height `y`.
fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &KmData,
    st: &crate::style::Style,
    (x, y): (i32, i32),
    k: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let style = text_style(14.0 * k);
    let px = |v: f64| px(k, v);
    let mut x = x;
    for (i, c) in d.curves.iter().enumerate() {
        // The key: a stretch of the curve's line, in its colour and type.
        let key = [
            (f64::from(x), f64::from(y)),
            (f64::from(x + px(22.0)), f64::from(y)),
        ];
        for piece in dashes(&key, st.line_type(i), px(2.0) as f64, |q| q) {
            let piece: Vec<(i32, i32)> = piece.iter().map(|&(a, b)| (a as i32, b as i32)).collect();
            root.draw(&PathElement::new(
                piece,
                st.colour(i).stroke_width(px(3.0) as u32),
            ))?;
        }
        x += px(28.0);
        root.draw(&Text::new(
            c.label.clone(),
            (x, y),
            style.pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        x += root.estimate_text_size(&c.label, &style)?.0 as i32 + px(24.0);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(time: f64, n_risk: f64, n_event: f64, n_censor: f64, surv: f64) -> Step {
        Step {
            time,
            n_risk,
            n_event,
            n_censor,
            surv,
            lower: Some(surv / 2.0),
            upper: None,
        }
    }

    fn curve() -> Curve {
        Curve {
            label: "A".into(),
            n: 6.0,
            steps: vec![
                step(1.0, 6.0, 1.0, 0.0, 5.0 / 6.0),
                step(2.0, 5.0, 0.0, 1.0, 5.0 / 6.0),
                step(3.0, 4.0, 2.0, 0.0, 5.0 / 12.0),
                step(5.0, 2.0, 1.0, 1.0, 5.0 / 24.0),
                step(7.0, 0.0, 0.0, 0.0, 5.0 / 24.0),
            ],
        }
    }

    #[test]
    fn the_curve_steps_down_at_each_event_time() {
        let path = surv_path(&curve(), 0.0);
        assert_eq!(
            path,
            [
                (0.0, 1.0),
                (1.0, 1.0),
                (1.0, 5.0 / 6.0),
                (3.0, 5.0 / 6.0),
                (3.0, 5.0 / 12.0),
                (5.0, 5.0 / 12.0),
                (5.0, 5.0 / 24.0),
                (7.0, 5.0 / 24.0),
            ]
        );
        assert_eq!(
            censor_marks(&curve()),
            [(2.0, 5.0 / 6.0), (5.0, 5.0 / 24.0)]
        );
    }

    #[test]
    fn bands_skip_undefined_limits() {
        let lower = band_paths(&curve(), 0.0, |s| s.lower);
        assert_eq!(lower.len(), 1);
        assert_eq!(lower[0].last(), Some(&(7.0, 5.0 / 48.0)));
        // Every upper limit is null: a piece from 1 at 0 to the first event time only.
        assert_eq!(
            band_paths(&curve(), 0.0, |s| s.upper),
            [vec![(0.0, 1.0), (1.0, 1.0)]]
        );
    }

    #[test]
    fn numbers_at_risk() {
        let c = curve();
        assert_eq!(at_risk(&c, 0.0), 6.0);
        assert_eq!(at_risk(&c, 2.0), 5.0);
        assert_eq!(at_risk(&c, 4.0), 2.0);
        assert_eq!(at_risk(&c, 8.0), 0.0);
    }
}
