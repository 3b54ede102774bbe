//! Every route in the OpenAPI document checks who is calling: no token is 401; a user without
//! the declared role, or with it only in another study, is 403. Routes are taken from the
//! document itself, so a new route that forgets its checks fails here.
mod common;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A plausible body for each route that takes one (so that a 403 cannot hide behind a 400).
fn body_for(method: &str, path: &str) -> Option<Value> {
    let v = match (method, path) {
        ("post", "/api/v1/studies") => json!({"id": "s9", "title": "t",
            "dictionary": sharestat_node::local::integer_dictionary("s9", &["age"]), "policy": ""}),
        ("post", "/api/v1/studies/{study}/uploads")
        | ("post", "/api/v1/studies/{study}/uploads/relay") => begin("munich"),
        ("post", "/api/v1/users") => json!({"name": "mallory2"}),
        ("post", "/api/v1/users/{user}/tokens") => json!({"label": "x"}),
        ("post", "/api/v1/users/{user}/disable") => json!({"disabled": true}),
        ("post", "/api/v1/users/{user}/grants")
        | ("post", "/api/v1/users/{user}/grants/revoke") => {
            json!({"role": "researcher", "study": "s1"})
        }
        ("post", "/api/v1/jobs") => {
            json!({"kind": "query", "study": "s1", "text": "sum(load(\"munich\")$age)"})
        }
        ("post", "/api/v1/jobs/{job}/cancel")
        | ("post", "/api/v1/uploads/{upload}/commit")
        | ("post", "/api/v1/uploads/{upload}/abort") => return None,
        ("post", _) => panic!("no test body for POST {path}: add one to body_for"),
        _ => return None,
    };
    Some(v)
}

fn begin(site: &str) -> Value {
    json!({"id": "0123456789abcdef0123456789abcdef", "name": site, "site": site, "rows": 1,
        "columns": [{"name": "age", "kind": "integer"}], "chunk_rows": 65536, "coordinator": 0})
}

fn concrete(path: &str) -> String {
    path.replace("{study}", "s1")
        .replace("{dataset}", "munich")
        .replace("{user}", "admin")
        .replace("{token}", "0123456789abcdef")
        .replace("{job}", "0123456789abcdef")
        .replace("{upload}", "0123456789abcdef0123456789abcdef")
        .replace("{chunk}", "0")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_route_checks_authentication_and_roles() {
    let c = common::start(10).await;
    c.study("s1").await;
    c.study("s2").await;
    // A user with no role at all, and a researcher of another study.
    let made: Value = c.admins[0]
        .post("/api/v1/users", &json!({"name": "nobody"}))
        .await
        .unwrap();
    let nobody = made["token"].as_str().unwrap().to_string();
    let other = c.user("other", "researcher", Some("s2"), None).await;
    let doc: Value = c.admins[0].get("/api/v1/openapi.json").await.unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 15, "the document lists the routes");
    let anon = c.admins[0].with_token(None);
    let mut checked = 0;
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap() {
            let scopes: Vec<&str> = op["security"][0]["bearer"]
                .as_array()
                .unwrap_or_else(|| panic!("{method} {path} declares no bearer security"))
                .iter()
                .map(|s| s.as_str().unwrap())
                .collect();
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let url = concrete(path);
            let body = body_for(method, path);
            let (st, _) = anon.raw(m.clone(), &url, body.as_ref()).await.unwrap();
            assert_eq!(
                st,
                StatusCode::UNAUTHORIZED,
                "{method} {path} without a token"
            );
            let (st, _) = c
                .client(
                    0,
                    "sst_0000000000000000000000000000000000000000000000000000000000000000",
                )
                .raw(m.clone(), &url, body.as_ref())
                .await
                .unwrap();
            assert_eq!(
                st,
                StatusCode::UNAUTHORIZED,
                "{method} {path} with an unknown token"
            );
            // `other` holds a role, in s2: it must be refused wherever s1 is concerned.
            let s1_scoped =
                path.contains("{study}") || (method == "post" && path == "/api/v1/jobs");
            for who in [&nobody, &other] {
                if who == &other && !s1_scoped {
                    continue;
                }
                let (st, p) = c
                    .client(0, who)
                    .raw(m.clone(), &url, body.as_ref())
                    .await
                    .unwrap();
                if scopes == ["any"] {
                    assert!(
                        st.is_success(),
                        "{method} {path} is open to any user: {st} {p}"
                    );
                } else {
                    assert_eq!(
                        st,
                        StatusCode::FORBIDDEN,
                        "{method} {path} as a user without {scopes:?} in s1: {p}"
                    );
                    assert_eq!(
                        p["type"], "urn:sharestat:problem:forbidden",
                        "{method} {path}"
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "checked {checked} operations");
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn data_owners_touch_only_their_own_site() {
    let c = common::start(10).await;
    c.study("s1").await;
    let rome = c
        .user("rome_owner", "data_owner", Some("s1"), Some("rome"))
        .await;
    let munich = c
        .user("munich_owner", "data_owner", Some("s1"), Some("munich"))
        .await;
    let researcher = c.user("rita", "researcher", Some("s1"), None).await;
    // Rome cannot upload as Munich; a researcher cannot upload at all.
    for (who, site) in [(&rome, "munich"), (&researcher, "rome")] {
        let (st, p) = c
            .client(0, who)
            .raw(
                Method::POST,
                "/api/v1/studies/s1/uploads",
                Some(&begin(site)),
            )
            .await
            .unwrap();
        assert_eq!(st, StatusCode::FORBIDDEN, "{p}");
    }
    // Munich's dataset: Rome can neither replace nor withdraw it.
    c.upload(&munich, "s1", "munich", "munich", &[40, 50, 60])
        .await;
    let mut replace = begin("rome");
    replace["name"] = json!("munich");
    replace["replaces"] = json!(true);
    let (st, p) = c
        .client(0, &rome)
        .raw(Method::POST, "/api/v1/studies/s1/uploads", Some(&replace))
        .await
        .unwrap();
    assert_eq!(st, StatusCode::FORBIDDEN, "{p}");
    let (st, p) = c
        .client(1, &rome)
        .raw(Method::DELETE, "/api/v1/studies/s1/datasets/munich", None)
        .await
        .unwrap();
    assert_eq!(st, StatusCode::FORBIDDEN, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("munich"), "{p}");
    // A malformed chunk gets a problem document saying what was expected.
    let (st, p) = c
        .client(0, &rome)
        .raw(
            Method::POST,
            "/api/v1/studies/s1/uploads",
            Some(&begin("rome")),
        )
        .await
        .unwrap();
    assert_eq!(st, StatusCode::CREATED, "{p}");
    let err = c
        .client(0, &rome)
        .put_bytes(
            "/api/v1/uploads/0123456789abcdef0123456789abcdef/chunks/0",
            vec![0; 24],
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("expected 1 columns x 1 rows x 16"),
        "{err}"
    );
    c.shutdown().await;
}
