//! `sharestat node` (one node) and `sharestat up` (a local consortium of three).
use sharestat_node::NodeConfig;
use sharestat_node::consortium::ConsortiumFile;
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::time::Duration;

fn init_logging(cfg: &NodeConfig) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(cfg.log.filter.clone()));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let file = cfg.log.file.as_ref().map(|p| cfg.resolve(p)).and_then(|p| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(p)
            .ok()
    });
    let _ = match file {
        Some(f) => builder
            .with_ansi(false)
            .with_writer(std::sync::Mutex::new(f))
            .try_init(),
        None => {
            use std::io::IsTerminal;
            builder
                .with_ansi(std::io::stderr().is_terminal())
                .with_writer(std::io::stderr)
                .try_init()
        }
    };
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

/// `sharestat node --config FILE`.
pub async fn run_node(config: &Path) -> Result<ExitCode, String> {
    let cfg = NodeConfig::load(config).map_err(|e| e.to_string())?;
    init_logging(&cfg);
    let name = cfg.node.name.clone();
    let node = sharestat_node::start(cfg)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "{name}: API https://{} peers {} (Ctrl-C stops)",
        node.api_addr, node.peer_addr
    );
    stop_signal().await;
    tracing::info!("stopping");
    node.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

fn load(dir: &Path) -> Result<(ConsortiumFile, Vec<PathBuf>), String> {
    let file = ConsortiumFile::load(dir)?;
    let configs = file.nodes.iter().map(|n| dir.join(&n.config)).collect();
    Ok((file, configs))
}

/// `sharestat up DIR`.
pub async fn up(dir: &Path, in_process: bool) -> Result<ExitCode, String> {
    let (file, configs) = load(dir)?;
    if in_process {
        let mut nodes = Vec::new();
        for (n, path) in file.nodes.iter().zip(&configs) {
            let cfg = NodeConfig::load(path).map_err(|e| e.to_string())?;
            if nodes.is_empty() {
                init_logging(&cfg);
            }
            let h = sharestat_node::start(cfg)
                .await
                .map_err(|e| format!("{}: {e}", n.name))?;
            println!(
                "{} (party {}): API https://{}  peers {}",
                n.name, n.party, h.api_addr, h.peer_addr
            );
            nodes.push(h);
        }
        println!("three nodes in this process; Ctrl-C stops them");
        stop_signal().await;
        for h in nodes {
            h.shutdown().await;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut children = Vec::new();
    for (n, path) in file.nodes.iter().zip(&configs) {
        let log = path.with_file_name("node.log");
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .map_err(|e| format!("{}: {e}", log.display()))?;
        let child = tokio::process::Command::new(&exe)
            .arg("node")
            .arg("--config")
            .arg(path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(out)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", n.name))?;
        println!(
            "{} (party {}): API {}  pid {}  log {}",
            n.name,
            n.party,
            n.api_url,
            child.id().unwrap_or(0),
            log.display()
        );
        children.push(child);
    }
    println!("Ctrl-C stops the consortium");
    let mut exited = None;
    tokio::select! {
        _ = stop_signal() => {}
        r = wait_any(&mut children) => exited = Some(r),
    }
    if let Some((i, status)) = &exited {
        eprintln!(
            "{} exited ({status}); stopping the others",
            file.nodes[*i].name
        );
    }
    for c in children.iter_mut() {
        terminate(c).await;
    }
    Ok(if exited.is_some() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

async fn wait_any(children: &mut [tokio::process::Child]) -> (usize, String) {
    loop {
        for (i, c) in children.iter_mut().enumerate() {
            if let Ok(Some(s)) = c.try_wait() {
                return (i, s.to_string());
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Asks a child to stop (SIGTERM), then kills it after 5 s.
async fn terminate(c: &mut tokio::process::Child) {
    if let Some(pid) = c.id() {
        let _ = std::process::Command::new("kill")
            .arg("-TERM")
            .arg(pid.to_string())
            .status();
    }
    if tokio::time::timeout(Duration::from_secs(5), c.wait())
        .await
        .is_err()
    {
        let _ = c.kill().await;
    }
}
