//! The researcher front ends end to end: one consortium of three `sharestat node` processes
//! holds the adrenal example study (Munich and Rome uploaded with `sharestat upload`), then
//! `sharestat run` prints R-like output and JSON, is refused for private data and by disclosure
//! control, and `sharestat repl` is driven through a pseudo-terminal (rexpect): session state,
//! multi-line input, tab completion, an error that leaves the session working, history, `q()`.
//! Plots that queries return are drawn by `sharestat run` into its current directory.
//!
//! Everything runs in one test so that the consortium starts once (CI has two cores).
mod common;
use common::*;
use rexpect::reader::Options;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const SCRIPT: &str = "tm <- load(\"munich\")\ntr <- load(\"rome\")\nquantile(tm$age)\nfreq(tm$gender)\nlength(c(tm$age, tr$age))\n";

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/adrenal")
}

/// The consortium and the researcher's token.
struct Fixture {
    dir: PathBuf,
    work: PathBuf,
    researcher: String,
    munich: String,
}

impl Fixture {
    fn conn(&self) -> Vec<String> {
        vec![
            "--study".into(),
            "adrenal".into(),
            "--consortium".into(),
            self.dir.display().to_string(),
        ]
    }

    /// `sharestat run` on `script` (written to a file) with `extra` arguments.
    fn run(&self, name: &str, script: &str, extra: &[&str]) -> Output {
        let path = self.work.join(name);
        std::fs::write(&path, script).unwrap();
        Command::new(EXE)
            .arg("run")
            .arg(&path)
            .args(self.conn())
            .args(extra)
            .env("SHARESTAT_TOKEN", &self.researcher)
            .output()
            .unwrap()
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

fn add_user(dir: &str, name: &str, args: &[&str]) -> String {
    let mut all = vec!["user", "add", "--consortium", dir, name];
    all.extend_from_slice(args);
    token_from(&sharestat(&all))
}

/// The adrenal study on all three nodes, its two sites uploaded through the CLI. Returns the
/// researcher's token and Munich's data owner's.
fn set_up(dir: &Path, work: &Path) -> (String, String) {
    let ex = examples();
    let d = dir.to_str().unwrap();
    ok(&sharestat(&[
        "study",
        "create",
        "--consortium",
        d,
        "--id",
        "adrenal",
        "--dictionary",
        ex.join("dictionary.toml").to_str().unwrap(),
        "--policy",
        ex.join("policy.toml").to_str().unwrap(),
    ]));
    let researcher = add_user(d, "rita", &["--role", "researcher", "--study", "adrenal"]);
    let mut owners = Vec::new();
    // Munich's canonical file reads with Munich's conventions (ISO dates are accepted);
    // Rome's conventions say `;` and decimal commas, so Rome uploads the file as it delivers
    // it, which holds the same patients as rome.csv.
    for (site, file) in [("munich", "munich.csv"), ("rome", "rome_delivered.csv")] {
        let owner = add_user(
            d,
            &format!("owner_{site}"),
            &["--role", "data_owner", "--study", "adrenal", "--site", site],
        );
        let out = Command::new(EXE)
            .arg("upload")
            .arg(ex.join(file))
            .args([
                "--study",
                "adrenal",
                "--site",
                site,
                "--consortium",
                d,
                "--yes",
            ])
            .env("SHARESTAT_TOKEN", &owner)
            .current_dir(work)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        ok(&out);
        owners.push(owner);
    }
    (researcher, owners.swap_remove(0))
}

/// `sharestat upload --fhir SOURCE` as Munich's data owner, with `extra` arguments.
fn upload_fhir(fx: &Fixture, source: &Path, extra: &[&str]) -> Output {
    Command::new(EXE)
        .arg("upload")
        .arg("--fhir")
        .arg(source)
        .args(["--site", "munich", "--name", "munich_fhir"])
        .args(fx.conn())
        .args(extra)
        .env("SHARESTAT_TOKEN", &fx.munich)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Munich's FHIR export uploaded with `sharestat upload --fhir`: a bad export is refused with
/// its problems and uploads nothing; `--dry-run` shows the mapped table; the upload gives the
/// same results as the workbook's rows (the same script on both prints the same).
fn fhir_upload(fx: &Fixture) {
    let export = examples().join("fhir/munich");
    // A copy with an unknown ECOG code on its first Observation line.
    let bad = fx.work.join("bad-export");
    std::fs::create_dir_all(&bad).unwrap();
    for f in std::fs::read_dir(&export).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), bad.join(f.file_name())).unwrap();
    }
    let lines = "Observation.ndjson";
    let gz = std::fs::read(bad.join("Observation.ndjson.gz")).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut text).unwrap();
    let text = text.replacen("LA9622-7", "LA0000-0", 1);
    std::fs::remove_file(bad.join("Observation.ndjson.gz")).unwrap();
    std::fs::write(bad.join(lines), text).unwrap();
    let manifest = std::fs::read_to_string(bad.join("manifest.json"))
        .unwrap()
        .replace("Observation.ndjson.gz", lines);
    std::fs::write(bad.join("manifest.json"), manifest).unwrap();
    let out = upload_fhir(fx, &bad, &["--yes"]);
    assert!(!out.status.success());
    let err = text_of(&out.stderr);
    assert!(
        err.contains("Observation.ndjson line")
            && err.contains("valueCodeableConcept), column ecog_status: \"http://loinc.org|LA0000-0\" is not a code the map knows")
            && err.contains("nothing was uploaded"),
        "{err}"
    );
    // A FHIR server that is down: a clear error, nothing uploaded.
    let down = format!("http://127.0.0.1:{}/fhir", free_port());
    let out = upload_fhir(fx, Path::new(&down), &["--yes"]);
    assert!(!out.status.success());
    let err = text_of(&out.stderr);
    assert!(
        err.contains("cannot reach the FHIR server") && err.contains("nothing was uploaded"),
        "{err}"
    );
    // --dry-run: the summary, nothing sent.
    let out = upload_fhir(fx, &export, &["--dry-run"]);
    ok(&out);
    let said = text_of(&out.stdout);
    assert!(
        said.contains("mapped to 24 patients") && said.contains("24 rows ready to upload"),
        "{said}"
    );
    let probe = fx.run("probe.R", "length(load(\"munich_fhir\")$age)\n", &[]);
    assert!(!probe.status.success(), "{}", text_of(&probe.stdout));
    ok(&upload_fhir(fx, &export, &["--yes"]));
    let script = |name: &str| {
        format!(
            "d <- load(\"{name}\")\nquantile(d$age)\nsum(d$bed10_gy)\nmean(d$ptv_cc)\nfreq(d$gender)\nsum(d$ptv_margin_mm)\nsum(d$gtv_cc)\nmin(d$treatment_start)\nsum(d$follow_up_months)\nsum(d$adapted_fractions)\nfreq(d$event_death)\n"
        )
    };
    let from_file = fx.run("file.R", &script("munich"), &[]);
    let from_fhir = fx.run("fhir.R", &script("munich_fhir"), &[]);
    ok(&from_file);
    ok(&from_fhir);
    assert_eq!(
        text_of(&from_fhir.stdout).replace("munich_fhir", "munich"),
        text_of(&from_file.stdout)
    );
    assert!(text_of(&from_file.stdout).contains("38.00"));
}

fn text_of(b: &[u8]) -> String {
    text(b)
}

/// The mean of Munich's ages as R prints it (7 significant digits).
fn munich_mean_age() -> String {
    let csv = std::fs::read_to_string(examples().join("munich.csv")).unwrap();
    let mut lines = csv.lines();
    let col = lines
        .next()
        .unwrap()
        .split(',')
        .position(|h| h == "age")
        .unwrap();
    let ages: Vec<f64> = lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').nth(col).unwrap().parse().unwrap())
        .collect();
    assert_eq!(ages.len(), 24);
    let mean = ages.iter().sum::<f64>() / ages.len() as f64;
    let s = format!("{mean:.5}");
    format!("[1] {}", s.trim_end_matches('0').trim_end_matches('.'))
}

fn scripts_print_like_rscript(fx: &Fixture) {
    let out = fx.run("pilot.R", SCRIPT, &[]);
    ok(&out);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("38.00 62.50 66.00 72.25 91.00"), "{stdout}");
    let freq = stdout
        .lines()
        .skip_while(|l| !l.contains("male female"))
        .take(2)
        .collect::<Vec<_>>();
    assert_eq!(freq.len(), 2, "{stdout}");
    let counts: Vec<&str> = freq[1].split_whitespace().collect();
    assert_eq!(counts, ["16", "8"], "{stdout}");
    assert!(stdout.contains("[1] 48\n"), "{stdout}");

    // The same from standard input, as JSON.
    let mut child = Command::new(EXE)
        .args(["run", "-", "--json"])
        .args(fx.conn())
        .env("SHARESTAT_TOKEN", &fx.researcher)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(SCRIPT.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    ok(&out);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let outputs = doc["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 3, "{doc}");
    assert_eq!(outputs[0]["source"], "quantile(tm$age)");
    let q = &outputs[0]["value"];
    for (k, v) in [
        ("0%", 38.0),
        ("25%", 62.5),
        ("50%", 66.0),
        ("75%", 72.25),
        ("100%", 91.0),
    ] {
        assert_eq!(q[k].as_f64(), Some(v), "{k}: {doc}");
    }
    assert_eq!(outputs[1]["value"]["male"], 16, "{doc}");
    assert_eq!(outputs[1]["value"]["female"], 8, "{doc}");
    assert_eq!(outputs[2]["value"].as_f64(), Some(48.0), "{doc}");
    assert!(doc["bytes_sent"].as_u64().unwrap() > 0, "{doc}");
    assert!(doc["communication_rounds"].as_u64().is_some(), "{doc}");
    assert_eq!(doc["job"].as_str().map(str::len), Some(16), "{doc}");
}

fn refusals_exit_1(fx: &Fixture) {
    let out = fx.run("private.R", "tm <- load(\"munich\")\ntm$age\n", &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("would print private data"), "{stderr}");
    assert!(text(&out.stdout).is_empty());

    let out = fx.run(
        "private.R",
        "tm <- load(\"munich\")\ntm$age\n",
        &["--json", "--node", "2"],
    );
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let err = doc["error"].as_str().unwrap();
    assert!(err.contains("would print private data"), "{doc}");

    let dc = "d <- rbind(load(\"munich\"), load(\"rome\"))\nmean(subset(d, age == 91)$gtv_cc)\n";
    let out = fx.run("subset.R", dc, &["--node", "1"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("refused by disclosure control (min_subset)"),
        "{stderr}"
    );
    let out = fx.run("subset.R", dc, &["--json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc["error"]
            .as_str()
            .unwrap()
            .contains("refused by disclosure control (min_subset)"),
        "{doc}"
    );
    assert!(doc["job"].is_string(), "a refused job has an id: {doc}");

    // Usage errors are clap's: exit code 2.
    let out = fx.run("pilot.R", SCRIPT, &["--node", "3"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

const KM: &str = "d <- rbind(load(\"munich\"), load(\"rome\"))\n\
fit <- survfit(Surv(follow_up_months, event_death) ~ \
ifelse(ecog_status %in% c(\"0\", \"1\"), \"ecog01\", \"ecog2\"), data = d)\n";

/// `sharestat run` in `dir` (plots are written below the current directory).
fn run_in(fx: &Fixture, dir: &Path, script: &str, extra: &[&str]) -> Output {
    let path = dir.join("script.R");
    std::fs::write(&path, script).unwrap();
    Command::new(EXE)
        .arg("run")
        .arg("script.R")
        .args(fx.conn())
        .args(extra)
        .env("SHARESTAT_TOKEN", &fx.researcher)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn plots_are_drawn_by_the_client(fx: &Fixture) {
    let here = fx.work.join("plots");
    std::fs::create_dir_all(&here).unwrap();
    let script = format!("{KM}plot(fit, file = \"km.svg\", conf.int = TRUE)\n");
    let out = run_in(fx, &here, &script, &[]);
    ok(&out);
    let km = here.join("km.svg");
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!("plot written to {}", km.display())),
        "{stdout}"
    );
    let svg = std::fs::read_to_string(&km).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("km.svg is XML");
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::trim))
        .collect();
    for t in ["ecog01", "ecog2", "Number at risk", "Survival", "Time"] {
        assert!(texts.contains(&t), "{t}: {texts:?}");
    }
    let curves = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke-width") == Some("2"))
        .filter(|n| {
            n.attribute("points")
                .unwrap_or_default()
                .split_whitespace()
                .count()
                > 2
        })
        .count();
    assert_eq!(curves, 2, "one curve per ECOG group");

    // With --json the file is written too, and named next to the value; a plot that cannot
    // be written is an error for its output alone, and the exit code is 1.
    let script = format!(
        "{KM}barplot(table(d$gender), file = \"gender.png\")\n\
         plot(fit, file = \"no/such/dir/km.svg\")\nlength(d$age)\n"
    );
    let out = run_in(fx, &here, &script, &["--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let outputs = doc["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 3, "{doc}");
    let png = here.join("gender.png");
    assert_eq!(outputs[0]["written"], png.display().to_string(), "{doc}");
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    assert!(
        outputs[1]["error"]
            .as_str()
            .unwrap()
            .contains("cannot draw the plot"),
        "{doc}"
    );
    assert_eq!(outputs[2]["value"].as_f64(), Some(48.0), "{doc}");
    let out = run_in(fx, &here, &script, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("[1] 48"),
        "{}",
        text(&out.stdout)
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("Error: cannot draw the plot: ") && stderr.contains("no/such/dir/km.svg"),
        "{stderr}"
    );
}

fn repl_session(fx: &Fixture) {
    let history = fx.work.join("history");
    let mut cmd = Command::new(EXE);
    cmd.arg("repl")
        .args(fx.conn())
        .args(["--node", "1"])
        .env("SHARESTAT_TOKEN", &fx.researcher)
        .env("SHARESTAT_HISTORY", &history)
        .env("TERM", "xterm");
    let opts = Options::new()
        .timeout_ms(Some(60_000))
        .strip_ansi_escape_codes(true);
    let mut p = rexpect::spawn_with_options(cmd, opts).unwrap();
    let mut seen = String::new();
    // Waits for `needle`, keeping the transcript for failure messages.
    let mut expect = |p: &mut rexpect::session::PtySession, needle: &str| {
        match p.exp_string(needle) {
            Ok(before) => seen.push_str(&before),
            Err(e) => panic!("waiting for {needle:?}: {e}\ntranscript:\n{seen}"),
        }
        seen.push_str(needle);
    };
    // rexpect reads bytes as Latin-1 characters: the needles are ASCII (the banner's dash is not).
    expect(&mut p, "study adrenal on https://127.0.0.1:");
    expect(&mut p, "private values stay on the nodes. q() quits.");
    expect(&mut p, "> ");

    p.send_line("tm <- load(\"munich\")").unwrap();
    let mean = munich_mean_age();
    p.send_line("mean(tm$age)").unwrap();
    expect(&mut p, &mean);
    expect(&mut p, "> ");

    // An open parenthesis: the line continues after a `+ ` prompt.
    p.send_line("quantile(").unwrap();
    expect(&mut p, "+ ");
    p.send_line(" tm$age)").unwrap();
    expect(&mut p, "72.25");
    expect(&mut p, "> ");

    // Tab completes the column: `tm$ag` alone would be an unknown column.
    p.send_line("mean(tm$ag\t)").unwrap();
    expect(&mut p, &mean);
    expect(&mut p, "> ");

    // A refused line is explained and the session goes on without it.
    p.send_line("tm$age").unwrap();
    expect(&mut p, "would print private data");
    expect(&mut p, "> ");
    p.send_line("length(tm$age)").unwrap();
    expect(&mut p, "[1] 24");
    expect(&mut p, "> ");

    p.send_line("q()").unwrap();
    if let Err(e) = p.exp_eof() {
        panic!("the REPL did not end after q(): {e}\ntranscript:\n{seen}");
    }
    let status = p.process().wait().unwrap();
    let status = format!("{status:?}");
    assert!(
        status.starts_with("Exited(") && status.ends_with(", 0)"),
        "{status}\ntranscript:\n{seen}"
    );

    let hist = std::fs::read_to_string(&history).unwrap();
    for line in [
        "tm <- load(\"munich\")",
        "mean(tm$age)",
        "quantile(",
        " tm$age)",
        "tm$age",
        "length(tm$age)",
        "q()",
    ] {
        assert!(
            hist.lines().any(|l| l == line),
            "history lacks {line:?}:\n{hist}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn researchers_run_scripts_and_a_repl() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().to_path_buf();
    let dir = work.join("consortium");
    init(&dir);
    let _nodes = Kill((0..3).map(|i| start_node(&dir, i)).collect());
    for i in 0..3 {
        wait_linked(&admin(&dir, i)).await;
    }
    let (researcher, munich) = set_up(&dir, &work);
    let fx = Fixture {
        dir,
        work,
        researcher,
        munich,
    };
    fhir_upload(&fx);
    scripts_print_like_rscript(&fx);
    refusals_exit_1(&fx);
    plots_are_drawn_by_the_client(&fx);
    repl_session(&fx);
}
