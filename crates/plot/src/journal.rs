//! What journals print on a Kaplan-Meier figure beyond the curves, as survminer's
//! `ggsurvplot` draws it: the log-rank p-value in the plot (`pval = TRUE`), dashed median
//! survival lines (`surv.median.line = "hv" | "h" | "v"`), the time axis broken every
//! `break.time.by` up to `xlim`, and the number-at-risk table on or off (`risk.table`).
//! The numbers come with the plot's description (the p-value's text and the medians are
//! computed where the fit is, `sharestat-lang`'s `ggsurvplot`).
use crate::{PlotError, text_style};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde_json::Value;

/// The colour of the median lines (a grey that no group has).
pub const MEDIAN_GREY: RGBColor = RGBColor(0x5a, 0x5a, 0x5a);

/// The options of a Kaplan-Meier figure (all off but the risk table by default).
#[derive(Debug, Clone, PartialEq)]
pub struct KmOptions {
    /// The log-rank p-value's text (`p = 0.0012`), when asked.
    pub pval: Option<String>,
    /// `none`, `h`, `v` or `hv`.
    pub median_line: String,
    /// Each curve's median survival time, where it is reached.
    pub medians: Vec<Option<f64>>,
    /// The time axis's break, when given.
    pub break_by: Option<f64>,
    /// The time axis's limits, when given.
    pub xlim: Option<(f64, f64)>,
    /// Draw the number-at-risk table.
    pub risk_table: bool,
    /// In a study that suppresses small cells (`small_cells = "suppress"`): its `min_cell`;
    /// numbers at risk from 1 to `min_cell − 1` print as `*` in the table.
    pub suppress_below: Option<u64>,
    /// A PNG's resolution in dots per inch (`dpi`), when asked: the figure is drawn at
    /// `dpi / 100` times its size (8 inches wide) and the file says its resolution.
    pub dpi: Option<u32>,
    /// The drawing's scale (`dpi / 100` for a PNG, else 1), set when the format is known.
    pub scale: f64,
}

impl Default for KmOptions {
    fn default() -> KmOptions {
        KmOptions {
            pval: None,
            median_line: "none".into(),
            medians: Vec::new(),
            break_by: None,
            xlim: None,
            risk_table: true,
            suppress_below: None,
            dpi: None,
            scale: 1.0,
        }
    }
}

impl KmOptions {
    /// Reads the optional `km_options` object of a plot description.
    pub fn from_json(v: &Value) -> Result<KmOptions, PlotError> {
        if v.is_null() {
            return Ok(KmOptions::default());
        }
        let bad = |what: &str| PlotError::Description(format!("has a bad `km_options.{what}`"));
        let num = |x: &Value| x.as_f64();
        Ok(KmOptions {
            pval: match &v["pval"] {
                Value::Null => None,
                Value::String(s) => Some(s.clone()),
                _ => return Err(bad("pval")),
            },
            median_line: v["median_line"].as_str().unwrap_or("none").to_owned(),
            medians: v["medians"]
                .as_array()
                .map(|a| a.iter().map(num).collect())
                .unwrap_or_default(),
            break_by: match &v["break_by"] {
                Value::Null => None,
                x => Some(num(x).filter(|b| *b > 0.0).ok_or_else(|| bad("break_by"))?),
            },
            xlim: match &v["xlim"] {
                Value::Null => None,
                Value::Array(a) if a.len() == 2 => match (num(&a[0]), num(&a[1])) {
                    (Some(lo), Some(hi)) if hi > lo => Some((lo, hi)),
                    _ => return Err(bad("xlim")),
                },
                _ => return Err(bad("xlim")),
            },
            risk_table: v["risk_table"].as_bool().unwrap_or(true),
            suppress_below: match &v["suppress_below"] {
                Value::Null => None,
                x => Some(x.as_u64().ok_or_else(|| bad("suppress_below"))?),
            },
            dpi: match &v["dpi"] {
                Value::Null => None,
                x => Some(
                    x.as_u64()
                        .filter(|d| (72..=1200).contains(d))
                        .ok_or_else(|| bad("dpi"))? as u32,
                ),
            },
            scale: 1.0,
        })
    }
}

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<crate::Ticked, RangedCoordf64>>;

/// The dashed median lines: for `h`, at 0.5 from the axis to the largest median; for `v`,
/// from each median down to the axis.
pub fn draw_medians<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    o: &KmOptions,
    start: f64,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let medians: Vec<f64> = o.medians.iter().flatten().copied().collect();
    let Some(far) = medians.iter().copied().reduce(f64::max) else {
        return Ok(());
    };
    let style = MEDIAN_GREY.stroke_width(1);
    if o.median_line.contains('h') {
        chart
            .draw_series(DashedLineSeries::new(
                vec![(start, 0.5), (far, 0.5)],
                5,
                4,
                style,
            ))
            .map_err(err)?;
    }
    if o.median_line.contains('v') {
        for m in medians {
            chart
                .draw_series(DashedLineSeries::new(vec![(m, 0.5), (m, 0.0)], 5, 4, style))
                .map_err(err)?;
        }
    }
    Ok(())
}

/// The p-value's text in the lower left of the plot.
pub fn draw_pval<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    o: &KmOptions,
    (start, end): (f64, f64),
) -> Result<(), String> {
    let Some(p) = &o.pval else { return Ok(()) };
    chart
        .draw_series(std::iter::once(Text::new(
            p.clone(),
            (start + 0.05 * (end - start), 0.12),
            text_style(16.0 * o.scale).pos(Pos::new(HPos::Left, VPos::Center)),
        )))
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Writes the resolution `dpi` into the PNG file at `path` (a `pHYs` chunk after `IHDR`, in
/// pixels per metre, as image viewers and journals' checks read it).
pub fn set_png_dpi(path: &std::path::Path, dpi: u32) -> std::io::Result<()> {
    let bytes = std::fs::read(path)?;
    // The signature (8 bytes) and IHDR (length 4, type 4, 13 bytes of data, CRC 4).
    let at = 8 + 4 + 4 + 13 + 4;
    if bytes.len() < at || &bytes[12..16] != b"IHDR" {
        return Err(std::io::Error::other("not a PNG with IHDR first"));
    }
    let ppm = (f64::from(dpi) / 0.0254).round() as u32;
    let mut data = Vec::with_capacity(9);
    data.extend(ppm.to_be_bytes());
    data.extend(ppm.to_be_bytes());
    data.push(1); // the unit is the metre
    let mut chunk = Vec::with_capacity(21);
    chunk.extend((data.len() as u32).to_be_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(b"pHYs");
    crc.update(&data);
    chunk.extend(b"pHYs");
    chunk.extend(&data);
    chunk.extend(crc.finalize().to_be_bytes());
    let mut out = Vec::with_capacity(bytes.len() + chunk.len());
    out.extend(&bytes[..at]);
    out.extend(chunk);
    out.extend(&bytes[at..]);
    std::fs::write(path, out)
}
