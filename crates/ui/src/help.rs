//! `help()` of every function of the analysis language, from the language's own registry
//! (`sharestat_lang::help`, the text `help("name")` prints in a script or the REPL): what each
//! function does, its arguments with R's defaults, the R arguments it refuses, and exactly
//! which aggregates it reveals. Signed-in users only, as every page of the app.
use crate::pages::{escape, html, page, problem};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;

/// `/help`: every function, with the first line of its help.
pub(crate) async fn index(_me: crate::Me) -> Response {
    let mut names: Vec<&str> = sharestat_lang::builtins::names().collect();
    names.sort_unstable();
    let items: String = names
        .iter()
        .map(|n| {
            let first = sharestat_lang::help::help(n)
                .and_then(|h| h.lines().next().map(str::to_owned))
                .unwrap_or_default();
            format!(
                "<li><a href=\"/help/{0}\"><code>{0}</code></a>: {1}</li>",
                escape(n),
                escape(&first)
            )
        })
        .collect();
    html(page(
        "Functions",
        &format!(
            "<p>Every function of the analysis language. Patient-level values are private; \
             each function's page says which aggregates it reveals.</p><ul>{items}</ul>"
        ),
    ))
}

/// `/help/{name}`: the function's help.
pub(crate) async fn show(_me: crate::Me, Path(name): Path<String>) -> Response {
    match sharestat_lang::help::help(&name) {
        Some(text) => html(page(
            &format!("{name}()"),
            &format!(
                "<pre>{}</pre><p><a href=\"/help\">All functions</a></p>",
                escape(&text)
            ),
        )),
        None => problem(
            StatusCode::NOT_FOUND,
            "No such function",
            &format!("the analysis language has no function {name}; see the list of functions"),
        ),
    }
}
