//! Printing public values the way R prints them (`[1] 66.83333`, named vectors with the names
//! above the values, tables with their dimension names), and as JSON for `--json`.
use super::value::{Public, Table};
use serde_json::{Value as Json, json};

/// Width R wraps output at.
const WIDTH: usize = 80;

/// [`render`] followed by the statement's notes, one `Note: ...` line each.
pub fn with_notes(v: &Public, notes: &[String]) -> String {
    let mut text = render(v);
    for n in notes {
        text.push_str(&format!("Note: {n}\n"));
    }
    text
}

/// R's text for a value (with a final newline).
pub fn render(v: &Public) -> String {
    match v {
        Public::Null => "NULL\n".to_owned(),
        Public::Note(s) => format!("{s}\n"),
        Public::Formula(s) => format!("{s}\n"),
        Public::Num { values, names } => render_numbers(values, names.as_deref(), 7),
        Public::Str(v) => indexed(
            &v.iter()
                .map(|s| s.as_ref().map_or("NA".to_owned(), |s| format!("{s:?}")))
                .collect::<Vec<_>>(),
        ),
        Public::Bool(v) => indexed(
            &v.iter()
                .map(|b| match b {
                    Some(true) => "TRUE".to_owned(),
                    Some(false) => "FALSE".to_owned(),
                    None => "NA".to_owned(),
                })
                .collect::<Vec<_>>(),
        ),
        Public::Table(t) => table(t),
        Public::Suppressed(s) => {
            table_cells(&s.table.dims, s.cells(|c| c.to_string(), || "*".to_owned()))
        }
        Public::Test(t) => super::render_stats::render_test(t),
        Public::Model(m) => super::render_stats::render_model(m),
        Public::Glm(m) => sharestat_rstats::glm::render_glm(m),
        Public::Pairwise(x) => sharestat_rstats::pairwise::render_pairwise(x),
        Public::Table1(x) => sharestat_rstats::table1::render_table1(x),
        Public::Anova(x) => sharestat_rstats::anova::render_anova(x),
        Public::AnovaLm(x) => sharestat_rstats::aov::render_anova_lm(x),
        Public::Aov(x) => sharestat_rstats::aov::render_aov(x),
        Public::Surv(f) => super::render_surv::render_fit(f),
        Public::LogRank(l) => super::render_surv::render_logrank(l),
        Public::Cox(c) => super::render_cox::render_cox(c),
        Public::Plot { file, .. } => format!("[plot: {file}]\n"),
        Public::Frame {
            labels, columns, ..
        } => frame(labels, columns),
        Public::Props { table, props } => {
            table_cells(&table.dims, super::prop_table::prop_texts(props))
        }
        Public::DataFrame(columns) => data_frame(columns),
        // R's print of a list: each element under `$name`, a blank line after each.
        Public::List(items) => items
            .iter()
            .map(|(n, v)| format!("${n}\n{}\n", render(v)))
            .collect(),
    }
}

/// R's `print.data.frame`: the row names (1, 2, ...) left-aligned, each column
/// right-aligned under its name, numbers as `format` gives them, missing text as `<NA>`.
fn data_frame(columns: &[(String, Public)]) -> String {
    let rows = columns.first().map_or(0, |c| c.1.len());
    if columns.is_empty() {
        return "data frame with 0 columns and 0 rows\n".to_owned();
    }
    let mut cols: Vec<(String, Vec<String>, bool)> = vec![(
        String::new(),
        (1..=rows).map(|i| i.to_string()).collect(),
        false,
    )];
    for (name, v) in columns {
        let cells = match v {
            Public::Num { values, .. } => format_numbers(values),
            Public::Str(v) => v
                .iter()
                .map(|s| s.clone().unwrap_or_else(|| "<NA>".to_owned()))
                .collect(),
            Public::Bool(v) => v
                .iter()
                .map(|b| {
                    b.map_or("NA", |b| if b { "TRUE" } else { "FALSE" })
                        .to_owned()
                })
                .collect(),
            other => vec![render(other).trim_end().to_owned(); rows],
        };
        cols.push((name.clone(), cells, true));
    }
    aligned(&cols, rows)
}

/// A data frame of numbers, each column right-aligned under its name.
fn frame(labels: &Option<(String, Vec<String>)>, columns: &[(String, Vec<Option<f64>>)]) -> String {
    let mut cols: Vec<(String, Vec<String>, bool)> = Vec::new();
    if let Some((name, l)) = labels {
        cols.push((name.clone(), l.clone(), false));
    }
    for (name, v) in columns {
        cols.push((name.clone(), format_numbers(v), true));
    }
    let rows = cols.first().map_or(0, |c| c.1.len());
    aligned(&cols, rows)
}

/// Columns `(name, cells, right-aligned)` of `rows` cells, each as wide as its widest.
fn aligned(cols: &[(String, Vec<String>, bool)], rows: usize) -> String {
    let w: Vec<usize> = cols
        .iter()
        .map(|(n, v, _)| {
            v.iter()
                .map(|s| s.chars().count())
                .chain([n.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let cell = |s: &str, w: usize, right: bool| {
        if right {
            format!("{s:>w$}")
        } else {
            format!("{s:<w$}")
        }
    };
    out.push_str(
        &cols
            .iter()
            .zip(&w)
            .map(|((n, _, r), w)| cell(n, *w, *r))
            .collect::<Vec<_>>()
            .join(" "),
    );
    out.push('\n');
    for i in 0..rows {
        let line: Vec<String> = cols
            .iter()
            .zip(&w)
            .map(|((_, v, r), w)| cell(&v[i], *w, *r))
            .collect();
        out.push_str(&line.join(" "));
        out.push('\n');
    }
    out
}

/// A public numeric vector as R prints it with `digits` significant digits (`print(x,
/// digits =)`; 7 by default): named, or indexed `[1] ...`.
pub(crate) fn render_numbers(
    values: &[Option<f64>],
    names: Option<&[String]>,
    digits: i32,
) -> String {
    let cells = format_digits(values, digits);
    match names {
        Some(n) => named(n, &cells),
        None => indexed(&cells),
    }
}

/// Formats numbers with R's defaults: 7 significant digits, and a common number of decimal
/// places so that every element shows its significant digits.
pub fn format_numbers(values: &[Option<f64>]) -> Vec<String> {
    format_digits(values, 7)
}

/// [`format_numbers`] with `digits` significant digits (1 to 15).
fn format_digits(values: &[Option<f64>], digits: i32) -> Vec<String> {
    let finite: Vec<f64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    let decimals = finite
        .iter()
        .map(|&v| decimals_needed(v, digits))
        .max()
        .unwrap_or(0);
    let sci = finite.iter().any(|v| {
        let a = v.abs();
        a != 0.0 && !(1e-5..1e15).contains(&a)
    });
    values
        .iter()
        .map(|v| match v {
            None => "NA".to_owned(),
            Some(x) if x.is_nan() => "NaN".to_owned(),
            Some(x) if x.is_infinite() => if *x > 0.0 { "Inf" } else { "-Inf" }.to_owned(),
            Some(x) if sci => format!("{:.*e}", decimals.min(digits.clamp(1, 15) as usize - 1), x),
            Some(x) => format!("{x:.decimals$}"),
        })
        .collect()
}

/// Decimal places that show `v` to `digits` significant digits, without trailing zeros.
fn decimals_needed(v: f64, digits: i32) -> usize {
    if v == 0.0 {
        return 0;
    }
    let magnitude = v.abs().log10().floor() as i32;
    let places = (digits.clamp(1, 15) - 1 - magnitude).clamp(0, 15) as usize;
    let text = format!("{v:.places$}");
    match text.split_once('.') {
        Some((_, frac)) => frac.trim_end_matches('0').len(),
        None => 0,
    }
}

/// `[1] a b c`, wrapped at 80 columns with the index of each line's first element.
fn indexed(cells: &[String]) -> String {
    if cells.is_empty() {
        return "numeric(0)\n".to_owned();
    }
    let w = cells.iter().map(String::len).max().unwrap_or(1);
    let label_w = format!("[{}]", cells.len()).len();
    let per_line = ((WIDTH - label_w) / (w + 1)).max(1);
    let mut out = String::new();
    for (i, chunk) in cells.chunks(per_line).enumerate() {
        let label = format!("[{}]", i * per_line + 1);
        out.push_str(&format!("{label:>label_w$}"));
        for c in chunk {
            out.push_str(&format!(" {c:>w$}"));
        }
        out.push('\n');
    }
    out
}

/// Names above values, each column as wide as its widest entry, wrapped at 80 columns.
fn named(names: &[String], cells: &[String]) -> String {
    let w = names
        .iter()
        .chain(cells)
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(1);
    let per_line = (WIDTH / (w + 1)).max(1);
    let mut out = String::new();
    for (ns, vs) in names.chunks(per_line).zip(cells.chunks(per_line)) {
        for n in ns {
            out.push_str(&format!("{n:>w$} "));
        }
        out.push('\n');
        for v in vs {
            out.push_str(&format!("{v:>w$} "));
        }
        out.push('\n');
    }
    out
}

fn table(t: &Table) -> String {
    table_cells(&t.dims, t.counts.iter().map(u64::to_string).collect())
}

/// A one- or two-way table with the given cell texts, as R prints it.
pub(crate) fn table_cells(dims: &[(String, Vec<String>)], cells: Vec<String>) -> String {
    match dims {
        [(name, levels)] => format!("{name}\n{}", named(levels, &cells)),
        [(rname, rows), (cname, cols)] => {
            let lw = rows
                .iter()
                .map(|r| r.chars().count() + 2)
                .chain([rname.chars().count()])
                .max()
                .unwrap_or(0);
            let cw: Vec<usize> = (0..cols.len())
                .map(|j| {
                    (0..rows.len())
                        .map(|i| cells[i * cols.len() + j].len())
                        .chain([cols[j].chars().count()])
                        .max()
                        .unwrap_or(1)
                })
                .collect();
            let mut out = format!("{:lw$} {cname}\n", "");
            out.push_str(&format!("{rname:<lw$}"));
            for (j, c) in cols.iter().enumerate() {
                out.push_str(&format!(" {c:>w$}", w = cw[j]));
            }
            out.push('\n');
            for (i, r) in rows.iter().enumerate() {
                out.push_str(&format!("{:<lw$}", format!("  {r}")));
                for j in 0..cols.len() {
                    out.push_str(&format!(" {:>w$}", cells[i * cols.len() + j], w = cw[j]));
                }
                out.push('\n');
            }
            out
        }
        _ => format!("{dims:?}\n"),
    }
}

/// The value as JSON: numbers (one) or arrays, named vectors and 1-D tables as objects,
/// 2-D tables as an object of rows.
pub fn to_json(v: &Public) -> Json {
    let num = |x: &Option<f64>| match x {
        Some(v) if v.is_finite() => json!(v),
        _ => Json::Null,
    };
    match v {
        Public::Null => Json::Null,
        Public::Note(s) | Public::Formula(s) => json!(s),
        Public::Test(t) => super::render_stats::test_json(t),
        Public::Model(m) => super::render_stats::model_json(m),
        Public::Glm(m) => sharestat_rstats::glm::glm_json(m),
        Public::Pairwise(x) => sharestat_rstats::pairwise::pairwise_json(x),
        Public::Table1(x) => sharestat_rstats::table1::table1_json(x),
        Public::Anova(x) => sharestat_rstats::anova::anova_json(x),
        Public::AnovaLm(x) => sharestat_rstats::aov::anova_lm_json(x),
        Public::Aov(x) => sharestat_rstats::aov::aov_json(x),
        Public::Surv(f) => super::render_surv::fit_json(f),
        Public::LogRank(l) => super::render_surv::logrank_json(l),
        Public::Cox(c) => super::render_cox::cox_json(c),
        Public::DataFrame(items) | Public::List(items) => {
            Json::Object(items.iter().map(|(n, v)| (n.clone(), to_json(v))).collect())
        }
        Public::Frame {
            labels, columns, ..
        } => {
            let mut m = serde_json::Map::new();
            if let Some((name, l)) = labels {
                m.insert(name.clone(), json!(l));
            }
            for (name, v) in columns {
                m.insert(name.clone(), Json::Array(v.iter().map(num).collect()));
            }
            Json::Object(m)
        }
        Public::Plot {
            file,
            what,
            conf_int,
            main,
            labels: [xlab, ylab],
            style,
            km_options,
        } => {
            let kind = if matches!(**what, Public::Surv(_)) {
                "km"
            } else {
                "bar"
            };
            json!({"plot": {"file": file, "kind": kind, "conf_int": conf_int, "main": main,
                            "xlab": xlab, "ylab": ylab, "data": to_json(what),
                            "style": {"xlim": style.xlim, "ylim": style.ylim,
                                      "col": style.col, "lty": style.lty},
                            "km_options": km_options.as_deref()}})
        }
        Public::Num { values, names } => match names {
            Some(n) => Json::Object(n.iter().cloned().zip(values.iter().map(num)).collect()),
            None if values.len() == 1 => num(&values[0]),
            None => Json::Array(values.iter().map(num).collect()),
        },
        Public::Str(v) if v.len() == 1 => json!(v[0]),
        Public::Str(v) => json!(v),
        Public::Bool(v) if v.len() == 1 => json!(v[0]),
        Public::Bool(v) => json!(v),
        Public::Table(t) => table_json(&t.dims, t.counts.iter().map(|c| json!(c)).collect()),
        Public::Suppressed(s) => table_json(&s.table.dims, s.cells(|c| json!(c), || Json::Null)),
        Public::Props { table, props } => {
            table_json(&table.dims, props.iter().map(|p| json!(p)).collect())
        }
    }
}

/// JSON of a one- or two-way table with the given cell values.
fn table_json(dims: &[(String, Vec<String>)], cells: Vec<Json>) -> Json {
    match dims {
        [(_, levels)] => Json::Object(levels.iter().cloned().zip(cells).collect()),
        [(_, rows), (_, cols)] => Json::Object(
            rows.iter()
                .enumerate()
                .map(|(i, r)| {
                    let row = cols
                        .iter()
                        .enumerate()
                        .map(|(j, c)| (c.clone(), cells[i * cols.len() + j].clone()))
                        .collect();
                    (r.clone(), Json::Object(row))
                })
                .collect(),
        ),
        _ => Json::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nums(v: &[f64]) -> Vec<Option<f64>> {
        v.iter().copied().map(Some).collect()
    }

    #[test]
    fn numbers_print_like_r() {
        assert_eq!(render(&Public::num(66.83333333333)), "[1] 66.83333\n");
        assert_eq!(render(&Public::num(48.0)), "[1] 48\n");
        let q = Public::Num {
            values: nums(&[38.0, 62.5, 66.0, 72.25, 91.0]),
            names: Some(
                ["0%", "25%", "50%", "75%", "100%"]
                    .map(String::from)
                    .to_vec(),
            ),
        };
        assert_eq!(
            render(&q),
            "   0%   25%   50%   75%  100% \n38.00 62.50 66.00 72.25 91.00 \n"
        );
        assert_eq!(render(&Public::nums(nums(&[1.0, 2.5]))), "[1] 1.0 2.5\n");
        assert_eq!(render(&Public::nums([None, Some(1.0)])), "[1] NA  1\n");
    }

    #[test]
    fn tables_print_like_r() {
        let t = Table {
            dims: vec![(String::new(), vec!["female".into(), "male".into()])],
            counts: vec![8, 16],
        };
        assert_eq!(
            render(&Public::Table(t.clone())),
            "\nfemale   male \n     8     16 \n"
        );
        assert_eq!(to_json(&Public::Table(t)), json!({"female": 8, "male": 16}));
        let t2 = Table {
            dims: vec![
                ("gender".into(), vec!["female".into(), "male".into()]),
                ("ecog".into(), vec!["0".into(), "1".into()]),
            ],
            counts: vec![1, 2, 30, 4],
        };
        assert_eq!(
            render(&Public::Table(t2)),
            "         ecog\ngender    0 1\n  female  1 2\n  male   30 4\n"
        );
    }
}
