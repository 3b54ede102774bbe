//! `sharestat audit verify`: checks a node's hash chain offline (`--data-dir`), or all three
//! nodes' chains through their APIs and that their records of every shared job agree
//! (`--consortium`).
use crate::admin::Local;
use clap::Subcommand;
pub use sharestat_client::audit::{AuditCheck, verify_nodes};
use std::path::PathBuf;
use std::process::ExitCode;

/// `sharestat audit ...`
#[derive(Subcommand)]
pub enum AuditCmd {
    /// Verify hash chains (and, for a consortium, cross-check jobs between nodes).
    Verify {
        /// Verify one node's data directory directly (on the node's host).
        #[arg(long, conflicts_with = "consortium")]
        data_dir: Option<PathBuf>,
        /// Verify the three nodes of a local consortium through their APIs.
        #[arg(long)]
        consortium: Option<PathBuf>,
    },
}

/// Runs an audit command.
pub async fn run(cmd: AuditCmd) -> Result<ExitCode, String> {
    let AuditCmd::Verify {
        data_dir,
        consortium,
    } = cmd;
    match (data_dir, consortium) {
        (Some(d), _) => offline(&d),
        (None, Some(c)) => online(&c).await,
        (None, None) => Err("give --data-dir DIR or --consortium DIR".into()),
    }
}

fn offline(dir: &std::path::Path) -> Result<ExitCode, String> {
    let store = sharestat_store::Store::open(dir).map_err(|e| e.to_string())?;
    let r = store.verify_audit().map_err(|e| e.to_string())?;
    match r.first_bad {
        None => {
            println!("audit chain ok: {} entries, head {}", r.entries, r.head);
            Ok(ExitCode::SUCCESS)
        }
        Some(f) => {
            println!("audit chain BROKEN at entry {}: {}", f.seq, f.reason);
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn online(dir: &std::path::Path) -> Result<ExitCode, String> {
    let local = Local::open(dir)?;
    let check = verify_nodes(&local.nodes, &local.names).await?;
    for line in &check.lines {
        println!("{line}");
    }
    Ok(if check.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
