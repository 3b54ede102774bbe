//! End-to-end tests of `sharestat ui` in headless Chromium (issue 17), against a real
//! three-node consortium holding the adrenal study: a data owner uploads the Munich workbook
//! and sees the three nodes commit (and a bad file shows its problems and uploads nothing);
//! the researcher runs the pilot's Fig. 5 session and sees the numbers `sharestat run` prints,
//! and a Kaplan-Meier plot renders; the auditor sees the job, what it revealed and verified
//! chains; a browser without the one-time secret, a wrong token, a foreign Host (DNS
//! rebinding) and another site's page (a cross-site form) are refused. Each test saves
//! screenshots under `target/tmp/browser-screenshots/<test>/`. Without Chromium the tests say
//! that they were skipped.
mod browser_support;
mod common;
use browser_support::Browser;
use fantoccini::Locator;
use serde_json::Value;
use sharestat_cli::demo::upload::upload_site;
use sharestat_client::import::{ImportOptions, import_file};
use sharestat_node::local::LocalConsortium;
use sharestat_ui::{Options, Ui};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn example(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/adrenal")
        .join(file)
        .canonicalize()
        .unwrap()
}

/// The adrenal study (the pilot's policy: every count shown) and its accounts' tokens:
/// munich, rome (data owners), rita (researcher), audrey (node-wide auditor).
async fn adrenal(dir: &Path) -> (LocalConsortium, [String; 4]) {
    let c = LocalConsortium::start(dir, 120).await.unwrap();
    let dict = std::fs::read_to_string(example("dictionary.toml")).unwrap();
    let policy = std::fs::read_to_string(example("policy-pilot.toml")).unwrap();
    c.create_study("adrenal", &dict, &policy).await.unwrap();
    let mut tokens = Vec::new();
    for (name, role, study, site) in [
        ("munich", "data_owner", Some("adrenal"), Some("munich")),
        ("rome", "data_owner", Some("adrenal"), Some("rome")),
        ("rita", "researcher", Some("adrenal"), None),
        ("audrey", "auditor", None, None),
    ] {
        tokens.push(c.add_user(name, role, study, site).await.unwrap());
    }
    (c, tokens.try_into().unwrap())
}

/// Both sites' files uploaded as their data owners (as the demo and `sharestat upload` do).
async fn upload_both(c: &LocalConsortium, tokens: &[String; 4]) {
    let dict = sharestat_dict::Dictionary::parse(
        &std::fs::read_to_string(example("dictionary.toml")).unwrap(),
    )
    .unwrap();
    for (site, file, token) in [
        ("munich", "munich_delivered.xlsx", &tokens[0]),
        ("rome", "rome_delivered.csv", &tokens[1]),
    ] {
        upload_site(c, &dict, site, &example(file), token)
            .await
            .unwrap();
    }
}

/// The app for `c` (node 0 signs users in), optionally with a script in the editor.
async fn app(c: &LocalConsortium) -> Ui {
    Ui::start(Options {
        consortium: Some(sharestat_cli::ui::consortium(&c.dir, 0).unwrap()),
        ..Default::default()
    })
    .await
    .unwrap()
}

/// The page's navigation timing in the browser: from the request (the form sent) to the
/// answer's last byte, and to the page loaded.
async fn navigation(b: &Browser) -> String {
    let v = b
        .js("const n = performance.getEntriesByType('navigation')[0]; \
             return [n.responseEnd - n.requestStart, n.loadEventEnd - n.startTime];")
        .await;
    format!(
        "{:.0} ms request to response, {:.0} ms to the page loaded",
        v[0].as_f64().unwrap_or(f64::NAN),
        v[1].as_f64().unwrap_or(f64::NAN)
    )
}

fn base(ui: &Ui) -> String {
    format!("http://127.0.0.1:{}", ui.addr.port())
}

/// Each node's datasets of the adrenal study (as the researcher sees them).
async fn datasets(c: &LocalConsortium, token: &str) -> Vec<Vec<Value>> {
    let mut out = Vec::new();
    for i in 0..3 {
        out.push(
            c.client(i, token)
                .get::<Vec<Value>>("/api/v1/studies/adrenal/datasets")
                .await
                .unwrap(),
        );
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_owner_uploads_the_munich_workbook() {
    let tmp = tempfile::tempdir().unwrap();
    let (c, tokens) = adrenal(&tmp.path().join("c")).await;
    let ui = app(&c).await;
    let Some(mut b) = Browser::start("data_owner", None).await else {
        c.shutdown().await;
        return;
    };
    b.sign_in(&ui.url, &tokens[0]).await;
    b.wait_text("Signed in as munich").await;
    b.goto(&format!("{}/upload", base(&ui))).await;
    let page = b.wait_text("Dictionary of study adrenal").await;
    assert!(page.contains("Written differently at munich"), "{page}");
    assert!(page.contains("has no dataset in this study yet"), "{page}");
    b.screenshot("upload-page").await;

    // A file with two bad cells: each shown at its row and column; nothing uploaded.
    let good = std::fs::read_to_string(example("munich.csv")).unwrap();
    let mut lines: Vec<String> = good.lines().map(str::to_owned).collect();
    let set = |line: &str, col: usize, v: &str| {
        let mut f: Vec<&str> = line.split(',').collect();
        f[col] = v;
        f.join(",")
    };
    assert!(lines[0].starts_with("gender,age,") && lines[0].split(',').nth(8) == Some("primary"));
    lines[1] = set(&lines[1], 1, "ninety-one");
    lines[3] = set(&lines[3], 8, "spleen");
    let bad = tmp.path().join("munich_bad.csv");
    std::fs::write(&bad, lines.join("\n")).unwrap();
    b.fill("#file", bad.to_str().unwrap()).await;
    b.click("form[action='/upload/check'] button").await;
    let page = b.wait_text("cannot be uploaded").await;
    let problems = b.client.find(Locator::Css("table")).await.unwrap();
    let rows = problems.text().await.unwrap();
    assert!(rows.contains("2 age ninety-one"), "{rows}");
    assert!(rows.contains("4 primary spleen"), "{rows}");
    assert!(page.contains("Nothing was sent"), "{page}");
    b.screenshot("bad-file").await;
    assert!(datasets(&c, &tokens[2]).await.iter().all(Vec::is_empty));

    // The workbook: its summary, then shared and committed on the three nodes.
    b.fill("#file", example("munich_delivered.xlsx").to_str().unwrap())
        .await;
    b.click("form[action='/upload/check'] button").await;
    let page = b.wait_text("is valid: 24 rows").await;
    assert!(page.contains("Computed on this computer"), "{page}");
    b.screenshot("summary").await;
    let t = Instant::now();
    b.click("#confirm").await;
    let page = b.wait_text("Committed on all three nodes").await;
    let round_trip = t.elapsed().as_secs_f64() * 1e3;
    let app_ms = page
        .split("Committed on all three nodes in ")
        .nth(1)
        .and_then(|s| s.split(" ms").next())
        .unwrap()
        .to_owned();
    eprintln!(
        "MEASURED upload of the 24-row workbook through the browser: {app_ms} ms from \
         confirmation to commit (in the app); {} (navigation timing); {round_trip:.0} ms click \
         to text seen by the test",
        navigation(&b).await
    );
    assert_eq!(page.matches("committed").count(), 3, "{page}");
    b.screenshot("committed").await;
    for node in datasets(&c, &tokens[2]).await {
        assert_eq!(node.len(), 1);
        assert_eq!(node[0]["name"], "munich");
        assert_eq!(node[0]["rows"], 24);
    }
    // The shares hold the file's values: the mean age as the nodes compute it equals the
    // plaintext mean of the workbook's ages.
    let dict = sharestat_dict::Dictionary::parse(
        &std::fs::read_to_string(example("dictionary.toml")).unwrap(),
    )
    .unwrap();
    let opts = ImportOptions {
        site: "munich".into(),
        drop_bad_rows: false,
    };
    let plain = import_file(&example("munich_delivered.xlsx"), &dict, &opts).unwrap();
    let age = plain.columns.iter().position(|c| c.name == "age").unwrap();
    let mean = plain.data[age].iter().map(|&v| v as f64).sum::<f64>() / 24.0;
    let answer = sharestat_client::query::query(
        &c.client(0, &tokens[2]),
        "adrenal",
        "",
        "mean(load(\"munich\")$age)",
    )
    .await
    .unwrap();
    let sharestat_client::query::Answer::Done { outputs, .. } = answer else {
        panic!("{answer:?}")
    };
    assert!((outputs[0].value.as_f64().unwrap() - mean).abs() < 1e-9);

    // Withdrawn after a confirmation: gone from the three nodes.
    b.goto(&format!("{}/upload", base(&ui))).await;
    b.click("form[action='/datasets/withdraw'] input[name=confirm]")
        .await;
    b.click("form[action='/datasets/withdraw'] button").await;
    b.wait_text("was withdrawn").await;
    b.screenshot("withdrawn").await;
    assert!(datasets(&c, &tokens[2]).await.iter().all(Vec::is_empty));
    b.close().await;
    ui.stop();
    c.shutdown().await;
}

/// The pilot's Fig. 5 session as the demo runs it.
fn fig5() -> String {
    let s = &sharestat_cli::demo::analysis::sections()[0];
    assert!(s.title.starts_with("Fig. 5"), "{}", s.title);
    let mut text = s.prelude.clone();
    for step in &s.steps {
        text.push('\n');
        text.push_str(&step.lines.join("\n"));
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_researcher_runs_fig5_and_the_auditor_sees_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (c, tokens) = adrenal(&tmp.path().join("c")).await;
    upload_both(&c, &tokens).await;
    let ui = app(&c).await;
    let Some(mut b) = Browser::start("researcher_and_auditor", None).await else {
        c.shutdown().await;
        return;
    };
    // What `sharestat run` prints for the session.
    let script = fig5();
    let file = tmp.path().join("fig5.R");
    std::fs::write(&file, &script).unwrap();
    let out = common::sharestat(&[
        "run",
        file.to_str().unwrap(),
        "--study",
        "adrenal",
        "--consortium",
        c.dir.to_str().unwrap(),
        "--token",
        &tokens[2],
    ]);
    assert!(out.status.success(), "{out:?}");
    let printed = String::from_utf8(out.stdout).unwrap();

    b.sign_in(&ui.url, &tokens[2]).await;
    b.wait_text("Signed in as rita").await;
    b.goto(&format!("{}/analysis", base(&ui))).await;
    b.wait_text("Datasets").await;
    b.set_value("#text", &script).await;
    let t = Instant::now();
    b.click("#run").await;
    let page = b.wait_text("Run 1").await;
    eprintln!(
        "MEASURED Fig. 5 session from the browser: {} (the browser's navigation timing: form \
         sent to answer received, to page loaded); {:.0} ms click to text seen by the test; the \
         app's line: {}",
        navigation(&b).await,
        t.elapsed().as_secs_f64() * 1e3,
        page.lines().find(|l| l.starts_with("Run 1")).unwrap_or("")
    );
    // Every number `sharestat run` printed is on the page.
    let mut numbers = 0;
    for token in printed.split_whitespace() {
        if token.parse::<f64>().is_ok() {
            numbers += 1;
            assert!(
                page.contains(token),
                "{token} of `sharestat run` not on the page"
            );
        }
    }
    assert!(numbers > 20, "{printed}");
    assert!(page.contains("> length(c(tm$age, tr$age))"), "{page}");
    let job = page
        .split("Job ")
        .nth(1)
        .and_then(|s| s.split(';').next())
        .unwrap()
        .to_owned();
    b.screenshot("fig5").await;
    // The line numbers and the error of a refused statement at its line.
    let gutter = b
        .client
        .find(Locator::Id("gutter"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(gutter.starts_with("1\n2\n3"), "{gutter}");
    b.set_value("#text", "d <- load(\"munich\")\nmean(d$age)\nd$age")
        .await;
    b.click("#run").await;
    let page = b.wait_text("Run 2").await;
    assert!(page.contains("line 3 of the script"), "{page}");
    let bad = b
        .js("return document.querySelector('#gutter .bad').textContent")
        .await;
    assert_eq!(bad, "3");
    b.screenshot("refused-at-its-line").await;

    // A Kaplan-Meier plot, drawn in the app and shown inline.
    let km = "d <- rbind(load(\"munich\"), load(\"rome\"))\n\
              fit <- survfit(Surv(follow_up_months, event_death) ~ 1, data = d)\n\
              plot(fit, file = \"km.svg\", conf.int = TRUE, main = \"Overall survival\")";
    b.set_value("#text", km).await;
    b.click("#run").await;
    b.wait_text("Run 3").await;
    let width = b
        .js("const i = document.querySelector('img.plot'); return i.complete ? i.naturalWidth : -1")
        .await;
    assert!(width.as_i64().unwrap_or(0) > 100, "{width}");
    b.js("document.querySelector('#text').scrollIntoView(); return 0")
        .await;
    b.screenshot("km-plot-run").await;
    b.js("document.querySelector('img.plot').scrollIntoView(); return 0")
        .await;
    b.screenshot("km-plot").await;
    // The keyboard alone: Ctrl+Enter in the editor runs the script.
    b.set_value("#text", "length(load(\"rome\")$age)").await;
    let editor = b.client.find(Locator::Id("text")).await.unwrap();
    editor.click().await.unwrap();
    editor.send_keys("\u{E009}\u{E007}").await.unwrap(); // Control, Enter
    let page = b.wait_text("Run 4").await;
    assert!(page.contains("[1] 24"), "{page}");
    // The history lists the four runs, the refused one marked.
    let history = b.text().await;
    assert!(history.contains("stopped by an error"), "{history}");
    assert_eq!(
        b.client
            .find_all(Locator::Css("aside ol li"))
            .await
            .unwrap()
            .len(),
        4
    );
    b.close().await;

    // The auditor: the Fig. 5 job, what it revealed, verified chains.
    let ui2 = app(&c).await;
    let Some(mut a) = Browser::start("auditor", None).await else {
        unreachable!()
    };
    a.sign_in(&ui2.url, &tokens[3]).await;
    a.wait_text("Signed in as audrey").await;
    a.goto(&format!("{}/audit", base(&ui2))).await;
    let page = a.wait_text("Hash chains").await;
    assert_eq!(page.matches("chain verified").count(), 3, "{page}");
    assert!(page.contains("recorded alike on the three nodes"), "{page}");
    assert!(!page.contains("MISMATCH"), "{page}");
    a.screenshot("audit").await;
    a.goto(&format!("{}/audit?user=rita&kind=job.done", base(&ui2)))
        .await;
    let listed = a.text().await;
    assert_eq!(listed.matches(&job).count(), 3, "on each node: {listed}");
    assert!(!listed.contains("job.submit"), "filtered by kind: {listed}");
    a.click(&format!("a[href='/audit/job/{job}']")).await;
    let page = a.wait_text("Each node's record").await;
    assert!(
        page.contains("quantile(tm$age)"),
        "the query's text: {page}"
    );
    assert!(page.contains("rita"), "{page}");
    assert_eq!(page.matches("job.done").count(), 3, "{page}");
    assert!(page.contains("\"source\": \"length(tm$age)\""), "{page}");
    a.screenshot("audit-job").await;
    a.close().await;
    ui.stop();
    ui2.stop();
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strangers_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (c, tokens) = adrenal(&tmp.path().join("c")).await;
    let ui = app(&c).await;
    let port = ui.addr.port();
    // "rebound.example" resolves to this machine, as a DNS rebinding attack makes it.
    let Some(mut b) = Browser::start("strangers", Some("MAP rebound.example 127.0.0.1")).await
    else {
        c.shutdown().await;
        return;
    };
    // No session (the link not opened in this browser): every page refused.
    let routes = [
        "/",
        "/analysis",
        "/upload",
        "/audit",
        "/nodes",
        "/help",
        "/upload/progress",
        "/upload/errors.csv",
        "/results/1/results.json",
        "/audit/job/x",
    ];
    for r in routes {
        b.goto(&format!("{}{r}", base(&ui))).await;
        let t = b.text().await;
        assert!(t.contains("this browser has no session"), "{r}: {t}");
    }
    b.screenshot("no-session").await;
    // The link opened, a wrong token: refused, and every page leads back to signing in.
    b.goto(&ui.url).await;
    b.fill("#token", "not-a-token").await;
    b.click("form[action='/signin'] button").await;
    let t = b.wait_text("did not accept this token").await;
    assert!(!t.contains("not-a-token"), "the token is not echoed");
    b.screenshot("wrong-token").await;
    for r in routes {
        b.goto(&format!("{}{r}", base(&ui))).await;
        let t = b.text().await;
        assert!(
            t.contains("Your sharestat token") || t.contains("No such"),
            "{r}: {t}"
        );
        assert!(
            !t.contains("Dictionary") && !t.contains("Hash chains"),
            "{r}: {t}"
        );
    }
    // The same link again (a second browser would do this): spent.
    b.goto(&ui.url).await;
    assert!(b.text().await.contains("has been used already"));
    // DNS rebinding: the app's port under another name.
    b.goto(&format!("http://rebound.example:{port}/")).await;
    let t = b.text().await;
    assert!(t.contains("foreign Host"), "{t}");
    b.screenshot("foreign-host").await;
    // Another site's page posting a form here (cross-site request forgery): refused by the
    // Origin check although the browser sends the session cookie along.
    let evil = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let evil_port = evil.local_addr().unwrap().port();
    let form = format!(
        "<html><body><form id=f method=post action=\"http://127.0.0.1:{port}/signin\">\
         <input name=token value=\"{}\"></form><script>document.getElementById('f').submit()\
         </script></body></html>",
        tokens[2]
    );
    let evil_app = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let f = form.clone();
            async move { axum::response::Html(f) }
        }),
    );
    let server = tokio::spawn(async move { axum::serve(evil, evil_app).await.ok() });
    b.goto(&format!("http://localhost:{evil_port}/")).await;
    let t = b.wait_text("Refused").await;
    assert!(t.contains("another site's page"), "{t}");
    b.screenshot("cross-site-form").await;
    server.abort();
    b.close().await;
    ui.stop();
    c.shutdown().await;
}
