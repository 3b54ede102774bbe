//! A node that stops in the middle of a job: the two others' receives fail promptly with an
//! error naming it (long before the job timeout), and once it restarts on the same address the
//! links come back and the next job works.
mod common;
use common::*;
use sharestat_mpc::{MpcError, NetError, Party};
use sharestat_net::Mesh;
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopped_peer_fails_jobs_promptly_and_reconnects_after_restart() {
    let mut c = cluster().await;
    all_connected(&c.meshes).await;

    // Job 1: everyone sets up; party 2 then leaves the job while 0 and 1 multiply and reveal,
    // which needs party 2's messages.
    let (left_tx, left_rx) = mpsc::channel();
    let mut handles = Vec::new();
    for (i, m) in c.meshes.iter().enumerate() {
        let t = m.job_transport(1);
        let left_tx = left_tx.clone();
        handles.push(std::thread::spawn(move || -> Result<Vec<u64>, MpcError> {
            let mut p = Party::setup(Box::new(t))?;
            if i == 2 {
                left_tx.send(()).unwrap();
                return Ok(Vec::new());
            }
            let x = p.input(party(0), (i == 0).then_some(&[6u64, 7][..]), 2)?;
            let y = p.mul(&x, &x)?;
            p.reveal(&y)
        }));
    }
    tokio::task::spawn_blocking(move || left_rx.recv().unwrap())
        .await
        .unwrap();
    let stopped_at = Instant::now();
    c.meshes[2].shutdown().await;
    let results = tokio::task::spawn_blocking(move || {
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    let elapsed = stopped_at.elapsed();
    for r in &results[..2] {
        assert!(
            matches!(r, Err(MpcError::Net(NetError::Closed { peer })) if *peer == party(2)),
            "{r:?}"
        );
    }
    assert!(
        elapsed < JOB_TIMEOUT / 2,
        "failure took {elapsed:?}, job timeout is {JOB_TIMEOUT:?}"
    );
    // Both links to party 2 are reported down (the second one may lag the first a little).
    for m in &c.meshes[..2] {
        let deadline = Instant::now() + CONNECT;
        loop {
            let s = m.peer_status();
            let two = s.iter().find(|s| s.party == party(2)).unwrap().clone();
            if !two.outgoing_up && !two.incoming_up {
                break;
            }
            assert!(Instant::now() < deadline, "{two:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    // Restart party 2 on the same address (the old listener is closed by shutdown).
    let addr = c.addrs[2];
    let listener = {
        let deadline = Instant::now() + CONNECT;
        loop {
            match tokio::net::TcpListener::bind(addr).await {
                Ok(l) => break l,
                Err(e) if Instant::now() < deadline => {
                    eprintln!("rebinding {addr}: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("cannot rebind {addr}: {e}"),
            }
        }
    };
    c.meshes[2] = Mesh::start(c.cfgs[2].clone(), listener, echo_handler(party(2)))
        .await
        .unwrap();
    all_connected(&c.meshes).await;
    let (x, y) = columns(5, 300);
    let want: Vec<u64> = x.iter().zip(&y).map(|(a, b)| a * b).collect();
    for r in run_job(&c.meshes, 2, product_job(x, y)).await {
        assert_eq!(r.unwrap(), want);
    }
    let pong = c.meshes[0]
        .call(party(2), b"back?".to_vec(), CONNECT)
        .await
        .unwrap();
    assert_eq!(pong, b"P2 got back? from P0");
    for m in &c.meshes {
        m.shutdown().await;
    }
}
