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
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sharestat_wire::Client;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// How long one request asks the node to wait for the job to finish (the node caps it).
const WAIT_SECS: u64 = 120;

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

/// One printed statement of a query.
#[derive(Debug, Clone)]
pub struct Output {
    /// The statement's source text.
    pub source: String,
    /// What R would print.
    pub text: String,
    /// The value as JSON.
    pub value: Value,
}

/// What became of a query.
#[derive(Debug, Clone)]
pub enum Answer {
    /// It ran on the three nodes.
    Done {
        /// Job id.
        job: String,
        /// The printed statements, in order.
        outputs: Vec<Output>,
        /// Bytes this node sent to its peers.
        bytes_sent: Value,
        /// Communication rounds.
        communication_rounds: Value,
        /// The statement that stopped the script after the outputs above (Rscript's
        /// semantics: nothing after it ran).
        error: Option<String>,
    },
    /// It was refused (does not parse, would print private data, disclosure control, ...)
    /// or failed; `message` is the node's explanation.
    Refused {
        /// Job id, when the job got one.
        job: Option<String>,
        /// Why.
        message: String,
    },
}

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
        let body = json!({"kind": "query", "study": self.study, "prelude": prelude, "text": text});
        let path = format!("/api/v1/jobs?wait_secs={WAIT_SECS}");
        let (mut status, mut view) = self.send(Method::POST, &path, Some(&body)).await?;
        loop {
            if !status.is_success() {
                return Ok(Answer::Refused {
                    job: None,
                    message: problem_message(status, &view),
                });
            }
            let job = view["id"].as_str().map(str::to_owned);
            match view["state"].as_str() {
                Some("done") => return done(job.unwrap_or_default(), &view),
                Some("pending" | "running") => {
                    let id =
                        job.ok_or_else(|| format!("the node answered a job without id: {view}"))?;
                    let path = format!("/api/v1/jobs/{id}?wait_secs={WAIT_SECS}");
                    (status, view) = self.send(Method::GET, &path, None).await?;
                }
                Some("failed") => {
                    let message = view["error"]
                        .as_str()
                        .filter(|e| !e.is_empty())
                        .unwrap_or("the job failed")
                        .to_owned();
                    return Ok(Answer::Refused { job, message });
                }
                Some("cancelled") => {
                    return Ok(Answer::Refused {
                        job,
                        message: "the job was cancelled".into(),
                    });
                }
                _ => return Err(format!("unexpected answer from {}: {view}", self.url)),
            }
        }
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(StatusCode, Value), String> {
        self.client
            .raw(method, path, body)
            .await
            .map_err(|e| e.to_string())
    }
}

/// The readable part of a problem document (`detail`, else `title`, else the body).
pub fn problem_message(status: StatusCode, body: &Value) -> String {
    for key in ["detail", "title"] {
        if let Some(s) = body[key].as_str().filter(|s| !s.trim().is_empty()) {
            return s.trim_end().to_owned();
        }
    }
    format!("the node answered {status}: {body}")
}

fn done(job: String, view: &Value) -> Result<Answer, String> {
    let result = &view["result"];
    let outputs = result["outputs"]
        .as_array()
        .ok_or_else(|| format!("the finished job {job} has no outputs: {view}"))?
        .iter()
        .map(|o| Output {
            source: o["source"].as_str().unwrap_or_default().to_owned(),
            text: o["text"].as_str().unwrap_or_default().to_owned(),
            value: o["value"].clone(),
        })
        .collect();
    Ok(Answer::Done {
        job,
        outputs,
        bytes_sent: result["bytes_sent"].clone(),
        communication_rounds: result["communication_rounds"].clone(),
        error: result["error"].as_str().map(str::to_owned),
    })
}

/// An output's text as R prints it, ending with a newline.
pub fn output_text(o: &Output) -> String {
    if o.text.is_empty() || o.text.ends_with('\n') {
        o.text.clone()
    } else {
        format!("{}\n", o.text)
    }
}

/// The plot description of an output whose value is `{"plot": {"file", "kind", ...}}`.
fn plot_of(o: &Output) -> Option<&Value> {
    let obj = o.value.as_object().filter(|m| m.len() == 1)?;
    obj.get("plot")
        .filter(|p| p.get("kind").is_some() && p.get("file").is_some())
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

    #[test]
    fn problems_show_their_detail() {
        let p = json!({"type": "x", "title": "Forbidden", "status": 403, "detail": "no role\n"});
        assert_eq!(problem_message(StatusCode::FORBIDDEN, &p), "no role");
        let p = json!({"title": "Forbidden", "detail": ""});
        assert_eq!(problem_message(StatusCode::FORBIDDEN, &p), "Forbidden");
        assert!(problem_message(StatusCode::BAD_GATEWAY, &json!("down")).contains("502"));
    }

    #[test]
    fn a_finished_job_gives_its_outputs() {
        let view = json!({"id": "ab", "state": "done", "result": {
            "outputs": [{"source": "length(x)", "text": "[1] 24", "value": 24}],
            "bytes_sent": 10, "communication_rounds": 2}});
        let Ok(Answer::Done { job, outputs, .. }) = done("ab".into(), &view) else {
            panic!()
        };
        assert_eq!(job, "ab");
        assert_eq!(output_text(&outputs[0]), "[1] 24\n");
        assert_eq!(outputs[0].value, json!(24));
        // A script stopped by its second statement: the first's output, then the error.
        let view = json!({"id": "ab", "state": "done", "result": {
            "outputs": [{"source": "length(x)", "text": "[1] 24", "value": 24}],
            "error": "line 2, column 1: refused", "bytes_sent": 10, "communication_rounds": 2}});
        let Ok(Answer::Done { outputs, error, .. }) = done("ab".into(), &view) else {
            panic!()
        };
        assert_eq!(outputs.len(), 1);
        assert_eq!(error.as_deref(), Some("line 2, column 1: refused"));
    }

    fn output(value: Value) -> Output {
        Output {
            source: "barplot(t, file = \"t.svg\")".into(),
            text: "[plot: t.svg]".into(),
            value,
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
