//! `fhir-bench`: a site's upload from a FHIR R4 Bulk Data export (issue 18's target: 10^5
//! patients with 10^6 Observations from NDJSON, mapped and uploaded, <= 60 s and <= 1 GiB on
//! the client). Generates an export of the adrenal study's shape (per patient: a Patient, a
//! radiotherapy Procedure, a motion-management Procedure, 14 Observations with LOINC, SNOMED
//! and study codes, half of them in units that must be converted, an Encounter), then maps it
//! with the dictionary's `[fhir]` section and uploads it to a local three-node consortium
//! (run in a child process of the bench, real TLS on 127.0.0.1), so that the bench's own peak
//! resident memory (`VmHWM`) is the client's: reading, mapping, validating, sharing and
//! sending. Reports each stage's time, the export's size and that peak.
//!
//! ```text
//! cargo run --release -p sharestat-bench --bin fhir-bench [-- --patients 100000]
//! cargo run --release -p sharestat-bench --bin fhir-bench -- --patients 1000000 --map-only
//! ```
//!
//! `--repeat K` writes each Observation K times (a day apart): K times the Observations for
//! the same patients. `--map-only` stops after the mapping (no nodes, no upload): the memory of mapping an
//! export too large to upload quickly on one machine.
#![forbid(unsafe_code)]

use sharestat_client::import::{FhirStats, ImportOptions, Imported, import_fhir};
use sharestat_dict::Dictionary;
use sharestat_node::local::LocalConsortium;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

#[path = "util.rs"]
mod util;
use util::{arg, upload_to};

const A: &str = "https://sharestat.example/fhir/adrenal";

/// Peak resident memory of this process so far, in MiB (Linux `VmHWM`).
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn obs(w: &mut impl Write, id: &str, p: &str, code: &str, date: &str, value: &str) {
    writeln!(
        w,
        r#"{{"resourceType":"Observation","id":"{id}","status":"final","subject":{{"reference":"Patient/{p}"}},"code":{{"coding":[{{"system":"{}","code":"{}"}}]}},"effectiveDateTime":"{date}T09:30:00+01:00",{value}}}"#,
        code.split_once('|').map_or(A, |c| c.0),
        code.split_once('|').map_or(code, |c| c.1),
    )
    .expect("write");
}

fn qty(v: &str, unit: &str) -> String {
    format!(
        r#""valueQuantity":{{"value":{v},"unit":"{unit}","system":"http://unitsofmeasure.org","code":"{unit}"}}"#
    )
}

fn cc(system: &str, code: &str) -> String {
    format!(r#""valueCodeableConcept":{{"coding":[{{"system":"{system}","code":"{code}"}}]}}"#)
}

/// Writes the export; returns (Observations, resources, bytes).
fn generate(dir: &Path, patients: usize, repeat: usize) -> (u64, u64, u64) {
    let file = |n: &str| {
        BufWriter::with_capacity(1 << 20, std::fs::File::create(dir.join(n)).expect("create"))
    };
    let (mut pw, mut rw, mut ow, mut ew) = (
        file("Patient.ndjson"),
        file("Procedure.ndjson"),
        file("Observation.ndjson"),
        file("Encounter.ndjson"),
    );
    let (mut nobs, mut nres) = (0u64, 0u64);
    let base = chrono::NaiveDate::from_ymd_opt(2019, 1, 1).expect("date");
    for i in 0..patients {
        let p = format!("p{i:07}");
        let start = base + chrono::Duration::days((i % 1400) as i64);
        let birth = start - chrono::Duration::days(365 * (40 + (i % 45) as i64) + 100);
        let dead = i % 3 == 0;
        let end = start + chrono::Duration::days(30 + (i % 700) as i64);
        let gender = if i % 2 == 0 { "male" } else { "female" };
        if dead {
            writeln!(pw, r#"{{"resourceType":"Patient","id":"{p}","gender":"{gender}","birthDate":"{birth}","deceasedDateTime":"{end}"}}"#)
        } else {
            writeln!(pw, r#"{{"resourceType":"Patient","id":"{p}","gender":"{gender}","birthDate":"{birth}","deceasedBoolean":false}}"#)
        }
        .expect("write");
        writeln!(rw, r#"{{"resourceType":"Procedure","id":"{p}-rt","status":"completed","subject":{{"reference":"Patient/{p}"}},"code":{{"coding":[{{"system":"http://snomed.info/sct","code":"108290001"}}]}},"performedDateTime":"{start}"}}"#).expect("write");
        writeln!(rw, r#"{{"resourceType":"Procedure","id":"{p}-mm","status":"completed","subject":{{"reference":"Patient/{p}"}},"code":{{"coding":[{{"system":"{A}","code":"dibh"}}]}},"performedDateTime":"{start}"}}"#).expect("write");
        if !dead {
            writeln!(ew, r#"{{"resourceType":"Encounter","id":"{p}-fu","status":"finished","class":{{"code":"AMB"}},"subject":{{"reference":"Patient/{p}"}},"period":{{"start":"{end}"}}}}"#).expect("write");
            nres += 1;
        }
        let d = start.to_string();
        let conv = i % 2 == 0; // every other patient in units that must be converted
        let la = ["LA9622-7", "LA9623-5", "LA9624-3"][i % 3];
        let rows: [(&str, String); 14] = [
            ("http://loinc.org|89247-1", cc("http://loinc.org", la)),
            (
                "http://snomed.info/sct|272741003",
                cc("http://snomed.info/sct", "7771000"),
            ),
            ("timing", cc(A, "metachronous")),
            ("chemotherapy", cc(A, "none")),
            ("immunotherapy", cc(A, "before")),
            ("fractions", qty(&(1 + i % 10).to_string(), "{#}")),
            (
                "prescription-dose",
                if conv {
                    qty("4050", "cGy")
                } else {
                    qty("40.5", "Gy")
                },
            ),
            ("bed10", qty(&format!("{}.{}", 60 + i % 40, i % 10), "Gy")),
            (
                "gtv",
                if conv {
                    qty("48.7", "mL")
                } else {
                    qty("48.7", "cm3")
                },
            ),
            ("ptv", qty(&format!("{}.5", 10 + i % 900), "cm3")),
            (
                "ptv-margin",
                if conv {
                    qty("0.3", "cm")
                } else {
                    qty("3", "mm")
                },
            ),
            ("ptv-dmax", qty("61.9", "Gy")),
            ("conformity-index", qty("0.89", "1")),
            ("homogeneity-index", qty("1.33", "1")),
        ];
        // Each Observation `repeat` times, a day apart before the index date (the same
        // value: first, last and nearest pick one of them).
        for r in 0..repeat {
            let day = (start - chrono::Duration::days(r as i64)).to_string();
            let d = if r == 0 { &d } else { &day };
            for (k, (code, value)) in rows.iter().enumerate() {
                obs(&mut ow, &format!("{p}-o{k}-{r}"), &p, code, d, value);
            }
        }
        nobs += (rows.len() * repeat) as u64;
        nres += 3 + (rows.len() * repeat) as u64;
    }
    for mut w in [pw, rw, ow, ew] {
        w.flush().expect("flush");
    }
    let bytes = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    (nobs, nres, bytes)
}

/// The export mapped as Munich's: the table, what was read, and the seconds it took.
fn map(export: &Path, dict: &Dictionary) -> (Imported, FhirStats, f64) {
    let t = Instant::now();
    let opts = ImportOptions {
        site: "munich".into(),
        drop_bad_rows: false,
    };
    let (data, stats) = import_fhir(export, dict, &opts).unwrap_or_else(|e| panic!("{e}"));
    (data, stats, t.elapsed().as_secs_f64())
}

/// The child: a local consortium with the adrenal study and Munich's data owner; writes
/// `{urls, ca, token}` to `out` and serves until its standard input closes.
async fn serve(dir: &Path, out: &Path) {
    let ex = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/adrenal");
    let text = std::fs::read_to_string(ex.join("dictionary.toml")).expect("dictionary");
    let c = LocalConsortium::start(dir, 300).await.expect("consortium");
    c.create_study("adrenal", &text, "").await.expect("study");
    let token = c
        .add_user("munich_dm", "data_owner", Some("adrenal"), Some("munich"))
        .await
        .expect("user");
    let urls: Vec<String> = c
        .configs
        .iter()
        .map(|cfg| format!("https://{}", cfg.node.api_listen))
        .collect();
    let doc = serde_json::json!({"urls": urls, "ca": c.ca, "token": token});
    std::fs::write(out.with_extension("tmp"), doc.to_string()).expect("write");
    std::fs::rename(out.with_extension("tmp"), out).expect("rename");
    let _ = tokio::task::spawn_blocking(|| {
        let mut sink = String::new();
        let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut sink);
    })
    .await;
    c.shutdown().await;
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 4 && args[1] == "--serve" {
        return serve(Path::new(&args[2]), Path::new(&args[3])).await;
    }
    let patients = arg("--patients", 100_000);
    let tmp = tempfile::tempdir().expect("temporary directory");
    let export = tmp.path().join("export");
    std::fs::create_dir_all(&export).expect("export dir");
    let t = Instant::now();
    let repeat = arg("--repeat", 1).max(1);
    let (nobs, nres, bytes) = generate(&export, patients, repeat);
    let gen_s = t.elapsed().as_secs_f64();
    let ex = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/adrenal");
    let text = std::fs::read_to_string(ex.join("dictionary.toml")).expect("dictionary");
    let dict = Dictionary::parse(&text).expect("dictionary parses");
    if args.iter().any(|a| a == "--map-only") {
        let (data, stats, map_s) = map(&export, &dict);
        assert_eq!((data.rows, stats.resources), (patients, nres));
        println!(
            "| patients | Observations | resources | export (MB) | map + validate (s) | peak RSS (MiB) |"
        );
        println!("|---:|---:|---:|---:|---:|---:|");
        println!(
            "| {patients} | {nobs} | {nres} | {:.0} | {map_s:.1} | **{:.0}** |",
            bytes as f64 / 1e6,
            peak_mib()
        );
        eprintln!("(generating the export took {gen_s:.1} s, not counted)");
        return;
    }
    // The nodes in a child process.
    let info = tmp.path().join("nodes.json");
    let mut child = std::process::Command::new(std::env::current_exe().expect("exe"))
        .arg("--serve")
        .arg(tmp.path().join("c"))
        .arg(&info)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("start the nodes");
    while !info.exists() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&info).expect("read")).expect("json");
    let ca = doc["ca"].as_str().expect("ca");
    let token = doc["token"].as_str().expect("token").to_owned();
    let nodes: Vec<sharestat_wire::Client> = doc["urls"]
        .as_array()
        .expect("urls")
        .iter()
        .map(|u| {
            sharestat_wire::Client::new(u.as_str().expect("url"), ca, Some(token.clone()))
                .expect("client")
        })
        .collect();
    let before = peak_mib();
    let (data, stats, map_s) = map(&export, &dict);
    let after_map = peak_mib();
    let t = Instant::now();
    let times = upload_to(nodes, "adrenal", "munich", "fhir", &data)
        .await
        .expect("upload");
    let up_s = t.elapsed().as_secs_f64();
    let peak = peak_mib();
    drop(child.stdin.take());
    let _ = child.wait();
    assert_eq!(data.rows, patients);
    assert_eq!(stats.resources, nres);
    println!(
        "| patients | Observations | resources | export (MB) | map + validate (s) | share + upload + commit (s) | total (s) | target | client peak RSS before / after mapping / end (MiB) | target |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---|---|---|");
    println!(
        "| {patients} | {nobs} | {} | {:.0} | {map_s:.1} | {up_s:.1} | **{:.1}** | <= 60 s | {before:.0} / {after_map:.0} / **{peak:.0}** | <= 1024 MiB |",
        stats.resources,
        bytes as f64 / 1e6,
        map_s + up_s,
    );
    eprintln!(
        "(generating the export took {gen_s:.1} s, not counted; {} stored columns, {:.1} MB of \
         shares to each node; upload stages: {times:?})",
        data.columns.len(),
        (data.rows * data.columns.len() * 16) as f64 / 1e6
    );
}
