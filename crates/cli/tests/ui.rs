//! `sharestat ui` as a user starts it: it prints a one-time link on 127.0.0.1 and serves the
//! sign-in page to the browser that opens it (the guard and signing in against running nodes
//! are tested in `crates/ui/tests/guard.rs`).
mod common;
use common::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// The link the app printed on the child's standard output. The rest of the output is
/// drained on a thread: a closed pipe would make the child's next line fail.
fn link(child: &mut std::process::Child) -> String {
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| {
            l.trim()
                .strip_prefix("http://")
                .map(|u| format!("http://{u}"))
        })
        .expect("a link");
    std::thread::spawn(move || lines.for_each(drop));
    url
}

#[tokio::test]
async fn prints_a_one_time_link_that_opens_the_sign_in_page() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("c");
    init(&dir);
    let mut child = Command::new(EXE)
        .args(["ui", "--consortium", dir.to_str().unwrap(), "--no-browser"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let url = link(&mut child);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(url.contains("/open?secret="), "{url}");
    let b = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = b.get(&url).send().await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    let cookie = r.headers()[reqwest::header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let home = url.split("/open").next().unwrap().to_owned();
    let page = b
        .get(&home)
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Your sharestat token"));
    // The same link a second time: refused.
    assert_eq!(
        b.get(&url).send().await.unwrap().status(),
        reqwest::StatusCode::FORBIDDEN
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

/// `sharestat demo --ui`: the demo runs, its nodes keep running, and the printed link opens
/// the app signed in as the researcher with the pilot's analysis in the editor, on which a
/// query runs.
#[tokio::test]
async fn demo_ui_leaves_the_consortium_running_and_signed_in() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let mut child = Command::new(EXE)
        .args([
            "demo",
            "--ui",
            "--no-browser",
            "--dir",
            dir.to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = link(&mut child);
    let b = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = b.get(&url).send().await.unwrap();
    let cookie = r.headers()[reqwest::header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let origin = url.split("/open").next().unwrap().to_owned();
    let get = |path: &str| {
        b.get(format!("{origin}{path}"))
            .header(reqwest::header::COOKIE, &cookie)
            .send()
    };
    let home = get("/").await.unwrap().text().await.unwrap();
    assert!(
        home.contains("Signed in as <strong>rita</strong>"),
        "{home}"
    );
    let editor = get("/analysis").await.unwrap().text().await.unwrap();
    assert!(
        editor.contains("tm &lt;- load(&quot;munich&quot;)\ntr &lt;- load(&quot;rome&quot;)"),
        "the pilot's analysis in the editor: {editor}"
    );
    assert!(editor.contains("(site munich, 24 rows)"), "{editor}");
    let r = b
        .post(format!("{origin}/run"))
        .header(reqwest::header::COOKIE, &cookie)
        .header(reqwest::header::ORIGIN, &origin)
        .form(&[("study", "adrenal"), ("text", "length(load(\"rome\")$age)")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(r.contains("[1] 24"), "{r}");
    child.kill().unwrap();
    child.wait().unwrap();
}
