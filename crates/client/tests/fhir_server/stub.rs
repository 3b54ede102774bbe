//! Protocol stubs of a FHIR server for the tests: an axum app on 127.0.0.1 (plain HTTP, or
//! HTTPS with an optional client-certificate requirement) whose answers a closure makes, with
//! a log of the requests; FHIR JSON fixtures; running a download into a temporary directory.
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use serde_json::{Value, json};
use sharestat_client::fhir_server::{Downloaded, Progress, ServerError, ServerOptions, download};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request the stub received.
#[derive(Clone, Debug)]
pub struct Hit {
    pub method: String,
    /// Path and query.
    pub target: String,
    pub auth: Option<String>,
}

pub type Hits = Arc<Mutex<Vec<Hit>>>;

/// A stub server on 127.0.0.1: `answer(base, hit, n)` answers each request, `n` being how
/// many earlier requests had the same method and target. Returns the base URL and the log.
pub async fn stub<F>(answer: F) -> (String, Hits)
where
    F: Fn(&str, &Hit, usize) -> Response + Clone + Send + Sync + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (app, hits) = app(&base, answer);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, hits)
}

/// The same over HTTPS with `tls` (its certificate is for `localhost`): the base URL is
/// `https://localhost:<port>`. Failed handshakes are dropped.
pub async fn stub_tls<F>(tls: Arc<rustls::ServerConfig>, answer: F) -> (String, Hits)
where
    F: Fn(&str, &Hit, usize) -> Response + Clone + Send + Sync + 'static,
{
    use hyper_util::rt::{TokioExecutor, TokioIo};
    use hyper_util::server::conn::auto;
    use hyper_util::service::TowerToHyperService;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!(
        "https://localhost:{}",
        listener.local_addr().unwrap().port()
    );
    let (app, hits) = app(&base, answer);
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                continue;
            };
            let (acceptor, app) = (acceptor.clone(), app.clone());
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let _ = auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(tls), TowerToHyperService::new(app))
                    .await;
            });
        }
    });
    (base, hits)
}

/// The app of a stub: every request logged, then answered by `answer`.
fn app<F>(base: &str, answer: F) -> (axum::Router, Hits)
where
    F: Fn(&str, &Hit, usize) -> Response + Clone + Send + Sync + 'static,
{
    let hits: Hits = Arc::default();
    let (b, h) = (base.to_string(), hits.clone());
    let app = axum::Router::new().fallback(move |req: Request| {
        let (answer, base, hits) = (answer.clone(), b.clone(), h.clone());
        async move {
            let hit = Hit {
                method: req.method().to_string(),
                target: req.uri().to_string(),
                auth: req
                    .headers()
                    .get("authorization")
                    .map(|v| v.to_str().unwrap().to_string()),
            };
            let n = {
                let mut log = hits.lock().unwrap();
                let n = log
                    .iter()
                    .filter(|x| x.method == hit.method && x.target == hit.target)
                    .count();
                log.push(hit.clone());
                n
            };
            answer(&base, &hit, n)
        }
    });
    (app, hits)
}

/// A response.
pub fn resp(status: u16, headers: &[(&str, &str)], body: impl Into<String>) -> Response {
    let mut b = Response::builder().status(status);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Body::from(body.into())).unwrap()
}

pub fn fhir_json(status: u16, v: &Value) -> Response {
    resp(
        status,
        &[("content-type", "application/fhir+json")],
        v.to_string(),
    )
}

pub fn outcome(status: u16, diagnostics: &str) -> Response {
    fhir_json(
        status,
        &json!({"resourceType": "OperationOutcome", "issue": [
            {"severity": "error", "code": "exception", "diagnostics": diagnostics}]}),
    )
}

/// A CapabilityStatement, with the Patient-level `export` operation or without.
pub fn capability(export: bool) -> Response {
    let ops = if export {
        json!([{"name": "export", "definition":
            "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export"}])
    } else {
        json!([])
    };
    fhir_json(
        200,
        &json!({"resourceType": "CapabilityStatement", "fhirVersion": "4.0.1",
            "rest": [{"mode": "server", "resource": [{"type": "Patient", "operation": ops}]}]}),
    )
}

pub fn patient(id: &str) -> Value {
    json!({"resourceType": "Patient", "id": id, "gender": "female"})
}

pub fn observation(id: &str, subject: &str) -> Value {
    json!({"resourceType": "Observation", "id": id, "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "8302-2"}]},
        "subject": {"reference": format!("Patient/{subject}")},
        "valueQuantity": {"value": 171.5, "unit": "cm", "system": "http://unitsofmeasure.org", "code": "cm"}})
}

pub fn searchset(resources: &[Value], next: Option<String>) -> Response {
    let mut links = vec![json!({"relation": "self", "url": "ignored"})];
    if let Some(n) = next {
        links.push(json!({"relation": "next", "url": n}));
    }
    let entry: Vec<Value> = resources
        .iter()
        .map(|r| json!({"resource": r, "search": {"mode": "match"}}))
        .collect();
    fhir_json(
        200,
        &json!({"resourceType": "Bundle", "type": "searchset", "link": links, "entry": entry}),
    )
}

pub fn opts(base: &str, types: &[&str]) -> ServerOptions {
    let mut o = ServerOptions::new(base, types);
    o.max_poll_interval = Duration::from_secs(2);
    o.max_wait = Duration::from_secs(30);
    o
}

/// Runs a download into `dir/out`, collecting the progress events.
pub async fn run(
    o: &ServerOptions,
    dir: &Path,
) -> (Result<Downloaded, ServerError>, Vec<Progress>) {
    let events = Mutex::new(Vec::new());
    let r = download(o, &dir.join("out"), &|p| events.lock().unwrap().push(p)).await;
    (r, events.into_inner().unwrap())
}

/// The lines of a written file as JSON.
pub fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// What is left in `dir/out` (nothing: it does not exist, or is empty).
pub fn left(dir: &Path) -> Vec<String> {
    match std::fs::read_dir(dir.join("out")) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}
