//! Helpers shared by the service-level bench binaries (`upload-bench`, `query-bench`):
//! command-line numbers and uploading an imported site file to a local consortium.
use sharestat_client::import::Imported;
use sharestat_client::upload::{Plan, Target, upload};
use sharestat_node::local::LocalConsortium;

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
    let target = Target {
        nodes: (0..3).map(|i| c.client(i, token)).collect(),
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
    let id = sharestat_client::upload::new_id().expect("random id");
    upload(&target, &plan, &id, false, &|_, _| {})
        .await
        .expect("upload");
}
