//! `upload-bench`: data upload end to end against a local three-node consortium (one process,
//! real TLS on 127.0.0.1): read and validate the site file against the study dictionary,
//! share on the client, send each node its chunks, two-phase commit. Reports the time of each
//! stage and the bytes each node received.
//!
//! ```text
//! cargo run --release -p sharestat-bench --bin upload-bench [-- --rows 1000000 --reps 5]
//! ```
#![forbid(unsafe_code)]

use sharestat_client::import::{ImportOptions, import_file};
use sharestat_dict::Dictionary;
use sharestat_node::local::LocalConsortium;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

#[path = "util.rs"]
mod util;
use util::{arg, upload_imported};

/// Median and max of a list of milliseconds.
fn med(mut v: Vec<f64>) -> String {
    v.sort_by(|a, b| a.total_cmp(b));
    format!("{:.1} | {:.1}", v[v.len() / 2], v[v.len() - 1])
}

/// A 25-column dictionary (integers, decimals, categoricals, dates) and a generated CSV.
fn synthetic(dir: &Path, rows: usize) -> (String, std::path::PathBuf) {
    let mut d = String::from("study = \"big\"\ntitle = \"big\"\n");
    let mut header = Vec::new();
    for c in 0..25 {
        let (name, spec) = match c % 5 {
            0 => (
                format!("i{c}"),
                "type = \"integer\"\nmin = 0\nmax = 1000000\nrequired = true",
            ),
            1 => (
                format!("d{c}"),
                "type = \"decimal\"\ndecimals = 1\nrequired = true",
            ),
            2 => (
                format!("c{c}"),
                "type = \"categorical\"\nlevels = [\"a\", \"b\", \"c\"]\nonehot = false\nrequired = true",
            ),
            3 => (format!("t{c}"), "type = \"date\"\nrequired = true"),
            _ => (format!("m{c}"), "type = \"integer\"\nmin = 0\nmax = 100"),
        };
        d.push_str(&format!("\n[[columns]]\nname = \"{name}\"\n{spec}\n"));
        header.push(name);
    }
    let path = dir.join("big.csv");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&path).expect("create csv"));
    writeln!(w, "{}", header.join(",")).expect("write");
    for r in 0..rows {
        let mut line = String::with_capacity(200);
        for c in 0..25 {
            if c > 0 {
                line.push(',');
            }
            match c % 5 {
                0 => line.push_str(&((r * 31 + c) % 1_000_000).to_string()),
                1 => line.push_str(&format!("{}.{}", (r + c) % 500, r % 10)),
                2 => line.push(['a', 'b', 'c'][(r + c) % 3]),
                3 => line.push_str(&format!(
                    "20{:02}-{:02}-{:02}",
                    10 + r % 14,
                    1 + r % 12,
                    1 + r % 28
                )),
                _ => {
                    if r % 17 != 0 {
                        line.push_str(&((r + c) % 100).to_string());
                    }
                }
            }
        }
        writeln!(w, "{line}").expect("write");
    }
    w.flush().expect("flush");
    (d, path)
}

async fn one(
    c: &LocalConsortium,
    token: &str,
    study: &str,
    site: &str,
    name: &str,
    file: &Path,
    dict: &Dictionary,
) -> (f64, f64, usize) {
    let t = Instant::now();
    let opts = ImportOptions {
        site: site.into(),
        drop_bad_rows: false,
    };
    let data = import_file(file, dict, &opts).expect("valid file");
    let read = t.elapsed().as_secs_f64() * 1e3;
    upload_imported(c, token, study, site, name, &data).await;
    (read, t.elapsed().as_secs_f64() * 1e3, data.rows)
}

#[tokio::main]
async fn main() {
    let rows = arg("--rows", 1_000_000);
    let reps = arg("--reps", 10);
    let tmp = tempfile::tempdir().expect("temporary directory");
    let c = LocalConsortium::start(&tmp.path().join("c"), 30)
        .await
        .expect("consortium");
    let ex = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/adrenal");
    let text = std::fs::read_to_string(ex.join("dictionary.toml")).expect("dictionary");
    let dict = Dictionary::parse(&text).expect("dictionary parses");
    c.create_study(&dict.study, &text, "").await.expect("study");
    println!(
        "| file | rows | read + validate (ms) | end to end, median (ms) | max (ms) | target |"
    );
    println!("|---|---:|---:|---:|---:|---|");
    for (site, file) in [
        ("munich", "munich_delivered.xlsx"),
        ("rome", "rome_delivered.csv"),
    ] {
        let token = c
            .add_user(
                &format!("{site}_dm"),
                "data_owner",
                Some(&dict.study),
                Some(site),
            )
            .await
            .expect("user");
        let (mut reads, mut totals) = (Vec::new(), Vec::new());
        let mut n = 0;
        for k in 0..reps + 2 {
            let (r, tot, rows) = one(
                &c,
                &token,
                &dict.study,
                site,
                &format!("{site}{k}"),
                &ex.join(file),
                &dict,
            )
            .await;
            n = rows;
            if k >= 2 {
                reads.push(r);
                totals.push(tot);
            }
        }
        println!(
            "| {file} | {n} | {:.1} | {} | <= 50 ms |",
            reads[reads.len() / 2],
            med(totals)
        );
    }
    if rows > 0 {
        let (text, file) = synthetic(tmp.path(), rows);
        let big = Dictionary::parse(&text).expect("synthetic dictionary");
        c.create_study("big", &text, "").await.expect("study");
        let token = c
            .add_user("big_dm", "data_owner", Some("big"), Some("a"))
            .await
            .expect("user");
        let (read, total, n) = one(&c, &token, "big", "a", "big", &file, &big).await;
        let cols = big.encoded_columns().len();
        println!(
            "| generated CSV, 25 columns ({cols} stored) | {n} | {read:.0} | {total:.0} | {total:.0} | <= 20 s |"
        );
        println!(
            "\nEach node received {:.0} MB of shares for the generated file ({} x {} x 16 bytes).",
            (n * cols * 16) as f64 / 1e6,
            n,
            cols
        );
    }
    c.shutdown().await;
}
