//! `sharestat ui` as a user starts it: it prints a one-time link on 127.0.0.1 and serves the
//! sign-in page to the browser that opens it (the guard and signing in against running nodes
//! are tested in `crates/ui/tests/guard.rs`).
mod common;
use common::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

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
    let stdout = child.stdout.take().unwrap();
    let url = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| {
            l.trim()
                .strip_prefix("http://")
                .map(|u| format!("http://{u}"))
        })
        .expect("a link");
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
