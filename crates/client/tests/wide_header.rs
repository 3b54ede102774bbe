//! A header of 10^5 columns is matched against a dictionary of 10^5 columns (in another
//! order) correctly, and its problems (duplicate, unknown, missing) are all named. The check is
//! linear (hash maps); the time is printed, not asserted.
use sharestat_client::import::{ImportOptions, import_file};
use sharestat_dict::Dictionary;

const N: usize = 100_000;

fn dictionary() -> Dictionary {
    let mut d = String::from("study = \"wide\"\ntitle = \"wide\"\n");
    for i in 0..N {
        d.push_str(&format!(
            "\n[[columns]]\nname = \"c{i}\"\ntype = \"integer\"\n"
        ));
    }
    Dictionary::parse(&d).unwrap()
}

fn opts() -> ImportOptions {
    ImportOptions {
        site: "canonical".into(),
        drop_bad_rows: false,
    }
}

/// Writes a CSV with `header` and one row whose field under `c<i>` is `i`.
fn csv(dir: &std::path::Path, name: &str, header: &[String]) -> std::path::PathBuf {
    let row: Vec<String> = header
        .iter()
        .map(|h| {
            h.trim_start_matches('c')
                .parse::<usize>()
                .map_or(String::new(), |i| i.to_string())
        })
        .collect();
    let path = dir.join(name);
    std::fs::write(&path, format!("{}\n{}\n", header.join(","), row.join(","))).unwrap();
    path
}

#[test]
fn a_header_of_100000_columns_is_validated() {
    let dict = dictionary();
    let tmp = tempfile::tempdir().unwrap();
    // The file's columns in reverse order of the dictionary's.
    let header: Vec<String> = (0..N).rev().map(|i| format!("c{i}")).collect();
    let path = csv(tmp.path(), "wide.csv", &header);
    let t = std::time::Instant::now();
    let imported = import_file(&path, &dict, &opts()).unwrap();
    eprintln!("import of a 10^5-column file: {:?}", t.elapsed());
    assert_eq!(imported.rows, 1);
    for i in [0, 1, 4242, N - 1] {
        assert_eq!(imported.column(&format!("c{i}")).unwrap(), &[i as u64]);
    }

    // A duplicate, an unknown and a missing column, all named in one message.
    let mut bad = header.clone();
    bad[10] = "c7".into(); // c(N-11) missing, c7 twice
    bad[20] = "C5".into(); // unknown (c(N-21) missing), with a hint
    let path = csv(tmp.path(), "bad.csv", &bad);
    let err = import_file(&path, &dict, &opts()).unwrap_err().to_string();
    let c7 = N - 7; // 1-based column of c7 in the reversed header
    assert!(
        err.contains(&format!("duplicate header \"c7\" in columns 11 and {c7}")),
        "{err}"
    );
    assert!(
        err.contains(
            "unknown column \"C5\" (column 21) is not in the dictionary (did you mean \"c5\"?)"
        ),
        "{err}"
    );
    assert!(
        err.contains(&format!("missing columns \"c{}\", \"c{}\"", N - 21, N - 11)),
        "{err}"
    );
}
