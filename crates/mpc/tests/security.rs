//! What a single party sees: its shares and every message it receives are independent of the
//! secrets (statistically, over many sharings), and misconfigured sessions fail loudly.
//!
//! Each statistical test also runs on a deliberately leaky "view" as a negative control, to
//! show the statistic would catch a dependence on the secret.
use sharestat_mpc::harness::{Keys, run_in_memory};
use sharestat_mpc::net::memory::{MemTransport, mesh};
use sharestat_mpc::net::{Transport, memory};
use sharestat_mpc::prg::Prg;
use sharestat_mpc::proto::io::deal;
use sharestat_mpc::{MpcError, NetError, Party, PartyId};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Pearson chi-square statistic of a byte histogram against the uniform distribution.
fn chi2_uniform(bytes: &[u8]) -> f64 {
    let mut h = [0f64; 256];
    for &b in bytes {
        h[b as usize] += 1.0;
    }
    let e = bytes.len() as f64 / 256.0;
    h.iter().map(|o| (o - e) * (o - e) / e).sum()
}

/// Two-sample chi-square statistic comparing two byte histograms.
fn chi2_two_sample(x: &[u8], y: &[u8]) -> f64 {
    let (mut hx, mut hy) = ([0f64; 256], [0f64; 256]);
    x.iter().for_each(|&b| hx[b as usize] += 1.0);
    y.iter().for_each(|&b| hy[b as usize] += 1.0);
    let (nx, ny) = (x.len() as f64, y.len() as f64);
    (0..256)
        .filter(|&i| hx[i] + hy[i] > 0.0)
        .map(|i| {
            let d = hx[i] / nx - hy[i] / ny;
            d * d / (hx[i] + hy[i]) * nx * ny
        })
        .sum()
}

/// Chi-square with 255 degrees of freedom exceeds this with probability about 1e-6.
const CRITICAL: f64 = 380.0;

fn view_bytes(words: &[u64]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

#[test]
fn a_partys_shares_are_independent_of_the_secret() {
    let n = 20_000;
    let secrets: [u64; 4] = [0, 1, (-1i64) as u64, 1 << 62];
    let mut views = Vec::new();
    for (k, &s) in secrets.iter().enumerate() {
        let mut dealer = Prg::new([k as u8 + 1; 16]);
        let shares = deal(&vec![s; n], &mut dealer);
        for p in PartyId::ALL {
            let (a, b) = shares[p.index()].parts();
            let bytes = [view_bytes(a), view_bytes(b)].concat();
            assert!(
                chi2_uniform(&bytes) < CRITICAL,
                "party {p} view not uniform"
            );
            if p.index() == 0 {
                views.push(bytes);
            }
        }
    }
    for v in &views[1..] {
        assert!(chi2_two_sample(&views[0], v) < CRITICAL);
    }
    // Negative control: a "view" holding x_0 and x_0 + x_1 + x_2 = the secret is caught.
    let mut dealer = Prg::new([9; 16]);
    let shares = deal(&vec![7u64; n], &mut dealer);
    let (a, _) = shares[0].parts();
    let (_, c) = shares[1].parts();
    let leaky: Vec<u64> = a
        .iter()
        .zip(shares[0].parts().1)
        .zip(c)
        .map(|((x, y), z)| x.wrapping_add(*y).wrapping_add(*z))
        .collect();
    assert!(chi2_uniform(&view_bytes(&leaky)) > CRITICAL * 10.0);
}

/// A transport that keeps a copy of every payload this party receives.
struct Recording {
    inner: MemTransport,
    seen: Arc<Mutex<Vec<u8>>>,
}

impl Transport for Recording {
    fn me(&self) -> PartyId {
        self.inner.me()
    }
    fn send(&mut self, to: PartyId, msg: Vec<u8>) -> Result<(), NetError> {
        self.inner.send(to, msg)
    }
    fn recv(&mut self, from: PartyId) -> Result<Vec<u8>, NetError> {
        let m = self.inner.recv(from)?;
        self.seen.lock().unwrap().extend_from_slice(&m[8..]); // skip the sequence number
        Ok(m)
    }
}

/// Everything party 1 receives while party 0 inputs `secret` and the three compute
/// `x * x`, `x < x*x` and a shuffle of `x` (no reveal).
fn party1_view(secret: u64, seed: u8) -> Vec<u8> {
    let n = 4096;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let ends = mesh(Duration::from_secs(30));
    std::thread::scope(|s| {
        for t in ends {
            let seen = seen.clone();
            s.spawn(move || {
                let me = t.me();
                let t: Box<dyn Transport> = if me.index() == 1 {
                    Box::new(Recording { inner: t, seen })
                } else {
                    Box::new(t)
                };
                let mut p = Party::setup_seeded(t, [seed; 16]).unwrap();
                let v = vec![secret; n];
                let x = p
                    .input(PartyId::ALL[0], (me.index() == 0).then_some(&v[..]), n)
                    .unwrap();
                let y = p.mul(&x, &x).unwrap();
                p.lt(&x, &y, 64).unwrap();
                p.shuffle(&[&x]).unwrap();
            });
        }
    });
    let mut v = seen.lock().unwrap().clone();
    v.drain(..16 + 16); // key set-up messages: key and key check value
    v
}

#[test]
fn messages_a_party_receives_are_independent_of_the_secret() {
    let v0 = party1_view(0, 3);
    let v1 = party1_view(0x0123_4567_89AB_CDEF, 3);
    let v2 = party1_view((-5i64) as u64, 3);
    assert!(v0.len() > 100_000);
    for v in [&v0, &v1, &v2] {
        let c = chi2_uniform(v);
        assert!(c < CRITICAL, "received bytes not uniform: chi2 {c}");
    }
    assert!(chi2_two_sample(&v0, &v1) < CRITICAL);
    assert!(chi2_two_sample(&v0, &v2) < CRITICAL);
    // Negative control: if party 0 had sent x in the clear, the same statistic flags it.
    let mut leaky = v1.clone();
    leaky.extend(std::iter::repeat_n(0xEF, 40_000));
    assert!(chi2_uniform(&leaky) > CRITICAL * 10.0);
}

#[test]
fn runs_replay_exactly_from_the_same_keys() {
    let run = || {
        run_in_memory(Keys::Seeded([5; 16]), |p| {
            let x = p.random(100);
            let y = p.mul(&x, &x)?;
            let s = p.shuffle(&[&y])?;
            Ok(s[0].clone().into_parts())
        })
        .unwrap()
    };
    assert_eq!(run(), run());
    let other = run_in_memory(Keys::Seeded([6; 16]), |p| Ok(p.random(100).into_parts())).unwrap();
    assert_ne!(run()[0].0, other[0].0);
}

/// Runs `f` on each end of a fresh in-memory mesh (its own thread each); no key set-up.
fn on_each_end<T: Send>(
    f: impl Fn(MemTransport) -> sharestat_mpc::Result<T> + Sync,
) -> Vec<sharestat_mpc::Result<T>> {
    let f = &f;
    std::thread::scope(|s| {
        let hs: Vec<_> = memory::mesh(Duration::from_secs(5))
            .into_iter()
            .map(|t| s.spawn(move || f(t)))
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[test]
fn a_wrong_key_setup_fails_loudly() {
    let keys = [[1u8; 16], [2u8; 16], [3u8; 16]]; // k_j is held by parties j and j-1
    let results = on_each_end(|t| {
        let i = t.me().index();
        let mut next = keys[(i + 1) % 3];
        if i == 1 {
            next[0] ^= 1; // party 1 holds a different k_2 than party 2
        }
        Party::with_keys(Box::new(t), keys[i], next).map(|_| ())
    });
    assert!(results[0].is_ok());
    assert!(matches!(results[1], Err(MpcError::KeyConfirmation { peer }) if peer.index() == 2));
    assert!(matches!(results[2], Err(MpcError::KeyConfirmation { peer }) if peer.index() == 1));
}

#[test]
fn parties_running_different_protocols_fail_loudly() {
    let results = on_each_end(|t| {
        let mut p = Party::setup_seeded(Box::new(t), [1; 16])?;
        let n = if p.id().index() == 2 { 11 } else { 10 };
        let x = p.random(n);
        let y = p.mul(&x, &x)?;
        p.reveal(&y).map(|_| ())
    });
    assert!(results.iter().all(|r| r.is_err()), "{results:?}");
    assert!(
        results
            .iter()
            .any(|r| matches!(r, Err(MpcError::Desync { .. }))),
        "{results:?}"
    );
}
