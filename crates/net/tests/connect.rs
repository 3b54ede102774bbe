//! Three meshes come up over mutual TLS, report their links, and answer control calls in every
//! direction; a call to a slow handler times out naming the peer.
mod common;
use common::*;
use sharestat_mpc::net::Transport;
use sharestat_net::LinkError;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn meshes_connect_and_calls_work_both_ways() {
    let c = cluster().await;
    all_connected(&c.meshes).await;
    for m in &c.meshes {
        let status = m.peer_status();
        assert_eq!(status.len(), 2);
        for s in &status {
            assert!(s.outgoing_up && s.incoming_up, "{s:?}");
            assert_eq!(s.name, format!("node{}", s.party.index()));
        }
    }
    for from in 0..3 {
        for to in (0..3).filter(|&t| t != from) {
            let resp = c.meshes[from]
                .call(party(to), format!("hi {from}").into_bytes(), CONNECT)
                .await
                .unwrap();
            assert_eq!(
                String::from_utf8(resp).unwrap(),
                format!("P{to} got hi {from} from P{from}")
            );
        }
    }
    // Many concurrent calls are matched to their own answers.
    let calls = (0..50).map(|i| {
        let m = c.meshes[0].clone();
        async move {
            m.call(party(1 + i % 2), vec![b'a' + (i % 26) as u8], CONNECT)
                .await
        }
    });
    let answers = futures_join(calls).await;
    for (i, a) in answers.into_iter().enumerate() {
        let want = format!(
            "P{} got {} from P0",
            1 + i % 2,
            (b'a' + (i % 26) as u8) as char
        );
        assert_eq!(String::from_utf8(a.unwrap()).unwrap(), want);
    }
    let s = &c.meshes[2].peer_status()[0];
    assert!(s.last_heard_ms.is_some());

    let slow = c.meshes[1]
        .call(party(2), b"sleep".to_vec(), Duration::from_millis(300))
        .await;
    assert!(
        matches!(slow, Err(LinkError::Timeout { peer }) if peer == party(2)),
        "{slow:?}"
    );
    let own = c.meshes[1].call(party(1), b"x".to_vec(), CONNECT).await;
    assert!(matches!(own, Err(LinkError::UnknownPeer { .. })), "{own:?}");

    for m in &c.meshes {
        m.shutdown().await;
    }
    let after = c.meshes[0].call(party(1), b"x".to_vec(), CONNECT).await;
    assert!(matches!(after, Err(LinkError::Stopped)), "{after:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeats_keep_idle_links_alive() {
    // Heartbeat every 100 ms; an incoming link silent for 3 s would be dropped (and every job
    // with it). Stay idle for longer than that: the links and an open job survive.
    let c = cluster_with(|cfg| cfg.heartbeat = Duration::from_millis(100)).await;
    all_connected(&c.meshes).await;
    let mut t0 = c.meshes[0].job_transport(9);
    let mut t1 = c.meshes[1].job_transport(9);
    tokio::time::sleep(Duration::from_secs(4)).await;
    for m in &c.meshes {
        for s in m.peer_status() {
            assert!(s.outgoing_up && s.incoming_up, "{s:?}");
            assert!(s.last_heard_ms.unwrap() < 3000, "{s:?}");
        }
    }
    t0.send(party(1), b"still here".to_vec()).unwrap();
    let got = tokio::task::spawn_blocking(move || t1.recv(party(0)))
        .await
        .unwrap();
    assert_eq!(got.unwrap(), b"still here");
    for m in &c.meshes {
        m.shutdown().await;
    }
}

/// Joins futures concurrently on the current runtime.
async fn futures_join<F>(futs: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}
