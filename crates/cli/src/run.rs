//! `sharestat run SCRIPT`: runs an analysis script on the consortium and prints its outputs the
//! way `Rscript` would; plus the query client that `sharestat repl` shares.
//!
//! A query is a job (`{"kind": "query", "study", "prelude", "text"}`) submitted to one node,
//! which proposes it to the other two; every node parses and type-checks the text against its
//! own dictionary and runs it under the strictest of the three disclosure policies. Only the
//! printed aggregates come back: each output's R text, its JSON value and the engine's cost.
//!
//! Nodes write no files: an output whose value is `{"plot": {...}}` (from `plot()` or
//! `barplot()`) is drawn here, by `sharestat-plot`, into its file below the current directory.
use clap::Args;
use serde_json::json;
use sharestat_wire::Client;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Where and as whom to run queries (shared by `run` and `repl`).
#[derive(Args, Clone)]
pub struct ConnArgs {
    /// Study id.
    #[arg(long)]
    pub study: String,
    /// Consortium directory: its `consortium.toml` and CA certificate.
    #[arg(long)]
    pub consortium: PathBuf,
    /// Your researcher token (or set SHARESTAT_TOKEN).
    #[arg(long, env = "SHARESTAT_TOKEN", hide_env_values = true)]
    pub token: String,
    /// Party index of the node to send queries to.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..3))]
    pub node: u8,
}

/// `sharestat run`
#[derive(Args)]
pub struct RunArgs {
    /// The script file (`-` reads standard input).
    script: PathBuf,
    #[command(flatten)]
    conn: ConnArgs,
    /// Print one JSON document (outputs' sources and values, cost, job id) instead of R text.
    #[arg(long)]
    json: bool,
}

pub use sharestat_client::query::{Answer, Output, plot_of, problem_message};

/// A researcher's connection to one node, for one study.
pub struct Session {
    /// The node's API client (with the researcher's token).
    pub client: Client,
    /// Study id.
    pub study: String,
    /// The node's API URL.
    pub url: String,
}

impl Session {
    /// Reads the consortium directory and prepares a client of node `conn.node`.
    pub fn open(conn: &ConnArgs) -> Result<Session, String> {
        let (client, url) = crate::ui::node_client(&conn.consortium, conn.node)?;
        Ok(Session {
            client: client.with_token(Some(conn.token.clone())),
            study: conn.study.clone(),
            url,
        })
    }

    /// Runs `text` after `prelude` (earlier lines of a session, replayed without printing)
    /// and waits for the outcome. `Err` only when the node could not be reached or answered
    /// something unexpected.
    pub async fn query(&self, prelude: &str, text: &str) -> Result<Answer, String> {
        sharestat_client::query::query(&self.client, &self.study, prelude, text)
            .await
            .map_err(|e| format!("{}: {e}", self.url))
    }
}

/// An output's text as R prints it, ending with a newline.
pub fn output_text(o: &Output) -> String {
    if o.text.is_empty() || o.text.ends_with('\n') {
        o.text.clone()
    } else {
        format!("{}\n", o.text)
    }
}

/// Draws the plot an output describes into its file below `dir`: `None` when the output is no
/// plot, else the file written or why it could not be drawn.
pub fn draw_plot_in(o: &Output, dir: &Path) -> Option<Result<PathBuf, String>> {
    let plot = plot_of(o)?;
    Some(sharestat_plot::draw(plot, dir).map_err(|e| format!("cannot draw the plot: {e}")))
}

/// [`draw_plot_in`] the current directory.
pub fn draw_plot(o: &Output) -> Option<Result<PathBuf, String>> {
    plot_of(o)?;
    match std::env::current_dir() {
        Ok(dir) => draw_plot_in(o, &dir),
        Err(e) => Some(Err(format!(
            "cannot draw the plot: no current directory: {e}"
        ))),
    }
}

/// Prints one output as R would; a plot is drawn (see [`draw_plot`]) and reported as
/// `plot written to PATH` instead of the node's `[plot: FILE]`, or as an error on standard
/// error. `Ok(false)` when a plot could not be drawn.
pub fn print_output(out: &mut impl Write, o: &Output) -> std::io::Result<bool> {
    match draw_plot(o) {
        None => {
            out.write_all(output_text(o).as_bytes())?;
            Ok(true)
        }
        Some(Ok(path)) => {
            writeln!(out, "plot written to {}", path.display())?;
            Ok(true)
        }
        Some(Err(e)) => {
            out.flush()?;
            eprint!("{}", error_text(&e));
            Ok(false)
        }
    }
}

/// An error message for a person: the node's message, with `Error: ` in front unless it
/// already starts with `error` (parse errors do), ending with a newline.
pub fn error_text(message: &str) -> String {
    let m = message.trim_end();
    if m.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("error")) {
        format!("{m}\n")
    } else {
        format!("Error: {m}\n")
    }
}

fn read_script(path: &PathBuf) -> Result<String, String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| format!("standard input: {e}"))?;
        Ok(s)
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// Runs the command: exit code 0 when the script ran, 1 when it was refused or failed or a
/// plot could not be drawn (the other outputs are printed all the same).
pub async fn run(a: RunArgs) -> Result<ExitCode, String> {
    let answer = match read_script(&a.script) {
        Ok(text) => match Session::open(&a.conn) {
            Ok(session) => session.query("", &text).await,
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    let answer = answer.unwrap_or_else(|message| Answer::Refused { job: None, message });
    let mut out = std::io::stdout().lock();
    let mut ok = matches!(answer, Answer::Done { error: None, .. });
    if a.json {
        let doc = match answer {
            Answer::Done {
                job,
                outputs,
                bytes_sent,
                communication_rounds,
                error,
            } => json!({
                "outputs": outputs
                    .iter()
                    .map(|o| {
                        let mut doc = json!({"source": o.source, "value": o.value});
                        match draw_plot(o) {
                            None => {}
                            Some(Ok(path)) => doc["written"] = json!(path.display().to_string()),
                            Some(Err(e)) => {
                                ok = false;
                                doc["error"] = json!(e);
                            }
                        }
                        doc
                    })
                    .collect::<Vec<_>>(),
                "bytes_sent": bytes_sent,
                "communication_rounds": communication_rounds,
                "job": job,
                "error": error,
            }),
            Answer::Refused { job, message } => json!({"error": message, "job": job}),
        };
        let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
        writeln!(out, "{text}").map_err(|e| e.to_string())?;
    } else {
        match answer {
            Answer::Done { outputs, error, .. } => {
                for o in &outputs {
                    ok &= print_output(&mut out, o).map_err(|e| e.to_string())?;
                }
                if let Some(e) = error {
                    out.flush().map_err(|e| e.to_string())?;
                    eprint!("{}", error_text(&e));
                }
            }
            Answer::Refused { message, .. } => eprint!("{}", error_text(&message)),
        }
    }
    out.flush().map_err(|e| e.to_string())?;
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn errors_read_like_r() {
        assert_eq!(
            error_text("line 1, column 1: would print private data\n"),
            "Error: line 1, column 1: would print private data\n"
        );
        assert_eq!(
            error_text("error: unexpected ')'\n --> 1:3\n"),
            "error: unexpected ')'\n --> 1:3\n"
        );
    }

    fn output(value: Value) -> Output {
        Output {
            source: "barplot(t, file = \"t.svg\")".into(),
            text: "[plot: t.svg]".into(),
            value,
            notes: Vec::new(),
        }
    }

    #[test]
    fn plots_are_drawn_below_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let plot = json!({"plot": {"file": "t.svg", "kind": "bar", "conf_int": false,
                                   "main": "", "data": {"a": 5, "b": 7}}});
        let path = draw_plot_in(&output(plot), dir.path()).unwrap().unwrap();
        assert_eq!(path, dir.path().join("t.svg"));
        assert!(std::fs::read_to_string(&path).unwrap().starts_with("<svg"));
        // Not plots: a number, a table with a level called "plot".
        assert!(draw_plot_in(&output(json!(24)), dir.path()).is_none());
        assert!(draw_plot_in(&output(json!({"plot": 5})), dir.path()).is_none());
        let bad = json!({"plot": {"file": "../t.svg", "kind": "bar", "data": {"a": 1}}});
        let e = draw_plot_in(&output(bad), dir.path()).unwrap().unwrap_err();
        assert!(e.starts_with("cannot draw the plot: ../t.svg"), "{e}");
    }
}
