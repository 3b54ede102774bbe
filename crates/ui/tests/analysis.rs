//! The researcher's page against a real three-node consortium: a script run from the editor
//! prints R's output (the mean of uploaded values, computed in plaintext here), private data
//! and another study are refused, and nothing of the token reaches the page.
mod common;
use common::{base, browser, open, page, sign_in};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, ORIGIN};
use sharestat_node::local::{LocalConsortium, integer_dictionary, upload_dealt};
use sharestat_ui::Ui;

#[tokio::test]
async fn a_script_runs_from_the_editor() {
    let tmp = tempfile::tempdir().unwrap();
    let c = LocalConsortium::start(&tmp.path().join("c"), 60)
        .await
        .unwrap();
    for s in ["s", "other"] {
        c.create_study(s, &integer_dictionary(s, &["x"]), "")
            .await
            .unwrap();
    }
    let owner = c
        .add_user("owner", "data_owner", Some("s"), Some("a"))
        .await
        .unwrap();
    let rita = c
        .add_user("rita", "researcher", Some("s"), None)
        .await
        .unwrap();
    let values: Vec<i64> = (0..40).map(|i| (i * 7) % 23).collect();
    let owners: Vec<_> = (0..3).map(|i| c.client(i, &owner)).collect();
    upload_dealt(&owners, "s", "a", "a", "x", &values)
        .await
        .unwrap();
    let ui = Ui::start(0, Some(c.client(0, ""))).await.unwrap();
    let b = browser();
    let cookie = open(&ui).await;
    let origin = base(&ui);
    let post = |path: &str, form: Vec<(&str, String)>| {
        b.post(format!("{origin}{path}"))
            .header(COOKIE, &cookie)
            .header(ORIGIN, &origin)
            .form(&form)
            .send()
    };
    // Not signed in yet: the editor sends back to the sign-in page.
    let r = b
        .get(format!("{origin}/analysis"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    sign_in(&ui, &cookie, &rita).await;
    let editor = page(&ui, &cookie, "/analysis").await;
    assert!(editor.contains("<option selected>s</option>"), "{editor}");
    assert!(
        !editor.contains("other"),
        "only the studies granted: {editor}"
    );
    // The mean, as R prints it.
    let mean = values.iter().sum::<i64>() as f64 / values.len() as f64;
    let script = "d <- load(\"a\")\nmean(d$x)";
    let r = post("/run", vec![("study", "s".into()), ("text", script.into())])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains(&format!("[1] {mean}")), "{mean}: {page}");
    assert!(page.contains("&gt; mean(d$x)"), "{page}");
    assert!(
        page.contains("d &lt;- load(&quot;a&quot;)"),
        "the script stays in the editor"
    );
    assert!(!page.contains(&rita), "the token never reaches the page");
    // Patient data printed: refused, the message shown.
    let r = post(
        "/run",
        vec![
            ("study", "s".into()),
            ("text", "d <- load(\"a\")\nd$x".into()),
        ],
    )
    .await
    .unwrap();
    let page = r.text().await.unwrap();
    assert!(page.contains("role=\"alert\""), "{page}");
    assert!(page.contains("private"), "{page}");
    // Another study: refused here before any node is asked.
    let r = post(
        "/run",
        vec![("study", "other".into()), ("text", "1".into())],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    ui.stop();
    c.shutdown().await;
}
