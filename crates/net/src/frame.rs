//! The wire format of a link: `[kind u8][id u64 LE][len u32 LE][payload]`.
//!
//! | kind | id | payload |
//! |---|---|---|
//! | [`Kind::Hello`] | the sender's party index | [`HELLO_MAGIC`] |
//! | [`Kind::Heartbeat`] | 0 | empty |
//! | [`Kind::Job`] | job id | one engine message |
//! | [`Kind::Request`] | correlation id | control request |
//! | [`Kind::Response`] | correlation id | control response |
//!
//! A connection starts, right after the TLS handshake, with the dialer's Hello. The acceptor
//! checks it (party configured, certificate valid for that party's name) and answers with its
//! own Hello, the only frame an acceptor ever writes, so the dialer knows it was accepted; from
//! then on the dialer writes and the acceptor reads. Payloads above [`MAX_PAYLOAD`], unknown
//! kinds and a connection silent for too long end the link.
use std::io;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Largest payload of one frame (1 GiB).
pub const MAX_PAYLOAD: usize = 1 << 30;
/// Bytes of a frame header.
pub const HEADER_LEN: usize = 13;
/// Payload of a Hello frame: protocol name and version.
pub const HELLO_MAGIC: &[u8] = b"sharestat-net/1";

/// What a frame carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    /// Opens a connection (dialer) or accepts it (acceptor); id = sender's party index.
    Hello = 1,
    /// Keeps an idle link alive.
    Heartbeat = 2,
    /// One engine message of job `id`.
    Job = 3,
    /// A control request with correlation id `id`.
    Request = 4,
    /// The answer to request `id`.
    Response = 5,
}

impl Kind {
    fn from_u8(b: u8) -> Option<Kind> {
        Some(match b {
            1 => Kind::Hello,
            2 => Kind::Heartbeat,
            3 => Kind::Job,
            4 => Kind::Request,
            5 => Kind::Response,
            _ => return None,
        })
    }
}

/// One frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Its kind.
    pub kind: Kind,
    /// Party index, job id or correlation id, depending on the kind.
    pub id: u64,
    /// The payload, at most [`MAX_PAYLOAD`] bytes.
    pub payload: Vec<u8>,
}

impl Frame {
    /// A frame of `kind`.
    pub fn new(kind: Kind, id: u64, payload: Vec<u8>) -> Frame {
        Frame { kind, id, payload }
    }

    /// An empty heartbeat.
    pub fn heartbeat() -> Frame {
        Frame::new(Kind::Heartbeat, 0, Vec::new())
    }

    /// The hello of party index `party`.
    pub fn hello(party: usize) -> Frame {
        Frame::new(Kind::Hello, party as u64, HELLO_MAGIC.to_vec())
    }

    /// The header bytes of this frame.
    pub fn header(&self) -> [u8; HEADER_LEN] {
        let mut h = [0u8; HEADER_LEN];
        h[0] = self.kind as u8;
        h[1..9].copy_from_slice(&self.id.to_le_bytes());
        h[9..13].copy_from_slice(&(self.payload.len() as u32).to_le_bytes());
        h
    }
}

/// Why a frame could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The connection closed cleanly between two frames.
    #[error("connection closed")]
    Closed,
    /// The connection failed, or closed in the middle of a frame.
    #[error("i/o error: {0}")]
    Io(#[from] io::Error),
    /// The kind byte is not a known kind.
    #[error("unknown frame kind {0}")]
    UnknownKind(u8),
    /// The announced payload exceeds [`MAX_PAYLOAD`].
    #[error("frame payload of {0} bytes exceeds the limit")]
    TooLong(u64),
    /// Nothing arrived for this long.
    #[error("no data for {0:?}")]
    Idle(Duration),
}

/// Writes one frame (not flushed). Panics in debug builds if the payload exceeds the limit;
/// callers check [`MAX_PAYLOAD`] before queueing.
pub async fn write_frame<W: AsyncWrite + Unpin>(w: &mut W, f: &Frame) -> io::Result<()> {
    debug_assert!(f.payload.len() <= MAX_PAYLOAD);
    w.write_all(&f.header()).await?;
    w.write_all(&f.payload).await
}

async fn read_some<R: AsyncRead + Unpin>(
    r: &mut R,
    buf: &mut [u8],
    idle: Duration,
) -> Result<usize, FrameError> {
    match tokio::time::timeout(idle, r.read(buf)).await {
        Ok(res) => Ok(res?),
        Err(_) => Err(FrameError::Idle(idle)),
    }
}

/// Reads one frame; fails if no byte arrives for `idle` (a large frame may take longer in
/// total as long as bytes keep coming).
pub async fn read_frame<R: AsyncRead + Unpin>(
    r: &mut R,
    idle: Duration,
) -> Result<Frame, FrameError> {
    let mut h = [0u8; HEADER_LEN];
    let mut got = 0;
    while got < HEADER_LEN {
        let n = read_some(r, &mut h[got..], idle).await?;
        if n == 0 {
            return Err(if got == 0 {
                FrameError::Closed
            } else {
                FrameError::Io(io::ErrorKind::UnexpectedEof.into())
            });
        }
        got += n;
    }
    let kind = Kind::from_u8(h[0]).ok_or(FrameError::UnknownKind(h[0]))?;
    let id = u64::from_le_bytes(h[1..9].try_into().expect("8 bytes"));
    let len = u32::from_le_bytes(h[9..13].try_into().expect("4 bytes")) as usize;
    if len > MAX_PAYLOAD {
        return Err(FrameError::TooLong(len as u64));
    }
    // Grow the buffer as data arrives instead of trusting the announced length up front.
    let mut payload = vec![0u8; len.min(1 << 20)];
    let mut filled = 0;
    while filled < len {
        if filled == payload.len() {
            let grow = (len - filled).min(payload.len().max(1 << 20));
            payload.resize(filled + grow, 0);
        }
        let n = read_some(r, &mut payload[filled..], idle).await?;
        if n == 0 {
            return Err(FrameError::Io(io::ErrorKind::UnexpectedEof.into()));
        }
        filled += n;
    }
    Ok(Frame { kind, id, payload })
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDLE: Duration = Duration::from_secs(30);

    #[tokio::test]
    async fn frames_round_trip() {
        let (mut a, mut b) = tokio::io::duplex(1 << 16);
        let frames = vec![
            Frame::hello(2),
            Frame::heartbeat(),
            Frame::new(Kind::Job, u64::MAX, vec![7; 3_000_000]),
            Frame::new(Kind::Request, 5, b"ping".to_vec()),
            Frame::new(Kind::Response, 5, Vec::new()),
        ];
        let sent = frames.clone();
        let writer = tokio::spawn(async move {
            for f in &sent {
                write_frame(&mut a, f).await.unwrap();
            }
            a.flush().await.unwrap();
        });
        for f in &frames {
            assert_eq!(&read_frame(&mut b, IDLE).await.unwrap(), f);
        }
        writer.await.unwrap();
        assert!(matches!(
            read_frame(&mut b, IDLE).await,
            Err(FrameError::Closed)
        ));
    }

    #[tokio::test]
    async fn garbage_is_rejected() {
        let mut unknown: &[u8] = &[9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        assert!(matches!(
            read_frame(&mut unknown, IDLE).await,
            Err(FrameError::UnknownKind(9))
        ));
        let mut huge = Frame::heartbeat().header().to_vec();
        huge[9..13].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            read_frame(&mut huge.as_slice(), IDLE).await,
            Err(FrameError::TooLong(_))
        ));
        let mut cut = Frame::new(Kind::Job, 1, vec![1; 10]).header().to_vec();
        cut.extend_from_slice(&[1, 2, 3]);
        assert!(matches!(
            read_frame(&mut cut.as_slice(), IDLE).await,
            Err(FrameError::Io(e)) if e.kind() == io::ErrorKind::UnexpectedEof
        ));
        let mut half_header: &[u8] = &[3, 1, 2];
        assert!(matches!(
            read_frame(&mut half_header, IDLE).await,
            Err(FrameError::Io(_))
        ));
    }
}
