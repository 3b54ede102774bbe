//! Draws plot descriptions as a query returns them and checks the files' structure, without
//! golden images: SVGs are parsed as XML (roxmltree) and their elements counted by colour
//! and stroke width (curves are 2 px wide, censoring ticks 1 px, confidence bands a lighter
//! colour, legend keys and bars filled rectangles), and the number-at-risk rows are read from
//! the `<text>` elements that share one `y`. PNGs are checked for their signature and size.
use serde_json::{Value, json};
use sharestat_plot::km::TICK;
use sharestat_plot::{PlotError, draw};
use std::collections::BTreeMap;
use std::path::Path;

const BLUE: &str = "#0072B2";
const ORANGE: &str = "#D55E00";

fn step(time: f64, n_risk: u32, n_event: u32, n_censor: u32, surv: f64) -> Value {
    let (lower, upper) = if surv > 0.3 {
        (json!(surv * 0.7), json!((surv * 1.2).min(1.0)))
    } else {
        (json!(surv * 0.5), Value::Null)
    };
    json!({"time": time, "n_risk": n_risk, "n_event": n_event, "n_censor": n_censor,
           "surv": surv, "lower": lower, "upper": upper})
}

/// Two groups with ties and censoring, as `fit_json` writes a fit with strata.
/// A (n = 6): event at 1, censored at 2, 2 events at 3, event and censoring at 5.
/// B (n = 5): event at 2, censored at 4, 2 events at 6, censored at 8.
fn km_fit() -> Value {
    let a = [
        step(1.0, 6, 1, 0, 5.0 / 6.0),
        step(2.0, 5, 0, 1, 5.0 / 6.0),
        step(3.0, 4, 2, 0, 5.0 / 12.0),
        step(5.0, 2, 1, 1, 5.0 / 24.0),
    ];
    let b = [
        step(2.0, 5, 1, 0, 0.8),
        step(4.0, 4, 0, 1, 0.8),
        step(6.0, 3, 2, 0, 0.8 / 3.0),
        step(8.0, 1, 0, 1, 0.8 / 3.0),
    ];
    let curve = |group: &str, n: u32, events: u32, steps: &[Value]| {
        json!({"group": group, "n": n, "events": events, "median": 3.0, "median_lower": 1.0,
               "median_upper": null, "rmean": 3.5, "table": [], "steps": steps})
    };
    json!({"groups": ["A", "B"], "n": [6, 5], "events": [4, 3], "median": [3.0, 6.0],
           "rmean": [3.5, 5.2], "curves": [curve("A", 6, 4, &a), curve("B", 5, 3, &b)]})
}

fn km_plot(file: &str, conf_int: bool) -> Value {
    json!({"file": file, "kind": "km", "conf_int": conf_int, "main": "Overall survival",
           "data": km_fit()})
}

fn attr<'a>(n: &roxmltree::Node<'a, '_>, name: &str) -> &'a str {
    n.attribute(name).unwrap_or_default()
}

fn points(n: &roxmltree::Node<'_, '_>) -> Vec<(i32, i32)> {
    attr(n, "points")
        .split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

/// The `<polyline>`s of one stroke colour and width.
fn polylines(svg: &str, stroke: &str, width: &str) -> Lines {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .filter(|n| attr(n, "stroke") == stroke && attr(n, "stroke-width") == width)
        .map(|n| points(&n))
        .collect()
}

/// The texts, in rows of one `y`, each row left to right.
fn text_rows(svg: &str) -> Vec<Vec<String>> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let mut rows: BTreeMap<i64, Vec<(i64, String)>> = BTreeMap::new();
    for n in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let num = |a: &str| attr(&n, a).parse::<f64>().unwrap() as i64;
        let text = n.text().unwrap_or_default().trim().to_owned();
        rows.entry(num("y")).or_default().push((num("x"), text));
    }
    rows.into_values()
        .map(|mut r| {
            r.sort();
            r.into_iter().map(|(_, t)| t).collect()
        })
        .collect()
}

/// Vertical drops of a step polyline: consecutive points at one x with y going down the
/// screen (survival going down).
fn drops(line: &[(i32, i32)]) -> usize {
    line.windows(2)
        .filter(|w| w[0].0 == w[1].0 && w[1].1 > w[0].1)
        .count()
}

/// A censoring tick: a vertical stroke of 2 * TICK pixels.
fn is_vertical_tick(line: &[(i32, i32)]) -> bool {
    line.len() == 2 && line[0].0 == line[1].0 && (line[0].1 - line[1].1).abs() == 2 * TICK
}

/// Polylines as their points, in pixels.
type Lines = Vec<Vec<(i32, i32)>>;

/// The curves (2 px lines that are not ticks) and the censoring ticks of one colour.
fn curves_and_ticks(svg: &str, colour: &str) -> (Lines, Lines) {
    polylines(svg, colour, "2")
        .into_iter()
        .partition(|l| !is_vertical_tick(l))
}

#[test]
fn km_svg_has_a_step_curve_per_group_with_ticks_and_numbers_at_risk() {
    let dir = tempfile::tempdir().unwrap();
    let path = draw(&km_plot("km.svg", false), dir.path()).unwrap();
    assert_eq!(path, dir.path().join("km.svg"));
    let svg = std::fs::read_to_string(&path).unwrap();

    // One curve per group, stepping down once per distinct event time, from the start.
    let (a, a_ticks) = curves_and_ticks(&svg, BLUE);
    let (b, b_ticks) = curves_and_ticks(&svg, ORANGE);
    assert_eq!((a.len(), b.len()), (1, 1), "{svg}");
    assert_eq!(drops(&a[0]), 3, "A: events at 1, 3 (tied), 5: {:?}", a[0]);
    assert_eq!(drops(&b[0]), 2, "B: events at 2, 6 (tied): {:?}", b[0]);
    assert_eq!(a[0].len(), 1 + 2 * 3, "{:?}", a[0]);
    assert_eq!(
        b[0].len(),
        1 + 2 * 2 + 1,
        "B stays level to its last censoring"
    );
    // Both start at the same point (survival 1 at time 0): the top left of the plot.
    assert_eq!(a[0][0], b[0][0]);
    assert_eq!(a[0][0].1, a[0][1].1);

    // Censoring ticks: A at 2 and 5, B at 4 and 8.
    for (ticks, curve) in [(&a_ticks, &a[0]), (&b_ticks, &b[0])] {
        assert_eq!(ticks.len(), 2, "{ticks:?}");
        // Each tick is centred on the curve (on a level part, or at its end).
        for t in ticks {
            let centre = (t[0].0, (t[0].1 + t[1].1) / 2);
            let on_curve = curve.contains(&centre)
                || curve.windows(2).any(|w| {
                    w[0].1 == w[1].1 && w[0].1 == centre.1 && (w[0].0..=w[1].0).contains(&centre.0)
                });
            assert!(on_curve, "tick {t:?} off {curve:?}");
        }
    }

    // No confidence bands unless asked for.
    assert!(polylines(&svg, "#7FB8D8", "1").is_empty());

    // The number-at-risk table: a row per group under ticks 0, 1, ..., 8.
    let rows = text_rows(&svg);
    let row = |label: &str| {
        rows.iter()
            .find(|r| r.first().map(String::as_str) == Some(label) && r.len() > 2)
            .unwrap_or_else(|| panic!("no at-risk row {label}: {rows:?}"))
            .clone()
    };
    assert_eq!(row("A"), ["A", "6", "6", "5", "4", "2", "2", "0", "0", "0"]);
    assert_eq!(row("B"), ["B", "5", "5", "5", "4", "4", "3", "3", "1", "1"]);
    assert!(rows.iter().any(|r| r == &["Number at risk"]), "{rows:?}");
    let x_axis: Vec<String> = (0..=8).map(|i| i.to_string()).collect();
    assert!(rows.contains(&x_axis), "x axis ticks: {rows:?}");
    for t in ["Overall survival", "Survival", "Time"] {
        assert!(rows.iter().flatten().any(|s| s == t), "{t}: {rows:?}");
    }
    // The legend names both groups beside their colours.
    assert!(rows.iter().any(|r| r == &["A", "B"]), "{rows:?}");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    for colour in [BLUE, ORANGE] {
        assert_eq!(polylines(&svg, colour, "3").len(), 1, "legend key {colour}");
    }
    drop(doc);
}

#[test]
fn r_graphical_arguments_colour_and_dash_the_curves() {
    let dir = tempfile::tempdir().unwrap();
    // plot(fit, col = c("red", "darkgreen"), lty = 1:2, xlim = c(0, 4), ylim = c(0.2, 1))
    let mut plot = km_plot("styled.svg", false);
    // Curves beyond xlim are clipped at it, not drawn along the border (checked by eye too).
    plot["style"] = json!({"col": ["#FF0000", "#006400"], "lty": [1, 2],
                           "xlim": [0, 4], "ylim": [0.2, 1]});
    let svg = std::fs::read_to_string(draw(&plot, dir.path()).unwrap()).unwrap();
    // Red: one solid curve (and its legend key); dark green: dashed, many pieces.
    assert_eq!(curves_and_ticks(&svg, "#FF0000").0.len(), 1);
    assert!(curves_and_ticks(&svg, "#006400").0.len() > 5, "dashed");
    assert_eq!(polylines(&svg, "#FF0000", "3").len(), 1, "solid key");
    assert!(polylines(&svg, "#006400", "3").len() > 1, "dashed key");
    assert!(polylines(&svg, BLUE, "2").is_empty());
    // The x axis stops at 4 (and so does the at-risk table); the y axis starts at 0.2.
    let rows = text_rows(&svg);
    let axis = rows
        .iter()
        .find(|r| r.first().is_some_and(|s| s == "0"))
        .expect("x axis");
    assert_eq!(axis.last().map(String::as_str), Some("4"), "{rows:?}");
    assert!(!rows.iter().flatten().any(|s| s == "0.0"), "{rows:?}");
    assert!(rows.iter().flatten().any(|s| s == "0.2"), "{rows:?}");

    // barplot(table, col = c("grey", "red"), ylim = c(0, 40)): a colour per bar, recycled.
    let plot = json!({"file": "bars.svg", "kind": "bar", "data": {"a": 16, "b": 8, "c": 4},
                      "style": {"col": ["#BEBEBE", "#FF0000"], "ylim": [0, 40]}});
    let svg = std::fs::read_to_string(draw(&plot, dir.path()).unwrap()).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let fills: Vec<&str> = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("rect") && attr(n, "height").parse::<f64>().is_ok_and(|h| h > 0.0)
        })
        .map(|n| attr(&n, "fill"))
        .filter(|f| f.starts_with('#') && *f != "#FFFFFF")
        .collect();
    assert_eq!(fills, ["#BEBEBE", "#FF0000", "#BEBEBE"]);
    let texts: Vec<String> = text_rows(&svg).into_iter().flatten().collect();
    assert!(texts.iter().any(|t| t == "40"), "{texts:?}");
    assert!(
        draw(
            &json!({"file": "x.svg", "kind": "bar", "data": {"a": 1},
                         "style": {"col": ["red"]}}),
            dir.path()
        )
        .is_err()
    );
}

#[test]
fn km_confidence_bands_are_dashed_and_skip_undefined_limits() {
    let dir = tempfile::tempdir().unwrap();
    let path = draw(&km_plot("ci.svg", true), dir.path()).unwrap();
    let svg = std::fs::read_to_string(path).unwrap();
    // Band colours: the curve's colour halfway to white.
    for band in ["#7FB8D8", "#EAAE7F"] {
        let dashes = polylines(&svg, band, "1");
        assert!(dashes.len() > 10, "{band}: {} dashes", dashes.len());
    }
    assert_eq!(curves_and_ticks(&svg, BLUE).0.len(), 1);
}

#[test]
fn one_curve_fits_are_drawn_without_legend() {
    let fit = &km_fit()["curves"][0];
    let mut one = fit.clone();
    one["group"] = json!("");
    let plot = json!({"file": "one.svg", "kind": "km", "data": one});
    let dir = tempfile::tempdir().unwrap();
    let svg = std::fs::read_to_string(draw(&plot, dir.path()).unwrap()).unwrap();
    assert_eq!(curves_and_ticks(&svg, BLUE).0.len(), 1);
    assert!(polylines(&svg, ORANGE, "2").is_empty());
    let rows = text_rows(&svg);
    assert!(
        rows.iter()
            .any(|r| r == &["All", "6", "6", "5", "4", "2", "2"]),
        "{rows:?}"
    );
}

#[test]
fn bar_plots_draw_a_bar_per_count() {
    let dir = tempfile::tempdir().unwrap();
    let plot = json!({"file": "gender.svg", "kind": "bar", "conf_int": false, "main": "",
                      "data": {"male": 16, "female": 8}});
    let svg = std::fs::read_to_string(draw(&plot, dir.path()).unwrap()).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let bars: Vec<f64> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && attr(n, "fill") == BLUE)
        .map(|n| attr(&n, "height").parse().unwrap())
        .collect();
    assert_eq!(bars.len(), 2);
    assert!((bars[0] / bars[1] - 2.0).abs() < 0.05, "16 vs 8: {bars:?}");
    let texts: Vec<String> = text_rows(&svg).into_iter().flatten().collect();
    for t in ["male", "female", "16", "8", "Count"] {
        assert!(texts.iter().any(|s| s == t), "{t}: {texts:?}");
    }

    // Two-way: the columns along x, a bar per row in each, a legend of the rows.
    let plot = json!({"file": "two.svg", "kind": "bar", "main": "ECOG by gender",
                      "data": {"female": {"0": 1, "1": 7}, "male": {"0": 30, "1": 4}}});
    let svg = std::fs::read_to_string(draw(&plot, dir.path()).unwrap()).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    for colour in [BLUE, ORANGE] {
        let n = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect") && attr(n, "fill") == colour)
            .count();
        assert_eq!(n, 3, "two bars and a legend key of {colour}");
    }
    let texts: Vec<String> = text_rows(&svg).into_iter().flatten().collect();
    for t in ["female", "male", "0", "1", "30", "7", "ECOG by gender"] {
        assert!(texts.iter().any(|s| s == t), "{t}: {texts:?}");
    }
}

fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn png_files_are_drawn_with_the_embedded_font() {
    let dir = tempfile::tempdir().unwrap();
    let path = draw(&km_plot("km.png", true), dir.path()).unwrap();
    let (w, h) = png_size(&path);
    assert_eq!(w, 800);
    assert!(h > 500, "{h}");
    let plot = json!({"file": "bars.PNG", "kind": "bar", "data": {"a": 3, "b": 0}});
    assert_eq!(png_size(&draw(&plot, dir.path()).unwrap()), (800, 560));
}

#[test]
fn bad_descriptions_and_paths_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let with = |file: &str| {
        let mut p = km_plot(file, false);
        p["file"] = json!(file);
        draw(&p, dir.path())
    };
    assert!(matches!(
        with("km.pdf"),
        Err(PlotError::UnsupportedFormat(_))
    ));
    assert!(matches!(with("../km.svg"), Err(PlotError::UnsafePath(_))));
    assert!(matches!(with("/tmp/km.svg"), Err(PlotError::UnsafePath(_))));
    for missing in ["no/such/dir/km.svg", "no/such/dir/km.png"] {
        let e = with(missing).unwrap_err();
        assert!(matches!(e, PlotError::Draw { .. }), "{e}");
        assert!(e.to_string().contains("km."), "{e}");
    }
    let plot = json!({"file": "x.svg", "kind": "km", "data": {"groups": []}});
    let e = draw(&plot, dir.path()).unwrap_err();
    assert!(matches!(e, PlotError::Data { kind: "km", .. }), "{e}");
    let plot = json!({"file": "x.svg", "kind": "bar", "data": [1, 2]});
    assert!(matches!(
        draw(&plot, dir.path()),
        Err(PlotError::Data { kind: "bar", .. })
    ));
}

/// Issue 16: the journal figure (`ggsurvplot`'s options): the p-value's text inside the plot,
/// dashed grey median lines (one horizontal at 0.5, one vertical per median), x ticks every
/// `break_by` up to `xlim` with the numbers at risk under them, and without the table when
/// `risk_table` is false (a shorter figure).
#[test]
fn journal_km_figure_has_p_value_median_lines_breaks_and_risk_table() {
    let dir = tempfile::tempdir().unwrap();
    let mut plot = km_plot("journal.svg", false);
    plot["km_options"] = json!({"pval": "p = 0.31", "median_line": "hv", "medians": [3.0, 6.0],
                                "break_by": 2.0, "xlim": [0.0, 8.0], "risk_table": true});
    let svg = std::fs::read_to_string(draw(&plot, dir.path()).unwrap()).unwrap();
    let rows = text_rows(&svg);
    assert!(rows.iter().flatten().any(|t| t == "p = 0.31"), "{rows:?}");
    // The median lines: dashes of the grey, horizontal ones at one y and vertical ones at
    // the two medians' x.
    let dashes = polylines(&svg, "#5A5A5A", "1");
    let horizontal = dashes.iter().filter(|l| l[0].1 == l[l.len() - 1].1).count();
    let vertical_xs: std::collections::BTreeSet<i32> = dashes
        .iter()
        .filter(|l| l[0].0 == l[l.len() - 1].0)
        .map(|l| l[0].0)
        .collect();
    assert!(horizontal > 0, "{dashes:?}");
    assert_eq!(vertical_xs.len(), 2, "{dashes:?}");
    // Ticks at 0, 2, 4, 6, 8 and the numbers at risk under each (the legend's row is A B).
    let at_risk = |label: &str| {
        rows.iter()
            .find(|r| r.first().map(String::as_str) == Some(label) && r.len() > 2)
            .cloned()
            .unwrap_or_else(|| panic!("no row {label}: {rows:?}"))
    };
    assert_eq!(at_risk("A"), ["A", "6", "5", "2", "0", "0"]);
    assert_eq!(at_risk("B"), ["B", "5", "5", "4", "3", "1"]);
    assert!(rows.iter().flatten().any(|t| t == "Number at risk"));
    // A study that suppresses small cells (min_cell 5): 1 to 4 at risk print as `*`.
    plot["km_options"]["suppress_below"] = json!(5);
    let svg = std::fs::read_to_string(draw(&plot, dir.path()).unwrap()).unwrap();
    let rows = text_rows(&svg);
    let row = |label: &str| {
        rows.iter()
            .find(|r| r.first().map(String::as_str) == Some(label) && r.len() > 2)
            .cloned()
            .unwrap()
    };
    assert_eq!(row("A"), ["A", "6", "5", "*", "0", "0"]);
    assert_eq!(row("B"), ["B", "5", "5", "*", "*", "*"]);
    plot["km_options"]["suppress_below"] = Value::Null;
    // Without the table the figure is shorter and has no "Number at risk".
    plot["km_options"]["risk_table"] = json!(false);
    plot["file"] = json!("short.png");
    let (_, h) = png_size(&draw(&plot, dir.path()).unwrap());
    assert_eq!(h, sharestat_plot::km::PLOT_HEIGHT);
    plot["file"] = json!("short.svg");
    let svg = std::fs::read_to_string(draw(&plot, dir.path()).unwrap()).unwrap();
    assert!(!svg.contains("Number at risk"));
}

/// Issue 16: a PNG for submission at 300 dpi is drawn three times as large (2400 pixels for
/// the 8-inch width) and says its resolution in a `pHYs` chunk (11811 pixels per metre).
#[test]
fn png_at_300_dpi_for_submission() {
    let dir = tempfile::tempdir().unwrap();
    let mut plot = km_plot("submit.png", true);
    plot["km_options"] = json!({"dpi": 300, "pval": "p = 0.31", "median_line": "hv",
                                "medians": [3.0, 6.0]});
    let path = draw(&plot, dir.path()).unwrap();
    let (w, h) = png_size(&path);
    assert_eq!(w, 2400);
    let mut at_100 = plot.clone();
    at_100["km_options"]["dpi"] = json!(100);
    at_100["file"] = json!("at100.png");
    let (w1, h1) = png_size(&draw(&at_100, dir.path()).unwrap());
    assert_eq!((w1, h1 * 3), (800, h), "three times each side");
    let bytes = std::fs::read(&path).unwrap();
    let at = bytes
        .windows(4)
        .position(|w| w == b"pHYs")
        .expect("a pHYs chunk");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    assert_eq!((be(at + 4), be(at + 8), bytes[at + 12]), (11811, 11811, 1));
    // The chunk's CRC is right: the image still decodes as a PNG by its chunk walk.
    let crc = crc32fast::hash(&bytes[at..at + 13]);
    assert_eq!(be(at + 13), crc);
    // A bad resolution is an error of the description.
    plot["km_options"]["dpi"] = json!(5);
    assert!(matches!(
        draw(&plot, dir.path()),
        Err(PlotError::Description(_))
    ));
}
