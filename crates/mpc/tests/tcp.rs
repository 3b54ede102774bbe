//! Three parties over real TCP sockets on loopback: the same protocols give the same answers
//! as over in-memory channels, and an absent peer is reported by name.
use sharestat_mpc::harness::{Keys, run_tcp};
use sharestat_mpc::net::stream::tcp_mesh;
use sharestat_mpc::prg::Prg;
use sharestat_mpc::proto::io::deal;
use sharestat_mpc::{AShares, NetError, PartyId};
use std::net::TcpListener;
use std::time::Duration;

#[test]
fn protocols_over_tcp_loopback_match_plaintext() {
    let n = 300usize;
    let x: Vec<u64> = (0..n as i64)
        .map(|i| ((i * 37) % 101 - 50) as u64)
        .collect();
    let y: Vec<u64> = (0..n as i64).map(|i| ((i * 11) % 13 - 6) as u64).collect();
    let mut dealer = Prg::new([4; 16]);
    let dx = deal(&x, &mut dealer);
    let dy = deal(&y, &mut dealer);
    let [a, b, c] = run_tcp(Keys::Os, |p| {
        let (sx, sy) = (&dx[p.id().index()], &dy[p.id().index()]);
        let prod = p.mul(sx, sy)?;
        let lt = p.lt(sx, sy, 64)?;
        let lt = p.b2a_bits(&lt)?;
        let eq = p.eq(sx, sy, 64)?;
        let eq = p.b2a_bits(&eq)?;
        let (sorted, pay) = p.sort(sx, &[sy], 16)?;
        let med = p.select_kth(sx, &[n / 2], 16)?;
        let shuffled = p.shuffle(&[sx])?;
        let t = p.trunc(&sx.scale(1 << 10), 10)?;
        let all = AShares::concat(&[&prod, &lt, &eq, &sorted, &pay[0], &med, &t]);
        let mut sh = p.reveal(&shuffled[0])?;
        sh.sort();
        Ok((p.reveal(&all)?, sh, p.stats()))
    })
    .unwrap();
    assert_eq!(a.0, b.0);
    assert_eq!(b.0, c.0);
    let got = &a.0;
    let mut rows: Vec<(i64, u64)> = x.iter().map(|&v| v as i64).zip(y.iter().copied()).collect();
    rows.sort_by_key(|r| r.0);
    let mut want: Vec<u64> = (0..n).map(|i| x[i].wrapping_mul(y[i])).collect();
    want.extend((0..n).map(|i| ((x[i] as i64) < (y[i] as i64)) as u64));
    want.extend((0..n).map(|i| (x[i] == y[i]) as u64));
    want.extend(rows.iter().map(|r| r.0 as u64));
    want.extend(rows.iter().map(|r| r.1));
    want.push(rows[n / 2].0 as u64);
    want.extend(x.iter().map(|&v| (((v as i64) << 10) >> 10) as u64));
    // truncation may be one below the exact value
    let tail = want.len() - n;
    assert_eq!(got[..tail], want[..tail]);
    for i in 0..n {
        let (g, w) = (got[tail + i] as i64, want[tail + i] as i64);
        assert!(g == w || g == w - 1, "trunc {g} vs {w}");
    }
    let mut sx = x.clone();
    sx.sort();
    assert_eq!(a.1, sx);
    assert!(a.2.bytes_sent > 0 && a.2.rounds == b.2.rounds && b.2.rounds == c.2.rounds);
}

#[test]
fn an_absent_peer_is_named() {
    let l0 = TcpListener::bind("127.0.0.1:0").unwrap();
    let l1 = TcpListener::bind("127.0.0.1:0").unwrap();
    let gone = TcpListener::bind("127.0.0.1:0").unwrap();
    let addrs = [
        l0.local_addr().unwrap(),
        l1.local_addr().unwrap(),
        gone.local_addr().unwrap(),
    ];
    drop(gone); // party 2 never comes up
    let h = std::thread::spawn(move || {
        tcp_mesh(
            PartyId::ALL[1],
            &l1,
            &addrs,
            Duration::from_millis(600),
            Duration::from_secs(1),
        )
        .map(|_| ())
    });
    let r0 = tcp_mesh(
        PartyId::ALL[0],
        &l0,
        &addrs,
        Duration::from_millis(600),
        Duration::from_secs(1),
    );
    let r1 = h.join().unwrap();
    assert!(
        matches!(r1, Err(NetError::Connect { peer, .. }) if peer.index() == 2),
        "{r1:?}"
    );
    assert!(matches!(r0, Err(NetError::Connect { peer, .. }) if peer.index() == 2));
}
