//! The HTTP side of the FHIR server client: one reqwest client built from the options (the
//! caller's CA roots, the client certificate of mutual TLS, timeouts), the bearer token sent
//! only to the base URL's origin, and HTTP failures turned into [`ServerError`]s that name
//! the URL, the status and the server's `OperationOutcome` text.
use super::{Auth, ServerError, ServerOptions};
use reqwest::header::{ACCEPT, HeaderValue};
use reqwest::{Method, Response, StatusCode, Url};
use serde_json::Value;
use std::net::IpAddr;
use std::time::Duration;

/// The most bytes read of a JSON answer (a search page, a manifest, the capability statement).
pub(super) const JSON_LIMIT: usize = 256 << 20;
/// The most bytes read of an error answer.
const ERROR_BODY_LIMIT: usize = 64 << 10;

/// How to send one request.
#[derive(Clone, Copy)]
pub(super) struct Call {
    /// The step, for errors (`GET`, `$export kick-off`, `download of`, ...).
    pub(super) what: &'static str,
    /// The `Accept` header.
    pub(super) accept: &'static str,
    /// Send the bearer token (the caller has checked the URL's origin).
    pub(super) token: bool,
    /// Bound the whole request by the request timeout (JSON answers); a file download is
    /// bounded only between reads.
    pub(super) whole: bool,
    /// `Prefer: respond-async` (a kick-off).
    pub(super) respond_async: bool,
}

impl Call {
    /// A request of a FHIR JSON answer, with the token, bounded in time.
    pub(super) fn json(what: &'static str) -> Call {
        Call {
            what,
            accept: "application/fhir+json",
            token: true,
            whole: true,
            respond_async: false,
        }
    }
}

/// The client of one FHIR server.
pub(super) struct Http {
    client: reqwest::Client,
    /// The base URL without its trailing `/`.
    base: String,
    base_url: Url,
    token: Option<String>,
    request_timeout: Duration,
}

impl Http {
    /// The client for `opts.base`, with its roots, identity and timeouts.
    pub(super) fn new(opts: &ServerOptions) -> Result<Http, ServerError> {
        let base = opts.base.trim_end_matches('/').to_string();
        let base_url = Url::parse(&base)
            .map_err(|e| ServerError::Config(format!("bad FHIR base URL {base:?}: {e}")))?;
        let https = match base_url.scheme() {
            "https" => true,
            "http" => false,
            other => {
                return Err(ServerError::Config(format!(
                    "the FHIR base URL {base} must start with http:// or https://, not {other}://"
                )));
            }
        };
        if base_url.query().is_some() || base_url.fragment().is_some() {
            return Err(ServerError::Config(format!(
                "the FHIR base URL {base} must not have a query or a fragment"
            )));
        }
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .tls_built_in_root_certs(false)
            .connect_timeout(opts.connect_timeout)
            .read_timeout(opts.request_timeout)
            .redirect(redirect_policy())
            .user_agent(concat!("sharestat/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = &opts.ca_pem {
            let roots = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| ServerError::Config(format!("bad CA certificate PEM: {e}")))?;
            if roots.is_empty() {
                return Err(ServerError::Config(
                    "the CA PEM holds no certificate".to_string(),
                ));
            }
            for root in roots {
                builder = builder.add_root_certificate(root);
            }
        } else if https {
            return Err(ServerError::Config(format!(
                "{base} is https:// but no CA certificate was given (ServerOptions::ca_pem): \
                 this build trusts no built-in certificate authorities"
            )));
        }
        let mut token = None;
        match &opts.auth {
            Auth::None => {}
            Auth::Bearer(t) => {
                if !https && !is_loopback(&base_url) {
                    return Err(ServerError::Config(format!(
                        "refusing to send a bearer token over plain HTTP to {base}: use https://"
                    )));
                }
                token = Some(t.clone());
            }
            Auth::MutualTls { cert_pem, key_pem } => {
                let mut pem = cert_pem.clone();
                pem.push(b'\n');
                pem.extend_from_slice(key_pem);
                let id = reqwest::Identity::from_pem(&pem).map_err(|e| {
                    ServerError::Config(format!("bad client certificate or key PEM: {e}"))
                })?;
                builder = builder.identity(id);
            }
        }
        let client = builder
            .build()
            .map_err(|e| ServerError::Config(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Http {
            client,
            base,
            base_url,
            token,
            request_timeout: opts.request_timeout,
        })
    }

    /// The base URL without its trailing `/`.
    pub(super) fn base(&self) -> &str {
        &self.base
    }

    /// `{base}/{rest}` parsed.
    pub(super) fn url(&self, rest: &str) -> Result<Url, ServerError> {
        let s = format!("{}/{rest}", self.base);
        Url::parse(&s).map_err(|e| ServerError::Config(format!("bad URL {s}: {e}")))
    }

    /// Whether `url` has the base URL's scheme, host and port.
    pub(super) fn same_origin(&self, url: &Url) -> bool {
        url.origin() == self.base_url.origin()
    }

    /// `Err(ForeignUrl)` unless `url` has the base URL's origin.
    pub(super) fn check_origin(&self, url: &Url, what: &'static str) -> Result<(), ServerError> {
        if self.same_origin(url) {
            Ok(())
        } else {
            Err(ServerError::ForeignUrl {
                what,
                url: url.to_string(),
                base: self.base.clone(),
            })
        }
    }

    /// Whether a bearer token is configured.
    pub(super) fn has_token(&self) -> bool {
        self.token.is_some()
    }

    /// Sends a request and returns the response whatever its status.
    pub(super) async fn send(
        &self,
        method: Method,
        url: &Url,
        call: Call,
    ) -> Result<Response, ServerError> {
        let mut rq = self
            .client
            .request(method, url.clone())
            .header(ACCEPT, HeaderValue::from_static(call.accept));
        if call.respond_async {
            rq = rq.header("prefer", HeaderValue::from_static("respond-async"));
        }
        if call.token
            && let Some(t) = &self.token
        {
            rq = rq.bearer_auth(t);
        }
        if call.whole {
            rq = rq.timeout(self.request_timeout);
        }
        rq.send()
            .await
            .map_err(|e| transport_error(call.what, url, &e, self.request_timeout))
    }

    /// A GET with the token (to the base's origin only) of a JSON answer: the value, or the
    /// error status as a [`ServerError`].
    pub(super) async fn get_json(
        &self,
        url: &Url,
        what: &'static str,
    ) -> Result<Value, ServerError> {
        let token = self.same_origin(url);
        let resp = self
            .send(
                Method::GET,
                url,
                Call {
                    token,
                    ..Call::json(what)
                },
            )
            .await?;
        if !resp.status().is_success() {
            return Err(status_error(what, url, resp).await);
        }
        read_json(what, url, resp, self.request_timeout).await
    }

    /// The request timeout.
    pub(super) fn request_timeout(&self) -> Duration {
        self.request_timeout
    }
}

/// At most 5 redirects, never from `https` to `http`. (reqwest drops the `Authorization`
/// header itself on a redirect to another host or port.)
fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let downgrade = attempt.url().scheme() == "http"
            && attempt.previous().iter().any(|u| u.scheme() == "https");
        if downgrade {
            attempt.error("refused a redirect from https:// to http://")
        } else if attempt.previous().len() > 5 {
            attempt.error("more than 5 redirects")
        } else {
            attempt.follow()
        }
    })
}

/// Whether the URL's host is this machine (plain HTTP is allowed with a token there).
fn is_loopback(url: &Url) -> bool {
    match url.host_str() {
        Some(h) if h.eq_ignore_ascii_case("localhost") => true,
        Some(h) => h
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

/// Reads at most `limit` bytes of the body.
pub(super) async fn read_limited(
    what: &'static str,
    url: &Url,
    mut resp: Response,
    limit: usize,
    timeout: Duration,
) -> Result<Vec<u8>, ServerError> {
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| transport_error(what, url, &e, timeout))?
    {
        if body.len() + chunk.len() > limit {
            return Err(ServerError::BadResponse {
                url: url.to_string(),
                reason: format!("the answer is larger than {} MiB", limit >> 20),
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The body as JSON.
pub(super) async fn read_json(
    what: &'static str,
    url: &Url,
    resp: Response,
    timeout: Duration,
) -> Result<Value, ServerError> {
    let body = read_limited(what, url, resp, JSON_LIMIT, timeout).await?;
    serde_json::from_slice(&body).map_err(|e| ServerError::BadResponse {
        url: url.to_string(),
        reason: format!("not JSON: {e}"),
    })
}

/// The error of a 4xx/5xx answer: its status and what its body says.
pub(super) async fn status_error(what: &'static str, url: &Url, resp: Response) -> ServerError {
    let status = resp.status();
    let body = read_limited(what, url, resp, ERROR_BODY_LIMIT, Duration::from_secs(10))
        .await
        .unwrap_or_default();
    let diagnostics = outcome_text(&body);
    let url = url.to_string();
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        ServerError::Unauthorized {
            what,
            url,
            status: status.as_u16(),
            diagnostics,
        }
    } else {
        ServerError::Status {
            what,
            url,
            status: status.as_u16(),
            diagnostics,
        }
    }
}

/// The text of an `OperationOutcome`'s issues (`diagnostics`, else `details.text`, else the
/// codings' `display`), joined by `; `; a short plain-text body as it is; otherwise nothing.
pub(super) fn outcome_text(body: &[u8]) -> Option<String> {
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        let issues = v.get("issue")?.as_array()?;
        let texts: Vec<String> = issues
            .iter()
            .filter_map(|i| {
                let text = i["diagnostics"]
                    .as_str()
                    .or_else(|| i["details"]["text"].as_str())
                    .map(str::to_string)
                    .or_else(|| {
                        let codings = i["details"]["coding"].as_array()?;
                        let shown: Vec<&str> = codings
                            .iter()
                            .filter_map(|c| c["display"].as_str())
                            .collect();
                        (!shown.is_empty()).then(|| shown.join(", "))
                    })?;
                let text = text.trim().to_string();
                (!text.is_empty()).then_some(text)
            })
            .collect();
        return (!texts.is_empty()).then(|| printable(&texts.join("; ")));
    }
    let text = std::str::from_utf8(body).ok()?.trim();
    (!text.is_empty() && text.len() <= 300 && !text.starts_with('<')).then(|| printable(text))
}

/// The server's text made safe to print: control characters (terminal escapes, line breaks)
/// as spaces, at most 1000 characters.
fn printable(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(1000)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(1000).is_some() {
        out.push_str("...");
    }
    out
}

/// A failed request: `Unreachable` if no connection was made, else `Transport`.
pub(super) fn transport_error(
    what: &'static str,
    url: &Url,
    e: &reqwest::Error,
    timeout: Duration,
) -> ServerError {
    let url_s = url.to_string();
    let cause = root_cause(e);
    if e.is_connect() {
        let reason = if e.is_timeout() {
            "connection timed out".to_string()
        } else {
            cause
        };
        return ServerError::Unreachable { url: url_s, reason };
    }
    // Under TLS 1.3 the server judges the client's certificate after the client's side of
    // the handshake: its refusal arrives as an alert with the first response.
    if cause.starts_with("received fatal alert") {
        let refused_cert = [
            "CertificateRequired",
            "BadCertificate",
            "UnknownCA",
            "CertificateUnknown",
        ]
        .iter()
        .any(|a| cause.ends_with(a));
        let hint = if refused_cert {
            " (the server wants a client certificate it trusts: Auth::MutualTls)"
        } else {
            ""
        };
        return ServerError::Unreachable {
            url: url_s,
            reason: format!("{cause}{hint}"),
        };
    }
    let reason = if e.is_timeout() {
        format!("timed out (no answer within {}s)", timeout.as_secs())
    } else {
        cause
    };
    ServerError::Transport {
        what,
        url: url_s,
        reason,
    }
}

/// The innermost error of the chain, in words (`connection refused`, `dns error: ...`,
/// `invalid peer certificate: UnknownIssuer`).
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: &(dyn std::error::Error + 'static) = e;
    loop {
        if let Some(io) = cur.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            let kind = match io.kind() {
                ConnectionRefused => Some("connection refused"),
                ConnectionReset => Some("connection reset by the server"),
                ConnectionAborted => Some("connection aborted"),
                TimedOut => Some("connection timed out"),
                HostUnreachable => Some("host unreachable"),
                NetworkUnreachable => Some("network unreachable"),
                UnexpectedEof => Some("the server closed the connection"),
                _ => None,
            };
            if let Some(k) = kind {
                return k.to_string();
            }
        }
        match cur.source() {
            Some(next) => cur = next,
            None => return cur.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::outcome_text;

    #[test]
    fn what_an_error_body_says() {
        let oo = br#"{"resourceType":"OperationOutcome","issue":[
            {"severity":"error","code":"x","diagnostics":"first"},
            {"severity":"error","code":"x","details":{"text":"second"}},
            {"severity":"error","code":"x","details":{"coding":[{"display":"third"}]}},
            {"severity":"error","code":"x"}]}"#;
        assert_eq!(outcome_text(oo).as_deref(), Some("first; second; third"));
        assert_eq!(outcome_text(b"Not Found\n").as_deref(), Some("Not Found"));
        assert_eq!(
            outcome_text(b"bad\x1b[31m red").as_deref(),
            Some("bad [31m red")
        );
        assert_eq!(outcome_text(b"<html><body>502</body></html>"), None);
        assert_eq!(outcome_text(b"{\"error\": 1}"), None);
        assert_eq!(outcome_text(b""), None);
    }
}
