//! The app's pages, rendered on the server as plain HTML: the frame every page shares, the
//! text escaping that keeps data out of the markup, small helpers (alerts, tables, CSV), and
//! the app's own style sheet and script (`app.css`, `app.js`, written for this app; nothing
//! third-party, nothing fetched from elsewhere).
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Text escaped for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page: `title` and the already-escaped `body`, with the header's links.
pub fn page(title: &str, body: &str) -> String {
    page_with_head(title, "", body)
}

/// A URL path segment: every byte but the unreserved ones percent-encoded (user input never
/// changes which route of a node it reaches).
pub fn seg(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// [`page`] with extra markup in the head (e.g. a refresh).
pub fn page_with_head(title: &str, head: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">{head}\
         <title>{t} · sharestat</title><link rel=\"stylesheet\" href=\"/app.css\">\
         <script src=\"/app.js\" defer></script></head>\
         <body><header><a href=\"/\" class=\"brand\">sharestat</a>\
         <nav aria-label=\"Main\"><a href=\"/\">Home</a> <a href=\"/help\">Functions</a></nav>\
         </header><main><h1>{t}</h1>{body}</main></body></html>\n",
        t = escape(title)
    )
}

/// A JSON value from a node, as escaped text (numbers as they are; a node is not trusted to
/// send only numbers where numbers belong).
pub fn value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => escape(s),
        other => escape(&other.to_string()),
    }
}

/// An HTML answer.
pub fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// An HTML answer with `status`.
pub fn html_status(status: StatusCode, body: String) -> Response {
    (status, html(body)).into_response()
}

/// A message the user must read (screen readers announce it), escaped.
pub fn alert(msg: &str) -> String {
    format!("<p role=\"alert\" class=\"alert\">{}</p>", escape(msg))
}

/// A page that says what went wrong and what to do, with `status`.
pub fn problem(status: StatusCode, title: &str, msg: &str) -> Response {
    html_status(
        status,
        page(
            title,
            &format!(
                "{}<p><a href=\"/\">Back to the start page</a></p>",
                alert(msg)
            ),
        ),
    )
}

/// A table: its caption, header cells and rows of already-escaped cells.
pub fn table(caption: &str, head: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("<table><caption>{}</caption><thead><tr>", escape(caption));
    for h in head {
        out.push_str(&format!("<th scope=\"col\">{}</th>", escape(h)));
    }
    out.push_str("</tr></thead><tbody>");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            out.push_str(&format!("<td>{c}</td>"));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// One CSV field (RFC 4180: quoted when it holds a comma, quote or line break).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// A download: `body` as `file` of type `mime`.
pub fn download(file: &str, mime: &'static str, body: Vec<u8>) -> Response {
    let name: String = file
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    (
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The sign-in form (a token, kept in the app's memory only).
pub fn sign_in(error: Option<&str>) -> String {
    let alert = error.map(alert).unwrap_or_default();
    page(
        "Sign in",
        &format!(
            "{alert}<form method=\"post\" action=\"/signin\">\
             <label for=\"token\">Your sharestat token</label>\
             <input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" required \
             size=\"50\" autofocus>\
             <p><button type=\"submit\">Sign in</button></p>\
             <p>The token stays in this app's memory: it is not written to disk nor kept by the \
             browser. Your consortium's administrator gave it to you.</p></form>"
        ),
    )
}

/// `/app.css`: the app's style sheet (contrast at least 7:1 for text, visible focus).
pub async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("app.css"),
    )
        .into_response()
}

/// `/app.js`: the app's own script (the editor's line numbers and "run selection").
pub async fn js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("app.js"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_csv_are_escaped() {
        assert_eq!(
            escape("<b a=\"x\">'&'</b>"),
            "&lt;b a=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;"
        );
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(seg("a/../b c"), "a%2F..%2Fb%20c");
        assert_eq!(value(&serde_json::json!("<script>")), "&lt;script&gt;");
        assert_eq!(value(&serde_json::json!(24)), "24");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\"\n"), "\"say \"\"x\"\"\n\"");
    }
}
