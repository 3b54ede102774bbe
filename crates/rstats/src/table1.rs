//! A study's "Table 1" (patient characteristics, overall and by group) as clinical papers print
//! it, after R's `tableone::CreateTableOne` and `gtsummary::tbl_summary() |> add_p()`: per
//! variable and column, `n (%)` of each level (percentages of the non-missing), or mean (SD)
//! and median [IQR] (R's default type 7 quantiles, as `tableone`), the missing counts, the
//! overall column, a p-value with its test and, on request, the standardised mean difference.
//!
//! This module holds the public side: the result, the test choice of `gtsummary::add_p`
//! ([`categorical_test`]), `tableone`'s standardised mean differences ([`smd_numeric`],
//! [`smd_categorical`]) and the four renderings (R-like text, Markdown, CSV, JSON). The
//! numbers come from the secure layer, each cell after disclosure control; a variable whose
//! cells disclosure control refused carries the refusal ([`Body::Refused`]) and prints it in
//! place of its cells, so nothing is silently dropped.
use serde_json::{Value as Json, json};

/// How the table prints (`format =`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Aligned text, as R prints `print(CreateTableOne(...))`.
    Text,
    /// A Markdown (pipe) table.
    Markdown,
    /// Comma-separated values, one line per printed row.
    Csv,
}

impl Format {
    /// The format named `s` (`"text"`, `"markdown"`, `"csv"`).
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "text" => Some(Format::Text),
            "markdown" | "md" => Some(Format::Markdown),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// The summaries of a numeric variable in one column.
#[derive(Debug, Clone, PartialEq)]
pub struct NumCell {
    /// Non-missing values.
    pub n: u64,
    /// Mean.
    pub mean: f64,
    /// Standard deviation (`n - 1`).
    pub sd: f64,
    /// Median.
    pub median: f64,
    /// First quartile (type 7).
    pub q1: f64,
    /// Third quartile (type 7).
    pub q3: f64,
    /// Missing values.
    pub missing: u64,
}

/// What a variable shows.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Body {
    /// A numeric variable: one cell per column (overall first).
    Numeric(Vec<NumCell>),
    /// A categorical (or logical) variable.
    Categorical {
        /// Its levels.
        levels: Vec<String>,
        /// `counts[column][level]` (overall first).
        counts: Vec<Vec<u64>>,
        /// Missing values per column.
        missing: Vec<u64>,
        /// Cells hidden by small-cell suppression, `[column][level]`, the missing count last
        /// (empty: none); a hidden cell prints `*`.
        hidden: Vec<Vec<bool>>,
    },
    /// Refused by disclosure control: the reason (naming the cells, never values).
    Refused(String),
}

/// One variable (row block) of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Var {
    /// The column's name.
    pub name: String,
    /// Its cells.
    pub body: Body,
    /// The test's name (R's `method`) and p-value, with a `by` grouping.
    pub test: Option<(String, f64)>,
    /// The standardised mean difference, when asked for.
    pub smd: Option<f64>,
}

/// A "Table 1".
#[derive(Debug, Clone, PartialEq)]
pub struct Table1 {
    /// The grouping column, if any.
    pub by: Option<String>,
    /// Column labels (`Overall`, then the groups) and their numbers of rows.
    pub columns: Vec<(String, u64)>,
    /// The variables, in the order asked.
    pub vars: Vec<Var>,
    /// Whether the SMD column is shown.
    pub smd: bool,
    /// How it prints.
    pub format: Format,
    /// Lines printed under the table (e.g. rows left out for a missing group).
    pub notes: Vec<String>,
}

/// `gtsummary::add_p`'s default test of a categorical variable from its table of
/// `counts[group][level]`: `"chisq.test.no.correct"` when every expected count is at least 5,
/// else `"fisher.test"`.
pub fn categorical_test(counts: &[Vec<u64>]) -> &'static str {
    let total: u64 = counts.iter().flatten().sum();
    if total == 0 {
        return "fisher.test";
    }
    let levels = counts.first().map_or(0, Vec::len);
    let col: Vec<u64> = counts.iter().map(|g| g.iter().sum()).collect();
    let row: Vec<u64> = (0..levels)
        .map(|l| counts.iter().map(|g| g[l]).sum())
        .collect();
    let small = col.iter().any(|&c| {
        row.iter()
            .any(|&r| (r as f64) * (c as f64) / (total as f64) < 5.0)
    });
    if small {
        "fisher.test"
    } else {
        "chisq.test.no.correct"
    }
}

/// `tableone`'s standardised mean difference of two groups' means and SDs:
/// `|m1 - m2| / sqrt((s1² + s2²) / 2)`.
pub fn smd_numeric((m1, s1): (f64, f64), (m2, s2): (f64, f64)) -> f64 {
    (m1 - m2).abs() / ((s1 * s1 + s2 * s2) / 2.0).sqrt()
}

/// `tableone`'s standardised mean difference of a categorical variable between two groups'
/// level counts (Yang and Dalton 2012): `sqrt((T - C)' S⁻¹ (T - C))` over the proportions of
/// the levels but the first, `S` their pooled multinomial covariance. Levels empty in both
/// groups are left out (as the generalised inverse `tableone` uses does).
pub fn smd_categorical(a: &[u64], b: &[u64]) -> f64 {
    let keep: Vec<usize> = (0..a.len()).filter(|&i| a[i] + b[i] > 0).collect();
    let (na, nb) = (a.iter().sum::<u64>() as f64, b.iter().sum::<u64>() as f64);
    if keep.len() < 2 || na == 0.0 || nb == 0.0 {
        return f64::NAN;
    }
    let t: Vec<f64> = keep[1..].iter().map(|&i| a[i] as f64 / na).collect();
    let c: Vec<f64> = keep[1..].iter().map(|&i| b[i] as f64 / nb).collect();
    let k = t.len();
    let s: Vec<Vec<f64>> = (0..k)
        .map(|i| {
            (0..k)
                .map(|j| {
                    if i == j {
                        (t[i] * (1.0 - t[i]) + c[i] * (1.0 - c[i])) / 2.0
                    } else {
                        -(t[i] * t[j] + c[i] * c[j]) / 2.0
                    }
                })
                .collect()
        })
        .collect();
    let d: Vec<f64> = t.iter().zip(&c).map(|(x, y)| x - y).collect();
    match solve(s, d.clone()) {
        Some(x) => d
            .iter()
            .zip(&x)
            .map(|(a, b)| a * b)
            .sum::<f64>()
            .max(0.0)
            .sqrt(),
        None => f64::NAN,
    }
}

/// The mean of the pairwise SMDs of `k` groups (`tableone` for more than two groups).
pub fn mean_pairwise(k: usize, smd: impl Fn(usize, usize) -> f64) -> f64 {
    let mut all = Vec::new();
    for i in 0..k {
        for j in i + 1..k {
            all.push(smd(i, j));
        }
    }
    all.iter().sum::<f64>() / all.len() as f64
}

/// `x` with `a x = b` (Gaussian elimination with partial pivoting); `None` when singular.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let piv = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[piv][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, piv);
        b.swap(col, piv);
        let pivot_row = a[col].clone();
        for r in 0..n {
            if r != col {
                let f = a[r][col] / pivot_row[col];
                for (x, p) in a[r].iter_mut().zip(&pivot_row).skip(col) {
                    *x -= f * p;
                }
                b[r] -= f * b[col];
            }
        }
    }
    Some((0..n).map(|i| b[i] / a[i][i]).collect())
}

/// `x` with two decimals, as `tableone` prints continuous summaries.
fn f2(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.2}")
    } else {
        "NA".into()
    }
}

/// A count with its percentage of `of` (one decimal).
fn count_pct(n: u64, of: u64) -> String {
    if of == 0 {
        format!("{n} (NA)")
    } else {
        format!("{n} ({:.1})", 100.0 * n as f64 / of as f64)
    }
}

/// A p-value as `tableone` prints it: three decimals, `<0.001` below.
pub fn format_p(p: f64) -> String {
    if !p.is_finite() {
        "NA".into()
    } else if p < 0.001 {
        "<0.001".into()
    } else {
        format!("{p:.3}")
    }
}

/// The printed rows of the table: label, one cell per column, then p, test, SMD (empty where
/// none). The first row holds the column sizes.
pub fn rows(t: &Table1) -> (Vec<String>, Vec<Vec<String>>) {
    let mut head = vec!["Characteristic".to_owned()];
    head.extend(t.columns.iter().map(|(l, _)| l.clone()));
    let tested = t.by.is_some();
    if tested {
        head.extend(["p-value".into(), "test".into()]);
    }
    if t.smd {
        head.push("SMD".into());
    }
    let width = head.len();
    let mut out = Vec::new();
    let mut n_row = vec!["n".to_owned()];
    n_row.extend(t.columns.iter().map(|(_, n)| n.to_string()));
    n_row.resize(width, String::new());
    out.push(n_row);
    let ncol = t.columns.len();
    for v in &t.vars {
        let mut header = vec![match &v.body {
            Body::Numeric(_) => v.name.clone(),
            Body::Categorical { .. } => format!("{}, n (%)", v.name),
            Body::Refused(_) => v.name.clone(),
        }];
        header.resize(1 + ncol, String::new());
        if tested {
            match &v.test {
                Some((name, p)) => header.extend([format_p(*p), name.clone()]),
                None => header.extend([String::new(), String::new()]),
            }
        }
        if t.smd {
            header.push(v.smd.map_or(String::new(), |s| format!("{s:.3}")));
        }
        out.push(header);
        let mut line = |label: &str, cells: Vec<String>| {
            let mut r = vec![format!("  {label}")];
            r.extend(cells);
            r.resize(width, String::new());
            out.push(r);
        };
        match &v.body {
            Body::Numeric(cells) => {
                line(
                    "Mean (SD)",
                    cells
                        .iter()
                        .map(|c| format!("{} ({})", f2(c.mean), f2(c.sd)))
                        .collect(),
                );
                line(
                    "Median [IQR]",
                    cells
                        .iter()
                        .map(|c| format!("{} [{}, {}]", f2(c.median), f2(c.q1), f2(c.q3)))
                        .collect(),
                );
                if cells.iter().any(|c| c.missing > 0) {
                    line(
                        "Missing",
                        cells.iter().map(|c| c.missing.to_string()).collect(),
                    );
                }
            }
            Body::Categorical {
                levels,
                counts,
                missing,
                hidden,
            } => {
                let k = levels.len();
                let hid = |c: usize, l: usize| hidden.get(c).is_some_and(|h| h[l]);
                // Percentages of the non-missing, where none of the column's cells is hidden
                // (a hidden cell's count is not known, nor, then, the column's total).
                let known = |c: usize| !(0..=k).any(|l| hid(c, l));
                for (l, level) in levels.iter().enumerate() {
                    let cells = (0..counts.len())
                        .map(|c| match (hid(c, l), known(c)) {
                            (true, _) => "*".to_owned(),
                            (false, true) => count_pct(counts[c][l], counts[c].iter().sum()),
                            (false, false) => counts[c][l].to_string(),
                        })
                        .collect();
                    line(level, cells);
                }
                let any = (0..missing.len()).any(|c| missing[c] > 0 || hid(c, k));
                if any {
                    let cells = (0..missing.len())
                        .map(|c| {
                            if hid(c, k) {
                                "*".to_owned()
                            } else {
                                missing[c].to_string()
                            }
                        })
                        .collect();
                    line("Missing", cells);
                }
            }
            Body::Refused(_) => line("refused", vec!["(refused)".into(); ncol]),
        }
    }
    (head, out)
}

/// The notes under the table: the refusals (one per refused variable), then the table's own.
fn notes(t: &Table1) -> Vec<String> {
    let mut notes: Vec<String> = t
        .vars
        .iter()
        .filter_map(|v| match &v.body {
            Body::Refused(why) => Some(format!("{}: {why}", v.name)),
            _ => None,
        })
        .collect();
    notes.extend(t.notes.iter().cloned());
    notes
}

/// The table as its `format` prints it.
pub fn render_table1(t: &Table1) -> String {
    let (head, body) = rows(t);
    let mut s = match t.format {
        Format::Text => text(&head, &body),
        Format::Markdown => markdown(&head, &body),
        Format::Csv => return csv(&head, &body),
    };
    for n in notes(t) {
        s.push_str(&format!("Note: {n}\n"));
    }
    s
}

fn text(head: &[String], body: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..head.len())
        .map(|c| {
            std::iter::once(&head[c])
                .chain(body.iter().map(|r| &r[c]))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |r: &[String]| {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(s, w)| format!("{s:<w$}"))
            .collect();
        format!("{}\n", cells.join("  ").trim_end())
    };
    let mut s = line(head);
    for r in body {
        s.push_str(&line(r));
    }
    s
}

fn markdown(head: &[String], body: &[Vec<String>]) -> String {
    let esc = |s: &str| s.replace('|', "\\|");
    let cell = |s: &String| match s.strip_prefix("  ") {
        Some(rest) => format!("&nbsp;&nbsp;{}", esc(rest)),
        None => esc(s),
    };
    let mut s = format!(
        "| {} |\n|{}\n",
        head.iter().map(|h| esc(h)).collect::<Vec<_>>().join(" | "),
        head.iter()
            .enumerate()
            .map(|(i, _)| if i == 0 { "---|" } else { "---:|" })
            .collect::<String>()
    );
    for r in body {
        s.push_str(&format!(
            "| {} |\n",
            r.iter().map(cell).collect::<Vec<_>>().join(" | ")
        ));
    }
    s.push('\n');
    s
}

fn csv(head: &[String], body: &[Vec<String>]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let trimmed = |r: &[String]| r.iter().map(|c| c.trim().to_owned()).collect::<Vec<_>>();
    // Writing to memory cannot fail.
    let _ = w.write_record(trimmed(head));
    for r in body {
        let _ = w.write_record(trimmed(r));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The table as JSON: the columns with their sizes, and per variable its numbers.
pub fn table1_json(t: &Table1) -> Json {
    let num = |x: f64| if x.is_finite() { json!(x) } else { Json::Null };
    let vars: Vec<Json> = t
        .vars
        .iter()
        .map(|v| {
            let mut o = match &v.body {
                Body::Numeric(cells) => json!({
                    "type": "numeric",
                    "n": cells.iter().map(|c| c.n).collect::<Vec<_>>(),
                    "mean": cells.iter().map(|c| num(c.mean)).collect::<Vec<_>>(),
                    "sd": cells.iter().map(|c| num(c.sd)).collect::<Vec<_>>(),
                    "median": cells.iter().map(|c| num(c.median)).collect::<Vec<_>>(),
                    "q1": cells.iter().map(|c| num(c.q1)).collect::<Vec<_>>(),
                    "q3": cells.iter().map(|c| num(c.q3)).collect::<Vec<_>>(),
                    "missing": cells.iter().map(|c| c.missing).collect::<Vec<_>>(),
                }),
                Body::Categorical {
                    levels,
                    counts,
                    missing,
                    hidden,
                } => {
                    let k = levels.len();
                    let hid = |c: usize, l: usize| hidden.get(c).is_some_and(|h| h[l]);
                    let cell =
                        |c: usize, l: usize, n: u64| if hid(c, l) { Json::Null } else { json!(n) };
                    let counts: Vec<Vec<Json>> = counts
                        .iter()
                        .enumerate()
                        .map(|(c, col)| {
                            col.iter()
                                .enumerate()
                                .map(|(l, n)| cell(c, l, *n))
                                .collect()
                        })
                        .collect();
                    let missing: Vec<Json> = missing
                        .iter()
                        .enumerate()
                        .map(|(c, n)| cell(c, k, *n))
                        .collect();
                    json!({
                        "type": "categorical", "levels": levels, "counts": counts,
                        "missing": missing, "suppressed": !hidden.is_empty(),
                    })
                }
                Body::Refused(why) => json!({ "type": "refused", "refused": why }),
            };
            o["name"] = json!(v.name);
            if let Some((name, p)) = &v.test {
                o["test"] = json!(name);
                o["p_value"] = num(*p);
            }
            if let Some(s) = v.smd {
                o["smd"] = num(s);
            }
            o
        })
        .collect();
    json!({
        "by": t.by,
        "columns": t.columns.iter().map(|(l, n)| json!({"label": l, "n": n})).collect::<Vec<_>>(),
        "variables": vars,
        "notes": notes(t),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_choice_follows_expected_counts() {
        // Expected counts 10 everywhere: chi-square; one expected below 5: Fisher.
        assert_eq!(
            categorical_test(&[vec![10, 10], vec![10, 10]]),
            "chisq.test.no.correct"
        );
        assert_eq!(categorical_test(&[vec![18, 2], vec![16, 4]]), "fisher.test");
    }

    #[test]
    fn smd_as_tableone() {
        // R: tableone:::StdDiff and StdDiffMulti on these values (computed by hand from the
        // published formulas): two levels reduce to |p1 - p2| / sqrt((p1 q1 + p2 q2) / 2).
        let (p1, p2): (f64, f64) = (0.3, 0.6);
        let want = (p1 - p2).abs() / ((p1 * (1.0 - p1) + p2 * (1.0 - p2)) / 2.0f64).sqrt();
        let got = smd_categorical(&[7, 3], &[4, 6]);
        assert!((got - want).abs() < 1e-12, "{got} {want}");
        let d = smd_numeric((10.0, 2.0), (11.0, 4.0));
        assert!((d - 1.0 / 10.0f64.sqrt()).abs() < 1e-12);
    }
}
