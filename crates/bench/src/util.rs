//! Helpers shared by the service-level bench binaries (`upload-bench`, `query-bench`,
//! `pilot-bench`): command-line numbers, uploading an imported site file to a local
//! consortium, timing a query, and the synthetic survival dataset.
#![allow(dead_code)] // each binary uses its own subset
use serde_json::{Value, json};
use sharestat_client::import::Imported;
use sharestat_client::upload::{Plan, StageTimes, Target, upload};
use sharestat_node::local::LocalConsortium;
use sharestat_wire::Client;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The number after `name` on the command line, or `default`.
pub fn arg(name: &str, default: usize) -> usize {
    std::env::args()
        .skip_while(|a| a != name)
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Shares `data` on this machine and uploads it as dataset `name` of `site` (coordinator:
/// node 0), as the data owner with `token`.
pub async fn upload_imported(
    c: &LocalConsortium,
    token: &str,
    study: &str,
    site: &str,
    name: &str,
    data: &Imported,
) {
    let nodes = (0..3).map(|i| c.client(i, token)).collect();
    upload_to(nodes, study, site, name, data)
        .await
        .expect("upload");
}

/// Shares `data` on this machine and uploads it through `nodes` (clients of the three nodes
/// with a data owner's token; coordinator: node 0); returns the time of each stage.
pub async fn upload_to(
    nodes: Vec<Client>,
    study: &str,
    site: &str,
    name: &str,
    data: &Imported,
) -> Result<StageTimes, String> {
    let target = Target {
        nodes,
        coordinator: 0,
        relay: None,
    };
    let plan = Plan {
        study,
        site,
        name,
        replaces: false,
        data,
    };
    let id = sharestat_client::upload::new_id().map_err(|e| e.to_string())?;
    let u = upload(&target, &plan, &id, false, &|_, _| {})
        .await
        .map_err(|e| format!("upload {name}: {e}"))?;
    Ok(u.times)
}

/// Runs `text` `reps` times (after 2 warm-up runs); returns median and max ms, bytes, rounds.
pub async fn measure(
    client: &Client,
    study: &str,
    text: &str,
    reps: usize,
) -> (f64, f64, u64, u64) {
    // Warm-up runs before the measured ones: 2, or SHARESTAT_BENCH_WARMUPS (0 for one long
    // query measured once).
    let warm: usize = std::env::var("SHARESTAT_BENCH_WARMUPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2);
    measure_runs(client, study, text, reps, warm).await
}

/// [`measure`] with `warm` warm-up runs. A query whose releases the disclosure rules limit
/// (the same quantiles of the same rows are released a few times at most, then refused)
/// must be measured on its first runs: `warm = 0`.
pub async fn measure_runs(
    client: &Client,
    study: &str,
    text: &str,
    reps: usize,
    warm: usize,
) -> (f64, f64, u64, u64) {
    let body = json!({"kind": "query", "study": study, "text": text});
    let mut ms = Vec::new();
    let (mut bytes, mut rounds) = (0, 0);
    for k in 0..reps + warm {
        let t = Instant::now();
        let mut v: Value = client
            .post("/api/v1/jobs?wait_secs=300", &body)
            .await
            .expect("query");
        // A job longer than the server's longest wait (300 s): wait again.
        while matches!(v["state"].as_str(), Some("pending" | "running")) {
            let id = v["id"].as_str().unwrap_or_default().to_owned();
            v = client
                .get(&format!("/api/v1/jobs/{id}?wait_secs=300"))
                .await
                .expect("job");
        }
        let dt = t.elapsed().as_secs_f64() * 1e3;
        if v["state"] != "done" {
            eprintln!("query failed: {text}: {}", v["error"]);
            return (f64::NAN, f64::NAN, 0, 0);
        }
        // SHARESTAT_BENCH_SHOW: print the answer of each run (to check what it ran).
        if std::env::var_os("SHARESTAT_BENCH_SHOW").is_some() {
            eprintln!("{text}\n=> {}", v["result"]);
        }
        bytes = v["result"]["bytes_sent"].as_u64().unwrap_or(0);
        rounds = v["result"]["communication_rounds"].as_u64().unwrap_or(0);
        if k >= warm {
            ms.push(dt);
        }
    }
    ms.sort_by(f64::total_cmp);
    (ms[ms.len() / 2], ms[ms.len() - 1], bytes, rounds)
}

/// The dictionary of study `study` with `x` (integer 0..99, a survival time: events below 90), `age` (30..89),
/// `g` (5 levels, one-hot) and its CSV of `rows` rows. Times follow a proportional-hazards
/// model with log hazard ratios 0.03 per year of age and 0.5 for `g == "a"`.
/// The stored columns of the Table 1 benchmark (`query_bench`'s `TABLE1_STORED`): the arm,
/// two numeric and six categorical or logical variables, as its derivations from `x`, `age`
/// and `g` make them.
const TABLE1_COLUMNS: &str = "\n[[columns]]\nname = \"arm\"\ntype = \"categorical\"\n\
    levels = [\"A\", \"B\"]\nrequired = true\n\n[[columns]]\nname = \"y\"\ntype = \"integer\"\n\
    min = 18\nmax = 209\nrequired = true\n\n[[columns]]\nname = \"z\"\ntype = \"integer\"\nmin = 1\n\
    max = 199\nrequired = true\n\n[[columns]]\nname = \"old\"\ntype = \"boolean\"\n\
    required = true\n\n[[columns]]\nname = \"high\"\ntype = \"boolean\"\nrequired = true\n\n\
    [[columns]]\nname = \"xc\"\ntype = \"categorical\"\n\
    levels = [\"(-1,24]\", \"(24,49]\", \"(49,74]\", \"(74,99]\"]\nrequired = true\n\n\
    [[columns]]\nname = \"ac\"\ntype = \"categorical\"\n\
    levels = [\"(29,44]\", \"(44,59]\", \"(59,74]\", \"(74,89]\"]\nrequired = true\n\n\
    [[columns]]\nname = \"site\"\ntype = \"categorical\"\nlevels = [\"s1\", \"s2\"]\n\
    required = true\n";

pub fn synthetic(dir: &Path, study: &str, rows: usize) -> (String, PathBuf) {
    synthetic_with(dir, study, rows, false)
}

/// [`synthetic`] with the Table 1 benchmark's stored columns ([`TABLE1_COLUMNS`]) too.
pub fn synthetic_table1(dir: &Path, study: &str, rows: usize) -> (String, PathBuf) {
    synthetic_with(dir, study, rows, true)
}

fn synthetic_with(dir: &Path, study: &str, rows: usize, table1: bool) -> (String, PathBuf) {
    let dict = format!("study = \"{study}\"\ntitle = \"{study}\"\n")
        + "\n[[columns]]\nname = \"x\"\ntype = \"integer\"\n\
                min = 0\nmax = 99\nrequired = true\n\n[[columns]]\nname = \"age\"\n\
                type = \"integer\"\nmin = 18\nmax = 110\nrequired = true\n\n[[columns]]\n\
                name = \"g\"\ntype = \"categorical\"\nlevels = [\"a\", \"b\", \"c\", \"d\", \"e\"]\n\
                required = true\n"
        + if table1 { TABLE1_COLUMNS } else { "" };
    let path = dir.join(format!("{study}.csv"));
    let mut w = std::io::BufWriter::new(std::fs::File::create(&path).expect("csv"));
    let extra = if table1 {
        ",arm,y,z,old,high,xc,ac,site"
    } else {
        ""
    };
    writeln!(w, "x,age,g{extra}").expect("write");
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    for r in 0..rows {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        let u = ((s >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        let age = 30 + (r * 7907) % 60;
        let g = (r * 31) % 5;
        let hazard = (0.03 * (age as f64 - 60.0) + if g == 0 { 0.5 } else { 0.0 }).exp();
        let x = ((-u.ln() / hazard * 40.0) as usize).min(99);
        let g_text = ["a", "b", "c", "d", "e"][g];
        if !table1 {
            writeln!(w, "{x},{age},{g_text}").expect("write");
            continue;
        }
        // The Table 1 benchmark's variables, stored (the values its derivations give).
        let arm = if g < 2 { "A" } else { "B" };
        let cut = |v: usize, lo: [usize; 4], hi: [usize; 4]| {
            let k = hi.iter().position(|&h| v <= h).unwrap_or(3);
            format!("\"({},{}]\"", lo[k] as i64 - i64::from(lo[k] == 0), hi[k])
        };
        let xc = cut(x, [0, 24, 49, 74], [24, 49, 74, 99]);
        let ac = cut(age, [29, 44, 59, 74], [44, 59, 74, 89]);
        writeln!(
            w,
            "{x},{age},{g_text},{arm},{},{},{},{},{xc},{ac},{}",
            x + age,
            2 * x + 1,
            age >= 65,
            x >= 50,
            if g == 4 { "s2" } else { "s1" }
        )
        .expect("write");
    }
    w.flush().expect("flush");
    (dict, path)
}
