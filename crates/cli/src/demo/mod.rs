//! `sharestat demo`: the pilot study end to end, from an empty directory, in one command.
//!
//! 1. a consortium (CA, three node identities) and its three nodes, started in this process
//!    on 127.0.0.1 with TLS on every link (API and peer mesh), as `sharestat up --in-process`;
//! 2. the adrenal study from the shipped dictionary and policy; four accounts: the data owners
//!    of Munich and Rome, a researcher and an auditor;
//! 3. each hospital's upload as its data owner ([`upload`]): Munich's Excel workbook and Rome's
//!    semicolon CSV, validated and secret-shared on "their" machine, two-phase commit on the nodes;
//! 4. the researcher's analysis ([`analysis`]): the pilot's Fig. 5 session, Tables 4-6 (each a
//!    `table1` query, `table1.rs`),
//!    Kaplan-Meier overall and by ECOG with log-rank tests, Cox, the Fisher test of complete
//!    remission by BED10, and the other reference analyses; printed like an R session
//!    ([`layout`]), Kaplan-Meier plots drawn here from what the nodes return;
//! 5. the auditor's check of the three hash-chained audit logs and of the shared jobs;
//! 6. the nodes stop; the directory keeps the consortium (restart it with `sharestat up`),
//!    the accounts' tokens, the session, the results as JSON and the plots (`files.rs`); with
//!    `--ui` the nodes keep running and the browser interface opens on them (`browser.rs`).
//!
//! The fixture files are compiled into the binary, so the demo needs nothing beside it. The
//! JSON results follow the keys and shapes of the fixture's R reference `expected.json`;
//! what disclosure control refuses is listed under `refused`, with the node's reason.
pub mod analysis;
mod browser;
mod files;
pub mod layout;
pub mod shape;
mod table1;
pub mod upload;

use crate::audit::{AuditCheck, verify_nodes};
use crate::run::{Answer, Session, draw_plot_in};
use clap::Args;
use files::{fresh_dir, write, write_private};
use layout::Outcome;
use serde_json::{Map, Value, json};
use sharestat_node::local::LocalConsortium;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const MUNICH_XLSX: &[u8] = include_bytes!("../../../../examples/adrenal/munich_delivered.xlsx");
const ROME_CSV: &[u8] = include_bytes!("../../../../examples/adrenal/rome_delivered.csv");
const DICTIONARY: &str = include_str!("../../../../examples/adrenal/dictionary.toml");
const POLICY: &str = include_str!("../../../../examples/adrenal/policy.toml");
const PILOT_POLICY: &str = include_str!("../../../../examples/adrenal/policy-pilot.toml");

/// `sharestat demo`
#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Directory for the consortium and the outputs (created; default: a new directory
    /// under the system's temporary directory, kept afterwards).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Print the results as one JSON document (keys as in the fixture's `expected.json`)
    /// instead of the R session; progress still goes to standard error.
    #[arg(long)]
    pub json: bool,
    /// The study's disclosure policy: `shipped` (the study's policy.toml: cells of at least
    /// 5), `suppress` (the same, small cells printed as `*` with secondary suppression instead
    /// of refused), `pilot` (what the pilot worked with: every count shown) or a policy file.
    #[arg(long, default_value = "shipped")]
    pub policy: String,
    /// Then leave the consortium running and open the browser interface on it, signed in as
    /// the researcher with the pilot's analysis in the editor (until Ctrl-C).
    #[arg(long, conflicts_with = "json")]
    pub ui: bool,
    /// With `--ui`: print the interface's link without opening a browser.
    #[arg(long, requires = "ui")]
    pub no_browser: bool,
    /// The sites upload the study as FHIR R4 (Munich a Bulk Data export, Rome a Bundle,
    /// mapped by the dictionary's `[fhir]` section) instead of their workbook and CSV file.
    #[arg(long)]
    pub fhir: bool,
}

/// Which disclosure policy the demo study gets.
#[derive(Debug, Clone)]
pub enum PolicyChoice {
    /// `examples/adrenal/policy.toml`: the product's defaults, plus extremes and event times.
    Shipped,
    /// `examples/adrenal/policy-pilot.toml`: every count shown, as the pilot published them.
    Pilot,
    /// The shipped policy with `small_cells = "suppress"`: small cells print as `*`.
    Suppress,
    /// A policy file.
    File(PathBuf),
}

impl PolicyChoice {
    fn parse(s: &str) -> PolicyChoice {
        match s {
            "shipped" => PolicyChoice::Shipped,
            "pilot" => PolicyChoice::Pilot,
            "suppress" => PolicyChoice::Suppress,
            f => PolicyChoice::File(f.into()),
        }
    }

    fn text(&self) -> Result<(String, String), String> {
        Ok(match self {
            PolicyChoice::Shipped => ("shipped (policy.toml)".into(), POLICY.into()),
            PolicyChoice::Pilot => ("pilot (policy-pilot.toml)".into(), PILOT_POLICY.into()),
            PolicyChoice::Suppress => (
                "shipped, with small_cells = \"suppress\"".into(),
                format!("{POLICY}\nsmall_cells = \"suppress\"\n"),
            ),
            PolicyChoice::File(p) => (
                p.display().to_string(),
                std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?,
            ),
        })
    }
}

/// What the demo is asked to do.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Where (see [`DemoArgs::dir`]).
    pub dir: Option<PathBuf>,
    /// The study's policy.
    pub policy: PolicyChoice,
    /// Leave the nodes running afterwards ([`DemoRun::running`]).
    pub hold: bool,
    /// Upload the FHIR version of the sites' data ([`DemoArgs::fhir`]).
    pub fhir: bool,
}

/// What the demo did.
pub struct DemoRun {
    /// The directory with the consortium and the outputs.
    pub dir: PathBuf,
    /// The whole JSON document: the results (keys as in `expected.json`), `refused` and `demo`.
    pub doc: Value,
    /// The printed session.
    pub session: String,
    /// Steps that failed other than by a refusal (key or first line, message).
    pub failed: Vec<(String, String)>,
    /// The auditor's check.
    pub audit: AuditCheck,
    /// The accounts: name, role, token.
    pub tokens: Vec<(String, String, String)>,
    /// The nodes, still running, when [`DemoOptions::hold`] asked for it.
    pub running: Option<LocalConsortium>,
}

/// Without the tokens and the running nodes.
impl std::fmt::Debug for DemoRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoRun")
            .field("dir", &self.dir)
            .field("failed", &self.failed)
            .field("audit", &self.audit)
            .field("running", &self.running.is_some())
            .finish_non_exhaustive()
    }
}

fn ms(t: Instant) -> f64 {
    (t.elapsed().as_secs_f64() * 1e4).round() / 10.0
}

/// Sets `doc[a][b]` for the key `a.b` (or `doc[a]`).
fn put(doc: &mut Map<String, Value>, key: &str, v: Value) {
    match key.split_once('.') {
        None => {
            doc.insert(key.into(), v);
        }
        Some((a, b)) => {
            let e = doc.entry(a).or_insert_with(|| json!({}));
            if let Value::Object(m) = e {
                put(m, b, v);
            }
        }
    }
}

/// Runs the demo. `progress` gets one line per stage, `echo` the session as it is printed.
pub async fn run_demo(
    opts: &DemoOptions,
    progress: &(dyn Fn(&str) + Sync),
    echo: &mut dyn FnMut(&str),
) -> Result<DemoRun, String> {
    let start = Instant::now();
    let dir = match &opts.dir {
        Some(d) => d.clone(),
        None => fresh_dir()?,
    };
    if dir.join("consortium/consortium.toml").exists() {
        return Err(format!(
            "{} already holds a demo consortium; give another --dir or remove it",
            dir.display()
        ));
    }
    // Check the inputs before anything is created.
    let (policy_name, policy) = opts.policy.text()?;
    sharestat_dict::Policy::parse(&policy).map_err(|e| format!("policy {policy_name}: {e}"))?;
    let data = dir.join("data");
    std::fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
    for (name, bytes) in [
        ("munich_delivered.xlsx", MUNICH_XLSX),
        ("rome_delivered.csv", ROME_CSV),
        ("dictionary.toml", DICTIONARY.as_bytes()),
        ("policy.toml", policy.as_bytes()),
    ] {
        write(&data.join(name), bytes)?;
    }
    if opts.fhir {
        files::write_fhir(&data)?;
    }

    // 1. The consortium and its nodes.
    let t = Instant::now();
    let c = LocalConsortium::start(&dir.join("consortium"), 120).await?;
    let urls: Vec<String> = c
        .configs
        .iter()
        .map(|cfg| format!("https://{}", cfg.node.api_listen))
        .collect();
    let names: Vec<String> = c.configs.iter().map(|cfg| cfg.node.name.clone()).collect();
    progress(&format!(
        "consortium: CA and three node identities in {}; nodes up and linked over mutual TLS ({} ms)",
        dir.join("consortium").display(),
        ms(t)
    ));
    for (n, u) in names.iter().zip(&urls) {
        progress(&format!("  {n}: API {u}/api/v1"));
    }
    let result = analyse(&c, &dir, &policy, opts.fhir, progress, echo).await;
    let running = if opts.hold && result.is_ok() {
        Some(c)
    } else {
        c.shutdown().await;
        progress("nodes stopped");
        None
    };
    let Analysed {
        mut doc,
        session,
        failed,
        audit,
        tokens,
    } = result?;

    // The outputs.
    let mut accounts = String::from(
        "# Tokens of the demo's accounts (keep private; each works on all three nodes).\n",
    );
    for (name, role, token) in &tokens {
        accounts.push_str(&format!(
            "[{name}]\nrole = \"{role}\"\ntoken = \"{token}\"\n\n"
        ));
    }
    write_private(&dir.join("accounts.toml"), accounts.as_bytes())?;
    // The queries as one script for `sharestat run`; what the policy refused is commented
    // out (a refusal stops a script).
    let refused = doc["refused"].as_object().cloned().unwrap_or_default();
    let script: String = analysis::sections()
        .iter()
        .flat_map(|s| {
            let mut v = vec![format!("\n# {}\n{}", s.title, s.prelude)];
            v.extend(s.table1.iter().map(|(_, call)| call.clone()));
            v.extend(s.steps.iter().map(|st| {
                let name = if st.key.is_empty() {
                    st.lines.last().cloned().unwrap_or_default()
                } else {
                    st.key.clone()
                };
                let text = st.lines.join("\n");
                if refused.contains_key(&name) {
                    let commented: Vec<String> =
                        st.lines.iter().map(|l| format!("# {l}")).collect();
                    format!("# refused by disclosure control:\n{}", commented.join("\n"))
                } else {
                    text
                }
            }));
            v
        })
        .collect::<Vec<_>>()
        .join("\n");
    write(
        &dir.join("analysis.R"),
        format!("{}\n", script.trim()).as_bytes(),
    )?;
    write(&dir.join("session.txt"), session.as_bytes())?;
    let meta = json!({
        "dir": dir.display().to_string(),
        "policy": policy_name,
        "nodes": urls,
        "accounts": tokens.iter().map(|(n, r, _)| json!({"name": n, "role": r})).collect::<Vec<_>>(),
        "audit": {"ok": audit.ok, "entries": audit.entries, "jobs_checked": audit.jobs_checked},
        "files": ["session.txt", "results.json", "analysis.R", "km_overall.svg", "km_ecog.svg",
                  "accounts.toml", "data/", "consortium/"],
        "seconds": (start.elapsed().as_secs_f64() * 100.0).round() / 100.0,
    });
    if let Value::Object(m) = &mut doc
        && let Some(Value::Object(d)) = m.get_mut("demo")
    {
        d.extend(meta.as_object().cloned().unwrap_or_default());
    }
    let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    write(&dir.join("results.json"), format!("{text}\n").as_bytes())?;
    Ok(DemoRun {
        dir,
        doc,
        session,
        failed,
        audit,
        tokens,
        running,
    })
}

/// What steps 2-5 produced.
struct Analysed {
    /// The JSON document (results, `refused`, `demo`).
    doc: Value,
    /// The printed session.
    session: String,
    /// Steps that failed other than by a refusal.
    failed: Vec<(String, String)>,
    /// The auditor's check.
    audit: AuditCheck,
    /// The accounts: name, role, token.
    tokens: Vec<(String, String, String)>,
}

/// Steps 2-5 on running nodes (the caller stops them whatever happens here).
async fn analyse(
    c: &LocalConsortium,
    dir: &Path,
    policy: &str,
    fhir: bool,
    progress: &(dyn Fn(&str) + Sync),
    echo: &mut dyn FnMut(&str),
) -> Result<Analysed, String> {
    // 2. The study and the accounts.
    let t = Instant::now();
    c.create_study("adrenal", DICTIONARY, policy)
        .await
        .map_err(|e| format!("creating the study: {e}"))?;
    let mut tokens = Vec::new();
    for (name, role, study, site) in [
        ("munich", "data_owner", Some("adrenal"), Some("munich")),
        ("rome", "data_owner", Some("adrenal"), Some("rome")),
        ("rita", "researcher", Some("adrenal"), None),
        ("audrey", "auditor", None, None),
    ] {
        let token = c
            .add_user(name, role, study, site)
            .await
            .map_err(|e| format!("creating account {name}: {e}"))?;
        tokens.push((name.to_owned(), role.to_owned(), token));
    }
    progress(&format!(
        "study adrenal created on the three nodes; accounts munich, rome (data owners), rita \
         (researcher), audrey (auditor) ({} ms)",
        ms(t)
    ));

    // 3. The uploads, each as its site's data owner.
    let dict = sharestat_dict::Dictionary::parse(DICTIONARY).map_err(|e| e.to_string())?;
    let mut uploads = Vec::new();
    let files = if fhir {
        [("munich", "fhir/munich"), ("rome", "fhir/rome.json")]
    } else {
        [
            ("munich", "munich_delivered.xlsx"),
            ("rome", "rome_delivered.csv"),
        ]
    };
    for ((site, file), token) in files.into_iter().zip([&tokens[0].2, &tokens[1].2]) {
        let up = upload::upload_site(c, &dict, site, &dir.join("data").join(file), token).await?;
        progress(&format!(
            "{site}: {file} read and validated against the dictionary ({} rows, {} ms), \
             secret-shared on the owner's side and committed on the three nodes ({} ms)",
            up.rows, up.read_ms, up.upload_ms
        ));
        uploads.push(json!({"site": site, "file": file, "rows": up.rows,
                            "read_ms": up.read_ms, "upload_ms": up.upload_ms}));
    }

    // 4. The researcher's analysis.
    let t = Instant::now();
    let session = Session {
        client: c.client(0, &tokens[2].2),
        study: "adrenal".into(),
        url: format!("https://{}", c.configs[0].node.api_listen),
    };
    let mut doc = Map::new();
    let mut refused = Map::new();
    let mut failed = Vec::new();
    let mut printed = String::new();
    let (mut jobs, mut bytes) = (0u64, 0u64);
    let mut say = |s: &str, printed: &mut String| {
        printed.push_str(s);
        echo(s);
    };
    for section in analysis::sections() {
        say(&layout::heading(&section), &mut printed);
        say(&layout::prelude(&section), &mut printed);
        if let Some((key, call)) = &section.table1 {
            let (text, value) =
                table1::table1_of(&session, &section.prelude, call, &mut failed).await?;
            say(&text, &mut printed);
            if let Some((v, sent)) = value {
                jobs += 1;
                bytes += sent;
                put(&mut doc, &format!("table1.{key}"), v);
            }
        } else if let Some(h) = layout::table_header(&section) {
            say(&h, &mut printed);
        }
        for st in &section.steps {
            let answer = session
                .query(&section.prelude, &st.lines.join("\n"))
                .await?;
            let name = if st.key.is_empty() {
                st.lines.last().cloned().unwrap_or_default()
            } else {
                st.key.clone()
            };
            // A step stopped part-way counts as its error (the demo's steps print once).
            let answer = match answer {
                Answer::Done {
                    job,
                    error: Some(message),
                    ..
                } => Answer::Refused {
                    job: Some(job),
                    message,
                },
                other => other,
            };
            let outcome = match answer {
                Answer::Done {
                    outputs,
                    bytes_sent,
                    ..
                } => {
                    jobs += 1;
                    bytes += bytes_sent.as_u64().unwrap_or(0);
                    let mut plots = Vec::new();
                    for (i, o) in outputs.iter().enumerate() {
                        if let Some(r) = draw_plot_in(o, dir) {
                            let r = r.map(|p| p.display().to_string());
                            if let Err(e) = &r {
                                failed.push((name.clone(), e.clone()));
                            }
                            plots.push((i, r));
                        }
                    }
                    let values: Vec<Value> = outputs.iter().map(|o| o.value.clone()).collect();
                    if let Some(v) = shape::shape(st.shape, &values) {
                        put(&mut doc, &st.key, v);
                    }
                    Outcome::Done { outputs, plots }
                }
                Answer::Refused { message, .. } => {
                    if message.contains("refused by disclosure control") {
                        refused.insert(name, json!(message.trim()));
                    } else {
                        failed.push((name, message.clone()));
                    }
                    Outcome::Refused(message)
                }
            };
            if section.table1.is_none() {
                say(&layout::step(section.layout, st, &outcome), &mut printed);
            }
        }
    }
    progress(&format!(
        "analysis as rita: {jobs} queries answered, {} refused by disclosure control, {} \
         failed ({} ms, {:.1} kB sent by the front node)",
        refused.len(),
        failed.len(),
        ms(t),
        bytes as f64 / 1e3
    ));
    if !failed.is_empty() {
        for (k, m) in &failed {
            progress(&format!("  failed: {k}: {m}"));
        }
    }

    // 5. The auditor's check.
    let auditor: Vec<_> = (0..3).map(|i| c.client(i, &tokens[3].2)).collect();
    let names: Vec<String> = c.configs.iter().map(|cfg| cfg.node.name.clone()).collect();
    let audit = verify_nodes(&auditor, &names).await?;
    progress(&format!(
        "audit as audrey: {} ({} entries per node, {} jobs cross-checked)",
        if audit.ok {
            "the three hash chains are intact and the nodes' records of every job agree"
        } else {
            "PROBLEMS FOUND"
        },
        audit
            .entries
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join("/"),
        audit.jobs_checked
    ));
    if !audit.ok {
        for l in &audit.lines {
            progress(&format!("  {l}"));
        }
    }
    doc.insert("refused".into(), Value::Object(refused));
    doc.insert(
        "demo".into(),
        json!({"uploads": uploads, "queries": {"answered": jobs, "bytes_sent_front_node": bytes,
               "ms": ms(t)}}),
    );
    Ok(Analysed {
        doc: Value::Object(doc),
        session: printed,
        failed,
        audit,
        tokens,
    })
}

/// `sharestat demo`: runs [`run_demo`], printing the session (or the JSON) on standard output
/// and progress on standard error. Exit code 1 when a step failed (other than by a refusal)
/// or the audit check found a problem.
pub async fn main(a: DemoArgs) -> Result<ExitCode, String> {
    let opts = DemoOptions {
        dir: a.dir.clone(),
        policy: PolicyChoice::parse(&a.policy),
        hold: a.ui,
        fhir: a.fhir,
    };
    let start = Instant::now();
    let progress = move |s: &str| {
        eprintln!("[{:>5.1} s] {s}", start.elapsed().as_secs_f64());
    };
    let json_out = a.json;
    let mut echo = |s: &str| {
        if !json_out {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(s.as_bytes());
            let _ = out.flush();
        }
    };
    progress("sharestat demo: the adrenal pilot study (Munich and Rome) on a local consortium");
    let run = run_demo(&opts, &progress, &mut echo).await?;
    if a.json {
        let text = serde_json::to_string_pretty(&run.doc).map_err(|e| e.to_string())?;
        println!("{text}");
    }
    let d = run.dir.display();
    progress(&format!(
        "done in {:.1} s. Outputs in {d}:",
        start.elapsed().as_secs_f64()
    ));
    for (f, what) in [
        ("session.txt", "the analysis as printed"),
        (
            "results.json",
            "the results as JSON (keys as in the fixture's expected.json)",
        ),
        ("km_overall.svg, km_ecog.svg", "Kaplan-Meier plots"),
        ("analysis.R", "the queries, to rerun with `sharestat run`"),
        ("accounts.toml", "the accounts' tokens (owner-only file)"),
        (
            "consortium/",
            "the consortium; `sharestat up` starts it again",
        ),
    ] {
        progress(&format!("  {f:<28} {what}"));
    }
    progress(&format!(
        "explore: sharestat up {d}/consortium, then in another terminal \
         sharestat repl --study adrenal --consortium {d}/consortium --token <rita's token>"
    ));
    let refused_n = run.doc["refused"].as_object().map_or(0, Map::len);
    if refused_n > 0 {
        progress(&format!(
            "{refused_n} outputs were refused by the study's disclosure policy (see `refused`); \
             `--policy pilot` shows every count, as the pilot did"
        ));
    }
    let ok = run.failed.is_empty() && run.audit.ok;
    if let Some(c) = run.running {
        browser::serve(c, &run.dir, &run.tokens, a.no_browser, &progress).await;
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
