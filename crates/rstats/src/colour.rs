//! R's colours, as `col2rgb()` reads a `col =` argument: one of R's 657 colour names
//! (`colors()`, matched as R matches them, ignoring case and spaces: `"Dark Green"` is
//! `darkgreen`), `"#RRGGBB"` or `"#RRGGBBAA"`, `"transparent"`, or a positive number (or its
//! text, `"3"`), the entry of R's default `palette()` counted from 1 and recycled (9 is 1).
//! The table is R's own, written by `r/colours.R` into `colours.txt` and embedded.

use std::collections::HashMap;
use std::sync::OnceLock;

/// A colour: red, green, blue and alpha (0 is transparent).
pub type Rgba = [u8; 4];

/// R's colour names and palette, as `r/colours.R` wrote them.
const TABLE: &str = include_str!("colours.txt");

struct Colours {
    palette: Vec<Rgba>,
    names: HashMap<String, Rgba>,
}

fn colours() -> &'static Colours {
    static C: OnceLock<Colours> = OnceLock::new();
    C.get_or_init(|| {
        let mut palette = Vec::new();
        let mut names = HashMap::new();
        for line in TABLE.lines().filter(|l| !l.starts_with('#')) {
            let Some((name, hex)) = line.split_once(' ') else {
                continue;
            };
            let Some(rgba) = hex_rgba(hex) else { continue };
            if name == "palette" {
                palette.push(rgba);
            } else {
                names.insert(name.to_owned(), rgba);
            }
        }
        Colours { palette, names }
    })
}

/// `RRGGBB` or `RRGGBBAA` (without `#`).
fn hex_rgba(hex: &str) -> Option<Rgba> {
    if !(hex.len() == 6 || hex.len() == 8) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([
        byte(0)?,
        byte(2)?,
        byte(4)?,
        if hex.len() == 8 { byte(6)? } else { 255 },
    ])
}

/// The colour R's `col2rgb(x, alpha = TRUE)` gives for a text `col`, or why R refuses it.
pub fn col2rgb(spec: &str) -> Result<Rgba, String> {
    if let Some(hex) = spec.strip_prefix('#') {
        return hex_rgba(hex).ok_or_else(|| {
            format!("`{spec}` is not a colour: R's codes are #RRGGBB or #RRGGBBAA")
        });
    }
    if let Ok(i) = spec.trim().parse::<f64>() {
        return palette(i);
    }
    let key: String = spec
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    if key == "transparent" {
        return Ok([255, 255, 255, 0]);
    }
    colours().names.get(&key).copied().ok_or_else(|| {
        format!("`{spec}` is not one of R's colour names (colors()), a #RRGGBB code or a number")
    })
}

/// Entry `i` of R's default `palette()`, counted from 1 and recycled.
pub fn palette(i: f64) -> Result<Rgba, String> {
    if !(i.is_finite() && i >= 1.0) {
        return Err(format!(
            "colour number {i}: R's colour numbers are positive (1 is black)"
        ));
    }
    let p = &colours().palette;
    Ok(p[(i.floor() as usize - 1) % p.len()])
}

/// `#RRGGBB` (`#RRGGBBAA` when not opaque), as R's `rgb()` writes it.
pub fn hex(c: Rgba) -> String {
    let [r, g, b, a] = c;
    if a == 255 {
        format!("#{r:02X}{g:02X}{b:02X}")
    } else {
        format!("#{r:02X}{g:02X}{b:02X}{a:02X}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_as_r_reads_them() {
        // R 4.2: col2rgb(c("Dark Green", "#FF000080", "9", 12, "green", "gray"), alpha = TRUE)
        assert_eq!(col2rgb("Dark Green"), Ok([0, 100, 0, 255]));
        assert_eq!(col2rgb("#FF000080"), Ok([255, 0, 0, 128]));
        assert_eq!(col2rgb("9"), Ok([0, 0, 0, 255]));
        assert_eq!(palette(12.0), Ok([34, 151, 230, 255]));
        assert_eq!(col2rgb("green"), Ok([0, 255, 0, 255]));
        assert_eq!(col2rgb("gray"), Ok([190, 190, 190, 255]));
        assert_eq!(col2rgb("grey50"), Ok([127, 127, 127, 255]));
        assert_eq!(col2rgb("transparent").map(|c| c[3]), Ok(0));
        assert_eq!(colours().names.len(), 657);
        assert_eq!(colours().palette.len(), 8);
        assert!(col2rgb("nocolour").unwrap_err().contains("`nocolour`"));
        assert!(col2rgb("#F00").is_err());
        assert!(palette(0.0).is_err());
        assert_eq!(hex([0x22, 0x97, 0xE6, 255]), "#2297E6");
    }
}
