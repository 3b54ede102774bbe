//! The app's pages, rendered on the server as plain HTML (no script, no third-party CSS): the
//! frame every page shares and the text escaping that keeps data out of the markup.

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

/// A whole page: `title` and the already-escaped `body`.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t} · sharestat</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;\
         padding:0 1rem;color:#111;background:#fff;line-height:1.5}}\
         label{{display:block;margin:.5rem 0 .2rem}}input,button{{font:inherit;padding:.3rem .5rem}}\
         button{{background:#0b4f8a;color:#fff;border:0;border-radius:3px}}\
         [role=alert]{{color:#8a0000}}</style></head>\
         <body><header><strong>sharestat</strong></header><main><h1>{t}</h1>{body}</main>\
         </body></html>\n",
        t = escape(title)
    )
}

/// The sign-in form (a token, kept in the app's memory only).
pub fn sign_in(error: Option<&str>) -> String {
    let alert = error
        .map(|e| format!("<p role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    page(
        "Sign in",
        &format!(
            "{alert}<form method=\"post\" action=\"/signin\">\
             <label for=\"token\">Your sharestat token</label>\
             <input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" required \
             size=\"50\">\
             <p><button type=\"submit\">Sign in</button></p>\
             <p>The token stays in this app's memory: it is not written to disk nor kept by the \
             browser.</p></form>"
        ),
    )
}

/// The home page of a signed-in user.
pub fn home(user: &str) -> String {
    page(
        "Signed in",
        &format!("<p>Signed in as <strong>{}</strong>.</p>", escape(user)),
    )
}
