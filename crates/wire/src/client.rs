//! The HTTPS client of the node API (the data owner's upload, the CLI, the tests and
//! benchmarks): trusts only the consortium CA, sends the bearer token, and turns problem
//! documents into typed errors.
use crate::problem::Problem;
pub use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A client error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The request did not complete (connection, TLS, timeout).
    #[error("request to {url} failed: {source}")]
    Http {
        /// The URL.
        url: String,
        /// Why.
        source: reqwest::Error,
    },
    /// The node answered with a problem document.
    #[error("{} ({}): {}", problem.title, problem.status, problem.detail)]
    Api {
        /// HTTP status.
        status: StatusCode,
        /// The problem.
        problem: Problem,
    },
    /// The CA certificate could not be read.
    #[error("bad CA certificate: {0}")]
    Ca(String),
}

/// A refusal: the node's problem document, or one made of the status and the body when the
/// body is not a problem document.
fn api_error(status: StatusCode, value: serde_json::Value) -> ClientError {
    let problem = serde_json::from_value(value.clone()).unwrap_or(Problem {
        kind: "about:blank".into(),
        title: status.canonical_reason().unwrap_or("error").into(),
        status: status.as_u16(),
        detail: value.to_string(),
    });
    ClientError::Api { status, problem }
}

/// A client of one node.
#[derive(Clone)]
pub struct Client {
    base: String,
    http: reqwest::Client,
    token: Option<String>,
}

impl Client {
    /// A client for the node at `base_url` (e.g. `https://127.0.0.1:7441`).
    pub fn new(base_url: &str, ca_pem: &str, token: Option<String>) -> Result<Client, ClientError> {
        let ca = reqwest::Certificate::from_pem(ca_pem.as_bytes())
            .map_err(|e| ClientError::Ca(e.to_string()))?;
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .tls_built_in_root_certs(false)
            .add_root_certificate(ca)
            .timeout(std::time::Duration::from_secs(600))
            .build()
            .map_err(|e| ClientError::Ca(e.to_string()))?;
        Ok(Client {
            base: base_url.trim_end_matches('/').to_string(),
            http,
            token,
        })
    }

    /// The same node with another token (or none).
    pub fn with_token(&self, token: Option<String>) -> Client {
        Client {
            token,
            ..self.clone()
        }
    }

    /// Sends a request; returns the status and the JSON body (problem documents included).
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<(StatusCode, serde_json::Value), ClientError> {
        let (status, value, _) = self.timed(method, path, body).await?;
        Ok((status, value))
    }

    /// Like [`Client::raw`], also returning the node's `Server-Timing` header.
    pub async fn timed(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<(StatusCode, serde_json::Value, String), ClientError> {
        let url = format!("{}{}", self.base, path);
        let mut rq = self.http.request(method, &url);
        if let Some(t) = &self.token {
            rq = rq.bearer_auth(t);
        }
        if let Some(b) = body {
            rq = rq.json(b);
        }
        let http_err = |source| ClientError::Http {
            url: url.clone(),
            source,
        };
        let resp = rq.send().await.map_err(http_err)?;
        let status = resp.status();
        let timing = resp
            .headers()
            .get_all("server-timing")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(", ");
        let bytes = resp.bytes().await.map_err(http_err)?;
        let value = if bytes.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::String(
                String::from_utf8_lossy(&bytes).into_owned(),
            ))
        };
        Ok((status, value, timing))
    }

    /// Sends a request and decodes a successful answer; problems become [`ClientError::Api`].
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<T, ClientError> {
        let body = body.map(|b| serde_json::to_value(b).expect("request serialises"));
        let (status, value) = self.raw(method, path, body.as_ref()).await?;
        if !status.is_success() {
            return Err(api_error(status, value));
        }
        let value = if value.is_null() {
            serde_json::json!({})
        } else {
            value
        };
        serde_json::from_value(value).map_err(|e| ClientError::Api {
            status,
            problem: Problem {
                kind: "urn:sharestat:problem:client-decode".into(),
                title: "Unexpected answer".into(),
                status: status.as_u16(),
                detail: e.to_string(),
            },
        })
    }

    /// PUT of a binary body; success or [`ClientError::Api`].
    pub async fn put_bytes(&self, path: &str, body: Vec<u8>) -> Result<(), ClientError> {
        let url = format!("{}{}", self.base, path);
        let mut rq = self
            .http
            .put(&url)
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(body);
        if let Some(t) = &self.token {
            rq = rq.bearer_auth(t);
        }
        let resp = rq.send().await.map_err(|source| ClientError::Http {
            url: url.clone(),
            source,
        })?;
        let status = resp.status();
        if status.is_success() {
            return Ok(());
        }
        let value: serde_json::Value = resp.json().await.unwrap_or_default();
        Err(api_error(status, value))
    }

    /// GET.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        self.call(Method::GET, path, None::<&()>).await
    }

    /// POST with a JSON body.
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, ClientError> {
        self.call(Method::POST, path, Some(body)).await
    }
}
