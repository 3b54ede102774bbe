//! Printing the demo's results for a person: session sections as an R console (`> code`, then
//! R's output), table sections in the layout of the published paper's Tables 4-6 (`n (%)` per
//! level, median (range) per number), refusals as R prints errors.
use super::analysis::{Layout, Section, Shape, Step, is_assignment};
use crate::run::{Output, output_text};
use serde_json::Value;

/// What became of one step.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// It ran: its printed statements, and the plots drawn from them (output index, file).
    Done {
        /// The printed statements, in order.
        outputs: Vec<Output>,
        /// Plots drawn (output index, path or error).
        plots: Vec<(usize, Result<String, String>)>,
    },
    /// Refused by disclosure control, or failed: the node's message.
    Refused(String),
}

/// The heading of a section.
pub fn heading(s: &Section) -> String {
    let rule = "=".repeat(s.title.chars().count().min(100));
    format!("\n{}\n{rule}\n", s.title)
}

/// The section's prelude as the session shows it once.
pub fn prelude(s: &Section) -> String {
    match s.layout {
        Layout::Session => s.prelude.lines().map(|l| format!("> {l}\n")).collect(),
        Layout::Table => format!("(all rows: {})\n", s.prelude),
    }
}

/// One step as printed.
pub fn step(layout: Layout, st: &Step, outcome: &Outcome) -> String {
    match layout {
        Layout::Session => session(st, outcome),
        Layout::Table => table_rows(st, outcome),
    }
}

fn session(st: &Step, outcome: &Outcome) -> String {
    let mut s = String::new();
    match outcome {
        Outcome::Done { outputs, plots } => {
            let mut next = 0;
            for line in &st.lines {
                s.push_str(&format!("> {line}\n"));
                if is_assignment(line) {
                    continue;
                }
                match plots.iter().find(|(i, _)| *i == next) {
                    Some((_, Ok(path))) => s.push_str(&format!("plot written to {path}\n")),
                    Some((_, Err(e))) => s.push_str(&format!("Error: {e}\n")),
                    None => {
                        if let Some(o) = outputs.get(next) {
                            s.push_str(&output_text(o));
                        }
                    }
                }
                next += 1;
            }
        }
        Outcome::Refused(message) => {
            for line in &st.lines {
                s.push_str(&format!("> {line}\n"));
            }
            s.push_str(&crate::run::error_text(message));
        }
    }
    s
}

fn num(v: &Value) -> String {
    match v.as_f64() {
        Some(x) => sharestat_lang::display::fmt_num((x * 1e4).round() / 1e4),
        None => "NA".into(),
    }
}

fn table_rows(st: &Step, outcome: &Outcome) -> String {
    let values: Vec<Value> = match outcome {
        Outcome::Refused(message) => {
            // "... (min_cell): in `table(d$x)`, the cells `a`, `b` would count ..." -> the
            // rule and the cells, without the query the row already names.
            let why = message
                .split_once("refused by disclosure control")
                .map_or(message.as_str(), |(_, r)| r)
                .trim();
            let (rule, detail) = why.split_once(':').unwrap_or(("", why));
            let detail = detail
                .split_once("`, ")
                .filter(|(head, _)| head.trim_start().starts_with("in `"))
                .map_or(detail, |(_, rest)| rest)
                .trim();
            return if st.label == "missing" {
                // The refusal says the count is between 1 and k - 1: print that much.
                let range = detail
                    .split_once("between ")
                    .and_then(|(_, r)| r.split_once(" rows"))
                    .map(|(r, _)| r.replace(" and ", "-"));
                let what = match range {
                    Some(r) if detail.contains("`TRUE`") => format!("{r} (exact count not shown)"),
                    _ => format!("not shown {rule}"),
                };
                format!("    {:<32} {what}\n", "missing")
            } else {
                format!("{}\n    not shown {rule}: {detail}\n", st.label)
            };
        }
        Outcome::Done { outputs, .. } => outputs.iter().map(|o| o.value.clone()).collect(),
    };
    let at = |i: usize| values.get(i).cloned().unwrap_or(Value::Null);
    match st.shape {
        Shape::Counts => {
            let Value::Object(cells) = at(0) else {
                return String::new();
            };
            let total: f64 = cells.values().filter_map(Value::as_f64).sum();
            let mut s = format!("{}\n", st.label);
            for (level, c) in &cells {
                let c = c.as_f64().unwrap_or(0.0);
                if c == 0.0 {
                    continue;
                }
                let level = match level.as_str() {
                    "TRUE" => "yes",
                    "FALSE" => "no",
                    l => l,
                };
                s.push_str(&format!(
                    "    {level:<32} {c:>4} ({:.1}%)\n",
                    100.0 * c / total.max(1.0)
                ));
            }
            s
        }
        Shape::Value if st.label == "missing" => match at(0).as_f64() {
            Some(m) if m > 0.0 => format!("    {:<32} {m:>4}\n", "missing"),
            _ => String::new(),
        },
        Shape::Summary => format!(
            "{:<36} {} ({}-{}); mean {} (SD {}); n = {}\n",
            st.label,
            num(&at(7)),
            num(&at(5)),
            num(&at(6)),
            num(&at(2)),
            num(&at(4)),
            num(&at(0)),
        ),
        Shape::ByFractions => format!(
            "{:<36} n = {}: dose {} ({}-{}), BED10 {} ({}-{})\n",
            st.label,
            num(&at(0)),
            num(&at(1)),
            num(&at(2)[0]),
            num(&at(2)[1]),
            num(&at(3)),
            num(&at(4)[0]),
            num(&at(4)[1]),
        ),
        _ => values
            .iter()
            .map(|v| format!("{} {v}\n", st.label))
            .collect(),
    }
}

/// The header line of a table section's body.
pub fn table_header(s: &Section) -> Option<String> {
    (s.layout == Layout::Table).then(|| {
        format!(
            "{:<36} n (%), or median (range); mean (SD)\n",
            "Characteristic"
        )
    })
}
