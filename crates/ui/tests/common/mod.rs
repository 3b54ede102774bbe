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
