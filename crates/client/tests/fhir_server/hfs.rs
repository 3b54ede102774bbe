//! Against a real FHIR server, Helios FHIR Server 0.2.7 (`hfs`): started on a free port in a
//! temporary directory, loaded with the Rome site's transaction Bundle
//! (`examples/adrenal/fhir/rome.json`, or a small one made here if the fixture is missing),
//! then downloaded by `$export` and by search; both must give back exactly the resources
//! loaded, and the FHIR reader must read them as it reads the Bundle. Skipped (with a message) when `hfs` is not installed: `SHARESTAT_HFS` (the binary,
//! else `hfs` on `PATH`) and `SHARESTAT_HFS_DATA` (the directory of
//! `search-parameters-r4.json`, which hfs needs at run time).
use serde_json::{Value, json};
use sharestat_client::fhir_server::{Mode, Progress, ServerOptions, Via, download};
use sharestat_client::import::{ImportOptions, Imported, import_fhir};
use sharestat_dict::Dictionary;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The hfs process, killed when dropped (its log printed if the test is failing).
struct Hfs {
    child: Child,
    base: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Hfs {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            eprintln!("--- hfs log (last lines) ---");
            for l in tail.iter().rev() {
                eprintln!("{l}");
            }
        }
    }
}

/// The hfs binary and its data directory, or why not.
fn locate() -> Result<(PathBuf, PathBuf), String> {
    let bin = match std::env::var_os("SHARESTAT_HFS") {
        Some(p) => Some(PathBuf::from(p)),
        None => std::env::var_os("PATH").and_then(|path| {
            std::env::split_paths(&path)
                .map(|d| d.join("hfs"))
                .find(|p| p.is_file())
        }),
    };
    let bin = bin.filter(|p| p.is_file()).ok_or("no hfs")?;
    let data = std::env::var_os("SHARESTAT_HFS_DATA")
        .map(PathBuf::from)
        .filter(|d| d.join("search-parameters-r4.json").is_file())
        .ok_or("no SHARESTAT_HFS_DATA with search-parameters-r4.json")?;
    Ok((bin, data))
}

/// Starts hfs on a free port and waits for `/metadata`.
async fn start(bin: &Path, data: &Path) -> Hfs {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let log = dir.path().join("hfs.log");
    let out = std::fs::File::create(&log).unwrap();
    let child = Command::new(bin)
        .args(["--port", &port.to_string(), "--base-url", &base])
        .env("HFS_UI_ENABLED", "false")
        .env("HFS_DATA_DIR", data)
        .env("HFS_EXPORT_DIR", dir.path().join("exports"))
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .spawn()
        .unwrap();
    let hfs = Hfs {
        child,
        base,
        log,
        _dir: dir,
    };
    let client = reqwest::Client::new();
    let t0 = Instant::now();
    loop {
        let up = client
            .get(format!("{}/metadata", hfs.base))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        if up {
            eprintln!("hfs up on {} after {:?}", hfs.base, t0.elapsed());
            return hfs;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "hfs did not start in 60 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The Rome fixture's Bundle.
fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/adrenal/fhir/rome.json")
}

/// The transaction Bundle to load: the Rome fixture, or 3 patients with 2 observations each.
fn bundle() -> Value {
    if let Ok(text) = std::fs::read_to_string(fixture()) {
        return serde_json::from_str(&text).unwrap();
    }
    let mut entry = Vec::new();
    for i in 1..=3 {
        let p = json!({"resourceType": "Patient", "id": format!("p{i}"), "gender": "female",
            "birthDate": format!("195{i}-01-0{i}")});
        entry.push(
            json!({"resource": p, "request": {"method": "PUT", "url": format!("Patient/p{i}")}}),
        );
        for j in 0..2 {
            let o = json!({"resourceType": "Observation", "id": format!("o{i}{j}"), "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "8302-2"}]},
                "subject": {"reference": format!("Patient/p{i}")},
                "valueQuantity": {"value": 160 + i + j, "unit": "cm",
                    "system": "http://unitsofmeasure.org", "code": "cm"}});
            entry.push(json!({"resource": o, "request": {"method": "PUT", "url": format!("Observation/o{i}{j}")}}));
        }
    }
    json!({"resourceType": "Bundle", "type": "transaction", "entry": entry})
}

/// Type -> id -> resource without `meta` (the server sets `versionId` and `lastUpdated`).
type ByType = BTreeMap<String, BTreeMap<String, Value>>;

fn strip(mut r: Value) -> (String, String, Value) {
    r.as_object_mut().unwrap().remove("meta");
    let t = r["resourceType"].as_str().unwrap().to_string();
    let id = r["id"].as_str().unwrap().to_string();
    (t, id, r)
}

fn loaded(bundle: &Value) -> ByType {
    let mut m = ByType::new();
    for e in bundle["entry"].as_array().unwrap() {
        let (t, id, r) = strip(e["resource"].clone());
        m.entry(t).or_default().insert(id, r);
    }
    m
}

/// The resources of a downloaded directory, read through its manifest (file names relative
/// to the directory, counts right, no resource twice).
fn downloaded(dir: &Path) -> ByType {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let mut m = ByType::new();
    for o in manifest["output"].as_array().unwrap() {
        let name = o["url"].as_str().unwrap();
        assert!(!name.contains('/') && name.ends_with(".ndjson"), "{name}");
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        assert_eq!(
            text.lines().count() as u64,
            o["count"].as_u64().unwrap(),
            "{name}"
        );
        for line in text.lines() {
            let (t, id, r) = strip(serde_json::from_str(line).unwrap());
            assert_eq!(t, o["type"].as_str().unwrap());
            assert!(
                m.entry(t).or_default().insert(id.clone(), r).is_none(),
                "{id} twice"
            );
        }
    }
    m
}

/// The FHIR reader (`import::import_fhir`, the adrenal dictionary's `[fhir]` section, site
/// Rome) reads the downloaded directory to the same rows as the Bundle that was loaded. The
/// rows' order follows the files' (hfs searches newest first), so rows are compared sorted.
fn same_import(dir: &Path) {
    let dict_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/adrenal/dictionary.toml");
    let dict = Dictionary::parse(&std::fs::read_to_string(dict_path).unwrap()).unwrap();
    let opts = ImportOptions {
        site: "rome".into(),
        drop_bad_rows: false,
    };
    let (want, _) = import_fhir(&fixture(), &dict, &opts).unwrap_or_else(|e| panic!("{e}"));
    let (got, _) = import_fhir(dir, &dict, &opts).unwrap_or_else(|e| panic!("{e}"));
    let rows = |imp: &Imported| -> Vec<Vec<u64>> {
        let mut rows: Vec<Vec<u64>> = (0..imp.rows)
            .map(|r| imp.data.iter().map(|col| col[r]).collect())
            .collect();
        rows.sort();
        rows
    };
    assert_eq!(got.columns, want.columns);
    assert_eq!(got.summary, want.summary);
    assert_eq!(rows(&got), rows(&want), "{}", dir.display());
}

#[tokio::test]
async fn export_and_search_against_helios_fhir_server() {
    let (bin, data) = match locate() {
        Ok(found) => found,
        Err(why) => {
            println!(
                "SKIPPED export_and_search_against_helios_fhir_server: {why} (Helios FHIR Server \
                 0.2.7; cargo install helios-hfs --version 0.2.7 --locked; set SHARESTAT_HFS and \
                 SHARESTAT_HFS_DATA)"
            );
            return;
        }
    };
    let hfs = start(&bin, &data).await;
    let bundle = bundle();
    let expected = loaded(&bundle);
    let t0 = Instant::now();
    let r = reqwest::Client::new()
        .post(format!("{}/", hfs.base))
        .header("content-type", "application/fhir+json")
        .body(bundle.to_string())
        .send()
        .await
        .unwrap();
    let status = r.status();
    assert!(status.is_success(), "{status}: {}", r.text().await.unwrap());
    let counts: Vec<String> = expected
        .iter()
        .map(|(t, ids)| format!("{t} {}", ids.len()))
        .collect();
    eprintln!("loaded {} in {:?}", counts.join(", "), t0.elapsed());

    // A type with no resources on the server is asked for too.
    let mut types: Vec<&str> = expected.keys().map(String::as_str).collect();
    types.push("MedicationRequest");
    let tmp = tempfile::tempdir().unwrap();
    for (mode, via) in [
        (Mode::Export, Via::Export),
        (Mode::Search, Via::Search),
        (Mode::Auto, Via::Export),
    ] {
        let mut o = ServerOptions::new(&hfs.base, &types);
        o.mode = mode;
        // hfs answers `Retry-After: 120` to an export that takes milliseconds.
        o.max_poll_interval = Duration::from_millis(250);
        o.max_wait = Duration::from_secs(120);
        o.page_size = 100;
        let dir = tmp.path().join(format!("{mode:?}"));
        let t0 = Instant::now();
        let manifest_at = Mutex::new(None);
        let polls = Mutex::new(Vec::new());
        let progress = |p: Progress| match p {
            Progress::Manifest { .. } => *manifest_at.lock().unwrap() = Some(t0.elapsed()),
            Progress::Polling { status, .. } => polls.lock().unwrap().push(status),
            _ => {}
        };
        let d = download(&o, &dir, &progress)
            .await
            .unwrap_or_else(|e| panic!("{mode:?}: {e}"));
        eprintln!(
            "{mode:?}: via {:?}, {} files, {} resources, {} bytes in {:?} (manifest after {:?}, \
             polls {:?})",
            d.via,
            d.files.len(),
            d.resources(),
            d.bytes,
            t0.elapsed(),
            manifest_at.lock().unwrap(),
            polls.lock().unwrap()
        );
        assert_eq!(d.via, via);
        assert!(d.error_files.is_empty() && d.skipped.is_empty(), "{d:?}");
        let got = downloaded(&dir);
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "{mode:?}"
        );
        for (t, ids) in &expected {
            assert_eq!(got[t].len(), ids.len(), "{mode:?} {t}");
            assert_eq!(
                got[t].keys().collect::<Vec<_>>(),
                ids.keys().collect::<Vec<_>>(),
                "{mode:?} {t}"
            );
            assert_eq!(&got[t], ids, "{mode:?}: the {t} resources are those loaded");
        }
        if fixture().exists() {
            same_import(&dir);
        }
        let empty = d
            .files
            .iter()
            .find(|f| f.resource_type == "MedicationRequest");
        match via {
            // The export has no file for a type without resources; the search an empty one.
            Via::Export => assert!(empty.is_none()),
            Via::Search => assert_eq!(empty.map(|f| f.resources), Some(0)),
        }
    }
    drop(hfs);
}
