//! One participant of a three-party session: its links, its correlated randomness, and the
//! session set-up that agrees the pairwise PRF keys.
//!
//! Key layout (ABY3 §2.2): there are three keys `k_0, k_1, k_2`; key `k_j` is held by parties
//! `j` and `j-1`. Party `i` therefore holds `k_i` (shared with its previous party, field `own`)
//! and `k_{i+1}` (shared with its next party, field `next`). Then
//! - share `j` of a random value is `F(k_j)`, which both of its holders can compute;
//! - a zero share is `F(k_i) - F(k_{i+1})` (the three sum to zero);
//! - parties `i` and `i+1` share the stream of `k_{i+1}` (e.g. for a permutation both know).
//!
//! Set-up: each party draws `k_i` from the OS, sends it to its previous party over the (already
//! authenticated) transport, then every pair confirms its key with an AES key check value.
//! A mismatch ends the session with [`MpcError::KeyConfirmation`](crate::MpcError) instead of
//! letting later protocols compute garbage.
use crate::MpcError;
use crate::net::{Net, NetStats, Transport};
use crate::prg::{Key, Prg, key_check_value, os_key};

/// Index of a party: 0, 1 or 2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartyId(u8);

impl PartyId {
    /// The three parties in order.
    pub const ALL: [PartyId; 3] = [PartyId(0), PartyId(1), PartyId(2)];

    /// Party `i`, if `i < 3`.
    pub fn new(i: usize) -> Option<PartyId> {
        (i < 3).then_some(PartyId(i as u8))
    }
    /// The index 0..3.
    pub fn index(self) -> usize {
        self.0 as usize
    }
    /// Party `i + 1 mod 3`.
    pub fn next(self) -> PartyId {
        PartyId((self.0 + 1) % 3)
    }
    /// Party `i - 1 mod 3`.
    pub fn prev(self) -> PartyId {
        PartyId((self.0 + 2) % 3)
    }
}

impl std::fmt::Display for PartyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "P{}", self.0)
    }
}

/// Correlated randomness of one party.
pub(crate) struct Randomness {
    /// Stream of `k_i`, shared with the previous party.
    pub(crate) own: Prg,
    /// Stream of `k_{i+1}`, shared with the next party.
    pub(crate) next: Prg,
}

impl Randomness {
    /// Adds arithmetic zero shares `F(k_i) - F(k_{i+1})` to `z` in place.
    pub(crate) fn add_zero(&mut self, z: &mut [u64]) {
        self.own.apply(z, |w, r| *w = w.wrapping_add(r));
        self.next.apply(z, |w, r| *w = w.wrapping_sub(r));
    }
    /// XORs boolean zero shares `F(k_i) ^ F(k_{i+1})` into `z` in place.
    pub(crate) fn xor_zero(&mut self, z: &mut [u64]) {
        self.own.apply(z, |w, r| *w ^= r);
        self.next.apply(z, |w, r| *w ^= r);
    }
}

/// One of the three parties of a session.
pub struct Party {
    pub(crate) id: PartyId,
    pub(crate) net: Net,
    pub(crate) rand: Randomness,
    /// Whether truncations round exactly (deterministic results; the default) or carry the
    /// one-unit random error of the cheaper protocol (see `proto::fixed`).
    pub(crate) exact: bool,
}

impl std::fmt::Debug for Party {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Party")
            .field("id", &self.id)
            .field("net", &self.net)
            .finish()
    }
}

const KCV_LABEL: &[u8; 16] = b"sharestat-kcv-v1";

impl Party {
    /// Starts a session: draws this party's key from the OS, exchanges and confirms keys.
    pub fn setup(transport: Box<dyn Transport>) -> crate::Result<Party> {
        Self::exchange_keys(transport, os_key()?)
    }

    /// Deterministic session set-up for replayable runs (tests): this party's key and private
    /// stream are derived from `seed`. Never use a predictable seed in production.
    pub fn setup_seeded(transport: Box<dyn Transport>, seed: [u8; 16]) -> crate::Result<Party> {
        let mut s = Prg::new(seed);
        let mut own = s.key();
        for _ in 0..transport.me().index() {
            own = s.key();
        }
        Self::exchange_keys(transport, own)
    }

    fn exchange_keys(t: Box<dyn Transport>, own: Key) -> crate::Result<Party> {
        let mut net = Net::new(t);
        let me = net.me();
        net.round();
        net.send_bytes(me.prev(), &own)?;
        let next: Key = net.recv_bytes(me.next(), 16)?.try_into().expect("16 bytes");
        Self::from_keys(net, own, next)
    }

    /// Builds a party from keys agreed elsewhere (e.g. derived by the node layer) and confirms
    /// them with both peers: `own` must equal the previous party's `next` and vice versa.
    pub fn with_keys(transport: Box<dyn Transport>, own: Key, next: Key) -> crate::Result<Party> {
        Self::from_keys(Net::new(transport), own, next)
    }

    fn from_keys(mut net: Net, own: Key, next: Key) -> crate::Result<Party> {
        let me = net.me();
        let kcv = |k: &Key| {
            let c = key_check_value(k, KCV_LABEL);
            [
                u64::from_le_bytes(c[..8].try_into().expect("8")),
                u64::from_le_bytes(c[8..].try_into().expect("8")),
            ]
        };
        net.round();
        net.send(me.prev(), &kcv(&own))?;
        net.send(me.next(), &kcv(&next))?;
        let from_prev = net.recv(me.prev(), 2)?;
        let from_next = net.recv(me.next(), 2)?;
        if from_prev != kcv(&own) {
            return Err(MpcError::KeyConfirmation { peer: me.prev() });
        }
        if from_next != kcv(&next) {
            return Err(MpcError::KeyConfirmation { peer: me.next() });
        }
        Ok(Party {
            id: me,
            net,
            rand: Randomness {
                own: Prg::new(own),
                next: Prg::new(next),
            },
            exact: true,
        })
    }

    /// This party's index.
    pub fn id(&self) -> PartyId {
        self.id
    }

    /// Chooses how truncations round. Exact (the default): every truncation is
    /// `floor(x / 2^d + 1/2)`, so a result depends only on the secret values, never on the
    /// shares' randomness, and the same computation on the same data gives the same words
    /// every time. Not exact: the cheaper truncations of `proto::fixed` (one unit of random
    /// error; `trunc_unbiased` rounds stochastically), for measurements and tests of them.
    pub fn set_exact_rounding(&mut self, exact: bool) {
        self.exact = exact;
    }

    /// Whether truncations round exactly ([`Party::set_exact_rounding`]).
    pub fn exact_rounding(&self) -> bool {
        self.exact
    }

    /// Communication counters so far.
    pub fn stats(&self) -> NetStats {
        self.net.stats()
    }

    /// Limits the bytes this party may send in the session (counted from its start, key
    /// set-up included; `None`: no limit): the protocol step that would exceed it fails with
    /// [`MpcError::Budget`] before sending. The peers then wait for a message that never
    /// comes; the caller must close the session (the node cancels the job on all three).
    pub fn set_budget(&mut self, bytes: Option<u64>) {
        self.net.set_budget(bytes);
    }

    /// The budget set by [`Party::set_budget`].
    pub fn budget(&self) -> Option<u64> {
        self.net.budget()
    }

    /// Whether a protocol step failed because it would have exceeded the budget.
    pub fn over_budget(&self) -> bool {
        self.net.over_budget()
    }
}
