//! Client-side secret sharing and upload: the values of an imported file are split into three
//! replicated shares **on the data owner's machine**, chunk by chunk, and each node receives only
//! its own pair of share components. The upload then commits on all three nodes or none (the
//! coordinator runs a two-phase commit).
//!
//! Memory: the imported (encoded) columns are held once; shares exist only for the chunk being
//! sent. An interrupted upload resumes with the same id: chunks not confirmed by every node are
//! dealt afresh and re-sent to all three (a chunk's three share pairs must come from one dealing).
use crate::import::Imported;
use serde_json::{Value, json};
use sharestat_mpc::prg::Prg;
use sharestat_mpc::proto::io::deal;
use sharestat_wire::api::{BeginBody, ColumnBody, UploadView};
use sharestat_wire::chunk::{encode_chunk, encode_envelope};
use sharestat_wire::sealed::seal;
use sharestat_wire::{CHUNK_WORDS, Client, ClientError};

/// Where to upload.
pub struct Target {
    /// The three nodes, party order, each with the data owner's token.
    pub nodes: Vec<Client>,
    /// Party index of the node that coordinates the commit.
    pub coordinator: usize,
    /// Relay mode: talk only to the coordinator and seal the other nodes' parts to these public
    /// keys (hex, party order, from `consortium.toml`), so the relay cannot read them.
    pub relay: Option<[String; 3]>,
}

/// What to upload.
pub struct Plan<'a> {
    /// Study id.
    pub study: &'a str,
    /// The data owner's site.
    pub site: &'a str,
    /// Dataset name.
    pub name: &'a str,
    /// Replace the site's current dataset of this name.
    pub replaces: bool,
    /// The validated, encoded file.
    pub data: &'a Imported,
}

/// A failed upload, naming the node and the step.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UploadError {
    /// A node refused or could not be reached.
    #[error("{step} at node {node}: {source}")]
    Node {
        /// Which step.
        step: &'static str,
        /// Party index.
        node: usize,
        /// The node's answer.
        source: ClientError,
    },
    /// The operating system's random source failed, or sealing for a relay failed.
    #[error("random source or sealing: {0}")]
    Random(String),
}

/// A committed upload.
#[derive(Debug)]
pub struct Uploaded {
    /// The upload id (also what `--resume` takes).
    pub id: String,
    /// The dataset as the coordinator reports it.
    pub dataset: Value,
    /// Where the time went.
    pub times: StageTimes,
}

/// Wall time of each stage of an upload, in milliseconds (for the benchmarks' split into
/// client, network and server).
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimes {
    /// Announcing the upload to the nodes (round trips; each node checks and stages it).
    pub begin_ms: f64,
    /// Splitting into shares and encoding the chunks, on this machine.
    pub share_ms: f64,
    /// Sending every node its chunks and their storage at the nodes.
    pub send_ms: f64,
    /// The two-phase commit across the three nodes.
    pub commit_ms: f64,
}

fn since(t: std::time::Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// A fresh upload id: 128 random bits as 32 hex digits.
pub fn new_id() -> Result<String, UploadError> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| UploadError::Random(e.to_string()))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

fn node_err(step: &'static str, node: usize) -> impl Fn(ClientError) -> UploadError {
    move |source| UploadError::Node { step, node, source }
}

/// Number of chunks for `rows` rows.
pub fn chunks(rows: usize) -> u64 {
    rows.div_ceil(CHUNK_WORDS) as u64
}

/// Uploads `plan` as upload `id` (from [`new_id`]; keep it to resume). With `resume`, chunks
/// that every node already holds are not sent again. `progress(done, total)` is called after
/// every chunk.
pub async fn upload(
    target: &Target,
    plan: &Plan<'_>,
    id: &str,
    resume: bool,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Uploaded, UploadError> {
    let id = id.to_string();
    let begin = BeginBody {
        id: id.clone(),
        name: plan.name.into(),
        site: plan.site.into(),
        rows: plan.data.rows as u64,
        columns: plan
            .data
            .columns
            .iter()
            .map(|c| ColumnBody {
                name: c.name.clone(),
                kind: c.kind.as_str(),
            })
            .collect(),
        chunk_rows: CHUNK_WORDS as u64,
        replaces: plan.replaces,
        // Out of range: the nodes refuse it ("coordinator must be 0, 1 or 2").
        coordinator: u8::try_from(target.coordinator).unwrap_or(u8::MAX),
    };
    let c = target.coordinator;
    let mut times = StageTimes::default();
    let t = std::time::Instant::now();
    let mut done = u64::MAX;
    if target.relay.is_some() {
        let path = format!("/api/v1/studies/{}/uploads/relay", plan.study);
        let _: UploadView = target.nodes[c]
            .post(&path, &begin)
            .await
            .map_err(node_err("begin (relayed)", c))?;
        done = 0; // the relay cannot tell what the others hold: resend everything
    } else {
        let path = format!("/api/v1/studies/{}/uploads", plan.study);
        for (i, n) in target.nodes.iter().enumerate() {
            let v: UploadView = n.post(&path, &begin).await.map_err(node_err("begin", i))?;
            done = done.min(v.chunks_received);
        }
    }
    times.begin_ms = since(t);
    let total = chunks(plan.data.rows);
    let start = if resume { done.min(total) } else { 0 };
    let mut prg = Prg::from_os().map_err(|e| UploadError::Random(e.to_string()))?;
    for chunk in start..total {
        let t = std::time::Instant::now();
        let lo = chunk as usize * CHUNK_WORDS;
        let hi = (lo + CHUNK_WORDS).min(plan.data.rows);
        let dealt: Vec<_> = plan
            .data
            .data
            .iter()
            .map(|col| deal(&col[lo..hi], &mut prg))
            .collect();
        let bodies: Vec<Vec<u8>> = (0..3)
            .map(|party| {
                let parts: Vec<(&[u64], &[u64])> = dealt.iter().map(|d| d[party].parts()).collect();
                encode_chunk(&parts)
            })
            .collect();
        drop(dealt);
        times.share_ms += since(t);
        let t = std::time::Instant::now();
        if let Some(keys) = &target.relay {
            send_relayed(target, keys, &id, chunk, bodies).await?;
            times.send_ms += since(t);
            progress(chunk + 1, total);
            continue;
        }
        let put = |i: usize, body: Vec<u8>| {
            let n = &target.nodes[i];
            let p = format!("/api/v1/uploads/{id}/chunks/{chunk}");
            async move { n.put_bytes(&p, body).await.map_err(node_err("chunk", i)) }
        };
        let mut it = bodies.into_iter();
        let (b0, b1, b2) = (it.next().unwrap(), it.next().unwrap(), it.next().unwrap());
        let (r0, r1, r2) = tokio::join!(put(0, b0), put(1, b1), put(2, b2));
        r0?;
        r1?;
        r2?;
        times.send_ms += since(t);
        progress(chunk + 1, total);
    }
    let t = std::time::Instant::now();
    let dataset: Value = target.nodes[c]
        .post(&format!("/api/v1/uploads/{id}/commit"), &json!({}))
        .await
        .map_err(node_err("commit", c))?;
    times.commit_ms = since(t);
    Ok(Uploaded { id, dataset, times })
}

/// Sends one chunk through the relay: its own part in the clear (over TLS to it), the other two
/// sealed to their recipients.
async fn send_relayed(
    target: &Target,
    keys: &[String; 3],
    id: &str,
    chunk: u64,
    bodies: Vec<Vec<u8>>,
) -> Result<(), UploadError> {
    let c = target.coordinator;
    let others: Vec<usize> = (0..3).filter(|&p| p != c).collect();
    let mut sealed = Vec::new();
    for &p in &others {
        let s = seal(&keys[p], id, chunk, p, &bodies[p]).map_err(UploadError::Random)?;
        sealed.push(s);
    }
    let env = encode_envelope([&bodies[c], &sealed[0], &sealed[1]]);
    target.nodes[c]
        .put_bytes(&format!("/api/v1/uploads/{id}/relay/{chunk}"), env)
        .await
        .map_err(node_err("chunk (relayed)", c))
}
