//! Step 3 of the demo: a site's file read, validated against the dictionary and uploaded as
//! its data owner (secret-shared on the owner's side, committed on the three nodes), as
//! `sharestat upload` does. The browser tests upload the fixture with it too.
use sharestat_client::import::{ImportOptions, import_fhir, import_file, is_fhir_file};
use sharestat_client::upload::{Plan, Target, new_id, upload};
use sharestat_dict::Dictionary;
use sharestat_node::local::LocalConsortium;
use std::path::Path;
use std::time::Instant;

/// What one site's upload did.
#[derive(Debug, Clone, Copy)]
pub struct SiteUpload {
    /// Rows uploaded.
    pub rows: usize,
    /// Milliseconds reading and validating the file.
    pub read_ms: f64,
    /// Milliseconds sharing, sending and committing it.
    pub upload_ms: f64,
}

/// Uploads `path` as dataset `site` of the adrenal study, with the data owner's `token`.
/// A directory or a FHIR file (`.json`, `.ndjson`, `.ndjson.gz`) is a FHIR source (mapped
/// by the dictionary's `[fhir]` section, as `sharestat upload --fhir`); anything else a
/// site file.
pub async fn upload_site(
    c: &LocalConsortium,
    dict: &Dictionary,
    site: &str,
    path: &Path,
    token: &str,
) -> Result<SiteUpload, String> {
    let file = path.display();
    let t = Instant::now();
    let opts = ImportOptions {
        site: site.into(),
        drop_bad_rows: false,
    };
    let fhir = path.is_dir() || is_fhir_file(&path.to_string_lossy());
    let imported = if fhir {
        import_fhir(path, dict, &opts).map(|(i, _)| i)
    } else {
        import_file(path, dict, &opts)
    }
    .map_err(|e| format!("{file}: {e}"))?;
    let read_ms = super::ms(t);
    let t = Instant::now();
    let target = Target {
        nodes: (0..3).map(|i| c.client(i, token)).collect(),
        coordinator: 0,
        relay: None,
    };
    let plan = Plan {
        study: "adrenal",
        site,
        name: site,
        replaces: false,
        data: &imported,
    };
    let id = new_id().map_err(|e| e.to_string())?;
    upload(&target, &plan, &id, false, &|_, _| {})
        .await
        .map_err(|e| format!("uploading {file}: {e}"))?;
    Ok(SiteUpload {
        rows: imported.rows,
        read_ms,
        upload_ms: super::ms(t),
    })
}
