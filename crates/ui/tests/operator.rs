//! The node operator's page against a real consortium, with node 0's admin token: each node's
//! health as far as the token reaches (node 0 in full, with both its links up; the others
//! refuse a token that is not theirs), the studies, and the account actions: a user added
//! (the token shown once works), disabled (the token stops working at the node), enabled,
//! and a token revoked. Other roles are refused the page.
mod common;
use common::{open, page, post_form, sign_in};
use reqwest::StatusCode;
use sharestat_node::local::{LocalConsortium, integer_dictionary};

#[tokio::test]
async fn an_operator_manages_accounts_of_their_node() {
    let tmp = tempfile::tempdir().unwrap();
    let c = LocalConsortium::start(&tmp.path().join("c"), 60)
        .await
        .unwrap();
    c.create_study("s", &integer_dictionary("s", &["x"]), "")
        .await
        .unwrap();
    let rita = c
        .add_user("rita", "researcher", Some("s"), None)
        .await
        .unwrap();
    let admin = std::fs::read_to_string(c.dir.join("node0/admin-token")).unwrap();
    // A researcher: no operator page.
    let ui = common::start(&c).await;
    let cookie = open(&ui).await;
    sign_in(&ui, &cookie, &rita).await;
    let p = page(&ui, &cookie, "/nodes").await;
    assert!(p.contains("needs a node administrator"), "{p}");
    ui.stop();

    let ui = common::start(&c).await;
    let cookie = open(&ui).await;
    sign_in(&ui, &cookie, admin.trim()).await;
    let home = page(&ui, &cookie, "/").await;
    assert!(home.contains("href=\"/nodes\""), "{home}");
    let p = page(&ui, &cookie, "/nodes").await;
    assert_eq!(p.matches("<span class=\"ok\">up</span>").count(), 4, "{p}");
    assert!(p.contains("not reachable with this token"), "{p}");
    assert!(p.contains("store "), "{p}");
    assert!(p.contains("<td>s</td>"), "the study: {p}");
    assert!(p.contains("<td>rita</td>"), "the accounts: {p}");
    // Added: the token is shown once and works at node 0.
    let form = vec![("name", "oscar"), ("role", "researcher"), ("study", "s")];
    let p = post_form(&ui, &cookie, "/nodes/users", form)
        .await
        .text()
        .await
        .unwrap();
    assert!(p.contains("User oscar added"), "{p}");
    let token = p
        .split("shown this once")
        .nth(1)
        .and_then(|s| s.split("<pre>").nth(1))
        .and_then(|s| s.split("</pre>").next())
        .unwrap()
        .to_owned();
    let oscar = c.client(0, &token);
    let who: serde_json::Value = oscar.get("/api/v1/whoami").await.unwrap();
    assert_eq!(who["user"], "oscar");
    // A name the node refuses: its reason.
    let p = post_form(
        &ui,
        &cookie,
        "/nodes/users",
        vec![("name", "oscar"), ("role", "researcher"), ("study", "s")],
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(p.contains("the node refused"), "{p}");
    // Disabled: the token stops working; enabled: it works again.
    let p = post_form(
        &ui,
        &cookie,
        "/nodes/users/disable",
        vec![("user", "oscar"), ("disabled", "true")],
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(p.contains("User oscar disabled"), "{p}");
    let (status, _) = oscar
        .raw(reqwest::Method::GET, "/api/v1/whoami", None)
        .await
        .unwrap();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    post_form(
        &ui,
        &cookie,
        "/nodes/users/disable",
        vec![("user", "oscar"), ("disabled", "false")],
    )
    .await;
    let who: serde_json::Value = oscar.get("/api/v1/whoami").await.unwrap();
    assert_eq!(who["user"], "oscar");
    // The operator cannot lock themselves out.
    let p = post_form(
        &ui,
        &cookie,
        "/nodes/users/disable",
        vec![("user", "admin"), ("disabled", "true")],
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(p.contains("cannot disable their own account"), "{p}");
    // Revoked: the token stops working for good.
    let full: serde_json::Value = c.admins[0].get("/api/v1/users/oscar").await.unwrap();
    let id = full["tokens"][0]["id"].as_str().unwrap().to_owned();
    let p = post_form(&ui, &cookie, "/nodes/tokens/revoke", vec![("token", &id)])
        .await
        .text()
        .await
        .unwrap();
    assert!(p.contains(&format!("Token {id} revoked")), "{p}");
    let (status, _) = oscar
        .raw(reqwest::Method::GET, "/api/v1/whoami", None)
        .await
        .unwrap();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A path in a form field stays one segment of the node's route.
    let p = post_form(
        &ui,
        &cookie,
        "/nodes/tokens/revoke",
        vec![("token", "../users")],
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(p.contains("the node refused"), "{p}");
    ui.stop();
    c.shutdown().await;
}
