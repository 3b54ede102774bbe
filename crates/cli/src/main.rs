//! `sharestat`: the command-line entry point. Thin: it parses arguments and calls the library
//! crates (`sharestat-node` for nodes, consortium set-up and the API client).
//!
//! ```text
//! sharestat consortium init DIR [--hosts a,b,c]   CA, three node identities, configs, admin tokens
//! sharestat node --config FILE                    run one node
//! sharestat up DIR [--in-process]                 run a local three-node consortium until Ctrl-C
//! sharestat study create|user add|selftest ...    administer a local consortium
//! sharestat upload FILE --study S --site SITE  validate, share locally, upload (2PC)
//! sharestat audit verify --consortium DIR | --data-dir DIR
//! sharestat run SCRIPT --study S --consortium DIR  run an analysis script (researchers)
//! sharestat repl --study S --consortium DIR        interactive analysis session (researchers)
//! sharestat demo [--dir DIR] [--json] [--policy shipped|pilot|FILE]   the pilot study, end to end
//! ```
#![forbid(unsafe_code)]

use sharestat_cli::{admin, audit, demo, repl, run, ui, up, upload};

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Pooled statistics on secret-shared patient data across three compute nodes.
#[derive(Parser)]
#[command(name = "sharestat", version, about)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Create or inspect a consortium.
    #[command(subcommand)]
    Consortium(ConsortiumCmd),
    /// Run one node from its configuration file.
    Node {
        /// The node's `node.toml`.
        #[arg(long)]
        config: PathBuf,
    },
    /// Start a local three-node consortium from an initialised directory; Ctrl-C stops it.
    Up {
        /// Consortium directory (from `consortium init`).
        dir: PathBuf,
        /// Run the three nodes as tasks of this process instead of three processes.
        #[arg(long)]
        in_process: bool,
    },
    /// Studies, on all three nodes of a local consortium.
    #[command(subcommand)]
    Study(admin::StudyCmd),
    /// Accounts, on all three nodes of a local consortium.
    #[command(subcommand)]
    User(admin::UserCmd),
    /// Run the engine self-test across the three nodes.
    Selftest(admin::SelftestArgs),
    /// Validate a site file against the study dictionary, share it on this machine and upload it.
    Upload(Box<upload::UploadArgs>),
    /// Audit logs.
    #[command(subcommand)]
    Audit(audit::AuditCmd),
    /// Run an analysis script on the consortium and print its outputs like Rscript.
    Run(run::RunArgs),
    /// An interactive analysis session (R-like prompt, history, tab completion).
    Repl(repl::ReplArgs),
    /// The pilot study end to end: a local three-node consortium, the two hospitals' uploads,
    /// the researcher's analysis, KM plots and the audit check.
    Demo(demo::DemoArgs),
    /// The browser interface on this machine (127.0.0.1, a one-time link; sign in with your
    /// token in the page).
    Ui(ui::UiArgs),
}

#[derive(Subcommand)]
enum ConsortiumCmd {
    /// Create a CA, three node identities, their configs and admin tokens in DIR.
    Init {
        /// Target directory (created; must not hold a consortium yet).
        dir: PathBuf,
        /// Host names or addresses of the three nodes, comma separated (default: all on
        /// 127.0.0.1 with consecutive ports).
        #[arg(long, value_delimiter = ',', num_args = 3)]
        hosts: Option<Vec<String>>,
        /// API port (first of three locally).
        #[arg(long, default_value_t = 7441)]
        api_port: u16,
        /// Peer-link port (first of three locally).
        #[arg(long, default_value_t = 7451)]
        peer_port: u16,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    let result = rt.block_on(async move {
        match cli.cmd {
            Cmd::Consortium(ConsortiumCmd::Init {
                dir,
                hosts,
                api_port,
                peer_port,
            }) => init(dir, hosts, api_port, peer_port),
            Cmd::Node { config } => up::run_node(&config).await,
            Cmd::Up { dir, in_process } => up::up(&dir, in_process).await,
            Cmd::Study(c) => admin::study(c).await,
            Cmd::User(c) => admin::user(c).await,
            Cmd::Selftest(a) => admin::selftest(a).await,
            Cmd::Upload(a) => upload::run(*a).await,
            Cmd::Audit(c) => audit::run(c).await,
            Cmd::Run(a) => run::run(a).await,
            Cmd::Repl(a) => repl::run(a).await,
            Cmd::Demo(a) => demo::main(a).await,
            Cmd::Ui(a) => ui::run(a).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn init(
    dir: PathBuf,
    hosts: Option<Vec<String>>,
    api_port: u16,
    peer_port: u16,
) -> Result<ExitCode, String> {
    use sharestat_node::consortium::{InitOptions, init};
    let hosts = hosts.map(|h| <[String; 3]>::try_from(h).expect("clap enforces three hosts"));
    let opts = InitOptions {
        hosts,
        api_port,
        peer_port,
    };
    init(&dir, &opts).map_err(|e| e.to_string())?;
    println!("consortium created in {}", dir.display());
    println!(
        "  CA:          {}/ca/ca.pem (its key ca/ca-key.pem: keep it offline)",
        dir.display()
    );
    for i in 0..3 {
        println!(
            "  node{i}:       {}/node{i}/ (node.toml, cert.pem, key.pem, admin-token)",
            dir.display()
        );
    }
    println!("start it with: sharestat up {}", dir.display());
    Ok(ExitCode::SUCCESS)
}
