//! Per-job message queues and the blocking engine transport of one job.
//!
//! Each job id has a slot with one queue per sending peer. The connection readers push into
//! slots (creating them for jobs not yet opened locally, so a peer may start a moment earlier);
//! a [`JobTransport`] pops from its slot, waiting on a condition variable at most the mesh's job
//! timeout. When a link to either peer drops, every slot is marked failed: receives drain what
//! already arrived, then return [`NetError::Closed`] naming the peer whose link dropped.
//!
//! Buffered messages of a job that is never opened stay until the job is closed: a node that
//! declines a job a peer has started should call [`Mesh::close_job`](crate::Mesh::close_job).
use crate::frame::{Frame, Kind, MAX_PAYLOAD};
use crate::state::Inner;
use sharestat_mpc::net::Transport;
use sharestat_mpc::{NetError, PartyId};
use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

/// Why a job can no longer make progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// A link to this peer went down.
    Peer(PartyId),
    /// The job was closed locally or the mesh shut down.
    Local,
}

#[derive(Default)]
struct SlotState {
    queues: [VecDeque<Vec<u8>>; 3],
    failed: Option<Failure>,
}

/// The queues of one job.
#[derive(Default)]
pub(crate) struct JobSlot {
    state: Mutex<SlotState>,
    cv: Condvar,
}

impl JobSlot {
    fn lock(&self) -> MutexGuard<'_, SlotState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Marks the job failed (the first cause wins) and wakes its receiver.
    pub(crate) fn fail(&self, why: Failure) {
        let mut st = self.lock();
        st.failed.get_or_insert(why);
        drop(st);
        self.cv.notify_all();
    }

    fn push(&self, from: PartyId, msg: Vec<u8>) {
        self.lock().queues[from.index()].push_back(msg);
        self.cv.notify_all();
    }

    fn failure(&self) -> Option<Failure> {
        self.lock().failed
    }
}

fn closed(why: Failure, fallback: PartyId) -> NetError {
    match why {
        Failure::Peer(peer) => NetError::Closed { peer },
        Failure::Local => NetError::Closed { peer: fallback },
    }
}

impl Inner {
    /// Opens job `job` (creating its slot or adopting the buffered one). If the mesh is stopped
    /// or a link to a peer is down, the job starts out failed.
    pub(crate) fn open_job(&self, job: u64) -> Arc<JobSlot> {
        let mut st = self.lock();
        st.reopen(job);
        let slot = st.jobs.entry(job).or_default().clone();
        if st.stopped {
            slot.fail(Failure::Local);
        }
        for p in self.peer_list() {
            if !st.links[p.spec.party.index()].up() {
                slot.fail(Failure::Peer(p.spec.party));
            }
        }
        slot
    }

    /// Queues a message of job `job` from `from`, unless the job was closed.
    pub(crate) fn deliver_job(&self, from: PartyId, job: u64, msg: Vec<u8>) {
        let slot = {
            let mut st = self.lock();
            if st.stopped || st.is_closed(job) {
                return;
            }
            st.jobs.entry(job).or_default().clone()
        };
        slot.push(from, msg);
    }

    /// Frees job `job` and ignores later messages for it. With `only`, does nothing unless the
    /// job's current slot is that one (a dropped transport must not close a reopened job).
    pub(crate) fn close_job(&self, job: u64, only: Option<&Arc<JobSlot>>) {
        let mut st = self.lock();
        if let Some(only) = only {
            match st.jobs.get(&job) {
                Some(cur) if Arc::ptr_eq(only, cur) => {}
                _ => return,
            }
        }
        if let Some(slot) = st.jobs.remove(&job) {
            slot.fail(Failure::Local);
        }
        st.remember_closed(job);
    }
}

/// The engine transport of one job over a [`Mesh`](crate::Mesh).
///
/// `send` queues the message on the outgoing link's writer and never blocks; `recv` blocks the
/// calling thread (use it from a plain thread or `spawn_blocking`, never on an async worker) for
/// at most the mesh's job timeout. Dropping the transport closes the job like
/// [`Mesh::close_job`](crate::Mesh::close_job).
pub struct JobTransport {
    inner: Arc<Inner>,
    job: u64,
    slot: Arc<JobSlot>,
}

impl std::fmt::Debug for JobTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobTransport")
            .field("me", &self.inner.me)
            .field("job", &self.job)
            .finish()
    }
}

impl JobTransport {
    pub(crate) fn new(inner: Arc<Inner>, job: u64) -> JobTransport {
        let slot = inner.open_job(job);
        JobTransport { inner, job, slot }
    }

    /// The job id.
    pub fn job(&self) -> u64 {
        self.job
    }

    fn check_peer(&self, from: PartyId, to: PartyId) -> Result<(), NetError> {
        let peer = if from == self.inner.me { to } else { from };
        match self.inner.peer(peer) {
            Some(_) if from != to => Ok(()),
            _ => Err(NetError::NoLink { from, to }),
        }
    }
}

impl Drop for JobTransport {
    fn drop(&mut self) {
        self.inner.close_job(self.job, Some(&self.slot));
    }
}

impl Transport for JobTransport {
    fn me(&self) -> PartyId {
        self.inner.me
    }

    fn send(&mut self, to: PartyId, msg: Vec<u8>) -> Result<(), NetError> {
        self.check_peer(self.inner.me, to)?;
        if let Some(why) = self.slot.failure() {
            return Err(closed(why, to));
        }
        if msg.len() > MAX_PAYLOAD {
            return Err(NetError::Io {
                peer: to,
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("message of {} bytes exceeds the frame limit", msg.len()),
                ),
            });
        }
        if self
            .inner
            .send_frame(to, Frame::new(Kind::Job, self.job, msg))
        {
            Ok(())
        } else {
            self.slot.fail(Failure::Peer(to));
            Err(NetError::Closed { peer: to })
        }
    }

    fn recv(&mut self, from: PartyId) -> Result<Vec<u8>, NetError> {
        self.check_peer(from, self.inner.me)?;
        let deadline = Instant::now() + self.inner.job_timeout;
        let mut st = self.slot.lock();
        loop {
            if let Some(msg) = st.queues[from.index()].pop_front() {
                return Ok(msg);
            }
            if let Some(why) = st.failed {
                return Err(closed(why, from));
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(NetError::Timeout { peer: from });
            }
            st = self
                .slot
                .cv
                .wait_timeout(st, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}
