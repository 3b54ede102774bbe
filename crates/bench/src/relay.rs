//! A delaying TCP relay: the fallback WAN emulation for machines whose kernel has no `netem`
//! (see `wan.rs`). Node `i`'s link to node `j` goes through a relay on 127.0.0.1 that holds
//! every chunk of bytes, in each direction, for the one-way delay before passing it on, so the
//! two nodes see a round-trip time of twice that. TLS runs end to end through it (the relay sees
//! only ciphertext). Unlike netem it delays per read rather than per packet and adds no loss or
//! bandwidth limit: it emulates the latency of a wide-area link, which is what bounds an MPC
//! protocol's rounds, not its throughput.
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Starts a relay to `target` that delays each direction by `one_way`; returns its address.
/// It runs until the runtime stops.
pub fn spawn(target: SocketAddr, one_way: Duration) -> Result<SocketAddr, String> {
    let std_listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("relay: bind: {e}"))?;
    std_listener
        .set_nonblocking(true)
        .map_err(|e| format!("relay: {e}"))?;
    let addr = std_listener
        .local_addr()
        .map_err(|e| format!("relay: {e}"))?;
    let listener = TcpListener::from_std(std_listener).map_err(|e| format!("relay: {e}"))?;
    tokio::spawn(async move {
        while let Ok((inbound, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Ok(outbound) = TcpStream::connect(target).await else {
                    return;
                };
                let _ = inbound.set_nodelay(true);
                let _ = outbound.set_nodelay(true);
                let (ri, wi) = inbound.into_split();
                let (ro, wo) = outbound.into_split();
                tokio::join!(pipe(ri, wo, one_way), pipe(ro, wi, one_way));
            });
        }
    });
    Ok(addr)
}

/// Copies `from` to `to`, each chunk `delay` after it was read (order kept).
async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    delay: Duration,
) {
    let (tx, mut rx) = mpsc::unbounded_channel::<(Instant, Vec<u8>)>();
    let reader = async move {
        let mut buf = vec![0u8; 1 << 16];
        loop {
            match from.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx
                        .send((Instant::now() + delay, buf[..n].to_vec()))
                        .is_err()
                    {
                        break;
                    }
                }
            }
        }
    };
    let writer = async move {
        while let Some((due, bytes)) = rx.recv().await {
            tokio::time::sleep_until(due).await;
            if to.write_all(&bytes).await.is_err() {
                break;
            }
        }
        let _ = to.shutdown().await;
    };
    tokio::join!(reader, writer);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bytes_arrive_in_order_after_the_delay() {
        let server = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let target = server.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut s, _) = server.accept().await.unwrap();
            let mut buf = [0u8; 5];
            s.read_exact(&mut buf).await.unwrap();
            s.write_all(&buf).await.unwrap();
        });
        let relay = spawn(target, Duration::from_millis(20)).unwrap();
        let mut c = TcpStream::connect(relay).await.unwrap();
        let t = std::time::Instant::now();
        c.write_all(b"hello").await.unwrap();
        let mut back = [0u8; 5];
        c.read_exact(&mut back).await.unwrap();
        assert_eq!(&back, b"hello");
        assert!(t.elapsed() >= Duration::from_millis(40), "one round trip");
    }
}
