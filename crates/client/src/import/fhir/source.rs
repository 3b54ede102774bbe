//! Where FHIR resources are read from, one at a time: a Bulk Data export directory (its
//! `*.ndjson` and `*.ndjson.gz` files, or the files its `manifest.json` lists), a single
//! NDJSON file, or a Bundle (`.json`). NDJSON is streamed line by line (gzip decoded on the
//! fly) and never held whole; a Bundle is one JSON document and is parsed whole (its entries
//! as the reader's typed structs, not as text).
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use serde::Deserialize;

use super::resource::Resource;

/// Where a resource was read: `file` line `line` (NDJSON) or entry `line` (Bundle).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Loc {
    /// Index into [`Files::names`].
    pub file: u32,
    /// 1-based line (NDJSON) or entry number (Bundle); saturates at `u32::MAX` (4·10^9
    /// lines), kept small because every patient's state holds several.
    pub line: u32,
}

/// The files of a source, in reading order.
pub(super) struct Files {
    /// Each file's name as the owner sees it (relative to the directory given).
    pub names: Vec<String>,
    bodies: Vec<Body>,
    /// Total bytes on disk (for progress).
    pub bytes: u64,
}

/// Where a file's bytes are.
enum Body {
    Path(PathBuf),
    /// A file held in memory (sent by a browser to the local app).
    Bytes(Vec<u8>),
}

/// The Bulk Data manifest's parts the reader uses.
#[derive(Deserialize)]
struct Manifest {
    output: Vec<ManifestFile>,
}

#[derive(Deserialize)]
struct ManifestFile {
    url: String,
}

/// A Bundle's entries.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bundle {
    resource_type: String,
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    full_url: Option<String>,
    resource: Option<Resource>,
}

fn is_ndjson(name: &str) -> bool {
    name.ends_with(".ndjson") || name.ends_with(".ndjson.gz")
}

impl Files {
    /// The files of `path`: a directory (with or without `manifest.json`), an NDJSON file
    /// or a Bundle. Errors name the path and what was expected.
    pub fn open(path: &Path) -> Result<Files, String> {
        let meta =
            std::fs::metadata(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        let mut names = Vec::new();
        let mut paths = Vec::new();
        if meta.is_dir() {
            let manifest = path.join("manifest.json");
            if manifest.exists() {
                let text = std::fs::read_to_string(&manifest)
                    .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
                let m: Manifest = serde_json::from_str(&text).map_err(|e| {
                    format!("manifest.json is not a Bulk Data manifest ({e}): expected {{\"output\": [{{\"type\", \"url\"}}]}}")
                })?;
                for f in m.output {
                    // The file is the url's last segment, in this directory.
                    let name = f.url.rsplit('/').next().unwrap_or(&f.url).to_owned();
                    if name.is_empty() || name == ".." || name.contains('\\') {
                        return Err(format!(
                            "manifest.json: output url {:?} names no file",
                            f.url
                        ));
                    }
                    let p = path.join(&name);
                    if !p.is_file() {
                        return Err(format!(
                            "manifest.json lists {name} (url {:?}), which is not in {}",
                            f.url,
                            path.display()
                        ));
                    }
                    names.push(name);
                    paths.push(p);
                }
            } else {
                let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(path)
                    .map_err(|e| format!("cannot list {}: {e}", path.display()))?
                    .filter_map(|e| e.ok())
                    .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
                    .filter(|(n, p)| is_ndjson(n) && p.is_file())
                    .collect();
                found.sort();
                for (n, p) in found {
                    names.push(n);
                    paths.push(p);
                }
            }
            if paths.is_empty() {
                return Err(format!(
                    "{} holds no .ndjson or .ndjson.gz files (a Bulk Data export directory is expected)",
                    path.display()
                ));
            }
        } else {
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            check_name(&name)?;
            names.push(name);
            paths.push(path.to_owned());
        }
        let bytes = paths
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        Ok(Files {
            names,
            bodies: paths.into_iter().map(Body::Path).collect(),
            bytes,
        })
    }

    /// One file held in memory: `name` (`.ndjson`, `.ndjson.gz` or a Bundle `.json`) says
    /// its format.
    pub fn from_bytes(name: &str, bytes: Vec<u8>) -> Result<Files, String> {
        check_name(name)?;
        Ok(Files {
            names: vec![name.to_owned()],
            bytes: bytes.len() as u64,
            bodies: vec![Body::Bytes(bytes)],
        })
    }

    /// Reads every resource, calling `each(loc, resource)` for each one read and
    /// `bad(loc, message)` for each line or file that is not a resource; `progress(bytes)`
    /// with the bytes read so far.
    pub fn read(
        &self,
        each: &mut dyn FnMut(Loc, Resource, Option<&str>),
        bad: &mut dyn FnMut(Loc, String),
        progress: &mut dyn FnMut(u64),
    ) {
        let mut done = 0u64;
        for (i, body) in self.bodies.iter().enumerate() {
            let file = i as u32;
            let name = &self.names[i];
            let (f, size): (Box<dyn Read + '_>, u64) = match body {
                Body::Bytes(b) => (Box::new(b.as_slice()), b.len() as u64),
                Body::Path(path) => match File::open(path) {
                    Ok(f) => {
                        let size = f.metadata().map(|m| m.len()).unwrap_or(0);
                        (Box::new(f), size)
                    }
                    Err(e) => {
                        bad(Loc { file, line: 0 }, format!("cannot open {name}: {e}"));
                        continue;
                    }
                },
            };
            if is_ndjson(name) {
                let raw: Box<dyn Read + '_> = if name.ends_with(".gz") {
                    Box::new(MultiGzDecoder::new(f))
                } else {
                    Box::new(f)
                };
                read_lines(file, name, raw, each, bad, &mut |n| {
                    progress(done + n.min(size))
                });
            } else {
                read_bundle(file, name, f, each, bad);
            }
            done += size;
            progress(done);
        }
    }
}

/// Whether `name` is a FHIR file the reader takes.
fn check_name(name: &str) -> Result<(), String> {
    if is_ndjson(name) || name.ends_with(".json") {
        Ok(())
    } else {
        Err(format!(
            "{name}: give a Bulk Data export directory, an .ndjson or .ndjson.gz file, or a Bundle .json file"
        ))
    }
}

/// Whether `name` is a FHIR file by its name (`.ndjson`, `.ndjson.gz`, `.json`).
pub(super) fn is_fhir_name(name: &str) -> bool {
    check_name(name).is_ok()
}

/// The longest NDJSON line read (a resource of 64 MiB is far beyond any real one).
const MAX_LINE: u64 = 64 << 20;

fn read_lines(
    file: u32,
    name: &str,
    raw: Box<dyn Read + '_>,
    each: &mut dyn FnMut(Loc, Resource, Option<&str>),
    bad: &mut dyn FnMut(Loc, String),
    progress: &mut dyn FnMut(u64),
) {
    let mut reader = BufReader::with_capacity(1 << 16, raw);
    let mut buf = Vec::with_capacity(4096);
    let mut line = 0u32;
    let mut consumed = 0u64;
    loop {
        buf.clear();
        line = line.saturating_add(1);
        // At most MAX_LINE bytes per line: a file without line breaks is not read whole.
        match (&mut reader).take(MAX_LINE + 1).read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(n) if n as u64 > MAX_LINE => {
                bad(
                    Loc { file, line },
                    format!(
                        "a line longer than {} MiB: one FHIR resource per line expected \
                         (the file was read up to here)",
                        MAX_LINE >> 20
                    ),
                );
                return;
            }
            Ok(n) => consumed += n as u64,
            Err(e) => {
                let what = if name.ends_with(".gz") {
                    format!(
                        "the gzip stream is truncated or corrupt ({e}); the file was read up to here"
                    )
                } else {
                    format!("cannot read the file ({e})")
                };
                bad(Loc { file, line }, what);
                return;
            }
        }
        if line.is_multiple_of(4096) {
            progress(consumed);
        }
        let text = trim_line(&buf);
        if text.is_empty() {
            continue;
        }
        match serde_json::from_slice::<Resource>(text) {
            Ok(r) if r.resource_type.is_empty() => bad(
                Loc { file, line },
                "a JSON object without resourceType: one FHIR resource per line expected".into(),
            ),
            Ok(r) => each(Loc { file, line }, r, None),
            Err(e) => bad(Loc { file, line }, json_problem(&e)),
        }
    }
}

/// A line without its line break and surrounding blanks.
fn trim_line(buf: &[u8]) -> &[u8] {
    let start = buf
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(buf.len());
    let end = buf
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &buf[start..end]
}

/// What is wrong with a line, as serde found it.
fn json_problem(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof => {
            format!("not valid JSON ({e}): one FHIR resource per line expected")
        }
        Category::Data => format!("an element has the wrong JSON type ({e})"),
        Category::Io => format!("cannot read ({e})"),
    }
}

fn read_bundle<R: Read>(
    file: u32,
    name: &str,
    raw: R,
    each: &mut dyn FnMut(Loc, Resource, Option<&str>),
    bad: &mut dyn FnMut(Loc, String),
) {
    let bundle: Bundle = match serde_json::from_reader(BufReader::new(raw)) {
        Ok(b) => b,
        Err(e) => {
            let line = u32::try_from(e.line()).unwrap_or(u32::MAX);
            bad(
                Loc { file, line },
                format!("{name} is not a FHIR Bundle: {}", json_problem(&e)),
            );
            return;
        }
    };
    if bundle.resource_type != "Bundle" {
        bad(
            Loc { file, line: 0 },
            format!(
                "{name} holds a {}, not a Bundle (a single resource is not an export)",
                bundle.resource_type
            ),
        );
        return;
    }
    // Patients first, so that `urn:uuid` references resolve to them by their fullUrl.
    let mut entries: Vec<(usize, Entry)> = bundle.entry.into_iter().enumerate().collect();
    entries.sort_by_key(|(i, e)| {
        let patient = e
            .resource
            .as_ref()
            .is_some_and(|r| r.resource_type == "Patient");
        (!patient, *i)
    });
    for (i, e) in entries {
        let loc = Loc {
            file,
            line: u32::try_from(i + 1).unwrap_or(u32::MAX),
        };
        match e.resource {
            Some(r) => each(loc, r, e.full_url.as_deref()),
            None => bad(loc, "a Bundle entry without a resource".into()),
        }
    }
}
