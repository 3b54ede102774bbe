//! The local side of a download: the target directory (new or empty), the NDJSON files
//! written into it with each line checked to be one resource of the file's type, and the
//! Bulk Data manifest. Until [`OutDir::keep`] everything written is removed again when the
//! [`OutDir`] is dropped: on an error, and also when the download's future is dropped.
use super::ServerError;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// The directory being filled.
pub(super) struct OutDir {
    dir: PathBuf,
    /// Whether we created it (then it goes too on failure).
    created: bool,
    /// The files and subdirectories written, in order.
    written: Vec<PathBuf>,
    subdirs: Vec<PathBuf>,
    keep: bool,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ServerError + '_ {
    move |source| ServerError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl OutDir {
    /// Creates `dir` or takes it if it is empty.
    pub(super) fn open(dir: &Path) -> Result<OutDir, ServerError> {
        let created = match std::fs::read_dir(dir) {
            Ok(mut entries) => {
                if entries.next().is_some() {
                    return Err(ServerError::DirNotEmpty {
                        dir: dir.to_path_buf(),
                    });
                }
                false
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(dir).map_err(io_err(dir))?;
                true
            }
            Err(e) => return Err(io_err(dir)(e)),
        };
        Ok(OutDir {
            dir: dir.to_path_buf(),
            created,
            written: Vec::new(),
            subdirs: Vec::new(),
            keep: false,
        })
    }

    /// The directory.
    pub(super) fn dir(&self) -> &Path {
        &self.dir
    }

    /// A new NDJSON file `name` (relative, `/`-separated) for resources of type `rtype`.
    pub(super) async fn create(
        &mut self,
        name: &str,
        rtype: &str,
    ) -> Result<NdjsonFile, ServerError> {
        let path = self.dir.join(name);
        if let Some(parent) = path.parent()
            && parent != self.dir
            && !parent.exists()
        {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(io_err(parent))?;
            self.subdirs.push(parent.to_path_buf());
        }
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await
            .map_err(io_err(&path))?;
        self.written.push(path.clone());
        Ok(NdjsonFile {
            out: tokio::io::BufWriter::with_capacity(1 << 16, file),
            path,
            rtype: rtype.to_string(),
            bytes: 0,
            resources: 0,
            line: Vec::new(),
        })
    }

    /// Writes `manifest.json`.
    pub(super) async fn write_manifest(&mut self, manifest: &Value) -> Result<(), ServerError> {
        let path = self.dir.join("manifest.json");
        let mut text = serde_json::to_vec_pretty(manifest).expect("a JSON value serialises");
        text.push(b'\n');
        self.written.push(path.clone());
        tokio::fs::write(&path, text).await.map_err(io_err(&path))
    }

    /// The download succeeded: leave the files.
    pub(super) fn keep(mut self) {
        self.keep = true;
    }
}

impl Drop for OutDir {
    fn drop(&mut self) {
        if self.keep {
            return;
        }
        for f in self.written.iter().rev() {
            let _ = std::fs::remove_file(f);
        }
        for d in self.subdirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
        if self.created {
            let _ = std::fs::remove_dir(&self.dir);
        }
    }
}

/// One NDJSON file being written: bytes go to disk as they come; each complete line is
/// checked to be a JSON object whose `resourceType` is the file's.
pub(super) struct NdjsonFile {
    out: tokio::io::BufWriter<tokio::fs::File>,
    path: PathBuf,
    rtype: String,
    bytes: u64,
    resources: u64,
    /// The line being received (NDJSON from an export arrives in arbitrary chunks).
    line: Vec<u8>,
}

impl NdjsonFile {
    /// Appends raw NDJSON bytes (a chunk of a downloaded file). `Err(reason)` for a line that
    /// is not a resource of the file's type.
    pub(super) async fn write_raw(&mut self, data: &[u8]) -> Result<(), WriteError> {
        self.out.write_all(data).await.map_err(WriteError::Io)?;
        self.bytes += data.len() as u64;
        let mut rest = data;
        while let Some(nl) = rest.iter().position(|&b| b == b'\n') {
            self.line.extend_from_slice(&rest[..nl]);
            let line = std::mem::take(&mut self.line);
            self.check_line(&line)?;
            rest = &rest[nl + 1..];
        }
        self.line.extend_from_slice(rest);
        Ok(())
    }

    /// Appends one resource as a compact line (a search result).
    pub(super) async fn write_resource(&mut self, resource: &Value) -> Result<(), ServerError> {
        let mut line = serde_json::to_vec(resource).expect("a JSON value serialises");
        line.push(b'\n');
        self.out
            .write_all(&line)
            .await
            .map_err(io_err(&self.path))?;
        self.bytes += line.len() as u64;
        self.resources += 1;
        Ok(())
    }

    fn check_line(&mut self, line: &[u8]) -> Result<(), WriteError> {
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        let n = self.resources + 1;
        let v: Value = serde_json::from_slice(line)
            .map_err(|e| WriteError::Line(format!("resource {n} is not JSON: {e}")))?;
        match v.get("resourceType").and_then(Value::as_str) {
            Some(t) if t == self.rtype => {
                self.resources += 1;
                Ok(())
            }
            Some(t) => Err(WriteError::Line(format!(
                "resource {n} is a {t} in the {} file",
                self.rtype
            ))),
            None => Err(WriteError::Line(format!(
                "resource {n} has no resourceType"
            ))),
        }
    }

    /// Bytes written so far.
    pub(super) fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Resources written so far.
    pub(super) fn resources(&self) -> u64 {
        self.resources
    }

    /// Checks the last line, flushes and syncs; returns the path, the resources and the bytes.
    pub(super) async fn finish(mut self) -> Result<(PathBuf, u64, u64), WriteError> {
        let last = std::mem::take(&mut self.line);
        self.check_line(&last)?;
        self.out.flush().await.map_err(WriteError::Io)?;
        self.out
            .get_ref()
            .sync_all()
            .await
            .map_err(WriteError::Io)?;
        Ok((self.path, self.resources, self.bytes))
    }

    /// The file's path.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }
}

/// Why a file could not be written: the disk, or a line of the server's that is not a
/// resource of the file's type.
pub(super) enum WriteError {
    /// The disk.
    Io(std::io::Error),
    /// A bad line: what is wrong.
    Line(String),
}

impl WriteError {
    /// As a [`ServerError`]: `Io` for the file, `BadResponse` for the URL it came from.
    pub(super) fn into_server(self, path: &Path, url: &str) -> ServerError {
        match self {
            WriteError::Io(source) => ServerError::Io {
                path: path.to_path_buf(),
                source,
            },
            WriteError::Line(reason) => ServerError::BadResponse {
                url: url.to_string(),
                reason,
            },
        }
    }
}
