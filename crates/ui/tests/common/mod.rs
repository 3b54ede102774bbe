//! What the ui tests share: a browser without redirects or cookie store, opening the link.
#![allow(dead_code)]
use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::{Client, StatusCode, redirect};
use sharestat_ui::Ui;

/// A browser that shows redirects and keeps no cookies (the tests send them).
pub fn browser() -> Client {
    Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

/// Opens the printed URL: the session cookie (`name=value`), checked `HttpOnly` and
/// `SameSite=Strict`.
pub async fn open(ui: &Ui) -> String {
    let r = browser().get(&ui.url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{:?}", r.text().await);
    assert_eq!(r.headers()[LOCATION], "/");
    let set = r.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(set.contains("HttpOnly"), "{set}");
    assert!(set.contains("SameSite=Strict"), "{set}");
    set.split(';').next().unwrap().to_owned()
}

/// The app's own origin.
pub fn base(ui: &Ui) -> String {
    format!("http://127.0.0.1:{}", ui.addr.port())
}

/// The page at `path` with the session `cookie`.
pub async fn page(ui: &Ui, cookie: &str, path: &str) -> String {
    browser()
        .get(format!("{}{path}", base(ui)))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Signs the session `cookie` in with `token` (the app redirects home).
pub async fn sign_in(ui: &Ui, cookie: &str, token: &str) {
    let origin = base(ui);
    let r = browser()
        .post(format!("{origin}/signin"))
        .header(COOKIE, cookie)
        .header(ORIGIN, &origin)
        .form(&[("token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

/// The app on a free port, for the consortium `c` (node 0 signs users in).
pub async fn start(c: &sharestat_node::local::LocalConsortium) -> Ui {
    Ui::start(sharestat_ui::Options {
        consortium: Some(consortium(c)),
        ..Default::default()
    })
    .await
    .unwrap()
}

/// The app's view of the local consortium `c`.
pub fn consortium(c: &sharestat_node::local::LocalConsortium) -> sharestat_ui::Consortium {
    sharestat_ui::Consortium {
        nodes: (0..3).map(|i| c.client(i, "")).collect(),
        names: c.configs.iter().map(|cfg| cfg.node.name.clone()).collect(),
        home: 0,
    }
}

/// A form `POST` to `path` from the app's own page with the session `cookie`.
pub async fn post_form(
    ui: &Ui,
    cookie: &str,
    path: &str,
    form: Vec<(&str, &str)>,
) -> reqwest::Response {
    let origin = base(ui);
    browser()
        .post(format!("{origin}{path}"))
        .header(COOKIE, cookie)
        .header(ORIGIN, &origin)
        .form(&form)
        .send()
        .await
        .unwrap()
}
