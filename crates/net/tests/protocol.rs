//! The link protocol seen from outside: a client with a genuine certificate speaks frames by
//! hand to one mesh. A hello for the wrong party is refused without acknowledgement, a good one
//! is acknowledged and shows as the incoming link, and garbage ends that link. A mesh whose
//! peers are absent fails jobs and calls at once instead of waiting.
mod common;
use common::*;
use sharestat_mpc::NetError;
use sharestat_mpc::net::Transport;
use sharestat_net::frame::{Frame, read_frame, write_frame};
use sharestat_net::testpki::{consortium, mesh_configs};
use sharestat_net::{Identity, LinkError, Mesh, client_config};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::client::TlsStream;

/// A mesh for party 0 whose peers never come up, and the consortium identities.
async fn lonely_mesh() -> (Mesh, String, [Identity; 3]) {
    let (ca, ids) = consortium();
    let l = bind().await;
    let addr = l.local_addr().unwrap();
    // Peers "listen" on ports nobody serves: bind and drop two listeners.
    let (a, b) = (bind().await, bind().await);
    let addrs = [addr, a.local_addr().unwrap(), b.local_addr().unwrap()];
    drop((a, b));
    let mut cfgs = mesh_configs(&ca.ca_pem, &ids, addrs);
    tune(&mut cfgs[0]);
    let m = Mesh::start(cfgs[0].clone(), l, echo_handler(party(0)))
        .await
        .unwrap();
    (m, ca.ca_pem.clone(), ids)
}

async fn connect_as(m: &Mesh, ca_pem: &str, id: &Identity) -> TlsStream<tokio::net::TcpStream> {
    let tcp = tokio::net::TcpStream::connect(m.local_addr())
        .await
        .unwrap();
    let connector = tokio_rustls::TlsConnector::from(client_config(ca_pem, Some(id)).unwrap());
    let name = rustls_pki_types::ServerName::try_from("node0").unwrap();
    connector.connect(name, tcp).await.unwrap()
}

async fn until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + CONNECT;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hello_is_checked_and_garbage_drops_the_link() {
    let (m, ca_pem, ids) = lonely_mesh().await;
    let incoming_up = |m: &Mesh| m.peer_status()[0].incoming_up;

    // node1's certificate claiming to be party 2: refused, nothing acknowledged.
    let mut tls = connect_as(&m, &ca_pem, &ids[1]).await;
    write_frame(&mut tls, &Frame::hello(2)).await.unwrap();
    tls.flush().await.unwrap();
    let mut buf = [0u8; 1];
    let n = tokio::time::timeout(CONNECT, tls.read(&mut buf))
        .await
        .unwrap();
    assert!(matches!(n, Ok(0) | Err(_)), "{n:?}");
    // Claiming to be party 0 itself: refused too.
    let mut tls = connect_as(&m, &ca_pem, &ids[1]).await;
    write_frame(&mut tls, &Frame::hello(0)).await.unwrap();
    tls.flush().await.unwrap();
    let n = tokio::time::timeout(CONNECT, tls.read(&mut buf))
        .await
        .unwrap();
    assert!(matches!(n, Ok(0) | Err(_)), "{n:?}");
    assert!(!incoming_up(&m));

    // The right claim is acknowledged with the acceptor's own hello.
    let mut tls = connect_as(&m, &ca_pem, &ids[1]).await;
    write_frame(&mut tls, &Frame::hello(1)).await.unwrap();
    tls.flush().await.unwrap();
    let ack = read_frame(&mut tls, CONNECT).await.unwrap();
    assert_eq!(ack, Frame::hello(0));
    until("the incoming link is up", || incoming_up(&m)).await;
    write_frame(&mut tls, &Frame::heartbeat()).await.unwrap();
    tls.flush().await.unwrap();

    // An unknown frame kind ends the link.
    tls.write_all(&[0xee; 13]).await.unwrap();
    tls.flush().await.unwrap();
    until("the incoming link is dropped", || !incoming_up(&m)).await;
    m.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_link_is_dropped() {
    // Heartbeats are due every second; after 5 s without a frame the acceptor gives up.
    let (m, ca_pem, ids) = lonely_mesh().await;
    let mut tls = connect_as(&m, &ca_pem, &ids[2]).await;
    write_frame(&mut tls, &Frame::hello(2)).await.unwrap();
    tls.flush().await.unwrap();
    assert_eq!(
        read_frame(&mut tls, CONNECT).await.unwrap(),
        Frame::hello(0)
    );
    until("the incoming link is up", || m.peer_status()[1].incoming_up).await;
    until("the silent link is dropped", || {
        !m.peer_status()[1].incoming_up
    })
    .await;
    m.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_links_jobs_and_calls_fail_at_once() {
    let (m, _, _) = lonely_mesh().await;
    let started = Instant::now();
    let call = m.call(party(1), b"hi".to_vec(), CONNECT).await;
    assert!(
        matches!(call, Err(LinkError::Down { peer }) if peer == party(1)),
        "{call:?}"
    );
    let mut t = m.job_transport(3);
    assert!(matches!(t.recv(party(2)), Err(NetError::Closed { .. })));
    assert!(matches!(
        t.send(party(1), vec![1]),
        Err(NetError::Closed { .. })
    ));
    assert!(started.elapsed() < JOB_TIMEOUT / 2);
    let waited = m.wait_connected(Duration::from_millis(200)).await;
    assert!(
        matches!(waited, Err(LinkError::NotConnected { peer, .. }) if peer == party(1)),
        "{waited:?}"
    );
    m.shutdown().await;
    assert!(matches!(
        m.wait_connected(CONNECT).await,
        Err(LinkError::Stopped)
    ));
}
