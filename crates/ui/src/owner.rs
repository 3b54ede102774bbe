//! The data owner's page: pick a file, and this process reads and validates it against the
//! study's dictionary, with the site's conventions (`sharestat_client::import::import_bytes`:
//! from memory, no copy on disk). Every problem is listed in a table (row, column, text, what
//! was expected); a valid file shows the summary the command line shows (counts per level,
//! ranges, missing values). Nothing of the file leaves this machine here: the dictionary comes
//! from the node, the rows stay in this process.
use crate::pages::{escape, page};
use serde_json::Value;
use sharestat_client::import::{ImportErrors, ImportOptions, Imported, import_bytes};
use sharestat_dict::Dictionary;
use sharestat_wire::Client;

/// The `(study, site)` pairs the user may upload to.
pub fn targets(whoami: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = whoami["grants"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|g| g["role"] == "data_owner")
        .filter_map(|g| {
            Some((
                g["study"].as_str()?.to_owned(),
                g["site"].as_str()?.to_owned(),
            ))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The form: a target and a file.
pub fn form(targets: &[(String, String)], results: &str) -> String {
    let options: String = targets
        .iter()
        .map(|(s, site)| {
            format!(
                "<option value=\"{}|{}\">study {} — site {}</option>",
                escape(s),
                escape(site),
                escape(s),
                escape(site)
            )
        })
        .collect();
    page(
        "Upload data",
        &format!(
            "<form method=\"post\" action=\"/upload/check\" enctype=\"multipart/form-data\">\
             <label for=\"target\">Study and site</label>\
             <select id=\"target\" name=\"target\">{options}</select>\
             <label for=\"file\">File (CSV, TSV, XLSX, XLS or ODS)</label>\
             <input id=\"file\" name=\"file\" type=\"file\" required \
             accept=\".csv,.tsv,.txt,.xlsx,.xlsm,.xls,.xlsb,.ods\">\
             <p><button type=\"submit\">Check the file</button></p>\
             <p>The file is read on this computer; it is not sent anywhere by checking it.</p>\
             </form><section aria-live=\"polite\">{results}</section>"
        ),
    )
}

/// Validates `bytes` (the file `name`) for `study` and `site` against the study's dictionary
/// from `node`: the errors' table or the summary, as HTML.
pub async fn check(node: &Client, study: &str, site: &str, name: &str, bytes: Vec<u8>) -> String {
    let study_json: Value = match node.get(&format!("/api/v1/studies/{study}")).await {
        Ok(v) => v,
        Err(e) => return alert(&format!("the study's dictionary could not be read: {e}")),
    };
    let dict = match study_json["dictionary"].as_str().map(Dictionary::parse) {
        Some(Ok(d)) => d,
        _ => return alert("the node's answer holds no valid dictionary for this study"),
    };
    let opts = ImportOptions {
        site: site.to_owned(),
        drop_bad_rows: false,
    };
    match import_bytes(name, bytes, &dict, &opts) {
        Ok(imp) => summary(name, &imp),
        Err(e) => errors(&e),
    }
}

fn alert(msg: &str) -> String {
    format!("<p role=\"alert\">{}</p>", escape(msg))
}

/// Every problem of the file, a row each.
fn errors(e: &ImportErrors) -> String {
    let mut html = format!("<h2>{} cannot be uploaded</h2>", escape(&e.file));
    if let Some(f) = &e.fatal {
        html.push_str(&alert(f));
    }
    if !e.errors.is_empty() {
        html.push_str(&format!(
            "<p role=\"alert\">{} problems: correct them in the file and check it again.</p>\
             <table><caption>Problems</caption><thead><tr><th scope=\"col\">Row</th>\
             <th scope=\"col\">Column</th><th scope=\"col\">Text</th>\
             <th scope=\"col\">Expected</th></tr></thead><tbody>",
            e.errors.len()
        ));
        for c in &e.errors {
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                c.row,
                escape(&c.column),
                escape(&c.text),
                escape(&c.expected)
            ));
        }
        html.push_str("</tbody></table>");
    }
    html
}

/// The summary of a valid file.
fn summary(name: &str, imp: &Imported) -> String {
    format!(
        "<h2>{} is valid: {} rows</h2><pre>{}</pre>",
        escape(name),
        imp.rows,
        escape(&imp.summary.to_string())
    )
}
