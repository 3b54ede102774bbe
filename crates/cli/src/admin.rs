//! Administering a consortium from the command line: studies, users and the self-test.
//!
//! With `--consortium DIR` a command acts on all three nodes of a local consortium, using the
//! admin tokens `consortium init` left in `DIR/nodeI/admin-token`. A user gets one token: it
//! is created on node 0 and only its hash is registered on nodes 1 and 2.
use clap::{Args, Subcommand};
use sharestat_node::consortium::ConsortiumFile;
use sharestat_wire::Client;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The three nodes of a local consortium, each with its admin token.
pub struct Local {
    /// Clients, party order.
    pub nodes: Vec<Client>,
    /// Node names.
    pub names: Vec<String>,
}

impl Local {
    /// Reads `consortium.toml`, the CA and the admin tokens.
    pub fn open(dir: &Path) -> Result<Local, String> {
        let file = ConsortiumFile::load(dir)?;
        let ca = std::fs::read_to_string(dir.join(&file.ca_cert))
            .map_err(|e| format!("{}: {e}", file.ca_cert.display()))?;
        let mut nodes = Vec::new();
        for n in &file.nodes {
            let tok_path = dir.join(format!("node{}/admin-token", n.party));
            let token = std::fs::read_to_string(&tok_path)
                .map_err(|e| format!("{}: {e}", tok_path.display()))?;
            nodes.push(
                Client::new(&n.api_url, &ca, Some(token.trim().to_string()))
                    .map_err(|e| e.to_string())?,
            );
        }
        Ok(Local {
            nodes,
            names: file.nodes.iter().map(|n| n.name.clone()).collect(),
        })
    }
}

/// `sharestat study ...`
#[derive(Subcommand)]
pub enum StudyCmd {
    /// Create a study on all three nodes.
    Create {
        /// Consortium directory.
        #[arg(long)]
        consortium: PathBuf,
        /// Study id.
        #[arg(long)]
        id: String,
        /// Title (default: the id).
        #[arg(long, default_value = "")]
        title: String,
        /// Data dictionary file.
        #[arg(long)]
        dictionary: PathBuf,
        /// Disclosure policy file.
        #[arg(long)]
        policy: PathBuf,
    },
}

/// `sharestat user ...`
#[derive(Subcommand)]
pub enum UserCmd {
    /// Create a user on all three nodes with one token (printed once).
    Add {
        /// Consortium directory.
        #[arg(long)]
        consortium: PathBuf,
        /// User name.
        name: String,
        /// Role: researcher, data_owner, auditor or admin.
        #[arg(long)]
        role: String,
        /// Study (researcher, data_owner, study auditor).
        #[arg(long)]
        study: Option<String>,
        /// Site (data_owner).
        #[arg(long)]
        site: Option<String>,
    },
}

/// `sharestat selftest`
#[derive(Args)]
pub struct SelftestArgs {
    /// Consortium directory.
    #[arg(long)]
    consortium: PathBuf,
    /// Values per round.
    #[arg(long, default_value_t = 1000)]
    rows: u32,
    /// Rounds.
    #[arg(long, default_value_t = 10)]
    rounds: u32,
}

fn read(p: &Path) -> Result<String, String> {
    std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))
}

/// `sharestat study create`.
pub async fn study(cmd: StudyCmd) -> Result<ExitCode, String> {
    let StudyCmd::Create {
        consortium,
        id,
        title,
        dictionary,
        policy,
    } = cmd;
    let local = Local::open(&consortium)?;
    let title = if title.is_empty() { id.clone() } else { title };
    let body = serde_json::json!({
        "id": id, "title": title, "dictionary": read(&dictionary)?, "policy": read(&policy)?,
    });
    for (c, name) in local.nodes.iter().zip(&local.names) {
        let s: serde_json::Value = c
            .post("/api/v1/studies", &body)
            .await
            .map_err(|e| format!("{name}: {e}"))?;
        println!(
            "{name}: study {id} dictionary sha256 {}",
            s["dictionary_sha256"]
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `sharestat user add`.
pub async fn user(cmd: UserCmd) -> Result<ExitCode, String> {
    let UserCmd::Add {
        consortium,
        name,
        role,
        study,
        site,
    } = cmd;
    let local = Local::open(&consortium)?;
    let token = add_everywhere(&local, &name, &role, study.as_deref(), site.as_deref()).await?;
    println!("user {name} created on all three nodes; token (shown once):\n{token}");
    Ok(ExitCode::SUCCESS)
}

/// Creates `name` with one grant on all three nodes and returns its token.
///
/// All or nothing: before anything is created, every node must answer, hold the study (when
/// the grant names one) and have no user of that name; otherwise nothing is created and the
/// error names the node and what is wrong. Each node then writes the user, grant and token in
/// one transaction. Only a node that fails between these checks and its own creation (it goes
/// down) can leave the account on fewer nodes; the error then says on which.
pub async fn add_everywhere(
    local: &Local,
    name: &str,
    role: &str,
    study: Option<&str>,
    site: Option<&str>,
) -> Result<String, String> {
    use reqwest::StatusCode;
    use sharestat_wire::ClientError;
    for (c, n) in local.nodes.iter().zip(&local.names) {
        if let Some(study) = study {
            match c
                .get::<serde_json::Value>(&format!("/api/v1/studies/{study}"))
                .await
            {
                Ok(_) => {}
                Err(ClientError::Api { status, .. }) if status == StatusCode::NOT_FOUND => {
                    return Err(format!(
                        "{n} has no study {study:?}; user {name} was not created on any node                          (create the study first: sharestat study create)"
                    ));
                }
                Err(e) => {
                    return Err(format!("{n}: {e}; user {name} was not created on any node"));
                }
            }
        }
        match c
            .get::<serde_json::Value>(&format!("/api/v1/users/{name}"))
            .await
        {
            Err(ClientError::Api { status, .. }) if status == StatusCode::NOT_FOUND => {}
            Ok(_) => {
                return Err(format!(
                    "{n} already has a user {name}; no node was changed"
                ));
            }
            Err(e) => {
                return Err(format!("{n}: {e}; user {name} was not created on any node"));
            }
        }
    }
    let grant = serde_json::json!({ "role": role, "study": study, "site": site });
    let first: serde_json::Value = local.nodes[0]
        .post(
            "/api/v1/users",
            &serde_json::json!({ "name": name, "grants": [grant] }),
        )
        .await
        .map_err(|e| {
            format!(
                "{}: {e}; user {name} was not created on any node",
                local.names[0]
            )
        })?;
    let token = first["token"]
        .as_str()
        .ok_or("node 0 returned no token")?
        .to_string();
    let hash = sharestat_node::token::hash_hex(&token);
    let mut done = vec![local.names[0].as_str()];
    for (c, n) in local.nodes.iter().zip(&local.names).skip(1) {
        let _: serde_json::Value = c
            .post(
                "/api/v1/users",
                &serde_json::json!({ "name": name, "grants": [grant], "token_sha256": hash }),
            )
            .await
            .map_err(|e| {
                format!(
                    "{n}: {e}; user {name} exists only on {} (fix {n}, then add the user there \
                     with the same token hash)",
                    done.join(", ")
                )
            })?;
        done.push(n);
    }
    Ok(token)
}

/// `sharestat selftest`.
pub async fn selftest(a: SelftestArgs) -> Result<ExitCode, String> {
    let local = Local::open(&a.consortium)?;
    let spec = serde_json::json!({ "kind": "self_test", "rows": a.rows, "rounds": a.rounds });
    let t = std::time::Instant::now();
    let job: serde_json::Value = local.nodes[0]
        .post("/api/v1/jobs?wait_secs=300", &spec)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "self-test job {}: {} in {:.0} ms; result {}{}",
        job["id"],
        job["state"],
        t.elapsed().as_secs_f64() * 1e3,
        job["result"],
        job["error"]
            .as_str()
            .map(|e| format!("; error: {e}"))
            .unwrap_or_default()
    );
    Ok(if job["state"] == "done" {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
