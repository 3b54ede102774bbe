//! The researcher's page against a real three-node consortium: a script run from the editor
//! prints R's output (the mean of uploaded values, computed in plaintext here), private data
//! and another study are refused, and nothing of the token reaches the page.
mod common;
use common::{base, browser, open, page, page as page_of, sign_in};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, ORIGIN};
use sharestat_node::local::{LocalConsortium, integer_dictionary, upload_dealt};

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
    let ui = common::start(&c).await;
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

    // A selection runs after the lines above it (replayed, not printed).
    let sum: i64 = values.iter().sum();
    let whole = "d <- load(\"a\")\nmean(d$x)\nsum(d$x)";
    let form = vec![
        ("study", "s".to_owned()),
        ("text", whole.to_owned()),
        ("selection", "sum(d$x)".to_owned()),
        ("prelude", "d <- load(\"a\")\r\nmean(d$x)\r\n".to_owned()),
    ];
    let page = post("/run", form).await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("[1] {sum}")), "{page}");
    assert!(
        !page.contains("&gt; mean(d$x)"),
        "only the selection prints: {page}"
    );
    // A table as a table, a bar plot inline; the run downloads as JSON and CSV. (The
    // default policy perturbs counts: the numbers are compared with the released ones.)
    let script = "d <- load(\"a\")\nt <- table(d$x > 10)\nt\nbarplot(t, file = \"b.svg\")";
    let page = post("/run", vec![("study", "s".into()), ("text", script.into())])
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<th scope=\"col\">TRUE</th>"), "{page}");
    assert!(
        page.contains("<img class=\"plot\" src=\"/plot/4/1/plot.svg\""),
        "{page}"
    );
    let get = |path: String| {
        b.get(format!("{origin}{path}"))
            .header(COOKIE, &cookie)
            .send()
    };
    let svg = get("/plot/4/1/plot.svg".into()).await.unwrap();
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().starts_with("<svg"));
    let png = get("/plot/4/1/plot.png?download=1".into()).await.unwrap();
    assert!(
        png.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("b.png")
    );
    assert!(png.bytes().await.unwrap().starts_with(b"\x89PNG"));
    let doc: serde_json::Value = get("/results/4/results.json".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let big = doc["outputs"][0]["value"]["TRUE"].as_i64().unwrap();
    let small = doc["outputs"][0]["value"]["FALSE"].as_i64().unwrap();
    assert!((big - 21).abs() <= 3 && (small - 19).abs() <= 3, "{doc}");
    assert!(
        page.contains(&format!(
            "<td class=\"num\">{small}</td><td class=\"num\">{big}</td>"
        )),
        "{page}"
    );
    let csv = get("/results/4/results.csv".into())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.starts_with("statement,row,column,value\r\nt,FALSE,,"),
        "{csv}"
    );
    assert!(csv.contains(&format!("\r\nt,TRUE,,{big}\r\n")), "{csv}");
    assert!(!csv.contains("barplot"), "{csv}");
    // Not an output, not a run: refused.
    for p in [
        "/plot/4/0/plot.svg",
        "/plot/9/1/plot.svg",
        "/results/9/results.json",
    ] {
        assert_eq!(
            get(p.into()).await.unwrap().status(),
            StatusCode::NOT_FOUND,
            "{p}"
        );
    }
    // The history links every run; an earlier one shows again with its script.
    let editor = page_of(&ui, &cookie, "/analysis").await;
    assert_eq!(
        editor.matches("href=\"/analysis?run=").count(),
        4,
        "{editor}"
    );
    let first = page_of(&ui, &cookie, "/analysis?run=1").await;
    assert!(first.contains("Run 1 "), "{first}");
    // help() of every function.
    let index = page_of(&ui, &cookie, "/help").await;
    assert!(index.contains("href=\"/help/kruskal.test\""), "{index}");
    let mean_help = page_of(&ui, &cookie, "/help/mean").await;
    assert!(mean_help.contains("Reveals: n and the sum."), "{mean_help}");
    let r = get("/help/no.such".into()).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    ui.stop();
    c.shutdown().await;
}
