//! The data owner's file check against a real consortium: a valid file shows its summary, a
//! file with errors shows each at its row and column, and a study or site without a grant is
//! refused; checking sends nothing of the file to the nodes (no dataset appears).
mod common;
use common::{base, browser, open, page, page as page_of, post_form, sign_in};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE, ORIGIN};
use sharestat_node::local::{LocalConsortium, integer_dictionary};

/// A `multipart/form-data` body with the `target` field and the file `name`.
fn form(target: &str, name: &str, content: &str) -> (String, Vec<u8>) {
    let b = "sharestat-test-boundary";
    let body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"target\"\r\n\r\n{target}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: text/csv\r\n\r\n{content}\r\n--{b}--\r\n"
    );
    (
        format!("multipart/form-data; boundary={b}"),
        body.into_bytes(),
    )
}

#[tokio::test]
async fn a_file_is_checked_on_this_machine() {
    let tmp = tempfile::tempdir().unwrap();
    let c = LocalConsortium::start(&tmp.path().join("c"), 60)
        .await
        .unwrap();
    c.create_study("s", &integer_dictionary("s", &["x", "y"]), "")
        .await
        .unwrap();
    let owner = c
        .add_user("olga", "data_owner", Some("s"), Some("a"))
        .await
        .unwrap();
    let ui = common::start(&c).await;
    let b = browser();
    let cookie = open(&ui).await;
    let origin = base(&ui);
    sign_in(&ui, &cookie, &owner).await;
    let form_page = page(&ui, &cookie, "/upload").await;
    assert!(form_page.contains("value=\"s|a\""), "{form_page}");
    let check = |target: &str, name: &str, content: &str| {
        let (ty, body) = form(target, name, content);
        b.post(format!("{origin}/upload/check"))
            .header(COOKIE, &cookie)
            .header(ORIGIN, &origin)
            .header(CONTENT_TYPE, ty)
            .body(body)
            .send()
    };
    let r = check("s|a", "good.csv", "x,y\n1,2\n3,4\n5,6\n")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains("good.csv is valid: 3 rows"), "{page}");
    // A file beyond axum's default body limit (2 MB) is read all the same.
    let mut big = String::from("x,y\n");
    for i in 0..300_000u32 {
        big.push_str(&format!("{},{}\n", 100_000 + i, 200_000 + i));
    }
    assert!(big.len() > 4 << 20);
    let page = check("s|a", "big.csv", &big)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("big.csv is valid: 300000 rows"),
        "{}",
        &page[..page.len().min(3000)]
    );
    // Two bad cells and a missing required value: each in the table with its row.
    let r = check("s|a", "bad.csv", "x,y\n1,2\nabc,4\n5,\n")
        .await
        .unwrap();
    let page = r.text().await.unwrap();
    assert!(page.contains("bad.csv cannot be uploaded"), "{page}");
    assert!(
        page.contains("<tr><td>3</td><td>x</td><td>abc</td>"),
        "{page}"
    );
    assert!(page.contains("<tr><td>4</td><td>y</td>"), "{page}");
    // The problems download as CSV.
    let csv = b
        .get(format!("{origin}/upload/errors.csv"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("problems.csv")
    );
    let csv = csv.text().await.unwrap();
    assert!(
        csv.starts_with("row,column,text,expected\r\n3,x,abc,"),
        "{csv}"
    );
    assert!(csv.contains("\r\n4,y,,"), "{csv}");
    // A wrong header: the file-level problem.
    let page = check("s|a", "h.csv", "x,z\n1,2\n")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("cannot be uploaded"), "{page}");
    // A site without a grant, an unknown study: refused before anything is read.
    for t in ["s|b", "t|a"] {
        let r = check(t, "good.csv", "x,y\n1,2\n").await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{t}");
    }
    // Checking uploads nothing.
    for admin in &c.admins {
        let sets: serde_json::Value = admin.get("/api/v1/studies/s/datasets").await.unwrap();
        let listed = sets
            .as_array()
            .or_else(|| sets["datasets"].as_array())
            .unwrap_or_else(|| panic!("{sets}"));
        assert!(listed.is_empty(), "no dataset after a check: {sets}");
    }
    // Confirmed: shared here, committed on the three nodes; the page says so with each
    // node's record.
    // Nothing checked yet in this session (the last check failed): nothing to confirm.
    let r = post_form(&ui, &cookie, "/upload/confirm", vec![("name", "a")]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    check("s|a", "good.csv", "x,y\n1,2\n3,4\n5,6\n")
        .await
        .unwrap();
    let page = post_form(&ui, &cookie, "/upload/confirm", vec![("name", "a")])
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Committed on all three nodes"), "{page}");
    assert_eq!(page.matches("committed</span>").count(), 3, "{page}");
    for admin in &c.admins {
        let sets: Vec<serde_json::Value> = admin.get("/api/v1/studies/s/datasets").await.unwrap();
        assert_eq!(sets.len(), 1);
        assert_eq!(sets[0]["rows"], 3);
    }
    // The checked file is spent: confirming again uploads nothing more.
    let r = post_form(&ui, &cookie, "/upload/confirm", vec![("name", "a")]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let again = page_of(&ui, &cookie, "/upload/progress").await;
    assert!(again.contains("Committed on all three nodes"), "{again}");
    // Withdrawal needs the confirmation box; another site's dataset is not the user's.
    let upload_page = page_of(&ui, &cookie, "/upload").await;
    assert!(
        upload_page.contains("I want to withdraw a"),
        "{upload_page}"
    );
    let no = vec![("study", "s"), ("site", "a"), ("name", "a")];
    let page = post_form(&ui, &cookie, "/datasets/withdraw", no)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("tick the confirmation box"), "{page}");
    let other = vec![
        ("study", "s"),
        ("site", "b"),
        ("name", "a"),
        ("confirm", "yes"),
    ];
    let page = post_form(&ui, &cookie, "/datasets/withdraw", other)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("no data-owner grant for site b"), "{page}");
    let yes = vec![
        ("study", "s"),
        ("site", "a"),
        ("name", "a"),
        ("confirm", "yes"),
    ];
    let page = post_form(&ui, &cookie, "/datasets/withdraw", yes)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Dataset a was withdrawn"), "{page}");
    for admin in &c.admins {
        let sets: Vec<serde_json::Value> = admin.get("/api/v1/studies/s/datasets").await.unwrap();
        assert!(sets.is_empty());
    }
    ui.stop();
    c.shutdown().await;
}

/// Checks `content` as file `name` for `target` in the session `cookie`.
async fn check_file(
    ui: &sharestat_ui::Ui,
    cookie: &str,
    target: &str,
    name: &str,
    content: &str,
) -> String {
    let (ty, body) = form(target, name, content);
    let origin = base(ui);
    browser()
        .post(format!("{origin}/upload/check"))
        .header(COOKIE, cookie)
        .header(ORIGIN, &origin)
        .header(CONTENT_TYPE, ty)
        .body(body)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The progress page of the session until the upload has ended (no timing assumed: it
/// polls until the page says how the upload ended).
async fn outcome(ui: &sharestat_ui::Ui, cookie: &str) -> String {
    loop {
        let p = page_of(ui, cookie, "/upload/progress").await;
        if !p.contains("<progress") {
            return p;
        }
        assert!(p.contains("url=/upload/progress"), "{p}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn an_upload_followed_on_its_progress_page_and_a_replacement() {
    let tmp = tempfile::tempdir().unwrap();
    let c = LocalConsortium::start(&tmp.path().join("c"), 60)
        .await
        .unwrap();
    c.create_study("s", &integer_dictionary("s", &["x", "y"]), "")
        .await
        .unwrap();
    let owner = c
        .add_user("olga", "data_owner", Some("s"), Some("a"))
        .await
        .unwrap();
    // The confirmation answers at once: the browser is sent to the progress page.
    let ui = sharestat_ui::Ui::start(sharestat_ui::Options {
        consortium: Some(common::consortium(&c)),
        confirm_wait: Some(std::time::Duration::ZERO),
        ..Default::default()
    })
    .await
    .unwrap();
    let cookie = open(&ui).await;
    sign_in(&ui, &cookie, &owner).await;
    let page = check_file(&ui, &cookie, "s|a", "one.csv", "x,y\n1,2\n3,4\n").await;
    assert!(page.contains("one.csv is valid: 2 rows"), "{page}");
    let r = post_form(&ui, &cookie, "/upload/confirm", vec![("name", "a")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/upload/progress");
    let done = outcome(&ui, &cookie).await;
    assert!(done.contains("Committed on all three nodes"), "{done}");
    // The same name again without "replace": the nodes refuse, the page says so.
    check_file(&ui, &cookie, "s|a", "two.csv", "x,y\n5,6\n7,8\n9,10\n").await;
    post_form(&ui, &cookie, "/upload/confirm", vec![("name", "a")]).await;
    let refused = outcome(&ui, &cookie).await;
    assert!(refused.contains("Upload failed"), "{refused}");
    assert!(refused.contains("Nothing became visible"), "{refused}");
    // With "replace": the new rows replace the old on the three nodes.
    check_file(&ui, &cookie, "s|a", "two.csv", "x,y\n5,6\n7,8\n9,10\n").await;
    post_form(
        &ui,
        &cookie,
        "/upload/confirm",
        vec![("name", "a"), ("replace", "yes")],
    )
    .await;
    let replaced = outcome(&ui, &cookie).await;
    assert!(
        replaced.contains("Committed on all three nodes"),
        "{replaced}"
    );
    for admin in &c.admins {
        let sets: Vec<serde_json::Value> = admin.get("/api/v1/studies/s/datasets").await.unwrap();
        assert_eq!(sets.len(), 1);
        assert_eq!(sets[0]["rows"], 3);
    }
    ui.stop();
    c.shutdown().await;
}

/// A FHIR Bundle checked and uploaded through the app: Rome's adrenal Bundle maps (by the
/// dictionary's `[fhir]` section) to its 24 patients and commits; one with an unknown code
/// shows the problem at its Bundle entry, resource and element, and uploads nothing.
#[tokio::test]
async fn a_fhir_bundle_is_mapped_checked_and_uploaded() {
    let ex = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/adrenal");
    let dict = std::fs::read_to_string(ex.join("dictionary.toml")).unwrap();
    let bundle = std::fs::read_to_string(ex.join("fhir/rome.json")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let c = LocalConsortium::start(&tmp.path().join("c"), 60)
        .await
        .unwrap();
    c.create_study("adrenal", &dict, "").await.unwrap();
    let owner = c
        .add_user("rosa", "data_owner", Some("adrenal"), Some("rome"))
        .await
        .unwrap();
    let ui = common::start(&c).await;
    let cookie = open(&ui).await;
    sign_in(&ui, &cookie, &owner).await;
    let bad = bundle.replacen("\"LA9623-5\"", "\"LA0000-0\"", 1);
    let page = check_file(&ui, &cookie, "adrenal|rome", "rome-bad.json", &bad).await;
    assert!(
        page.contains("valueCodeableConcept)")
            && page.contains("ecog_status")
            && page.contains("LA0000-0")
            && page.contains("rome-bad.json entry ")
            && page.contains("<th scope=\"col\">Where</th>"),
        "{page}"
    );
    // One problem: the refused code, not also "required" for the value it could not give.
    assert!(page.contains(">1 problem<"), "{page}");
    assert!(!page.contains("required: missing"), "{page}");
    let page = check_file(&ui, &cookie, "adrenal|rome", "rome.json", &bundle).await;
    assert!(page.contains("rome.json is valid: 24 rows"), "{page}");
    let r = post_form(&ui, &cookie, "/upload/confirm", vec![("name", "rome")]).await;
    assert!(r.status().is_success() || r.status() == StatusCode::SEE_OTHER);
    let done = outcome(&ui, &cookie).await;
    assert!(done.contains("Committed on all three nodes"), "{done}");
    for admin in &c.admins {
        let sets: Vec<serde_json::Value> =
            admin.get("/api/v1/studies/adrenal/datasets").await.unwrap();
        assert_eq!(sets.len(), 1);
        assert_eq!(sets[0]["rows"], 24);
    }
    ui.stop();
    c.shutdown().await;
}
