//! Helpers for the end-to-end tests of the `sharestat` binary.
#![allow(dead_code)]
use serde_json::Value;
use sharestat_node::config::NodeConfig;
use sharestat_wire::Client;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const EXE: &str = env!("CARGO_BIN_EXE_sharestat");

pub fn sharestat(args: &[&str]) -> Output {
    Command::new(EXE)
        .args(args)
        .output()
        .expect("run sharestat")
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `consortium init`, then moves every listener to a free port (tests run in parallel).
pub fn init(dir: &Path) {
    let out = sharestat(&["consortium", "init", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let api: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let peer: Vec<u16> = (0..3).map(|_| free_port()).collect();
    for i in 0..3 {
        let path = dir.join(format!("node{i}/node.toml"));
        let mut cfg = NodeConfig::load(&path).unwrap();
        cfg.node.api_listen = format!("127.0.0.1:{}", api[i]).parse().unwrap();
        cfg.node.peer_listen = format!("127.0.0.1:{}", peer[i]).parse().unwrap();
        cfg.node.heartbeat_ms = 200;
        for p in cfg.peers.iter_mut() {
            p.addr = format!("127.0.0.1:{}", peer[p.party as usize]);
            p.api_url = format!("https://127.0.0.1:{}", api[p.party as usize]);
        }
        std::fs::write(&path, cfg.to_toml()).unwrap();
    }
    let cpath = dir.join("consortium.toml");
    let mut text = std::fs::read_to_string(&cpath).unwrap();
    for (i, port) in api.iter().enumerate() {
        text = text.replace(
            &format!("https://127.0.0.1:{}", 7441 + i),
            &format!("https://127.0.0.1:{port}"),
        );
    }
    std::fs::write(cpath, text).unwrap();
}

pub fn start_node(dir: &Path, i: usize) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(format!("node{i}/test.log")))
        .unwrap();
    Command::new(EXE)
        .args(["node", "--config"])
        .arg(dir.join(format!("node{i}/node.toml")))
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap()
}

pub fn admin(dir: &Path, i: usize) -> Client {
    let cfg = NodeConfig::load(&dir.join(format!("node{i}/node.toml"))).unwrap();
    let ca = std::fs::read_to_string(dir.join("ca/ca.pem")).unwrap();
    let token = std::fs::read_to_string(dir.join(format!("node{i}/admin-token"))).unwrap();
    Client::new(
        &format!("https://{}", cfg.node.api_listen),
        &ca,
        Some(token.trim().into()),
    )
    .unwrap()
}

/// Waits until node `i` answers and sees both peers linked in both directions. The deadline
/// only stops a test that would hang: it is generous, since under a full parallel test run
/// (every test binary at once on two cores) linking once took longer than 30 s.
pub async fn wait_linked(c: &Client) {
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        if let Ok(h) = c.get::<Value>("/api/v1/health").await {
            let peers = h["peers"].as_array().cloned().unwrap_or_default();
            if peers.len() == 2
                && peers
                    .iter()
                    .all(|p| p["outgoing_up"] == true && p["incoming_up"] == true)
            {
                return;
            }
        }
        assert!(Instant::now() < deadline, "node did not come up linked");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub fn token_from(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_string()
}

pub async fn upload(dir: &Path, owner: &str, values: &[i64]) {
    let nodes: Vec<Client> = (0..3)
        .map(|i| admin(dir, i).with_token(Some(owner.into())))
        .collect();
    sharestat_node::local::upload_dealt(&nodes, "adrenal", "munich", "munich", "age", values)
        .await
        .unwrap();
}

pub struct Kill(pub Vec<Child>);
impl Drop for Kill {
    fn drop(&mut self) {
        for c in self.0.iter_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Through the CLI: creates study `id` with dictionary `dict` (and a default policy) on all
/// three nodes, a data owner of `site` and a researcher; returns their tokens.
pub fn study_with_users(dir: &Path, id: &str, dict: &str, site: &str) -> (String, String) {
    let work = dir.parent().expect("consortium dir has a parent");
    let (dict_path, policy_path) = (
        work.join(format!("{id}-dict.toml")),
        work.join(format!("{id}-policy.toml")),
    );
    std::fs::write(&dict_path, dict).unwrap();
    std::fs::write(&policy_path, "min_cell = 5\n").unwrap();
    let d = dir.to_str().unwrap();
    let out = sharestat(&[
        "study",
        "create",
        "--consortium",
        d,
        "--id",
        id,
        "--dictionary",
        dict_path.to_str().unwrap(),
        "--policy",
        policy_path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let owner = token_from(&sharestat(&[
        "user",
        "add",
        "--consortium",
        d,
        "owner",
        "--role",
        "data_owner",
        "--study",
        id,
        "--site",
        site,
    ]));
    let researcher = token_from(&sharestat(&[
        "user",
        "add",
        "--consortium",
        d,
        "rita",
        "--role",
        "researcher",
        "--study",
        id,
    ]));
    (owner, researcher)
}
