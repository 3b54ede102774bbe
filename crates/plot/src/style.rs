//! R's graphical arguments as a plot description carries them (`"style"`: `xlim`, `ylim`,
//! `col`, `lty`; the language reads them as R does, this draws them): axis limits, colours
//! (`#RRGGBB` or `#RRGGBBAA`, one per curve or bar, recycled) and line types (R's 0-6, one
//! per curve, recycled) with R's dash patterns.
use crate::{PlotError, colour};
use plotters::style::{Color, RGBAColor};
use serde_json::Value;

/// R's dash patterns of `lty = 0..=6`, as R's hexadecimal codes give them (on, off, ... in
/// units of the line's width): blank, solid, `"44"`, `"13"`, `"1343"`, `"73"`, `"2262"`.
const PATTERNS: [&[f64]; 7] = [
    &[],
    &[],
    &[4.0, 4.0],
    &[1.0, 3.0],
    &[1.0, 3.0, 4.0, 3.0],
    &[7.0, 3.0],
    &[2.0, 2.0, 6.0, 2.0],
];

/// A plot's `style`: everything optional, the plot's own defaults otherwise.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Style {
    /// `xlim`.
    pub xlim: Option<(f64, f64)>,
    /// `ylim`.
    pub ylim: Option<(f64, f64)>,
    /// `col`, recycled.
    pub col: Vec<RGBAColor>,
    /// `lty`, recycled.
    pub lty: Vec<u8>,
}

impl Style {
    /// Reads the optional `style` object of a plot description.
    pub fn from_json(v: &Value) -> Result<Style, PlotError> {
        if v.is_null() {
            return Ok(Style::default());
        }
        let bad = |what: &str| PlotError::Description(format!("has a bad `style.{what}`"));
        let limits = |key: &str| match &v[key] {
            Value::Null => Ok(None),
            Value::Array(a) if a.len() == 2 => match (a[0].as_f64(), a[1].as_f64()) {
                (Some(lo), Some(hi)) if hi > lo => Ok(Some((lo, hi))),
                _ => Err(bad(key)),
            },
            _ => Err(bad(key)),
        };
        let list = |key: &str| match &v[key] {
            Value::Null => Ok(Vec::new()),
            Value::Array(a) => Ok(a.clone()),
            _ => Err(bad(key)),
        };
        let col = list("col")?
            .iter()
            .map(|c| c.as_str().and_then(parse_hex).ok_or_else(|| bad("col")))
            .collect::<Result<_, _>>()?;
        let lty = list("lty")?
            .iter()
            .map(|t| {
                t.as_u64()
                    .filter(|t| *t < PATTERNS.len() as u64)
                    .map(|t| t as u8)
                    .ok_or_else(|| bad("lty"))
            })
            .collect::<Result<_, _>>()?;
        Ok(Style {
            xlim: limits("xlim")?,
            ylim: limits("ylim")?,
            col,
            lty,
        })
    }

    /// The colour of curve or bar `i`: `col`'s, recycled, else the palette's.
    pub fn colour(&self, i: usize) -> RGBAColor {
        match self.col.len() {
            0 => colour(i).to_rgba(),
            n => self.col[i % n],
        }
    }

    /// The line type of curve `i` (1, solid, unless `lty` says otherwise).
    pub fn line_type(&self, i: usize) -> u8 {
        match self.lty.len() {
            0 => 1,
            n => self.lty[i % n],
        }
    }
}

/// `#RRGGBB` or `#RRGGBBAA`.
fn parse_hex(s: &str) -> Option<RGBAColor> {
    let h = s.strip_prefix('#')?;
    if !(h.len() == 6 || h.len() == 8) || !h.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    let alpha = if h.len() == 8 { byte(6)? } else { 255 };
    Some(RGBAColor(
        byte(0)?,
        byte(2)?,
        byte(4)?,
        f64::from(alpha) / 255.0,
    ))
}

/// The visible pieces of a polyline drawn with line type `lty`: `path` in data coordinates,
/// `to_px` maps a point to pixels, `unit` is the pattern's unit in pixels (the line's width).
/// Solid gives the path whole; blank gives nothing.
pub fn dashes(
    path: &[(f64, f64)],
    lty: u8,
    unit: f64,
    to_px: impl Fn((f64, f64)) -> (f64, f64),
) -> Vec<Vec<(f64, f64)>> {
    let pattern = PATTERNS[usize::from(lty).min(PATTERNS.len() - 1)];
    match lty {
        0 => return Vec::new(),
        1 => return vec![path.to_vec()],
        _ => {}
    }
    let lengths: Vec<f64> = pattern.iter().map(|p| p * unit.max(0.5)).collect();
    let (mut k, mut left, mut on) = (0usize, lengths[0], true);
    let mut pieces: Vec<Vec<(f64, f64)>> = vec![vec![]];
    for w in path.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (pa, pb) = (to_px(a), to_px(b));
        let len = (pb.0 - pa.0).hypot(pb.1 - pa.1);
        let at = |t: f64| (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
        let mut done = 0.0;
        let last = pieces.last_mut().expect("one piece");
        if on && last.last() != Some(&a) {
            last.push(a);
        }
        while len - done > left {
            done += left;
            let p = at(done / len);
            if on {
                pieces.last_mut().expect("one piece").push(p);
            } else {
                pieces.push(vec![p]);
            }
            on = !on;
            k = (k + 1) % lengths.len();
            left = lengths[k];
        }
        left -= len - done;
        if on {
            pieces.last_mut().expect("one piece").push(b);
        }
    }
    pieces.retain(|p| p.len() > 1);
    pieces
}

/// The parts of a polyline inside the rectangle `x` by `y` (Liang-Barsky clipping of each
/// segment; consecutive visible segments stay one piece). The drawing library clamps points
/// outside a chart to its edge, which would draw a curve beyond `xlim` along the border.
pub fn clip(path: &[(f64, f64)], x: (f64, f64), y: (f64, f64)) -> Vec<Vec<(f64, f64)>> {
    let mut pieces: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut open = false;
    for w in path.windows(2) {
        let ((ax, ay), (bx, by)) = (w[0], w[1]);
        let (dx, dy) = (bx - ax, by - ay);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        let mut inside = true;
        for (p, q) in [
            (-dx, ax - x.0),
            (dx, x.1 - ax),
            (-dy, ay - y.0),
            (dy, y.1 - ay),
        ] {
            if p == 0.0 {
                inside &= q >= 0.0;
            } else if p < 0.0 {
                t0 = t0.max(q / p);
            } else {
                t1 = t1.min(q / p);
            }
        }
        if !inside || t0 > t1 {
            open = false;
            continue;
        }
        let a = (ax + t0 * dx, ay + t0 * dy);
        let b = (ax + t1 * dx, ay + t1 * dy);
        if !open || t0 > 0.0 {
            pieces.push(vec![a]);
        }
        pieces.last_mut().expect("a piece").push(b);
        open = t1 >= 1.0;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn styles_read_and_recycle() {
        let s = Style::from_json(&json!({"xlim": [0, 60], "ylim": null,
            "col": ["#FF0000", "#00640080"], "lty": [2]}))
        .unwrap();
        assert_eq!(s.xlim, Some((0.0, 60.0)));
        assert_eq!(s.colour(2), RGBAColor(255, 0, 0, 1.0));
        assert_eq!(s.colour(1).3, 128.0 / 255.0);
        assert_eq!(s.line_type(5), 2);
        assert_eq!(Style::default().line_type(0), 1);
        assert!(Style::from_json(&json!({"col": ["red"]})).is_err());
        assert!(Style::from_json(&json!({"lty": [7]})).is_err());
        assert!(Style::from_json(&json!({"xlim": [2, 1]})).is_err());
    }

    #[test]
    fn paths_are_clipped_to_the_limits() {
        let step = [(0.0, 1.0), (2.0, 1.0), (2.0, 0.5), (6.0, 0.5), (6.0, 0.1)];
        assert_eq!(
            clip(&step, (0.0, 4.0), (0.2, 1.0)),
            [vec![(0.0, 1.0), (2.0, 1.0), (2.0, 0.5), (4.0, 0.5)]]
        );
        // Below ylim, then back in: two pieces.
        let dip = [
            (0.0, 0.5),
            (1.0, 0.5),
            (1.0, 0.0),
            (2.0, 0.0),
            (2.0, 0.5),
            (3.0, 0.5),
        ];
        assert_eq!(
            clip(&dip, (0.0, 3.0), (0.2, 1.0)),
            [
                vec![(0.0, 0.5), (1.0, 0.5), (1.0, 0.2)],
                vec![(2.0, 0.2), (2.0, 0.5), (3.0, 0.5)]
            ]
        );
    }

    #[test]
    fn dashes_follow_r_patterns() {
        let id = |p: (f64, f64)| p;
        let line = [(0.0, 0.0), (10.0, 0.0), (10.0, 6.0)];
        // "44" at unit 1: on 0-4, off 4-8, on 8-10 then 0-2 up, off 2-6 up.
        assert_eq!(
            dashes(&line, 2, 1.0, id),
            [
                vec![(0.0, 0.0), (4.0, 0.0)],
                vec![(8.0, 0.0), (10.0, 0.0), (10.0, 2.0)]
            ]
        );
        assert_eq!(dashes(&line, 1, 1.0, id), [line.to_vec()]);
        assert!(dashes(&line, 0, 1.0, id).is_empty());
        // Dotted "13": pieces of length 1 every 4.
        let dots = dashes(&[(0.0, 0.0), (16.0, 0.0)], 3, 1.0, id);
        assert_eq!(dots.len(), 4);
        assert_eq!(dots[1], [(4.0, 0.0), (5.0, 0.0)]);
    }
}
