//! R's number formatting for tables of coefficients: `format(x, digits)` of a vector (one
//! notation and one number of decimals for all, as R's `formatReal`), `format.pval` and
//! `printCoefmat`'s columns, so that `print(fit, digits = d)` prints what R prints; `signif`
//! and `pval` of the printed tests, `columns` of aligned text.
//!
//! `formatReal`: each value needs `nsig` significant digits (at most `digits`, trailing zeros
//! dropped) and has the decimal exponent `kp` of its value rounded to `digits`; fixed notation
//! shows `max(nsig - 1 - kp)` decimals for all, scientific `max(nsig) - 1` mantissa decimals;
//! fixed is used unless it is wider than scientific.

/// `(kp, nsig)` of `|x|` rounded to `digits` significant digits.
fn sci_parts(x: f64, digits: usize) -> (i32, usize) {
    let s = format!("{:.*e}", digits.saturating_sub(1), x.abs());
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let kp = e.parse::<i32>().unwrap_or(0);
    let mantissa: String = m.chars().filter(char::is_ascii_digit).collect();
    let nsig = mantissa.trim_end_matches('0').len().max(1);
    (kp, nsig)
}

/// Rust's `1.23e-5` as R's `1.23e-05` (two exponent digits at least, a sign).
pub fn r_exponent(s: &str) -> String {
    match s.split_once('e') {
        Some((m, e)) => {
            let (sign, digits) = e.strip_prefix('-').map_or(("+", e), |d| ("-", d));
            let digits = digits.trim_start_matches('0');
            format!("{m}e{sign}{digits:0>2}")
        }
        None => s.to_owned(),
    }
}

/// R's `format(v, digits = digits)`: every value in one notation with one number of decimals
/// and padded to one width
/// (`NA`, `NaN`, `Inf` as R writes them).
pub fn format_common(v: &[f64], digits: usize) -> Vec<String> {
    let digits = digits.clamp(1, 15);
    let finite: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    let parts: Vec<(i32, usize)> = finite
        .iter()
        .map(|&x| {
            if x == 0.0 {
                (0, 1)
            } else {
                sci_parts(x, digits)
            }
        })
        .collect();
    let neg = usize::from(finite.iter().any(|x| *x < 0.0));
    let rgt = parts
        .iter()
        .map(|&(kp, nsig)| (nsig as i32 - 1 - kp).max(0))
        .max()
        .unwrap_or(0) as usize;
    let left = parts
        .iter()
        .map(|&(kp, _)| (kp + 1).max(1))
        .max()
        .unwrap_or(1) as usize;
    let fixed_width = neg + left + if rgt > 0 { rgt + 1 } else { 0 };
    let mf = parts.iter().map(|p| p.1).max().unwrap_or(1);
    let big_exp = parts.iter().any(|p| p.0.abs() >= 100);
    let sci_width = neg + if mf > 1 { mf + 1 } else { mf } + if big_exp { 5 } else { 4 };
    let fixed = fixed_width <= sci_width;
    let text: Vec<String> = v
        .iter()
        .map(|&x| {
            if x.is_nan() {
                "NaN".into()
            } else if x.is_infinite() {
                if x > 0.0 { "Inf".into() } else { "-Inf".into() }
            } else if fixed {
                format!("{x:.rgt$}")
            } else {
                r_exponent(&format!("{:.*e}", mf - 1, x))
            }
        })
        .collect();
    // One width for all, as R's `format` pads.
    let w = text.iter().map(String::len).max().unwrap_or(0);
    text.into_iter().map(|t| format!("{t:>w$}")).collect()
}

/// R's `signif(x, digits)` as a number.
pub fn sig_round(x: f64, digits: usize) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    format!("{:.*e}", digits.max(1) - 1, x).parse().unwrap_or(x)
}

/// R's `formatC(x, digits)` (C's `%.{digits}g`: `digits` significant digits, trailing zeros
/// dropped, scientific below 1e-4 or from `10^digits`).
pub fn format_c(x: f64, digits: usize) -> String {
    if !x.is_finite() {
        return format_common(&[x], digits).remove(0);
    }
    if x == 0.0 {
        return "0".into();
    }
    let d = digits.max(1);
    let (kp, _) = sci_parts(x, d);
    let trim = |s: String| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            s
        }
    };
    if kp < -4 || kp >= d as i32 {
        let s = format!("{:.*e}", d - 1, x);
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        r_exponent(&format!("{}e{e}", trim(m.to_owned())))
    } else {
        let decimals = (d as i32 - 1 - kp).max(0) as usize;
        trim(format!("{x:.decimals$}"))
    }
}

/// R's `format.pval(p, digits)` (R 4.2): values with exponent `-3` or more (and `-4` when
/// `digits > 1`) formatted together, the smaller ones together, those below the machine
/// epsilon as `<eps` with R's digits and separator.
pub fn format_pval(ps: &[f64], digits: usize) -> Vec<String> {
    let eps = f64::EPSILON;
    let expo = |p: f64| if p > 0.0 { p.log10().floor() } else { -50.0 };
    let fixp: Vec<bool> = ps
        .iter()
        .map(|&p| expo(p) >= -3.0 || (expo(p) == -4.0 && digits > 1))
        .collect();
    let group = |want: bool| -> Vec<f64> {
        ps.iter()
            .zip(&fixp)
            .filter(|(p, f)| **p >= eps && **f == want)
            .map(|(p, _)| *p)
            .collect()
    };
    let fixed = format_common(&group(true), digits);
    let small = format_common(&group(false), digits);
    // `<eps`: fewer digits, and a space unless both are short.
    let mut d = digits.saturating_sub(2).max(1);
    let nc = fixed.iter().chain(&small).map(String::len).max();
    let sep = match nc {
        Some(nc) => {
            if d > 1 && d + 6 > nc {
                d = nc.saturating_sub(7).max(1);
            }
            if d == 1 && nc <= 6 { "" } else { " " }
        }
        None => {
            if d == 1 {
                ""
            } else {
                " "
            }
        }
    };
    let tiny = format!("<{sep}{}", format_common(&[eps], d)[0]);
    let (mut fixed, mut small) = (fixed.into_iter(), small.into_iter());
    ps.iter()
        .zip(&fixp)
        .map(|(&p, &f)| {
            if p.is_nan() {
                "NA".into()
            } else if p < eps {
                tiny.clone()
            } else if f {
                fixed.next().unwrap_or_default()
            } else {
                small.next().unwrap_or_default()
            }
        })
        .collect()
}

/// `printCoefmat`'s estimate columns (`cs.ind`), formatted together: rounded to
/// `digits − (1 + ⌊log10 min |x|⌋)` decimals (at least 1), then [`format_common`] and one
/// width for all; a nonzero value that would print as 0 gets `digits − 1` significant digits
/// of its own.
pub fn estimate_columns(cols: &[&[f64]], digits: usize) -> Vec<Vec<String>> {
    let all: Vec<f64> = cols.iter().flat_map(|c| c.iter().copied()).collect();
    let small = all
        .iter()
        .filter(|x| x.is_finite() && **x != 0.0)
        .map(|x| x.abs())
        .fold(f64::INFINITY, f64::min);
    let dec = if small.is_finite() {
        (digits as i32 - (1 + small.log10().floor() as i32)).max(1)
    } else {
        1
    };
    let p = 10f64.powi(dec);
    let rounded: Vec<f64> = all.iter().map(|x| (x * p).round() / p).collect();
    let mut text = format_common(&rounded, digits);
    for (t, x) in text.iter_mut().zip(&all) {
        if *x != 0.0 && t.parse::<f64>().is_ok_and(|v| v == 0.0) {
            *t = format_common(&[*x], digits.saturating_sub(1).max(1)).remove(0);
        }
    }
    // `format` of a matrix: one width for all (a negative sign widens every column).
    let wide = text.iter().map(String::len).max().unwrap_or(0);
    let mut it = text.into_iter().map(|t| format!("{t:>wide$}"));
    cols.iter()
        .map(|c| c.iter().map(|_| it.next().unwrap_or_default()).collect())
        .collect()
}

/// `printCoefmat`'s test-statistic column: rounded to `dig.tst = max(1, min(5, digits − 1))`
/// decimals, then formatted with `digits`.
pub fn statistic_column(z: &[f64], digits: usize) -> Vec<String> {
    let p = 10f64.powi(dig_tst(digits) as i32);
    let rounded: Vec<f64> = z.iter().map(|x| (x * p).round() / p).collect();
    format_common(&rounded, digits)
}

/// `printCoefmat`'s `dig.tst`, also the digits of its p-values.
pub fn dig_tst(digits: usize) -> usize {
    digits.saturating_sub(1).clamp(1, 5)
}

/// `printCoefmat`'s legend, with the quotes R prints in a UTF-8 locale.
pub const SIGNIF_CODES: &str = "Signif. codes:  0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1";

/// R's significance stars of a p-value (`printCoefmat`).
/// R's significance stars of a p-value (`symnum`'s cut points).
pub fn stars(p: f64) -> &'static str {
    match p {
        p if p < 0.001 => "***",
        p if p < 0.01 => "**",
        p if p < 0.05 => "*",
        p if p < 0.1 => ".",
        _ => "",
    }
}

/// `printCoefmat` of a table: `head` (the names' column first), one row per name with the
/// estimate columns formatted together, the test statistic and its p-value; with `stars`,
/// R's significance stars when a p-value is below 0.1 (then R prints [`SIGNIF_CODES`] after
/// it, and the second value is true).
pub fn coefmat(
    head: &[&str],
    names: &[String],
    estimates: &[&[f64]],
    stat: &[f64],
    ps: &[f64],
    digits: usize,
    with_stars: bool,
) -> (String, bool) {
    let est = estimate_columns(estimates, digits);
    let sc = statistic_column(stat, digits);
    let pc = format_pval(ps, dig_tst(digits));
    let starred = with_stars && ps.iter().any(|p| *p < 0.1);
    let mut first: Vec<String> = head.iter().map(|h| h.to_string()).collect();
    if starred {
        first.push("   ".into());
    }
    let mut rows = vec![first];
    for (i, name) in names.iter().enumerate() {
        let mut row = vec![name.clone()];
        row.extend(est.iter().map(|col| col[i].clone()));
        row.extend([sc[i].clone(), pc[i].clone()]);
        if starred {
            row.push(format!("{:<3}", stars(ps[i])));
        }
        rows.push(row);
    }
    (columns(&rows), starred)
}

/// `x` to `digits` significant digits, without trailing zeros (R's `format(x, digits)`).
pub fn signif(x: f64, digits: i32) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".into()
        } else if x > 0.0 {
            "Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if x == 0.0 {
        return "0".into();
    }
    let mag = x.abs().log10().floor() as i32;
    if !(-5..15).contains(&mag) {
        let s = format!("{:.*e}", (digits - 1).max(0) as usize, x);
        return s;
    }
    let places = (digits - 1 - mag).max(0) as usize;
    let s = format!("{x:.places$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// A p-value as R's `format.pval` shows it with 4 digits.
pub fn pval(p: f64) -> String {
    if p < 2.2e-16 {
        "< 2.2e-16".into()
    } else {
        signif(p, 4)
    }
}

/// Rows of cells as aligned text columns (the first left-aligned, the others right-aligned,
/// one space apart), as R prints a matrix of strings.
pub fn columns(rows: &[Vec<String>]) -> String {
    let w: Vec<usize> = (0..rows[0].len())
        .map(|j| rows.iter().map(|r| r[j].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(j, c)| {
                if j == 0 {
                    format!("{c:<w$}", w = w[0])
                } else {
                    format!("{c:>w$}", w = w[j])
                }
            })
            .collect();
        out.push_str(line.join(" ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_format_like_r() {
        assert_eq!(signif(0.16194526764, 5), "0.16195");
        assert_eq!(signif(45.4719189667, 5), "45.472");
        assert_eq!(signif(46.0, 5), "46");
        assert_eq!(pval(0.87206642438), "0.8721");
        assert_eq!(pval(1e-20), "< 2.2e-16");
    }

    #[test]
    fn vectors_format_as_r() {
        // R 4.2: format(c(0.192674, 0.011003, 0.221391), digits = 3)
        assert_eq!(
            format_common(&[0.192674, 0.011003, 0.221391], 3),
            ["0.193", "0.011", "0.221"]
        );
        // format(c(9.1784e-05, 1.4098e-09), digits = 2)
        assert_eq!(
            format_common(&[9.1784e-05, 1.4098e-09], 2),
            ["9.2e-05", "1.4e-09"]
        );
        // format(c(1.5, -2.25, 10), digits = 4), padded to one width as R's
        assert_eq!(
            format_common(&[1.5, -2.25, 10.0], 4),
            [" 1.50", "-2.25", "10.00"]
        );
        // Scientific where narrower: format(c(123456789, 0.5), digits = 3),
        // format(c(1e-10, 1), digits = 3)
        assert_eq!(
            format_common(&[123456789.0, 0.5], 3),
            ["1.23e+08", "5.00e-01"]
        );
        assert_eq!(format_common(&[1e-10, 1.0], 3), ["1e-10", "1e+00"]);
        // formatC(c(0.98028, -0.0034462, 0.85374, 1.23e-5, 123456), digits = 4)
        let c: Vec<String> = [0.98028, -0.0034462, 0.85374, 1.23e-5, 123456.0]
            .iter()
            .map(|&x| format_c(x, 4))
            .collect();
        assert_eq!(
            c,
            ["0.9803", "-0.003446", "0.8537", "1.23e-05", "1.235e+05"]
        );
        // format.pval(c(0.5, 1e-20, 3e-5), digits = 3);
        // format.pval(c(0.232416, 0.000986, 4.45e-05), digits = 3)
        assert_eq!(
            format_pval(&[0.5, 1e-20, 3e-5], 3),
            ["0.5", "<2e-16", "3e-05"]
        );
        assert_eq!(
            format_pval(&[0.232416, 0.000986, 4.45e-05], 3),
            ["0.232416", "0.000986", "4.45e-05"]
        );
    }
}
