//! Fuzzed FHIR input never panics the reader: the adrenal study's Munich export (its
//! Patient, Procedure and Observation lines), mutated by proptest (lines truncated, bytes
//! replaced or inserted, values swapped for other JSON types, lines duplicated or dropped,
//! references and dates garbled, gzip cut), is either imported or refused with problems.
use std::io::{Read, Write};
use std::path::PathBuf;

use proptest::prelude::*;
use sharestat_client::import::{ImportOptions, import_fhir};
use sharestat_dict::Dictionary;

fn example(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/adrenal")
        .join(path)
}

fn lines() -> Vec<String> {
    let dir = example("fhir/munich");
    let mut out = Vec::new();
    for f in ["Patient.ndjson", "Procedure.ndjson"] {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        out.extend(text.lines().take(40).map(str::to_owned));
    }
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(dir.join("Observation.ndjson.gz")).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    out.extend(text.lines().take(60).map(str::to_owned));
    out
}

/// Replacements that keep the JSON valid but change what an element holds.
const SWAPS: [(&str, &str); 10] = [
    ("\"value\":", "\"value\":\"x\",\"v\":"),
    ("Patient/", "Group/"),
    ("Patient/", ""),
    ("-0", "-1"),
    ("\"code\":\"", "\"code\":\"9"),
    ("\"gender\":\"male\"", "\"gender\":7"),
    ("\"Gy\"", "\"mol\""),
    ("\"subject\"", "\"subjekt\""),
    ("T", "\u{0}"),
    ("{", "["),
];

#[derive(Debug, Clone)]
enum Edit {
    Truncate(usize, usize),
    Byte(usize, usize, u8),
    Insert(usize, usize, u8),
    Swap(usize, usize),
    Duplicate(usize),
    Drop(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<usize>()).prop_map(|(l, p)| Edit::Truncate(l, p)),
        (any::<usize>(), any::<usize>(), any::<u8>()).prop_map(|(l, p, b)| Edit::Byte(l, p, b)),
        (any::<usize>(), any::<usize>(), any::<u8>()).prop_map(|(l, p, b)| Edit::Insert(l, p, b)),
        (any::<usize>(), 0..SWAPS.len()).prop_map(|(l, s)| Edit::Swap(l, s)),
        any::<usize>().prop_map(Edit::Duplicate),
        any::<usize>().prop_map(Edit::Drop),
    ]
}

fn apply(lines: &mut Vec<Vec<u8>>, e: &Edit) {
    if lines.is_empty() {
        return;
    }
    let n = lines.len();
    match *e {
        Edit::Truncate(l, p) => {
            let line = &mut lines[l % n];
            let k = p % (line.len() + 1);
            line.truncate(k);
        }
        Edit::Byte(l, p, b) => {
            let line = &mut lines[l % n];
            if !line.is_empty() {
                let k = p % line.len();
                line[k] = b;
            }
        }
        Edit::Insert(l, p, b) => {
            let line = &mut lines[l % n];
            let k = p % (line.len() + 1);
            line.insert(k, b);
        }
        Edit::Swap(l, s) => {
            let line = &mut lines[l % n];
            let text = String::from_utf8_lossy(line).replacen(SWAPS[s].0, SWAPS[s].1, 1);
            *line = text.into_bytes();
        }
        Edit::Duplicate(l) => {
            let line = lines[l % n].clone();
            lines.push(line);
        }
        Edit::Drop(l) => {
            lines.remove(l % n);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn mutated_exports_never_panic(edits in prop::collection::vec(edit(), 1..12), gz in any::<bool>(), cut in any::<usize>()) {
        let dict = Dictionary::parse(&std::fs::read_to_string(example("dictionary.toml")).unwrap()).unwrap();
        let mut ls: Vec<Vec<u8>> = lines().into_iter().map(String::into_bytes).collect();
        for e in &edits {
            apply(&mut ls, e);
        }
        let body: Vec<u8> = ls.join(&b'\n');
        let dir = tempfile::tempdir().unwrap();
        if gz {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(&body).unwrap();
            let mut bytes = enc.finish().unwrap();
            // Sometimes cut the gzip stream.
            if cut % 3 == 0 {
                let k = cut % (bytes.len() + 1);
                bytes.truncate(k);
            }
            std::fs::write(dir.path().join("all.ndjson.gz"), bytes).unwrap();
        } else {
            std::fs::write(dir.path().join("all.ndjson"), &body).unwrap();
        }
        let opts = ImportOptions { site: "munich".into(), drop_bad_rows: cut % 2 == 0 };
        match import_fhir(dir.path(), &dict, &opts) {
            Ok((imp, _)) => prop_assert!(imp.rows <= 40),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000), bundle in any::<bool>()) {
        let dict = Dictionary::parse(&std::fs::read_to_string(example("dictionary.toml")).unwrap()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let name = if bundle { "x.json" } else { "x.ndjson" };
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let opts = ImportOptions { site: "munich".into(), drop_bad_rows: false };
        let _ = import_fhir(&path, &dict, &opts);
    }
}
