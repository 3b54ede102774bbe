//! `sharestat upload --fhir SOURCE`: the site's rows from FHIR R4 resources. SOURCE is a
//! Bulk Data export directory, an `.ndjson`/`.ndjson.gz` file or a Bundle `.json`, read
//! where it is; or a FHIR server's base URL, whose resources (the types the dictionary's
//! `[fhir]` section reads) are downloaded by Bulk Data `$export` or paged search into a
//! private temporary directory on this machine (mode 0700, removed when the command ends),
//! then read the same way. Progress bars for the download and the mapping.
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use sharestat_client::fhir_server::{self, Auth, Mode, Progress, ServerOptions, Via};
use sharestat_client::import::{ImportErrors, ImportOptions, Imported, import_fhir_with};
use sharestat_dict::Dictionary;

/// The `--fhir` flags of `sharestat upload`.
#[derive(Args, Default)]
pub struct FhirArgs {
    /// Read the site's rows from FHIR R4: a Bulk Data export directory, an .ndjson(.gz)
    /// file, a Bundle .json file, or a FHIR server's base URL (http:// or https://).
    #[arg(long, value_name = "SOURCE")]
    pub fhir: Option<String>,
    /// Bearer token for the FHIR server (or set SHARESTAT_FHIR_TOKEN).
    #[arg(
        long,
        env = "SHARESTAT_FHIR_TOKEN",
        hide_env_values = true,
        requires = "fhir"
    )]
    pub fhir_token: Option<String>,
    /// Client certificate (PEM, chain leaf first) for mutual TLS to the FHIR server.
    #[arg(long, requires_all = ["fhir", "fhir_key"], value_name = "PEM")]
    pub fhir_cert: Option<PathBuf>,
    /// The client certificate's private key (PEM).
    #[arg(long, requires = "fhir_cert", value_name = "PEM")]
    pub fhir_key: Option<PathBuf>,
    /// CA certificate(s) the FHIR server's certificate is checked against (PEM; required for
    /// https://).
    #[arg(long, requires = "fhir", value_name = "PEM")]
    pub fhir_ca: Option<PathBuf>,
    /// How to fetch from a server: auto ($export when the server has it, else paged
    /// search), export or search.
    #[arg(long, default_value = "auto", value_parser = ["auto", "export", "search"], requires = "fhir")]
    pub fhir_mode: String,
    /// The longest wait between two polls of a running $export, in seconds (a server's
    /// Retry-After above it is shortened).
    #[arg(long, default_value_t = 120, requires = "fhir")]
    pub fhir_poll_max: u64,
}

/// The types to fetch from a server: those the mapping reads, and Encounter (contacts for
/// the time to the last contact).
fn types(dict: &Dictionary) -> Vec<String> {
    let mut types = dict
        .fhir
        .as_ref()
        .map(|m| m.resource_types())
        .unwrap_or_else(|| vec!["Patient".to_owned()]);
    if !types.iter().any(|t| t == "Encounter") {
        types.push("Encounter".to_owned());
    }
    types
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{what} {}: {e}", path.display()))
}

/// Downloads from a server into `dir`.
async fn download(a: &FhirArgs, url: &str, types: &[String], dir: &Path) -> Result<(), String> {
    let refs: Vec<&str> = types.iter().map(String::as_str).collect();
    let mut opts = ServerOptions::new(url, &refs);
    opts.auth = match (&a.fhir_token, &a.fhir_cert, &a.fhir_key) {
        (Some(_), Some(_), _) => {
            return Err("give --fhir-token or --fhir-cert/--fhir-key, not both".into());
        }
        (Some(t), None, _) => Auth::Bearer(t.clone()),
        (None, Some(c), Some(k)) => Auth::MutualTls {
            cert_pem: read(c, "--fhir-cert")?,
            key_pem: read(k, "--fhir-key")?,
        },
        _ => Auth::None,
    };
    if let Some(ca) = &a.fhir_ca {
        opts.ca_pem = Some(read(ca, "--fhir-ca")?);
    }
    opts.mode = match a.fhir_mode.as_str() {
        "export" => Mode::Export,
        "search" => Mode::Search,
        _ => Mode::Auto,
    };
    opts.max_poll_interval = Duration::from_secs(a.fhir_poll_max.max(1));
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("template"));
    bar.enable_steady_tick(Duration::from_millis(200));
    let b = bar.clone();
    let progress = move |p: Progress| match p {
        Progress::Started { via, url } => b.set_message(format!(
            "{} {url}",
            if via == Via::Export {
                "$export"
            } else {
                "searching"
            }
        )),
        Progress::Polling { status, .. } => b.set_message(format!("export running: {status}")),
        Progress::Manifest { files, .. } => b.set_message(format!("{files} files to download")),
        Progress::Bytes {
            resource_type,
            total_bytes,
            ..
        } => b.set_message(format!(
            "downloading {resource_type}: {:.1} MB",
            total_bytes as f64 / 1e6
        )),
        Progress::Page {
            resource_type,
            resources,
            ..
        } => b.set_message(format!("{resource_type}: {resources} resources")),
        _ => {}
    };
    let got = fhir_server::download(&opts, dir, &progress).await;
    bar.finish_and_clear();
    let got = got.map_err(|e| format!("{e}\nnothing was uploaded"))?;
    println!(
        "{url}: {} resources ({:.1} MB) by {}",
        got.resources(),
        got.bytes as f64 / 1e6,
        if got.via == Via::Export {
            "Bulk Data $export"
        } else {
            "paged search"
        }
    );
    Ok(())
}

/// Reads the site's rows from `--fhir`. `Ok(None)` after a download error was printed.
pub async fn import(
    a: &FhirArgs,
    dict: Dictionary,
    opts: ImportOptions,
) -> Result<Option<(String, Result<Imported, ImportErrors>)>, String> {
    let source = a.fhir.clone().ok_or("give a file or --fhir SOURCE")?;
    let remote = source.starts_with("http://") || source.starts_with("https://");
    // A private directory for a server's resources, removed when this function returns.
    let tmp = if remote {
        Some(
            tempfile::Builder::new()
                .prefix("sharestat-fhir-")
                .tempdir()
                .map_err(|e| format!("cannot make a temporary directory: {e}"))?,
        )
    } else {
        None
    };
    let path = match &tmp {
        Some(t) => {
            let dir = t.path().join("export");
            if let Err(e) = download(a, &source, &types(&dict), &dir).await {
                eprintln!("{e}");
                return Ok(None);
            }
            dir
        }
        None => PathBuf::from(&source),
    };
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "mapping FHIR resources {bar:40} {bytes}/{total_bytes} {elapsed}",
        )
        .expect("template"),
    );
    let b = bar.clone();
    let imported = tokio::task::spawn_blocking(move || {
        import_fhir_with(&path, &dict, &opts, &mut |done, total| {
            b.set_length(total);
            b.set_position(done);
        })
    })
    .await
    .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    let imported = imported.map(|(i, stats)| {
        let skipped: Vec<String> = stats
            .skipped
            .iter()
            .map(|(t, n)| format!("{n} {t}"))
            .collect();
        println!(
            "{source}: {} resources in {} files mapped to {} patients{}",
            stats.resources,
            stats.files,
            i.rows,
            if skipped.is_empty() {
                String::new()
            } else {
                format!(" (not read: {})", skipped.join(", "))
            }
        );
        i
    });
    drop(tmp);
    Ok(Some((source, imported)))
}
