//! `sharestat upload FILE --study S --site SITE`: validate and harmonise a site file against the
//! study's data dictionary (fetched from the nodes, whose copies must agree), show the owner a
//! local summary, ask for confirmation, then share on this machine and upload with a progress bar.
//!
//! With `--fhir SOURCE` the rows come from FHIR R4 resources instead of a file: a Bulk Data
//! export directory, an NDJSON file or a Bundle, or a FHIR server's URL (downloaded to a
//! private temporary directory first: `fhir.rs`), mapped by the dictionary's `[fhir]`
//! section on this machine.
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use sharestat_client::import::{ImportOptions, Imported, import_file};
use sharestat_client::upload::{Plan, Target, upload};
use sharestat_node::consortium::ConsortiumFile;
use sharestat_wire::Client;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// `sharestat upload`
#[derive(Args)]
pub struct UploadArgs {
    /// The site file (CSV, TSV, XLSX, XLS or ODS); for FHIR R4 sources give --fhir instead.
    #[arg(required_unless_present = "fhir", conflicts_with = "fhir")]
    file: Option<PathBuf>,
    #[command(flatten)]
    fhir: crate::fhir::FhirArgs,
    /// Study id.
    #[arg(long)]
    study: String,
    /// Your site.
    #[arg(long)]
    site: String,
    /// Dataset name (default: the site).
    #[arg(long)]
    name: Option<String>,
    /// Consortium directory (for the nodes' URLs and CA).
    #[arg(long)]
    consortium: PathBuf,
    /// Your data-owner token (or set SHARESTAT_TOKEN).
    #[arg(long, env = "SHARESTAT_TOKEN", hide_env_values = true)]
    token: String,
    /// Validate and summarise only; upload nothing.
    #[arg(long)]
    dry_run: bool,
    /// Do not ask for confirmation.
    #[arg(long)]
    yes: bool,
    /// Replace your site's current dataset of this name.
    #[arg(long)]
    replace: bool,
    /// Drop rows with errors (they are counted) instead of refusing the file.
    #[arg(long)]
    drop_bad_rows: bool,
    /// Resume an interrupted upload.
    #[arg(long)]
    resume: Option<String>,
    /// Party index of the node that coordinates the commit.
    #[arg(long, default_value_t = 0)]
    coordinator: usize,
    /// Send everything through this node (a site that can reach only its own node): the other
    /// nodes' parts are sealed to their public keys from consortium.toml.
    #[arg(long, conflicts_with = "coordinator")]
    via: Option<usize>,
}

fn print_summary(file: &str, im: &Imported) {
    println!(
        "{}: {} rows ready to upload{}",
        file,
        im.rows,
        if im.dropped_rows > 0 {
            format!(" ({} rows with errors dropped)", im.dropped_rows)
        } else {
            String::new()
        }
    );
    println!(
        "{:<24} {:<16} {:>8}  range / levels",
        "column", "type", "missing"
    );
    for c in &im.summary.columns {
        let detail = c.detail();
        println!("{:<24} {:<16} {:>8}  {detail}", c.name, c.kind, c.missing);
    }
    println!("(computed on this machine; nothing has been sent)");
}

/// Runs the command.
pub async fn run(a: UploadArgs) -> Result<ExitCode, String> {
    let file = ConsortiumFile::load(&a.consortium)?;
    let ca = std::fs::read_to_string(a.consortium.join(&file.ca_cert))
        .map_err(|e| format!("{}: {e}", file.ca_cert.display()))?;
    let nodes: Vec<Client> = file
        .nodes
        .iter()
        .map(|n| Client::new(&n.api_url, &ca, Some(a.token.clone())).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    // The dictionary every node holds for the study: the three copies must agree.
    let mut dict_text: Option<(String, String)> = None;
    for (n, entry) in nodes.iter().zip(&file.nodes) {
        let s: serde_json::Value = n
            .get(&format!("/api/v1/studies/{}", a.study))
            .await
            .map_err(|e| format!("{}: {e}", entry.name))?;
        let hash = s["dictionary_sha256"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let text = s["dictionary"].as_str().unwrap_or_default().to_string();
        match &dict_text {
            None => dict_text = Some((hash, text)),
            Some((h, _)) if *h != hash => {
                return Err(format!(
                    "the nodes hold different dictionaries for study {} ({} differs); ask the administrators",
                    a.study, entry.name
                ));
            }
            Some(_) => {}
        }
    }
    let (_, text) = dict_text.ok_or("no nodes")?;
    let dict = sharestat_dict::Dictionary::parse(&text).map_err(|e| e.to_string())?;
    let opts = ImportOptions {
        site: a.site.clone(),
        drop_bad_rows: a.drop_bad_rows,
    };
    let (shown, imported) = match &a.file {
        Some(path) => {
            let path = path.clone();
            let shown = path.display().to_string();
            let imported = tokio::task::spawn_blocking(move || import_file(&path, &dict, &opts))
                .await
                .map_err(|e| e.to_string())?;
            (shown, imported)
        }
        None => match crate::fhir::import(&a.fhir, dict, opts).await? {
            Some(r) => r,
            None => return Ok(ExitCode::FAILURE),
        },
    };
    let imported = match imported {
        Ok(i) => i,
        Err(errors) => {
            eprintln!("{errors}");
            eprintln!("nothing was uploaded");
            return Ok(ExitCode::FAILURE);
        }
    };
    print_summary(&shown, &imported);
    if a.dry_run {
        return Ok(ExitCode::SUCCESS);
    }
    if !a.yes {
        print!(
            "upload {} rows to study {} as site {}? [y/N] ",
            imported.rows, a.study, a.site
        );
        std::io::stdout().flush().ok();
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer).ok();
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            println!("nothing was uploaded");
            return Ok(ExitCode::SUCCESS);
        }
    }
    let bar = ProgressBar::new(sharestat_client::upload::chunks(imported.rows));
    bar.set_style(
        ProgressStyle::with_template("sharing and sending {bar:40} {pos}/{len} chunks {elapsed}")
            .expect("template"),
    );
    let name = a.name.clone().unwrap_or_else(|| a.site.clone());
    let relay = match a.via {
        Some(v) if v > 2 => return Err("--via takes 0, 1 or 2".into()),
        Some(_) => {
            let keys: Option<Vec<String>> =
                file.nodes.iter().map(|n| n.upload_key.clone()).collect();
            let keys = keys.ok_or("consortium.toml lists no upload keys for relayed uploads")?;
            Some(<[String; 3]>::try_from(keys).map_err(|_| "three nodes expected")?)
        }
        None => None,
    };
    let target = Target {
        nodes,
        coordinator: a.via.unwrap_or(a.coordinator),
        relay,
    };
    let plan = Plan {
        study: &a.study,
        site: &a.site,
        name: &name,
        replaces: a.replace,
        data: &imported,
    };
    let b = bar.clone();
    let id = match &a.resume {
        Some(id) => id.clone(),
        None => sharestat_client::upload::new_id().map_err(|e| e.to_string())?,
    };
    let result = upload(&target, &plan, &id, a.resume.is_some(), &move |done, _| {
        b.set_position(done)
    })
    .await;
    bar.finish_and_clear();
    match result {
        Ok(u) => {
            println!(
                "dataset {} committed on all three nodes ({} rows; upload id {})",
                u.dataset["name"], u.dataset["rows"], u.id
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(format!(
            "{e}\nnothing is visible yet; resume with the same file and --resume {id}, or leave it: it never becomes visible"
        )),
    }
}
