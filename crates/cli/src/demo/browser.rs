//! `sharestat demo --ui`: after the demo, its nodes keep running and the browser interface
//! opens on them, signed in as the researcher with the pilot's analysis in the editor, until
//! Ctrl-C stops both.
use sharestat_node::local::LocalConsortium;
use std::path::Path;

/// Serves the app on the demo's consortium in `dir` until Ctrl-C, then stops the nodes.
/// `tokens`: the accounts (name, role, token).
pub(super) async fn serve(
    c: LocalConsortium,
    dir: &Path,
    tokens: &[(String, String, String)],
    no_browser: bool,
    progress: &(dyn Fn(&str) + Sync),
) {
    let researcher = tokens.iter().find(|(_, r, _)| r == "researcher");
    let script = std::fs::read_to_string(dir.join("analysis.R")).ok();
    let ui = crate::ui::start(
        &dir.join("consortium"),
        0,
        0,
        no_browser,
        researcher.map(|(_, _, t)| t.clone()),
        script,
    )
    .await;
    match ui {
        Ok(ui) => {
            progress(
                "the nodes keep running; the link above opens the browser interface, signed \
                 in as rita (researcher) with the pilot's analysis in the editor. Ctrl-C stops \
                 the interface and the nodes.",
            );
            let _ = tokio::signal::ctrl_c().await;
            ui.stop();
        }
        Err(e) => progress(&format!("the browser interface could not start: {e}")),
    }
    c.shutdown().await;
    progress("nodes stopped");
}
