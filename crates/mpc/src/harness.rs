//! Runs one closure as all three parties of a session, each on its own thread, over the
//! in-memory transport or over plain TCP on loopback. Used by tests and benchmarks; the node
//! service runs parties in separate processes instead.
use crate::net::Transport;
use crate::net::memory;
use crate::net::stream::tcp_mesh;
use crate::party::{Party, PartyId};
use std::net::TcpListener;
use std::time::Duration;

/// Receive timeout used by the harness.
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// How the three parties of a harness run are set up.
#[derive(Clone, Copy, Debug)]
pub enum Keys {
    /// Fresh keys from the OS (as in production).
    Os,
    /// Keys derived from a seed: the run can be replayed exactly.
    Seeded([u8; 16]),
}

fn run_with<T: Send>(
    transports: [Box<dyn Transport>; 3],
    keys: Keys,
    f: impl Fn(&mut Party) -> crate::Result<T> + Sync,
) -> crate::Result<[T; 3]> {
    let f = &f;
    let results: Vec<crate::Result<T>> = std::thread::scope(|scope| {
        let handles: Vec<_> = transports
            .into_iter()
            .map(|t| {
                scope.spawn(move || {
                    let mut p = match keys {
                        Keys::Os => Party::setup(t)?,
                        Keys::Seeded(seed) => Party::setup_seeded(t, seed)?,
                    };
                    f(&mut p)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("party thread panicked"))
            .collect()
    });
    let mut out = Vec::with_capacity(3);
    for r in results {
        out.push(r?);
    }
    Ok(out
        .try_into()
        .unwrap_or_else(|_| unreachable!("three results")))
}

/// Runs `f` as each of the three parties over in-memory channels.
pub fn run_in_memory<T: Send>(
    keys: Keys,
    f: impl Fn(&mut Party) -> crate::Result<T> + Sync,
) -> crate::Result<[T; 3]> {
    let [a, b, c] = memory::mesh(TIMEOUT);
    run_with([Box::new(a), Box::new(b), Box::new(c)], keys, f)
}

/// Runs `f` as each of the three parties over TCP on 127.0.0.1 (ports chosen by the OS).
pub fn run_tcp<T: Send>(
    keys: Keys,
    f: impl Fn(&mut Party) -> crate::Result<T> + Sync,
) -> crate::Result<[T; 3]> {
    let listeners: Vec<TcpListener> = (0..3)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("bind loopback"))
        .collect();
    let addrs = [0, 1, 2].map(|i| listeners[i].local_addr().expect("local addr"));
    let transports: Vec<Box<dyn Transport>> = std::thread::scope(|scope| {
        let hs: Vec<_> = listeners
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let addrs = &addrs;
                scope.spawn(move || {
                    let me = PartyId::new(i).expect("i < 3");
                    tcp_mesh(me, l, addrs, Duration::from_secs(10), TIMEOUT)
                })
            })
            .collect();
        hs.into_iter()
            .map(|h| {
                let t = h.join().expect("connect thread panicked")?;
                Ok(Box::new(t) as Box<dyn Transport>)
            })
            .collect::<crate::Result<Vec<_>>>()
    })?;
    let t: [Box<dyn Transport>; 3] = transports
        .try_into()
        .unwrap_or_else(|_| unreachable!("three transports"));
    run_with(t, keys, f)
}
