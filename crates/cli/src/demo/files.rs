//! The demo's files: its fresh directory under the system's temporary directory and the
//! outputs it writes (the accounts' tokens readable by their owner only).
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path`, naming the file on error.
pub(super) fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// A new directory under the system's temporary directory.
pub(super) fn fresh_dir() -> Result<PathBuf, String> {
    let mut b = [0u8; 4];
    getrandom::fill(&mut b).map_err(|e| e.to_string())?;
    let name = format!(
        "sharestat-demo-{}",
        b.iter().map(|x| format!("{x:02x}")).collect::<String>()
    );
    Ok(std::env::temp_dir().join(name))
}

/// Writes a file only its owner can read (it holds tokens): created with mode 0600.
pub(super) fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The adrenal study as FHIR R4 (`examples/adrenal/fhir/`): Munich's Bulk Data export,
/// Rome's transaction Bundle.
const FHIR: [(&str, &[u8]); 7] = [
    (
        "fhir/munich/manifest.json",
        include_bytes!("../../../../examples/adrenal/fhir/munich/manifest.json"),
    ),
    (
        "fhir/munich/Patient.ndjson",
        include_bytes!("../../../../examples/adrenal/fhir/munich/Patient.ndjson"),
    ),
    (
        "fhir/munich/Condition.ndjson",
        include_bytes!("../../../../examples/adrenal/fhir/munich/Condition.ndjson"),
    ),
    (
        "fhir/munich/Procedure.ndjson",
        include_bytes!("../../../../examples/adrenal/fhir/munich/Procedure.ndjson"),
    ),
    (
        "fhir/munich/Encounter.ndjson",
        include_bytes!("../../../../examples/adrenal/fhir/munich/Encounter.ndjson"),
    ),
    (
        "fhir/munich/Observation.ndjson.gz",
        include_bytes!("../../../../examples/adrenal/fhir/munich/Observation.ndjson.gz"),
    ),
    (
        "fhir/rome.json",
        include_bytes!("../../../../examples/adrenal/fhir/rome.json"),
    ),
];

/// Writes the FHIR version of the sites' data under `data/fhir/` (`sharestat demo --fhir`).
pub(super) fn write_fhir(data: &Path) -> Result<(), String> {
    for (name, bytes) in FHIR {
        let path = data.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        write(&path, bytes)?;
    }
    Ok(())
}
