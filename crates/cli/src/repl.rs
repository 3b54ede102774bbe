//! `sharestat repl`: an interactive R-like session on the consortium, with line editing,
//! history and tab completion (rustyline).
//!
//! Every complete input is sent as one query together with the *prelude*: the text of every
//! earlier input that succeeded. The nodes replay the prelude's assignments without printing
//! anything, then run the new input, so variables live on across lines while every private
//! value stays on the nodes. A refused or failed input is not added to the prelude.
//!
//! Like R, the prompt is `> `; while [`sharestat_lang::is_incomplete`] says the input stops
//! mid-statement (an open parenthesis, a trailing operator, ...) another line is read after a
//! `+ ` prompt. Each line typed is kept in the history file (`$SHARESTAT_HISTORY`, else
//! `~/.sharestat_history`). Tab completes function names, the session's variables, column
//! names after `$` and dataset names inside `load("`. Ctrl-C clears the current input (and
//! stops waiting for a running query); Ctrl-D, `q()` or `quit()` ends the session. A plot that
//! an input returns is drawn into its file below the current directory (`plot written to
//! PATH`), as `sharestat run` does.
use crate::run::{Answer, ConnArgs, Session, error_text, print_output};
use clap::Args;
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::FileHistory;
use rustyline::validate::Validator;
use rustyline::{CompletionType, Config, Context, Editor, Helper};
use serde_json::Value;
use sharestat_wire::ClientError;
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// The functions of the analysis language, for tab completion.
use sharestat_lang::builtins;

/// `sharestat repl`
#[derive(Args)]
pub struct ReplArgs {
    #[command(flatten)]
    conn: ConnArgs,
}

/// What tab completion offers besides the functions.
#[derive(Debug, Default, Clone)]
pub struct Names {
    /// The study's columns (from its data dictionary), completed after `$`.
    pub columns: Vec<String>,
    /// The study's datasets, completed inside `load("`.
    pub datasets: Vec<String>,
    /// Names the session assigned.
    pub variables: BTreeSet<String>,
}

/// The rustyline helper: completion, hints (the rest of a unique completion, dimmed) and
/// no validation (incomplete input is handled by the read loop, which prompts `+ ` as R does).
pub struct ReplHelper {
    /// What completion knows.
    pub names: Names,
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '.' || c == '_'
}

/// If `before` ends inside a string literal: the byte offset of its opening quote.
fn open_string(before: &str) -> Option<(usize, char)> {
    let mut open: Option<(usize, char)> = None;
    let mut chars = before.char_indices();
    while let Some((i, c)) = chars.next() {
        match open {
            Some((_, q)) if c == q => open = None,
            Some(_) if c == '\\' => {
                chars.next();
            }
            Some(_) => {}
            None if c == '#' => return None,
            None if c == '"' || c == '\'' => open = Some((i, c)),
            None => {}
        }
    }
    open
}

impl ReplHelper {
    /// The completions of the word before `pos` in `line`: where it starts and the candidates.
    pub fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<Pair>) {
        let before = &line[..pos];
        let pair = |display: &str, replacement: String| Pair {
            display: display.to_owned(),
            replacement,
        };
        if let Some((quote, q)) = open_string(before) {
            let call = before[..quote].trim_end();
            let is_load = call.strip_suffix('(').is_some_and(|f| {
                let f = f.trim_end();
                f.ends_with("load") && !f[..f.len() - 4].chars().next_back().is_some_and(is_ident)
            });
            if !is_load {
                return (pos, Vec::new());
            }
            let start = quote + 1;
            let partial = &before[start..];
            let found = self
                .names
                .datasets
                .iter()
                .filter(|d| d.starts_with(partial))
                .map(|d| pair(d, format!("{d}{q}")))
                .collect();
            return (start, found);
        }
        let start = before
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_ident(c))
            .last()
            .map_or(pos, |(i, _)| i);
        let word = &before[start..];
        if word.starts_with(|c: char| c.is_ascii_digit()) {
            return (pos, Vec::new());
        }
        if before[..start].ends_with('$') {
            let found = self
                .names
                .columns
                .iter()
                .filter(|c| c.starts_with(word))
                .map(|c| pair(c, c.clone()))
                .collect();
            return (start, found);
        }
        if word.is_empty() {
            return (pos, Vec::new());
        }
        let mut found: Vec<Pair> = self
            .names
            .variables
            .iter()
            .filter(|v| v.starts_with(word))
            .map(|v| pair(v, v.clone()))
            .collect();
        let mut functions: Vec<&str> = builtins::names()
            .filter(|f| f.starts_with(word) && !self.names.variables.contains(*f))
            .collect();
        functions.sort_unstable();
        found.extend(functions.into_iter().map(|f| pair(f, format!("{f}("))));
        (start, found)
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        Ok(self.candidates(line, pos))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;
    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<String> {
        if pos < line.len() {
            return None;
        }
        let (start, found) = self.candidates(line, pos);
        match found.as_slice() {
            [only] if only.replacement.len() > pos - start => {
                Some(only.replacement[pos - start..].to_owned())
            }
            _ => None,
        }
    }
}

impl Highlighter for ReplHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
    }
}

impl Validator for ReplHelper {}
impl Helper for ReplHelper {}

/// Whether the input asks to end the session (`q()`, `quit()`, with or without arguments).
pub fn is_quit(input: &str) -> bool {
    let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    let s = s.trim_end_matches(';');
    (s.starts_with("q(") || s.starts_with("quit("))
        && s.ends_with(')')
        && s.matches(')').count() == 1
}

/// The names an input assigns (`x <- ...`), for completion.
fn assigned(input: &str) -> Vec<String> {
    sharestat_lang::parse(input)
        .map(|p| {
            p.stmts
                .into_iter()
                .filter_map(|s| match s.kind {
                    sharestat_lang::StmtKind::Assign { target, .. } => Some(target),
                    sharestat_lang::StmtKind::Expr(_) => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The history file: `$SHARESTAT_HISTORY`, else `~/.sharestat_history`.
fn history_path() -> Option<PathBuf> {
    match std::env::var_os("SHARESTAT_HISTORY") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(|h| PathBuf::from(h).join(".sharestat_history")),
    }
}

/// Columns and datasets of the study for completion. A wrong token, a study the researcher has
/// no role in (researchers may read their study's dictionary and datasets: `studies::READERS`
/// on the node), an unknown study or an unreachable node ends the session before it starts;
/// any other failure only costs completion.
async fn fetch_names(s: &Session) -> Result<Names, String> {
    let mut names = Names::default();
    let fatal = |e: &ClientError| match e {
        ClientError::Api { status, .. } => matches!(status.as_u16(), 401 | 403 | 404),
        _ => true,
    };
    let explain = |e: ClientError| match e {
        ClientError::Api { problem, .. } => problem.detail,
        other => other.to_string(),
    };
    match s
        .client
        .get::<Value>(&format!("/api/v1/studies/{}", s.study))
        .await
    {
        Ok(study) => {
            let text = study["dictionary"].as_str().unwrap_or_default();
            match sharestat_dict::Dictionary::parse(text) {
                Ok(d) => names.columns = d.columns.into_iter().map(|c| c.name).collect(),
                Err(e) => eprintln!(
                    "note: the study's dictionary does not parse ({e}); no column completion"
                ),
            }
        }
        Err(e) if fatal(&e) => return Err(format!("study {}: {}", s.study, explain(e))),
        Err(e) => eprintln!(
            "note: cannot read the study's dictionary ({}); no column completion",
            explain(e)
        ),
    }
    match s
        .client
        .get::<Vec<Value>>(&format!("/api/v1/studies/{}/datasets", s.study))
        .await
    {
        Ok(list) => {
            names.datasets = list
                .iter()
                .filter_map(|d| d["name"].as_str().map(str::to_owned))
                .collect();
        }
        Err(e) if fatal(&e) => return Err(format!("study {}: {}", s.study, explain(e))),
        Err(e) => eprintln!(
            "note: cannot list the study's datasets ({}); no dataset completion",
            explain(e)
        ),
    }
    Ok(names)
}

/// What one read of the input gave.
enum Input {
    /// A complete input (one or more lines).
    Text(String),
    /// Ctrl-C: the input so far is dropped.
    Interrupted,
    /// Ctrl-D.
    End,
}

struct Repl {
    editor: Editor<ReplHelper, FileHistory>,
    history: Option<PathBuf>,
    history_warned: bool,
}

impl Repl {
    fn remember(&mut self, line: &str) {
        if line.trim().is_empty() {
            return;
        }
        let _ = self.editor.add_history_entry(line);
        if let Some(path) = &self.history
            && let Err(e) = self.editor.save_history(path)
            && !self.history_warned
        {
            eprintln!(
                "note: cannot write the history file {}: {e}",
                path.display()
            );
            self.history_warned = true;
        }
    }

    /// Reads lines until they form a complete input.
    fn read(&mut self) -> Result<Input, String> {
        let mut buffer = String::new();
        loop {
            let prompt = if buffer.is_empty() { "> " } else { "+ " };
            match self.editor.readline(prompt) {
                Ok(line) => {
                    self.remember(&line);
                    if !buffer.is_empty() {
                        buffer.push('\n');
                    }
                    buffer.push_str(&line);
                    if buffer.trim().is_empty() {
                        buffer.clear();
                    } else if !sharestat_lang::is_incomplete(&buffer) {
                        return Ok(Input::Text(buffer));
                    }
                }
                Err(ReadlineError::Interrupted) => return Ok(Input::Interrupted),
                Err(ReadlineError::Eof) => return Ok(Input::End),
                Err(e) => return Err(e.to_string()),
            }
        }
    }
}

/// Runs the session until Ctrl-D or `q()`.
pub async fn run(a: ReplArgs) -> Result<ExitCode, String> {
    let session = Session::open(&a.conn)?;
    let names = fetch_names(&session).await?;
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .max_history_size(10_000)
        .map_err(|e| e.to_string())?
        .auto_add_history(false)
        .build();
    let mut editor: Editor<ReplHelper, FileHistory> =
        Editor::with_config(config).map_err(|e| e.to_string())?;
    editor.set_helper(Some(ReplHelper { names }));
    let history = history_path();
    if let Some(path) = &history
        && path.exists()
        && let Err(e) = editor.load_history(path)
    {
        eprintln!("note: cannot read the history file {}: {e}", path.display());
    }
    let mut repl = Repl {
        editor,
        history,
        history_warned: false,
    };
    println!(
        "sharestat {} — study {} on {}; private values stay on the nodes. q() quits.",
        env!("CARGO_PKG_VERSION"),
        session.study,
        session.url
    );
    let mut prelude = String::new();
    loop {
        let input = match repl.read()? {
            Input::Text(t) => t,
            Input::Interrupted => continue,
            Input::End => break,
        };
        if is_quit(&input) {
            break;
        }
        let answer = tokio::select! {
            a = session.query(&prelude, &input) => a,
            _ = tokio::signal::ctrl_c() => {
                eprintln!("interrupted: stopped waiting (the job may still finish on the nodes)");
                continue;
            }
        };
        match answer {
            Ok(Answer::Done { outputs, error, .. }) => {
                let mut out = std::io::stdout().lock();
                for o in &outputs {
                    let _ = print_output(&mut out, o);
                }
                let _ = out.flush();
                if let Some(e) = error {
                    // The input failed part-way: it is not kept (as a refused input).
                    eprint!("{}", error_text(&e));
                    continue;
                }
                prelude.push_str(&input);
                prelude.push('\n');
                if let Some(h) = repl.editor.helper_mut() {
                    h.names.variables.extend(assigned(&input));
                }
            }
            Ok(Answer::Refused { message, .. }) | Err(message) => {
                eprint!("{}", error_text(&message));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn helper() -> ReplHelper {
        ReplHelper {
            names: Names {
                columns: vec!["gender".into(), "age".into(), "adapted_fractions".into()],
                datasets: vec!["munich".into(), "rome".into()],
                variables: ["tm".to_string(), "tr".to_string()].into(),
            },
        }
    }

    fn complete(line: &str) -> (usize, Vec<String>) {
        let (start, found) = helper().candidates(line, line.len());
        (start, found.into_iter().map(|p| p.replacement).collect())
    }

    #[test]
    fn columns_complete_after_a_dollar() {
        assert_eq!(complete("mean(tm$ag"), (8, vec!["age".to_string()]));
        assert_eq!(complete("tm$a").1, ["age", "adapted_fractions"]);
        assert_eq!(complete("tm$").1.len(), 3);
    }

    #[test]
    fn datasets_complete_inside_load() {
        assert_eq!(
            complete("tm <- load(\"mu"),
            (12, vec!["munich\"".to_string()])
        );
        assert_eq!(complete("load( 'r").1, ["rome'"]);
        assert!(complete("print(\"mu").1.is_empty());
        assert!(complete("reload(\"mu").1.is_empty());
    }

    #[test]
    fn functions_and_variables_complete() {
        assert_eq!(complete("quan").1, ["quantile("]);
        assert_eq!(
            complete("x <- t").1,
            ["tm", "tr", "t.test(", "table(", "table1("]
        );
        assert!(complete("mean(").1.is_empty());
        assert!(complete("1").1.is_empty());
    }

    #[test]
    fn hints_show_the_rest_of_a_unique_completion() {
        let h = helper();
        let hist = FileHistory::new();
        let ctx = Context::new(&hist);
        assert_eq!(h.hint("mean(tm$ag", 10, &ctx).as_deref(), Some("e"));
        assert_eq!(h.hint("x <- t", 6, &ctx), None);
    }

    #[test]
    fn quitting() {
        assert!(is_quit("q()"));
        assert!(is_quit(" quit( ) "));
        assert!(is_quit("q(save = \"no\")"));
        assert!(!is_quit("quantile(x)"));
        assert!(!is_quit("q(); mean(x)"));
    }

    #[test]
    fn assignments_are_remembered() {
        assert_eq!(assigned("tm <- load(\"munich\")\nmean(tm$age)"), ["tm"]);
        assert!(assigned("mean(").is_empty());
    }
}
