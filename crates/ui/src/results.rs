//! A run's outputs on the page: each statement's source and its value as R prints it; one-
//! and two-way tables (and named vectors) also as HTML tables; plots (`plot`, `barplot`,
//! `ggsurvplot`) drawn here by `sharestat-plot` and shown inline as SVG, to download as SVG or
//! PNG; a refusal or error with the line of the script it names. A run downloads as JSON (the
//! outputs' sources, printed text and values) or CSV (one row per number: statement, row,
//! column, value).
use crate::analysis::Ran;
use crate::pages::{csv_field, download as attachment, escape, problem};
use crate::{App, Me};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use sharestat_client::query::{Answer, Output, plot_of};
use sharestat_plot::Format;

/// The line of the script that a refusal or error names (`line N, column M`), if any.
pub fn error_line(r: &Ran) -> Option<usize> {
    let msg = match &r.answer {
        Answer::Done { error: Some(e), .. } => e,
        Answer::Refused { message, .. } => message,
        Answer::Done { error: None, .. } => return None,
    };
    let at = msg.find("line ")?;
    let digits: String = msg[at + 5..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let n: usize = digits.parse().ok()?;
    Some(n + r.first_line - 1)
}

/// Run number `n` of the session, as HTML.
pub fn render(n: usize, r: &Ran) -> String {
    let mut html = format!(
        "<h2>Run {n} <span class=\"muted\">at {} UTC, {:.0} ms</span></h2>",
        escape(&r.at),
        r.ms
    );
    let message = match &r.answer {
        Answer::Done {
            job,
            outputs,
            bytes_sent,
            communication_rounds,
            error,
        } => {
            html.push_str(&format!(
                "<p class=\"muted\">Job <code>{}</code>; this node sent {} bytes in {} rounds. \
                 Download: <a href=\"/results/{n}/results.json\">JSON</a> · \
                 <a href=\"/results/{n}/results.csv\">CSV</a></p>",
                escape(job),
                crate::pages::value(bytes_sent),
                crate::pages::value(communication_rounds)
            ));
            for (i, o) in outputs.iter().enumerate() {
                html.push_str(&output(n, i, o));
            }
            error.clone()
        }
        Answer::Refused { message, .. } => Some(message.clone()),
    };
    if let Some(m) = message {
        let at = error_line(r)
            .map(|l| format!(" (line {l} of the script)"))
            .unwrap_or_default();
        html.push_str(&format!(
            "<pre class=\"error\" role=\"alert\">{}{}</pre><p>Nothing after this statement \
             ran. Change the script and run it again; <a href=\"/help\">the functions' \
             help</a> says what each accepts and reveals.</p>",
            escape(m.trim_end()),
            escape(&at)
        ));
    }
    html
}

/// One statement's output.
fn output(n: usize, i: usize, o: &Output) -> String {
    let mut html = format!("<pre class=\"source\">&gt; {}</pre>", escape(&o.source));
    if plot_of(o).is_some() {
        let base = format!("/plot/{n}/{i}");
        html.push_str(&format!(
            "<figure><img class=\"plot\" src=\"{base}/plot.svg\" alt=\"the plot of {}\">\
             <figcaption>Download: <a href=\"{base}/plot.svg?download=1\">SVG</a> · \
             <a href=\"{base}/plot.png?download=1\">PNG</a></figcaption></figure>",
            escape(&o.source)
        ));
        return html;
    }
    let printed = format!("<pre class=\"output\">{}</pre>", escape(&o.text));
    match table(&o.value) {
        Some(t) => html.push_str(&format!(
            "{t}<details><summary>As R prints it</summary>{printed}</details>"
        )),
        None => html.push_str(&printed),
    }
    html
}

fn is_number(v: &Value) -> bool {
    v.is_number() || v.is_null()
}

/// The decimals R prints a numeric vector or table with (`formatReal` at 7 significant
/// digits): each value needs the fewest significant digits that show it as 7 would, and all
/// values get the most decimals any of them needs ("38.00" beside "62.25").
fn r_decimals<'a>(values: impl Iterator<Item = &'a Value>) -> usize {
    let mut decimals = 0usize;
    for x in values.filter_map(Value::as_f64) {
        if !x.is_finite() || x == 0.0 {
            continue;
        }
        let seven: f64 = format!("{x:.6e}").parse().unwrap_or(x);
        let sig = (1..=7usize)
            .find(|&s| {
                let r: f64 = format!("{x:.*e}", s - 1).parse().unwrap_or(x);
                (r - seven).abs() <= seven.abs() * 1e-12
            })
            .unwrap_or(7);
        let e = seven.abs().log10().floor() as i64;
        decimals = decimals.max((sig as i64 - 1 - e).clamp(0, 15) as usize);
    }
    decimals
}

/// A table cell as R prints it with `decimals` decimals.
fn cell(v: &Value, decimals: usize) -> String {
    match v {
        Value::Null => "NA".into(),
        Value::Number(x) => match x.as_f64() {
            Some(f) => format!("{f:.decimals$}"),
            None => x.to_string(),
        },
        other => escape(&other.to_string()),
    }
}

/// A named vector or one-way table (an object of numbers) or a two-way table (an object of
/// objects of numbers with the same keys) as an HTML table.
fn table(v: &Value) -> Option<String> {
    let m = v.as_object().filter(|m| !m.is_empty())?;
    if m.values().all(is_number) {
        let d = r_decimals(m.values());
        let head: String = m
            .keys()
            .map(|k| format!("<th scope=\"col\">{}</th>", escape(k)))
            .collect();
        let row: String = m
            .values()
            .map(|x| format!("<td class=\"num\">{}</td>", cell(x, d)))
            .collect();
        return Some(format!(
            "<table><thead><tr>{head}</tr></thead><tbody><tr>{row}</tr></tbody></table>"
        ));
    }
    let rows: Vec<(&String, &serde_json::Map<String, Value>)> = m
        .iter()
        .map(|(k, r)| r.as_object().map(|r| (k, r)))
        .collect::<Option<_>>()?;
    let cols: Vec<&String> = rows.first()?.1.keys().collect();
    let same = rows
        .iter()
        .all(|(_, r)| r.keys().eq(cols.iter().copied()) && r.values().all(is_number));
    if !same || cols.is_empty() {
        return None;
    }
    let d = r_decimals(rows.iter().flat_map(|(_, r)| r.values()));
    let head: String = cols
        .iter()
        .map(|k| format!("<th scope=\"col\">{}</th>", escape(k)))
        .collect();
    let body: String = rows
        .iter()
        .map(|(k, r)| {
            let cells: String = r
                .values()
                .map(|x| format!("<td class=\"num\">{}</td>", cell(x, d)))
                .collect();
            format!("<tr><th scope=\"row\">{}</th>{cells}</tr>", escape(k))
        })
        .collect();
    Some(format!(
        "<table><thead><tr><td></td>{head}</tr></thead><tbody>{body}</tbody></table>"
    ))
}

/// The session's run number `n` (from 1).
fn ran(app: &App, me: &Me, n: usize) -> Option<Ran> {
    me.session(app, |s| s.runs.get(n.checked_sub(1)?).cloned())
        .flatten()
}

fn no_run() -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "No such run",
        "this session has no such run or output; run the script again",
    )
}

/// `/results/{run}/results.json` and `/results/{run}/results.csv`.
pub(crate) async fn download(
    State(app): State<App>,
    me: Me,
    Path((n, file)): Path<(usize, String)>,
) -> Response {
    let Some(r) = ran(&app, &me, n) else {
        return no_run();
    };
    let (job, outputs, error) = match &r.answer {
        Answer::Done {
            job,
            outputs,
            error,
            ..
        } => (Some(job.clone()), outputs.clone(), error.clone()),
        Answer::Refused { job, message } => (job.clone(), Vec::new(), Some(message.clone())),
    };
    match file.as_str() {
        "results.json" => {
            let doc = json!({
                "study": r.study, "script": r.text, "job": job, "error": error,
                "outputs": outputs.iter().map(|o| json!({"source": o.source, "text": o.text,
                    "value": o.value})).collect::<Vec<_>>(),
            });
            let body = serde_json::to_vec_pretty(&doc).unwrap_or_default();
            attachment(&format!("run{n}.json"), "application/json", body)
        }
        "results.csv" => {
            let mut csv = String::from("statement,row,column,value\r\n");
            // Plots are drawings of released numbers already in the JSON; not rows.
            for o in outputs.iter().filter(|o| plot_of(o).is_none()) {
                for (row, col, v) in flatten(&o.value) {
                    csv.push_str(&format!(
                        "{},{},{},{}\r\n",
                        csv_field(&o.source),
                        csv_field(&row),
                        csv_field(&col),
                        csv_field(&v)
                    ));
                }
            }
            attachment(&format!("run{n}.csv"), "text/csv", csv.into_bytes())
        }
        _ => no_run(),
    }
}

/// A value as `(row, column, value)` rows: a number alone, an array by position, an object by
/// key (a nested object's keys as columns); deeper values as their JSON text.
fn flatten(v: &Value) -> Vec<(String, String, String)> {
    let text = |v: &Value| match v {
        Value::Null => "NA".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match v {
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, x)| ((i + 1).to_string(), String::new(), text(x)))
            .collect(),
        Value::Object(m) => m
            .iter()
            .flat_map(|(k, x)| match x {
                Value::Object(inner) => inner
                    .iter()
                    .map(|(c, y)| (k.clone(), c.clone(), text(y)))
                    .collect::<Vec<_>>(),
                other => vec![(k.clone(), String::new(), text(other))],
            })
            .collect(),
        other => vec![(String::new(), String::new(), text(other))],
    }
}

#[derive(Deserialize)]
pub(crate) struct PlotQuery {
    download: Option<String>,
}

/// `/plot/{run}/{output}/plot.svg|plot.png`: the output's plot drawn in this process.
pub(crate) async fn plot(
    State(app): State<App>,
    me: Me,
    Path((n, i, file)): Path<(usize, usize, String)>,
    Query(q): Query<PlotQuery>,
) -> Response {
    let Some(r) = ran(&app, &me, n) else {
        return no_run();
    };
    let Answer::Done { outputs, .. } = &r.answer else {
        return no_run();
    };
    let Some(desc) = outputs.get(i).and_then(plot_of) else {
        return no_run();
    };
    let (format, mime) = match file.as_str() {
        "plot.svg" => (Format::Svg, "image/svg+xml"),
        "plot.png" => (Format::Png, "image/png"),
        _ => return no_run(),
    };
    match sharestat_plot::render_bytes(desc, format) {
        Ok(bytes) if q.download.is_some() => {
            let name = desc["file"].as_str().unwrap_or("plot");
            let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
            let ext = if format == Format::Svg { "svg" } else { "png" };
            attachment(&format!("{stem}.{ext}"), mime, bytes)
        }
        Ok(bytes) => ([(header::CONTENT_TYPE, mime)], bytes).into_response(),
        Err(e) => problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The plot could not be drawn",
            &format!("{e}; the other outputs are unaffected"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_and_csv_rows() {
        let one = json!({"female": 14, "male": 10});
        let t = table(&one).unwrap();
        assert!(
            t.contains("<th scope=\"col\">female</th>") && t.contains(">14<"),
            "{t}"
        );
        let two = json!({"a": {"x": 1, "y": null}, "b": {"x": 3, "y": 4}});
        let t = table(&two).unwrap();
        assert!(
            t.contains("<th scope=\"row\">b</th>") && t.contains(">NA<"),
            "{t}"
        );
        // Not tables: a number, a test's list, rows with different columns.
        assert!(table(&json!(3.5)).is_none());
        assert!(table(&json!({"statistic": 2.1, "method": "Welch"})).is_none());
        assert!(table(&json!({"a": {"x": 1}, "b": {"y": 2}})).is_none());
        assert_eq!(
            flatten(&two)[1],
            ("a".to_owned(), "y".to_owned(), "NA".to_owned())
        );
        assert_eq!(flatten(&json!([1.5, 2]))[1].0, "2");
        // R's decimals: quantile(age) prints 38.00 62.25 ...; counts without decimals;
        // 1/3 at 7 significant digits.
        let q = json!([38.0, 62.25, 70.5, 78.0, 91.0]);
        assert_eq!(r_decimals(q.as_array().unwrap().iter()), 2);
        assert_eq!(r_decimals(json!([14, 10]).as_array().unwrap().iter()), 0);
        assert_eq!(r_decimals(json!([1.0 / 3.0]).as_array().unwrap().iter()), 7);
        assert_eq!(
            r_decimals(json!([123456.7891]).as_array().unwrap().iter()),
            1
        );
    }
}
