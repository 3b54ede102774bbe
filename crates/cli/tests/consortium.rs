//! The `sharestat` binary end to end: `consortium init`, three `sharestat node` processes with
//! real TLS on 127.0.0.1, administration through the CLI, a node killed during a job and
//! restarted, and audit verification that catches a tampered entry.
use serde_json::{Value, json};
use sharestat_node::client::Client;
use sharestat_node::config::NodeConfig;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const EXE: &str = env!("CARGO_BIN_EXE_sharestat");

fn sharestat(args: &[&str]) -> Output {
    Command::new(EXE)
        .args(args)
        .output()
        .expect("run sharestat")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `consortium init`, then moves every listener to a free port (tests run in parallel).
fn init(dir: &Path) {
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

fn start_node(dir: &Path, i: usize) -> Child {
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

fn admin(dir: &Path, i: usize) -> Client {
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

/// Waits until node `i` answers and sees both peers linked in both directions.
async fn wait_linked(c: &Client) {
    let deadline = Instant::now() + Duration::from_secs(30);
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

fn token_from(out: &Output) -> String {
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

async fn upload(dir: &Path, owner: &str, values: &[i64]) {
    let nodes: Vec<Client> = (0..3)
        .map(|i| admin(dir, i).with_token(Some(owner.into())))
        .collect();
    sharestat_node::local::upload_dealt(&nodes, "adrenal", "munich", "munich", "age", values)
        .await
        .unwrap();
}

struct Kill(Vec<Child>);
impl Drop for Kill {
    fn drop(&mut self) {
        for c in self.0.iter_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_node_fails_the_job_clearly_and_rejoins_after_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let dir: PathBuf = tmp.path().join("consortium");
    init(&dir);
    let mut nodes = Kill((0..3).map(|i| start_node(&dir, i)).collect());
    for i in 0..3 {
        wait_linked(&admin(&dir, i)).await;
    }
    let d = dir.to_str().unwrap();
    std::fs::write(
        tmp.path().join("dict.toml"),
        sharestat_node::local::integer_dictionary("adrenal", &["age"]),
    )
    .unwrap();
    std::fs::write(tmp.path().join("policy.toml"), "min_cell = 5\n").unwrap();
    let out = sharestat(&[
        "study",
        "create",
        "--consortium",
        d,
        "--id",
        "adrenal",
        "--dictionary",
        tmp.path().join("dict.toml").to_str().unwrap(),
        "--policy",
        tmp.path().join("policy.toml").to_str().unwrap(),
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
        "adrenal",
        "--site",
        "munich",
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
        "adrenal",
    ]));
    let ages: Vec<i64> = (0..48).map(|i| 40 + i % 37).collect();
    upload(&dir, &owner, &ages).await;

    // A long self-test from node 0; node 2 is killed while it runs.
    let a0 = admin(&dir, 0);
    let job: Value = a0
        .post(
            "/api/v1/jobs",
            &json!({"kind": "self_test", "rows": 10, "rounds": 1_000_000}),
        )
        .await
        .unwrap();
    let id = job["id"].as_str().unwrap().to_string();
    tokio::time::sleep(Duration::from_millis(800)).await;
    let running: Value = a0.get(&format!("/api/v1/jobs/{id}")).await.unwrap();
    assert_eq!(running["state"], "running", "{running}");
    nodes.0[2].kill().unwrap();
    nodes.0[2].wait().unwrap();
    let killed = Instant::now();
    let failed: Value = a0
        .get(&format!("/api/v1/jobs/{id}?wait_secs=30"))
        .await
        .unwrap();
    let took = killed.elapsed();
    assert_eq!(failed["state"], "failed", "{failed}");
    let err = failed["error"].as_str().unwrap();
    assert!(err.contains("node2"), "the error names the node: {err}");
    assert!(took < Duration::from_secs(11), "reported after {took:?}");
    let a1 = admin(&dir, 1);
    let on1: Value = a1
        .get(&format!("/api/v1/jobs/{id}?wait_secs=30"))
        .await
        .unwrap();
    assert_eq!(on1["state"], "failed", "node 1 dropped the job too: {on1}");

    // Restart node 2: it rejoins, kept its shares, and serves the next job.
    nodes.0[2] = start_node(&dir, 2);
    for i in 0..3 {
        wait_linked(&admin(&dir, i)).await;
    }
    let r2 = admin(&dir, 2).with_token(Some(researcher.clone()));
    let ds: Vec<Value> = r2.get("/api/v1/studies/adrenal/datasets").await.unwrap();
    assert_eq!(ds[0]["rows"], 48, "node 2's shares survived the restart");
    let sum: Value = r2
        .post(
            "/api/v1/jobs?wait_secs=60",
            &json!({"kind": "sum", "study": "adrenal", "dataset": "munich", "column": "age"}),
        )
        .await
        .unwrap();
    assert_eq!(sum["result"]["sum"], ages.iter().sum::<i64>(), "{sum}");

    // The three audit logs verify and agree on the shared jobs.
    let out = sharestat(&["audit", "verify", "--consortium", d]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 completed jobs cross-checked"), "{text}");

    // Tamper with one stored entry of node 1: both verifications name it.
    let db = dir.join("node1/data/node.sqlite3");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'nothing happened' WHERE seq = 2;",
    )
    .unwrap();
    drop(conn);
    let out = sharestat(&["audit", "verify", "--consortium", d]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(text.contains("node1: chain BROKEN at entry 2"), "{text}");
    let out = sharestat(&[
        "audit",
        "verify",
        "--data-dir",
        dir.join("node1/data").to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(text.contains("BROKEN at entry 2"), "{text}");
}
