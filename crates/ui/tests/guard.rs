//! The local app's guard against a real server on a free port: the one-time secret and its
//! cookie, a second browser, foreign Host and Origin headers, and signing in against a real
//! three-node consortium (right and wrong tokens).
mod common;
use common::{base, browser, open};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, HOST, ORIGIN};
use sharestat_ui::Ui;

#[tokio::test]
async fn the_secret_opens_one_session_once() {
    let ui = Ui::start(Default::default()).await.unwrap();
    let b = browser();
    // Before opening: every route refused.
    for path in ["/", "/signin"] {
        let r = b.get(format!("{}{path}", base(&ui))).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    // A wrong secret does not open it and does not spend the right one.
    let wrong = format!("{}/open?secret=00", base(&ui));
    assert_eq!(
        b.get(&wrong).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let cookie = open(&ui).await;
    let r = b
        .get(base(&ui))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Sign in"));
    // The link again (a second browser, or someone who saw it): refused.
    let again = b.get(&ui.url).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::FORBIDDEN);
    // A made-up cookie: refused.
    let forged = format!("sharestat_ui={}", "ab".repeat(32));
    let r = b
        .get(base(&ui))
        .header(COOKIE, forged)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    ui.stop();
}

#[tokio::test]
async fn foreign_host_and_origin_are_refused() {
    let ui = Ui::start(Default::default()).await.unwrap();
    let cookie = open(&ui).await;
    let b = browser();
    let port = ui.addr.port();
    // DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1.
    for host in [format!("evil.example:{port}"), "127.0.0.1:1".to_owned()] {
        let r = b
            .get(base(&ui))
            .header(HOST, host.as_str())
            .header(COOKIE, &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{host}");
    }
    // localhost with the port is this app.
    let r = b
        .get(base(&ui))
        .header(HOST, format!("localhost:{port}"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // Another site's page posting a form here, or a post without an Origin.
    let signin = format!("{}/signin", base(&ui));
    for origin in [Some("http://evil.example"), Some("null"), None] {
        let mut req = b
            .post(&signin)
            .header(COOKIE, &cookie)
            .form(&[("token", "x")]);
        if let Some(o) = origin {
            req = req.header(ORIGIN, o);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{origin:?}");
    }
    // A foreign origin on a GET too.
    let r = b
        .get(base(&ui))
        .header(ORIGIN, "http://evil.example")
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    ui.stop();
}

#[tokio::test]
async fn signing_in_checks_the_token_with_a_node() {
    let tmp = tempfile::tempdir().unwrap();
    let c = sharestat_node::local::LocalConsortium::start(&tmp.path().join("c"), 60)
        .await
        .unwrap();
    c.create_study(
        "s",
        &sharestat_node::local::integer_dictionary("s", &["x"]),
        "",
    )
    .await
    .unwrap();
    let token = c
        .add_user("rita", "researcher", Some("s"), None)
        .await
        .unwrap();
    let ui = common::start(&c).await;
    let cookie = open(&ui).await;
    let b = browser();
    let origin = base(&ui);
    let post = |t: &str| {
        b.post(format!("{origin}/signin"))
            .header(COOKIE, &cookie)
            .header(ORIGIN, &origin)
            .form(&[("token", t.to_owned())])
            .send()
    };
    let r = post("not-a-token").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let text = r.text().await.unwrap();
    assert!(text.contains("did not accept this token"), "{text}");
    assert!(
        !text.contains("not-a-token"),
        "the token is not echoed: {text}"
    );
    let r = post(&token).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let home = b.get(&origin).header(COOKIE, &cookie).send().await.unwrap();
    let text = home.text().await.unwrap();
    assert!(
        text.contains("Signed in as <strong>rita</strong>"),
        "{text}"
    );
    assert!(!text.contains(&token), "the token is not shown");
    ui.stop();
    c.shutdown().await;
}

/// Every route of the app, with its method (`app.css` and `app.js` are the same for everyone
/// and served without a session).
const ROUTES: [(&str, &str); 24] = [
    ("GET", "/"),
    ("POST", "/signin"),
    ("POST", "/signout"),
    ("GET", "/analysis"),
    ("POST", "/run"),
    ("GET", "/results/1/results.json"),
    ("GET", "/plot/1/0/plot.svg"),
    ("GET", "/help"),
    ("GET", "/help/mean"),
    ("GET", "/upload"),
    ("POST", "/upload/check"),
    ("GET", "/upload/errors.csv"),
    ("POST", "/upload/confirm"),
    ("GET", "/upload/progress"),
    ("POST", "/datasets/withdraw"),
    ("GET", "/audit"),
    ("GET", "/audit/job/x"),
    ("GET", "/nodes"),
    ("POST", "/nodes/users"),
    ("POST", "/nodes/users/disable"),
    ("POST", "/nodes/tokens/revoke"),
    ("GET", "/open?secret=00"),
    ("GET", "/app.css"),
    ("GET", "/app.js"),
];

#[tokio::test]
async fn every_route_needs_the_session_and_a_signed_in_user() {
    let tmp = tempfile::tempdir().unwrap();
    let c = sharestat_node::local::LocalConsortium::start(&tmp.path().join("c"), 60)
        .await
        .unwrap();
    let ui = common::start(&c).await;
    let origin = base(&ui);
    let b = browser();
    let send = |method: &str, path: &str, cookie: Option<&str>| {
        let url = format!("{origin}{path}");
        let mut rq = if method == "GET" {
            b.get(url)
        } else {
            b.post(url).header(ORIGIN, &origin).form(&[
                ("token", "x"),
                ("study", "s"),
                ("name", "a"),
                ("user", "admin"),
            ])
        };
        if let Some(c) = cookie {
            rq = rq.header(COOKIE, c);
        }
        rq.send()
    };
    // Without the session: refused, nothing of the app's pages.
    for (method, path) in ROUTES {
        let r = send(method, path, None).await.unwrap();
        let expected = match path {
            "/app.css" | "/app.js" => StatusCode::OK,
            p if p.starts_with("/open") => StatusCode::FORBIDDEN,
            _ => StatusCode::UNAUTHORIZED,
        };
        assert_eq!(r.status(), expected, "{method} {path}");
    }
    // With the session but no user signed in (or a wrong token): back to signing in.
    let cookie = open(&ui).await;
    for (method, path) in ROUTES {
        let r = send(method, path, Some(&cookie)).await.unwrap();
        let status = r.status();
        let location = r
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned());
        let body = r.text().await.unwrap();
        match (method, path) {
            ("GET", "/") => assert!(body.contains("Your sharestat token"), "{body}"),
            ("POST", "/signin") => {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "a wrong token");
                assert!(body.contains("did not accept this token"), "{body}");
            }
            ("GET", "/app.css" | "/app.js") => assert_eq!(status, StatusCode::OK),
            ("GET", p) if p.starts_with("/open") => assert_eq!(status, StatusCode::FORBIDDEN),
            _ => {
                assert_eq!(status, StatusCode::SEE_OTHER, "{method} {path}: {body}");
                assert_eq!(location.as_deref(), Some("/"), "{method} {path}");
            }
        }
    }
    // Every answer keeps itself out of caches and frames and allows only the app's own files.
    let r = send("GET", "/", Some(&cookie)).await.unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    ui.stop();
    c.shutdown().await;
}
