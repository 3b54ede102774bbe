//! Only consortium members get in: a node with a certificate from another CA, a raw TLS client
//! without a client certificate, and a certificate valid for the wrong name ("node9" claiming to
//! be party 1) are all refused, and never show as connected.
mod common;
use common::*;
use sharestat_net::frame::{Frame, write_frame};
use sharestat_net::testpki::{TestCa, mesh_configs};
use sharestat_net::{LinkError, Mesh, MeshConfig, client_config};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long the impostor gets to try (it retries every 300 ms at most).
const WINDOW: Duration = Duration::from_secs(3);

/// Starts the two honest parties other than `bad` and, as party `bad`, a mesh built by
/// `make_impostor` from the honest CA and the configuration party `bad` would have. Checks that
/// the honest two connect to each other, that `bad` never shows a link at either of them during
/// the window, and that the impostor has no link either.
async fn impostor_is_refused(
    bad: usize,
    make_impostor: impl FnOnce(&TestCa, &MeshConfig) -> MeshConfig,
) {
    let (ca, ids) = sharestat_net::testpki::consortium();
    let listeners = [bind().await, bind().await, bind().await];
    let addrs = [0, 1, 2].map(|i| listeners[i].local_addr().unwrap());
    let mut cfgs = mesh_configs(&ca.ca_pem, &ids, addrs);
    cfgs.iter_mut().for_each(tune);
    let mut impostor_cfg = Some(make_impostor(&ca, &cfgs[bad]));
    let mut honest = Vec::new();
    let mut evil = None;
    for (i, l) in listeners.into_iter().enumerate() {
        if i == bad {
            let cfg = impostor_cfg.take().unwrap();
            let me = cfg.me.party;
            evil = Some(Mesh::start(cfg, l, echo_handler(me)).await.unwrap());
        } else {
            honest.push(
                Mesh::start(cfgs[i].clone(), l, echo_handler(party(i)))
                    .await
                    .unwrap(),
            );
        }
    }
    let evil = evil.unwrap();
    // First the honest pair finds each other (however long that takes)...
    for m in &honest {
        until_links_up(m, |p| p != party(bad)).await;
    }
    // ...while the impostor gets a window of several reconnect attempts.
    for m in &honest {
        let waited = m.wait_connected(WINDOW).await;
        assert!(
            matches!(waited, Err(LinkError::NotConnected { peer, outgoing_up: false, incoming_up: false }) if peer == party(bad)),
            "{waited:?}"
        );
    }
    for m in &honest {
        for s in m.peer_status() {
            if s.party == party(bad) {
                assert!(
                    !s.outgoing_up && !s.incoming_up && s.last_heard_ms.is_none(),
                    "{s:?}"
                );
            } else {
                assert!(s.outgoing_up && s.incoming_up, "{s:?}");
            }
        }
    }
    for s in evil.peer_status() {
        assert!(!s.outgoing_up && !s.incoming_up, "{s:?}");
    }
    for m in honest.iter().chain([&evil]) {
        m.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_with_certificate_from_another_ca_is_refused() {
    impostor_is_refused(2, |_, cfg| {
        let other = TestCa::new("some other CA");
        let mut c = cfg.clone();
        // Same party and name, but issued by another CA; it trusts the real CA.
        c.me = other.issue(cfg.me.party, &cfg.me.name);
        c
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_for_the_wrong_name_is_refused() {
    // A genuine consortium certificate, but for "node9", claiming to be party 1 (whose
    // configured name is "node1").
    impostor_is_refused(1, |ca, cfg| {
        let mut c = cfg.clone();
        c.me = ca.issue(cfg.me.party, "node9");
        c
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_without_certificate_is_refused() {
    let c = cluster().await;
    all_connected(&c.meshes).await;
    let tcp = tokio::net::TcpStream::connect(c.addrs[0]).await.unwrap();
    let connector = tokio_rustls::TlsConnector::from(client_config(&c.ca.ca_pem, None).unwrap());
    let name = rustls_pki_types::ServerName::try_from("node0").unwrap();
    // With TLS 1.3 the client may finish its side of the handshake before the server has
    // checked (and refused) the missing certificate: the refusal then arrives as an alert.
    let refused = match connector.connect(name, tcp).await {
        Err(_) => true,
        Ok(mut tls) => {
            let _ = write_frame(&mut tls, &Frame::hello(1)).await;
            let _ = tls.flush().await;
            let mut buf = [0u8; 16];
            match tokio::time::timeout(CONNECT, tls.read(&mut buf)).await {
                Ok(Err(e)) => {
                    let msg = e.to_string();
                    assert!(msg.contains("CertificateRequired"), "{msg}");
                    true
                }
                other => panic!("server answered a client without certificate: {other:?}"),
            }
        }
    };
    assert!(refused);
    // The honest links are untouched.
    for s in c.meshes[0].peer_status() {
        assert!(s.outgoing_up && s.incoming_up, "{s:?}");
    }
    for m in &c.meshes {
        m.shutdown().await;
    }
}
