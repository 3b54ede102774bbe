//! The measurements of `pilot-bench` and their Markdown tables: the pilot's Table 2 (upload
//! split) and Table 3 (the four functions on one site and on both), then the brief's
//! operations for n = 48 .. 10^6 rows with time, bytes and rounds against the brief's targets.
use crate::util::{measure, synthetic, upload_to};
use crate::wan::Wan;
use sharestat_client::import::{ImportOptions, Imported, import_file};
use sharestat_client::upload::StageTimes;
use sharestat_dict::Dictionary;
use sharestat_node::local::LocalConsortium;
use sharestat_wire::Client;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

/// The consortium under test.
pub enum Nodes {
    /// In this process (optionally with delaying relays on the peer links).
    Local(LocalConsortium),
    /// Three processes in network namespaces with netem.
    Wan(Wan),
}

impl Nodes {
    fn client(&self, i: usize, token: &str) -> Client {
        match self {
            Nodes::Local(c) => c.client(i, token),
            Nodes::Wan(w) => w.client(i, token),
        }
    }

    async fn create_study(&self, id: &str, dict: &str, policy: &str) -> Result<(), String> {
        match self {
            Nodes::Local(c) => c
                .create_study(id, dict, policy)
                .await
                .map_err(|e| e.to_string()),
            Nodes::Wan(w) => w.create_study(id, dict, policy).await,
        }
    }

    async fn add_user(
        &self,
        name: &str,
        role: &str,
        study: Option<&str>,
        site: Option<&str>,
    ) -> Result<String, String> {
        match self {
            Nodes::Local(c) => c
                .add_user(name, role, study, site)
                .await
                .map_err(|e| e.to_string()),
            Nodes::Wan(w) => w.add_user(name, role, study, site).await,
        }
    }

    /// Stops the nodes.
    pub async fn shutdown(self) {
        match self {
            Nodes::Local(c) => c.shutdown().await,
            Nodes::Wan(w) => drop(w),
        }
    }
}

/// How this run is set up.
pub struct Setting {
    /// One sentence on the consortium (processes, network, delay).
    pub how: String,
    /// Timed repetitions per figure (after warm-up runs for queries).
    pub reps: usize,
    /// `loopback` or `wan-25ms`: names the section in the Markdown file.
    pub mode: String,
}

/// An upload as the data owner with `token`: the time of each stage.
async fn upload_timed(
    nodes: &Nodes,
    token: &str,
    study: &str,
    site: &str,
    name: &str,
    data: &Imported,
) -> Result<StageTimes, String> {
    let clients = (0..3).map(|i| nodes.client(i, token)).collect();
    upload_to(clients, study, site, name, data).await
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn bytes(b: u64) -> String {
    match b {
        b if b >= 10_000_000 => format!("{:.0} MB", b as f64 / 1e6),
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 10_000 => format!("{:.0} kB", b as f64 / 1e3),
        b => format!("{b} B"),
    }
}

fn time(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1e3)
    } else if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// Runs every measurement; returns the Markdown.
pub async fn run(
    nodes: &Nodes,
    s: &Setting,
    sizes: &[usize],
    tmp: &Path,
) -> Result<String, String> {
    let mut md = String::new();
    let date = chrono::Utc::now().format("%Y-%m-%d");
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    writeln!(
        md,
        "Measured {date} on {cores} cores by `pilot-bench` ({}): {}. Times are medians of {} runs \
         at the client; bytes are those sent by the front node's party, rounds its \
         communication rounds.\n",
        s.mode, s.how, s.reps
    )
    .ok();

    // The adrenal study, both hospitals' files as delivered.
    let ex = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/adrenal");
    let read = |f: &str| std::fs::read_to_string(ex.join(f)).map_err(|e| format!("{f}: {e}"));
    let dict_text = read("dictionary.toml")?;
    nodes
        .create_study("adrenal", &dict_text, &read("policy.toml")?)
        .await?;
    let dict = Dictionary::parse(&dict_text).map_err(|e| e.to_string())?;
    writeln!(
        md,
        "#### The pilot's Table 2: uploading one hospital's file\n"
    )
    .ok();
    writeln!(
        md,
        "| file | rows | client: read, validate, share | network: announce, send chunks | \
         server: two-phase commit | secure computation | total |\n|---|---:|---:|---:|---:|---:|---:|"
    )
    .ok();
    for (site, file) in [
        ("munich", "munich_delivered.xlsx"),
        ("rome", "rome_delivered.csv"),
    ] {
        let token = nodes
            .add_user(
                &format!("{site}_dm"),
                "data_owner",
                Some("adrenal"),
                Some(site),
            )
            .await?;
        let (mut client, mut network, mut server, mut total) = (vec![], vec![], vec![], vec![]);
        let mut rows = 0;
        for k in 0..s.reps + 1 {
            let t = Instant::now();
            let opts = ImportOptions {
                site: site.into(),
                drop_bad_rows: false,
            };
            let data =
                import_file(&ex.join(file), &dict, &opts).map_err(|e| format!("{file}: {e}"))?;
            let read_ms = t.elapsed().as_secs_f64() * 1e3;
            rows = data.rows;
            // The first upload is the site's dataset for the queries; the others time it again.
            let name = if k == 0 {
                site.to_owned()
            } else {
                format!("{site}_{k}")
            };
            let st = upload_timed(nodes, &token, "adrenal", site, &name, &data).await?;
            client.push(read_ms + st.share_ms);
            network.push(st.begin_ms + st.send_ms);
            server.push(st.commit_ms);
            total.push(t.elapsed().as_secs_f64() * 1e3);
        }
        writeln!(
            md,
            "| {file} | {rows} | {} | {} | {} | none | {} |",
            time(median(client)),
            time(median(network)),
            time(median(server)),
            time(median(total))
        )
        .ok();
    }
    writeln!(
        md,
        "| the pilot (Sharemind, Python middleware, servers over the internet) | 24 | 69 ms | \
         457 ms | 154 ms | 262 ms | 942 ms |\n"
    )
    .ok();

    // Table 3.
    let rita = nodes
        .add_user("rita", "researcher", Some("adrenal"), None)
        .await?;
    let r = nodes.client(1, &rita);
    writeln!(
        md,
        "#### The pilot's Table 3: the four functions on one site and on both\n\n\
         | function | one site (24 rows) | bytes | rounds | both sites (48 rows) | bytes | rounds | \
         the pilot (48 rows) |\n|---|---:|---:|---:|---:|---:|---:|---:|"
    )
    .ok();
    let one = "tm <- load(\"munich\")\n";
    let both = "tm <- rbind(load(\"munich\"), load(\"rome\"))\n";
    for (f, pilot) in [
        ("freq(tm$gender)", "0.38 s"),
        ("mean(tm$age)", "0.82 s"),
        ("median(tm$age)", "0.85 s"),
        ("quantile(tm$age)", "0.96 s"),
    ] {
        let a = measure(&r, "adrenal", &format!("{one}{f}"), s.reps).await;
        let b = measure(&r, "adrenal", &format!("{both}{f}"), s.reps).await;
        writeln!(
            md,
            "| `{f}` | {} | {} | {} | {} | {} | {} | {pilot} |",
            time(a.0),
            bytes(a.2),
            a.3,
            time(b.0),
            bytes(b.2),
            b.3
        )
        .ok();
    }

    // The brief's operations at every size.
    writeln!(
        md,
        "\n#### The brief's operations, n = {} .. {} rows\n\n\
         Generated data: `x` integer 0..99 (a survival time, an event when below 80), `age`, `g` \
         with 5 levels. Each study has the default policy of a new study, so every check of \
         disclosure control runs and counts are perturbed by the cell-key method. Targets from \
         `PRODUCT.md` section 8 (the n = 48 target for n = 48, the n = 10^6 target for 10^6; \
         the subset mean's from issue 13).\n\n\
         | operation | n | time | bytes | rounds | {} |\n|---|---:|---:|---:|---:|---|",
        sizes.first().copied().unwrap_or(0),
        sizes.last().copied().unwrap_or(0),
        if s.mode == "loopback" {
            "target"
        } else {
            "target (for loopback)"
        }
    )
    .ok();
    let survival = "s <- survfit(Surv(x, x < 80) ~ ifelse(g == \"a\", \"a\", \"b\"), data = d)\n\
                    survdiff(Surv(x, x < 80) ~ ifelse(g == \"a\", \"a\", \"b\"), data = d)";
    let ops: [(&str, &str, &str, &str); 6] = [
        ("mean", "mean(d$x)", "5 ms", "25 ms"),
        ("freq, 5 levels", "freq(d$g)", "5 ms", "100 ms"),
        ("filtered count (x < 50)", "sum(d$x < 50)", "5 ms", "300 ms"),
        (
            "subset mean (x < 50), every disclosure check",
            "mean(d$age[d$x < 50])",
            "5 ms",
            "1 s",
        ),
        (
            "quantiles (3 at once)",
            "quantile(d$x, c(0.25, 0.5, 0.75))",
            "5 ms",
            "5 s",
        ),
        (
            "Kaplan-Meier + log-rank, 2 groups",
            survival,
            "20 ms",
            "3 s",
        ),
    ];
    for &n in sizes {
        let study = format!("s{n}");
        let (dict, file) = synthetic(tmp, &study, n);
        nodes
            .create_study(&study, &dict, "allow_event_times = true\n")
            .await?;
        let owner = nodes
            .add_user(
                &format!("{study}_dm"),
                "data_owner",
                Some(&study),
                Some("a"),
            )
            .await?;
        let d = Dictionary::parse(&dict).map_err(|e| e.to_string())?;
        let t = Instant::now();
        let opts = ImportOptions {
            site: "a".into(),
            drop_bad_rows: false,
        };
        let data = import_file(&file, &d, &opts).map_err(|e| e.to_string())?;
        upload_timed(nodes, &owner, &study, "a", "a", &data).await?;
        let up_ms = t.elapsed().as_secs_f64() * 1e3;
        let researcher = nodes
            .add_user(&format!("{study}_r"), "researcher", Some(&study), None)
            .await?;
        let rc = nodes.client(1, &researcher);
        let target = |small: &str, large: &str| match n {
            48 => format!("<= {small}"),
            1_000_000 => format!("<= {large}"),
            _ => String::new(),
        };
        let reps = s.reps.max(3);
        for (label, q, small, large) in ops {
            let m = measure(&rc, &study, &format!("d <- load(\"a\")\n{q}"), reps).await;
            if m.0.is_nan() {
                return Err(format!("{label} at n = {n} failed"));
            }
            writeln!(
                md,
                "| {label} | {n} | {} | {} | {} | {} |",
                time(m.0),
                bytes(m.2),
                m.3,
                target(small, large)
            )
            .ok();
        }
        let stored: u64 = data.columns.len() as u64 * n as u64 * 16;
        writeln!(
            md,
            "| upload (3 columns: read, validate, share, send, commit) | {n} | {} | {} to each node | – | {} |",
            time(up_ms),
            bytes(stored),
            target("50 ms", "20 s (25 columns)")
        )
        .ok();
        eprintln!("n = {n} done");
    }
    Ok(md)
}

/// Puts `md` between `<!-- pilot-bench MODE begin -->` and `... end -->` in `path` (appended
/// at the end the first time).
pub fn write_section(path: &Path, mode: &str, md: &str) -> std::io::Result<()> {
    let (begin, end) = (
        format!("<!-- pilot-bench {mode} begin -->"),
        format!("<!-- pilot-bench {mode} end -->"),
    );
    let old = std::fs::read_to_string(path).unwrap_or_default();
    let block = format!("{begin}\n{}\n{end}", md.trim_end());
    let new = match (old.find(&begin), old.find(&end)) {
        (Some(a), Some(b)) if a < b => format!("{}{block}{}", &old[..a], &old[b + end.len()..]),
        _ => format!("{}\n\n{block}\n", old.trim_end()),
    };
    std::fs::write(path, new)
}
