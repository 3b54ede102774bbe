//! Draws the plots that sharestat queries return, on the researcher's machine.
//!
//! A node never writes files: `plot(fit, file = "km.svg")` and `barplot(tab, file = "x.png")`
//! return a plot description (`{"file", "kind", "conf_int", "main", "style", "data"}`, see
//! `sharestat-lang`'s `render.rs`), and the client calls [`draw`] on it. `kind = "km"` draws
//! Kaplan-Meier curves with a number-at-risk table ([`km`]); `kind = "bar"` a bar plot of a one-
//! or two-way table ([`bar`]). The file's extension picks the format: `.svg` or `.png`.
//!
//! Text is laid out (and, in PNGs, drawn) with DejaVu Sans embedded in the binary through the
//! `dejavu` crate, so no system font (fontconfig) is needed; SVGs name the `sans-serif` family
//! and leave the glyphs to the viewer.
#![forbid(unsafe_code)]

pub mod bar;
pub mod journal;
pub mod km;
pub mod style;

use image::ImageEncoder;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde_json::Value;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

/// Why a plot could not be drawn.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlotError {
    /// The plot description lacks a field or has one of the wrong type.
    #[error("the plot description {0}")]
    Description(String),
    /// The plot's `kind` is not one this client draws.
    #[error("unknown plot kind {0:?} (this client draws \"km\" and \"bar\")")]
    UnknownKind(String),
    /// The file name does not end in `.svg` or `.png`.
    #[error("{0}: the file must end in .svg or .png")]
    UnsupportedFormat(String),
    /// The file name is absolute or climbs out of the current directory (`..`).
    #[error("{0}: a plot is written below the current directory (no absolute path, no `..`)")]
    UnsafePath(String),
    /// The plotted data does not have the shape of its kind (no curves, no steps, ...).
    #[error("{kind} plot data: {message}")]
    Data {
        /// The plot kind (`km` or `bar`).
        kind: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// The embedded font could not be registered with the drawing library.
    #[error("the embedded font (DejaVu Sans) could not be loaded")]
    Font,
    /// Drawing or writing the file failed.
    #[error("{path}: {message}")]
    Draw {
        /// The file being written.
        path: PathBuf,
        /// The drawing library's error.
        message: String,
    },
}

/// The image formats [`draw`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Scalable vector graphics.
    Svg,
    /// A PNG bitmap.
    Png,
}

/// Line and fill colours of curves and bars, in order (Okabe-Ito, safe for colour-blind
/// readers); more groups than colours reuse them.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x00, 0x00, 0x00),
    RGBColor(0xF0, 0xE4, 0x42),
];

/// The colour of group `i`.
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// The font family every text uses (registered from the embedded DejaVu Sans).
pub const FONT: &str = "sans-serif";

/// Registers DejaVu Sans (regular and bold) as [`FONT`], once per process.
///
/// DejaVu fonts are under the Bitstream Vera / Arev licence (free to use, embed and
/// redistribute; changes are public domain); the `dejavu` crate that carries them is
/// MIT/Apache-2.0.
fn register_fonts() -> Result<(), PlotError> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular()).is_ok()
            && plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold()).is_ok()
    });
    if ok { Ok(()) } else { Err(PlotError::Font) }
}

/// A plot description, read from its JSON.
#[derive(Debug, Clone)]
pub struct Plot<'a> {
    /// The file to write, relative to the base directory.
    pub file: String,
    /// `km` or `bar`.
    pub kind: String,
    /// Draw confidence bands (KM plots).
    pub conf_int: bool,
    /// The title; empty for none.
    pub main: String,
    /// The x axis label, when the description names one.
    pub xlab: Option<String>,
    /// The y axis label, when the description names one.
    pub ylab: Option<String>,
    /// R's graphical arguments (`xlim`, `ylim`, `col`, `lty`).
    pub style: style::Style,
    /// A Kaplan-Meier figure's options (`ggsurvplot`'s; defaults for `plot`).
    pub km: journal::KmOptions,
    /// What to draw.
    pub data: &'a Value,
}

impl<'a> Plot<'a> {
    /// Reads the `{"file", "kind", "conf_int", "main", "data"}` object (the value of an
    /// output's `plot` key). `conf_int` and `main` are optional, and so are `xlab`/`ylab`.
    pub fn from_json(v: &'a Value) -> Result<Plot<'a>, PlotError> {
        if !v.is_object() {
            return Err(PlotError::Description(format!("is not an object: {v}")));
        }
        let string = |key: &str| -> Result<Option<String>, PlotError> {
            match &v[key] {
                Value::Null => Ok(None),
                Value::String(s) => Ok(Some(s.clone())),
                other => Err(PlotError::Description(format!(
                    "has a non-text `{key}`: {other}"
                ))),
            }
        };
        let need = |key: &str| -> Result<String, PlotError> {
            string(key)?.ok_or_else(|| PlotError::Description(format!("has no `{key}`")))
        };
        let conf_int = match &v["conf_int"] {
            Value::Null => false,
            Value::Bool(b) => *b,
            other => {
                return Err(PlotError::Description(format!(
                    "has a non-boolean `conf_int`: {other}"
                )));
            }
        };
        if v["data"].is_null() {
            return Err(PlotError::Description("has no `data`".into()));
        }
        Ok(Plot {
            file: need("file")?,
            kind: need("kind")?,
            conf_int,
            main: string("main")?.unwrap_or_default(),
            xlab: string("xlab")?,
            ylab: string("ylab")?,
            style: style::Style::from_json(&v["style"])?,
            km: journal::KmOptions::from_json(&v["km_options"])?,
            data: &v["data"],
        })
    }
}

/// The format a file name asks for.
pub fn format_of(file: &str) -> Result<Format, PlotError> {
    let ext = Path::new(file)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("svg") => Ok(Format::Svg),
        Some("png") => Ok(Format::Png),
        _ => Err(PlotError::UnsupportedFormat(file.to_owned())),
    }
}

/// Where `file` goes below `base_dir`: a plot's file name passes through the nodes, so it may
/// not be absolute nor leave `base_dir` with `..`.
pub fn target_path(file: &str, base_dir: &Path) -> Result<PathBuf, PlotError> {
    let rel = Path::new(file);
    let plain = !file.is_empty()
        && rel
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !plain {
        return Err(PlotError::UnsafePath(file.to_owned()));
    }
    Ok(base_dir.join(rel))
}

/// A plot's description read, its figure parsed and its size in pixels.
fn prepare(plot: &Value) -> Result<(Plot<'_>, Figure, (u32, u32)), PlotError> {
    let p = Plot::from_json(plot)?;
    register_fonts()?;
    let figure = match p.kind.as_str() {
        "km" => Figure::Km(km::KmData::from_json(p.data)?),
        "bar" => Figure::Bar(bar::BarData::from_json(p.data)?),
        other => return Err(PlotError::UnknownKind(other.to_owned())),
    };
    let size = match &figure {
        Figure::Km(d) => km::size(d, &p.km),
        Figure::Bar(_) => bar::SIZE,
    };
    Ok((p, figure, size))
}

/// Draws the plot described by `plot` (the inner value of an output's `"plot"` key) into its
/// file below `base_dir`, and returns the file's path.
pub fn draw(plot: &Value, base_dir: &Path) -> Result<PathBuf, PlotError> {
    let format = format_of(&Plot::from_json(plot)?.file)?;
    let (mut p, figure, size) = prepare(plot)?;
    if let (Format::Png, Some(dpi)) = (format, p.km.dpi) {
        p.km.scale = f64::from(dpi) / 100.0;
    }
    let size = if format == Format::Png {
        match &figure {
            Figure::Km(d) => km::size(d, &p.km),
            Figure::Bar(_) => size,
        }
    } else {
        size
    };
    let path = target_path(&p.file, base_dir)?;
    let drawn = match format {
        Format::Svg => render(
            SVGBackend::new(&path, size).into_drawing_area(),
            &p,
            &figure,
        ),
        Format::Png => render(
            BitMapBackend::new(&path, size).into_drawing_area(),
            &p,
            &figure,
        ),
    };
    drawn.map_err(|message| PlotError::Draw {
        path: path.clone(),
        message,
    })?;
    if let (Format::Png, Some(dpi)) = (format, p.km.dpi) {
        journal::set_png_dpi(&path, dpi).map_err(|e| PlotError::Draw {
            path: path.clone(),
            message: e.to_string(),
        })?;
    }
    // The bitmap backend reports a failed write only through `present`, which `render` calls;
    // make sure that something was written all the same.
    if !path.is_file() {
        return Err(PlotError::Draw {
            path,
            message: "the file was not written".into(),
        });
    }
    Ok(path)
}

/// Draws the plot described by `plot` in memory, as `format` (whatever its file name says):
/// the local web application shows and offers it without writing a file.
pub fn render_bytes(plot: &Value, format: Format) -> Result<Vec<u8>, PlotError> {
    let (p, figure, (w, h)) = prepare(plot)?;
    let failed = |message| PlotError::Draw {
        path: PathBuf::from(&p.file),
        message,
    };
    match format {
        Format::Svg => {
            let mut s = String::new();
            render(
                SVGBackend::with_string(&mut s, (w, h)).into_drawing_area(),
                &p,
                &figure,
            )
            .map_err(failed)?;
            Ok(s.into_bytes())
        }
        Format::Png => {
            let mut rgb = vec![0u8; w as usize * h as usize * 3];
            render(
                BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area(),
                &p,
                &figure,
            )
            .map_err(failed)?;
            let mut png = Vec::new();
            image::codecs::png::PngEncoder::new(&mut png)
                .write_image(&rgb, w, h, image::ColorType::Rgb8)
                .map_err(|e| failed(e.to_string()))?;
            Ok(png)
        }
    }
}

/// Parsed plot data of either kind.
enum Figure {
    Km(km::KmData),
    Bar(bar::BarData),
}

/// Draws `figure` on `root` and writes it out; errors as text.
fn render<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    p: &Plot<'_>,
    figure: &Figure,
) -> Result<(), String> {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    match figure {
        Figure::Km(d) => km::render(&root, p, d)?,
        Figure::Bar(d) => bar::render(&root, p, d)?,
    }
    root.present().map_err(|e| e.to_string())
}

/// A number as a label: integers without decimals, others with up to 3 significant decimals.
pub fn number_label(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        let s = format!("{x:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// A tick spacing for an axis from 0 to `max` with at most `most` intervals: 1-2-2.5-5 steps
/// below 1, then 1, 2, 3, 6, 12, 24, 36, 48, 60, 120 (months and years read well), then
/// 2-2.5-5-10 steps.
pub fn tick_step(max: f64, most: usize) -> f64 {
    if !(max.is_finite() && max > 0.0) {
        return 1.0;
    }
    let most = most.max(1) as f64;
    let mut candidates: Vec<f64> = Vec::new();
    for k in -6..0 {
        let p = 10f64.powi(k);
        candidates.extend([1.0, 2.0, 2.5, 5.0].map(|m| m * p));
    }
    candidates.extend([1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 36.0, 48.0, 60.0, 120.0]);
    for k in 2..16 {
        let p = 10f64.powi(k);
        candidates.extend([2.0, 2.5, 5.0, 10.0].map(|m| m * p));
    }
    candidates
        .into_iter()
        .find(|s| max / s <= most + 1e-9)
        .unwrap_or(max)
}

/// A tick spacing for counts from 0 to `max` with at most `most` intervals: 1, 2, 5, 10,
/// 20, 50, ...
pub fn count_step(max: f64, most: usize) -> f64 {
    let most = most.max(1) as f64;
    (0..16)
        .flat_map(|k| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(k)))
        .find(|s| max / s <= most + 1e-9)
        .unwrap_or(max.max(1.0))
}

/// The ticks `0, step, 2 step, ...` up to `max` (inclusive, with rounding slack).
pub fn ticks(max: f64, step: f64) -> Vec<f64> {
    let n = if max > 0.0 && step > 0.0 {
        (max / step + 1e-9).floor() as usize
    } else {
        0
    };
    (0..=n).map(|i| i as f64 * step).collect()
}

/// A text style of the embedded font.
pub fn text_style(size: f64) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font())
}

/// A bold text style of the embedded font.
pub fn bold_style(size: f64) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font().style(FontStyle::Bold))
}

/// A linear axis over `range` whose ticks are exactly `ticks` (plotters' own `with_key_points`
/// on an `f64` range cannot be given to `configure_mesh`).
#[derive(Debug, Clone)]
pub struct Ticked {
    range: std::ops::Range<f64>,
    ticks: Vec<f64>,
}

impl Ticked {
    /// The axis from `range.start` to `range.end` with ticks at `ticks`.
    pub fn new(range: std::ops::Range<f64>, ticks: Vec<f64>) -> Ticked {
        Ticked { range, ticks }
    }
}

impl Ranged for Ticked {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        plotters::coord::types::RangedCoordf64::from(self.range.clone()).map(value, limit)
    }

    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.range.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_stay_below_the_base() {
        let base = Path::new("/tmp/x");
        assert_eq!(
            target_path("km.svg", base).unwrap(),
            Path::new("/tmp/x/km.svg")
        );
        assert!(target_path("plots/km.svg", base).is_ok());
        for bad in ["/etc/km.svg", "../km.svg", "a/../../km.svg", ""] {
            assert!(
                matches!(target_path(bad, base), Err(PlotError::UnsafePath(_))),
                "{bad}"
            );
        }
        assert_eq!(format_of("a.SVG").unwrap(), Format::Svg);
        assert_eq!(format_of("a.png").unwrap(), Format::Png);
        assert!(matches!(
            format_of("a.pdf"),
            Err(PlotError::UnsupportedFormat(_))
        ));
    }

    #[test]
    fn ticks_fall_on_round_times() {
        assert_eq!(tick_step(60.0, 8), 12.0);
        assert_eq!(tick_step(40.0, 8), 6.0);
        assert_eq!(tick_step(5.0, 8), 1.0);
        assert_eq!(tick_step(0.8, 8), 0.1);
        assert_eq!(tick_step(2000.0, 8), 250.0);
        assert_eq!(count_step(33.6, 8), 5.0);
        assert_eq!(count_step(1.0, 8), 1.0);
        assert_eq!(count_step(900.0, 8), 200.0);
        assert_eq!(ticks(30.0, 12.0), [0.0, 12.0, 24.0]);
        assert_eq!(ticks(24.0, 12.0), [0.0, 12.0, 24.0]);
        assert_eq!(ticks(0.0, 1.0), [0.0]);
        assert_eq!(number_label(12.0), "12");
        assert_eq!(number_label(0.25), "0.25");
    }

    #[test]
    fn descriptions_need_file_kind_and_data() {
        let v = serde_json::json!({"file": "a.svg", "kind": "bar", "data": {"x": 1}});
        let p = Plot::from_json(&v).unwrap();
        assert!(!p.conf_int && p.main.is_empty());
        let v = serde_json::json!({"kind": "bar", "data": {"x": 1}});
        assert!(matches!(
            Plot::from_json(&v),
            Err(PlotError::Description(_))
        ));
        let v = serde_json::json!({"file": "a.svg", "kind": "pie", "data": {"x": 1}});
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            draw(&v, dir.path()),
            Err(PlotError::UnknownKind(_))
        ));
    }
}
