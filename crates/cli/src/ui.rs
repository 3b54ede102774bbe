//! `sharestat ui --consortium DIR`: the local web application (`sharestat-ui`) on 127.0.0.1,
//! its URL with the one-time secret printed (and opened in the browser when one can be
//! started), until Ctrl-C. Users sign in with their token in the page; it is checked with
//! the consortium's node and kept in this process's memory only.
use clap::Args;
use sharestat_node::consortium::ConsortiumFile;
use sharestat_wire::Client;
use std::path::PathBuf;
use std::process::ExitCode;

/// `sharestat ui`
#[derive(Args)]
pub struct UiArgs {
    /// Consortium directory: its `consortium.toml` and CA certificate.
    #[arg(long)]
    pub consortium: PathBuf,
    /// Port on 127.0.0.1 (default: a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Party index of the node to sign in with and talk to.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..3))]
    pub node: u8,
    /// Print the URL without opening a browser.
    #[arg(long)]
    pub no_browser: bool,
}

/// A client of node `node` of the consortium in `dir`, without a token, and its API URL.
pub fn node_client(dir: &std::path::Path, node: u8) -> Result<(Client, String), String> {
    let file = ConsortiumFile::load(dir)?;
    let ca_path = dir.join(&file.ca_cert);
    let ca =
        std::fs::read_to_string(&ca_path).map_err(|e| format!("{}: {e}", ca_path.display()))?;
    let entry = file
        .nodes
        .iter()
        .find(|n| n.party == node)
        .ok_or_else(|| format!("consortium.toml lists no node {node}"))?;
    let client = Client::new(&entry.api_url, &ca, None).map_err(|e| e.to_string())?;
    Ok((client, entry.api_url.clone()))
}

/// The consortium in `dir` for the app: its three nodes without a token, `home` signing in.
pub fn consortium(dir: &std::path::Path, home: u8) -> Result<sharestat_ui::Consortium, String> {
    let file = ConsortiumFile::load(dir)?;
    let mut nodes = Vec::new();
    for party in 0..3u8 {
        nodes.push(node_client(dir, party)?.0);
    }
    let mut names = vec![String::new(); 3];
    for n in &file.nodes {
        if let Some(slot) = names.get_mut(usize::from(n.party)) {
            slot.clone_from(&n.name);
        }
    }
    Ok(sharestat_ui::Consortium {
        nodes,
        names,
        home: usize::from(home),
    })
}

/// Starts the app on the consortium in `dir` and prints its one-time link (opening it in the
/// browser unless `no_browser`).
pub async fn start(
    dir: &std::path::Path,
    home: u8,
    port: u16,
    no_browser: bool,
    token: Option<String>,
    script: Option<String>,
) -> Result<sharestat_ui::Ui, String> {
    let opts = sharestat_ui::Options {
        port,
        consortium: Some(consortium(dir, home)?),
        token,
        script,
        ..Default::default()
    };
    let ui = sharestat_ui::Ui::start(opts)
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    println!("sharestat ui: open this link in your browser (it works once, in one browser):");
    println!("    {}", ui.url);
    if !no_browser {
        let opener = if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        };
        if std::process::Command::new(opener)
            .arg(&ui.url)
            .spawn()
            .is_err()
        {
            println!("(no browser could be started: copy the link)");
        }
    }
    Ok(ui)
}

/// Runs the app until Ctrl-C.
pub async fn run(a: UiArgs) -> Result<ExitCode, String> {
    let ui = start(&a.consortium, a.node, a.port, a.no_browser, None, None).await?;
    println!("Ctrl-C stops it.");
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| format!("waiting for Ctrl-C: {e}"))?;
    ui.stop();
    Ok(ExitCode::SUCCESS)
}
