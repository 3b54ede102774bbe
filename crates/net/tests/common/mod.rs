//! Shared helpers of the integration tests: a consortium of three meshes on 127.0.0.1 with real
//! TLS, an echo control handler, and a runner for engine jobs in plain threads.
#![allow(dead_code)]
use sharestat_mpc::{MpcError, Party, PartyId};
use sharestat_net::testpki::{TestCa, consortium, mesh_configs};
use sharestat_net::{ControlHandler, Identity, Mesh, MeshConfig};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Generous bound for links to come up on a loaded machine.
pub const CONNECT: Duration = Duration::from_secs(30);
/// Job timeout used by the tests: far above any expected wait.
pub const JOB_TIMEOUT: Duration = Duration::from_secs(30);

pub fn party(i: usize) -> PartyId {
    PartyId::new(i).unwrap()
}

/// A handler answering `"<me> got <request> from <from>"`; the request `"sleep"` never answers
/// within a test.
pub fn echo_handler(me: PartyId) -> ControlHandler {
    Arc::new(move |from: PartyId, req: Vec<u8>| {
        Box::pin(async move {
            if req == b"sleep" {
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
            format!("{me} got {} from {from}", String::from_utf8_lossy(&req)).into_bytes()
        })
    })
}

/// Test timings: quick reconnects, long job timeout.
pub fn tune(cfg: &mut MeshConfig) {
    cfg.max_backoff = Duration::from_millis(300);
    cfg.job_timeout = JOB_TIMEOUT;
}

pub struct Cluster {
    pub ca: TestCa,
    pub ids: [Identity; 3],
    pub addrs: [SocketAddr; 3],
    pub cfgs: [MeshConfig; 3],
    pub meshes: Vec<Mesh>,
}

pub async fn bind() -> TcpListener {
    init_logs();
    TcpListener::bind("127.0.0.1:0").await.unwrap()
}

/// Logs to the test output, filtered by `RUST_LOG` (nothing by default).
pub fn init_logs() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
}

/// Three meshes with certificates from one CA, started (not yet waited for).
pub async fn cluster() -> Cluster {
    cluster_with(|_| {}).await
}

/// Like [`cluster`], with each configuration adjusted by `adjust` after [`tune`].
pub async fn cluster_with(adjust: impl Fn(&mut MeshConfig)) -> Cluster {
    init_logs();
    let (ca, ids) = consortium();
    let listeners = [bind().await, bind().await, bind().await];
    let addrs = [0, 1, 2].map(|i| listeners[i].local_addr().unwrap());
    let mut cfgs = mesh_configs(&ca.ca_pem, &ids, addrs);
    for cfg in cfgs.iter_mut() {
        tune(cfg);
        adjust(cfg);
    }
    let mut meshes = Vec::new();
    for (cfg, l) in cfgs.iter().zip(listeners) {
        let me = cfg.me.party;
        meshes.push(Mesh::start(cfg.clone(), l, echo_handler(me)).await.unwrap());
    }
    Cluster {
        ca,
        ids,
        addrs,
        cfgs,
        meshes,
    }
}

/// Waits until every mesh has all its links up.
pub async fn all_connected(meshes: &[Mesh]) {
    for m in meshes {
        m.wait_connected(CONNECT).await.unwrap();
    }
}

/// Runs `f` as each party of job `job` (one plain thread per party, `Party::setup` over the
/// mesh's job transport) and returns the three results.
pub async fn run_job<T: Send + 'static>(
    meshes: &[Mesh],
    job: u64,
    f: impl Fn(&mut Party) -> Result<T, MpcError> + Send + Sync + 'static,
) -> Vec<Result<T, MpcError>> {
    let f = Arc::new(f);
    let handles: Vec<_> = meshes
        .iter()
        .map(|m| {
            let t = m.job_transport(job);
            let f = f.clone();
            std::thread::spawn(move || {
                let mut p = Party::setup(Box::new(t))?;
                f(&mut p)
            })
        })
        .collect();
    tokio::task::spawn_blocking(move || {
        handles
            .into_iter()
            .map(|h| h.join().expect("party thread panicked"))
            .collect()
    })
    .await
    .unwrap()
}

/// The plaintext products of the columns used by the engine tests.
pub fn columns(seed: u64, n: usize) -> (Vec<u64>, Vec<u64>) {
    let x = (0..n as u64).map(|i| i.wrapping_mul(seed) % 1000).collect();
    let y = (0..n as u64).map(|i| (i + seed) % 77).collect();
    (x, y)
}

/// Party 0 inputs `x`, party 1 inputs `y`; all reveal `x * y` elementwise.
pub fn product_job(x: Vec<u64>, y: Vec<u64>) -> impl Fn(&mut Party) -> Result<Vec<u64>, MpcError> {
    move |p: &mut Party| {
        let me = p.id().index();
        let n = x.len();
        let sx = p.input(party(0), (me == 0).then_some(&x[..]), n)?;
        let sy = p.input(party(1), (me == 1).then_some(&y[..]), n)?;
        let z = p.mul(&sx, &sy)?;
        p.reveal(&z)
    }
}

/// Waits (up to [`CONNECT`]) until both links to every peer selected by `which` are up.
pub async fn until_links_up(m: &Mesh, which: impl Fn(PartyId) -> bool) {
    let deadline = std::time::Instant::now() + CONNECT;
    loop {
        let status = m.peer_status();
        if status
            .iter()
            .filter(|s| which(s.party))
            .all(|s| s.outgoing_up && s.incoming_up)
        {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "links not up: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
