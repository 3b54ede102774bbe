//! Engine computations across three meshes: a real multiplication and reveal, two concurrent
//! jobs that must not mix, a party that opens its job late (its messages are buffered), and
//! late messages for a closed job that are ignored.
mod common;
use common::*;
use sharestat_mpc::NetError;
use sharestat_mpc::net::Transport;

fn products(x: &[u64], y: &[u64]) -> Vec<u64> {
    x.iter().zip(y).map(|(a, b)| a.wrapping_mul(*b)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_job_over_the_mesh() {
    let c = cluster().await;
    all_connected(&c.meshes).await;
    let (x, y) = columns(7, 100_000);
    let want = products(&x, &y);
    for r in run_job(&c.meshes, 1, product_job(x, y)).await {
        assert_eq!(r.unwrap(), want);
    }
    for m in &c.meshes {
        m.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_jobs_do_not_mix() {
    let c = cluster().await;
    all_connected(&c.meshes).await;
    let (x1, y1) = columns(3, 2000);
    let (x2, y2) = columns(11, 2000);
    let (w1, w2) = (products(&x1, &y1), products(&x2, &y2));
    let (m1, m2) = (c.meshes.clone(), c.meshes.clone());
    let j1 = tokio::spawn(async move { run_job(&m1, 10, product_job(x1, y1)).await });
    let j2 = tokio::spawn(async move { run_job(&m2, 11, product_job(x2, y2)).await });
    for r in j1.await.unwrap() {
        assert_eq!(r.unwrap(), w1);
    }
    for r in j2.await.unwrap() {
        assert_eq!(r.unwrap(), w2);
    }
    for m in &c.meshes {
        m.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn early_messages_are_buffered_and_closed_jobs_ignore_late_ones() {
    let c = cluster().await;
    all_connected(&c.meshes).await;
    // Parties 0 and 1 send for job 5 before party 2 has opened it.
    let mut t0 = c.meshes[0].job_transport(5);
    let mut t1 = c.meshes[1].job_transport(5);
    t0.send(party(2), b"from 0".to_vec()).unwrap();
    t1.send(party(2), b"from 1".to_vec()).unwrap();
    t0.send(party(2), b"again 0".to_vec()).unwrap();
    // A round trip on another channel makes sure those frames have arrived.
    c.meshes[0]
        .call(party(2), b"sync".to_vec(), CONNECT)
        .await
        .unwrap();
    c.meshes[1]
        .call(party(2), b"sync".to_vec(), CONNECT)
        .await
        .unwrap();
    let m2 = c.meshes[2].clone();
    let got = tokio::task::spawn_blocking(move || {
        let mut t2 = m2.job_transport(5);
        let a = t2.recv(party(0)).unwrap();
        let b = t2.recv(party(1)).unwrap();
        let c = t2.recv(party(0)).unwrap();
        t2.send(party(0), b"reply".to_vec()).unwrap();
        (a, b, c)
    })
    .await
    .unwrap();
    assert_eq!(
        got,
        (b"from 0".to_vec(), b"from 1".to_vec(), b"again 0".to_vec())
    );
    let reply = tokio::task::spawn_blocking(move || t0.recv(party(2)))
        .await
        .unwrap();
    assert_eq!(reply.unwrap(), b"reply");

    // Job 5 was closed at party 2 when its transport dropped: a late message is ignored, and a
    // fresh job 6 is unaffected.
    t1.send(party(2), b"late".to_vec()).unwrap();
    let mut t1b = c.meshes[1].job_transport(6);
    t1b.send(party(2), b"six".to_vec()).unwrap();
    let m2 = c.meshes[2].clone();
    let six = tokio::task::spawn_blocking(move || m2.job_transport(6).recv(party(1)))
        .await
        .unwrap();
    assert_eq!(six.unwrap(), b"six");

    // An explicitly closed job reports Closed to a transport still holding it; talking to
    // oneself is refused.
    c.meshes[1].close_job(5);
    assert!(matches!(t1.recv(party(0)), Err(NetError::Closed { .. })));
    assert!(matches!(
        t1b.send(party(1), vec![1]),
        Err(NetError::NoLink { .. })
    ));
    for m in &c.meshes {
        m.shutdown().await;
    }
}

/// A proposal withdrawn and made again under the same id (a busy study): the job was closed
/// here, and the peers' first messages of the renewed job must not be dropped once it is
/// reopened, even if they arrive before this party starts it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reopened_job_keeps_early_messages() {
    let c = cluster().await;
    all_connected(&c.meshes).await;
    c.meshes[2].close_job(9);
    c.meshes[2].reopen_job(9);
    let mut t0 = c.meshes[0].job_transport(9);
    t0.send(party(2), b"first".to_vec()).unwrap();
    c.meshes[0]
        .call(party(2), b"sync".to_vec(), CONNECT)
        .await
        .unwrap();
    let m2 = c.meshes[2].clone();
    let got = tokio::task::spawn_blocking(move || m2.job_transport(9).recv(party(0)))
        .await
        .unwrap();
    assert_eq!(got.unwrap(), b"first");
    for m in &c.meshes {
        m.shutdown().await;
    }
}
