//! rustls configurations built with the *ring* provider only, and the acceptor's check that a
//! client certificate is valid for the name of the party it claims to be.
//!
//! The server and client configurations are public because the node's HTTPS API uses the same
//! certificates; callers may clone a returned configuration to adjust e.g. ALPN.
use crate::config::Identity;
use crate::error::LinkError;
use rustls::RootCertStore;
use rustls::crypto::CryptoProvider;
use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use std::sync::Arc;

/// The crypto provider of every configuration here: rustls' *ring* provider.
pub fn ring_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn tls_err(what: &'static str) -> impl Fn(String) -> LinkError {
    move |detail| LinkError::Tls { what, detail }
}

/// Parses every certificate of a PEM bundle; at least one is required.
pub(crate) fn parse_certs(
    pem: &str,
    what: &'static str,
) -> Result<Vec<CertificateDer<'static>>, LinkError> {
    let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| tls_err(what)(e.to_string()))?;
    if certs.is_empty() {
        return Err(tls_err(what)("no certificate found in PEM".into()));
    }
    Ok(certs)
}

fn parse_key(pem: &str) -> Result<PrivateKeyDer<'static>, LinkError> {
    // The PEM parser's errors describe the structure, never the key bytes.
    PrivateKeyDer::from_pem_slice(pem.as_bytes())
        .map_err(|e| tls_err("node private key")(e.to_string()))
}

fn roots(ca_pem: &str) -> Result<Arc<RootCertStore>, LinkError> {
    let mut store = RootCertStore::empty();
    for cert in parse_certs(ca_pem, "CA bundle")? {
        store
            .add(cert)
            .map_err(|e| tls_err("CA bundle")(e.to_string()))?;
    }
    Ok(Arc::new(store))
}

/// A server configuration presenting `id`'s certificate. With `require_client_cert`, clients
/// must present a certificate issued by the CA of `ca_pem` (rustls' `WebPkiClientVerifier`);
/// without, no client certificate is asked for.
pub fn server_config(
    id: &Identity,
    ca_pem: &str,
    require_client_cert: bool,
) -> Result<Arc<rustls::ServerConfig>, LinkError> {
    let provider = ring_provider();
    let certs = parse_certs(&id.cert_pem, "node certificate")?;
    let key = parse_key(&id.key_pem)?;
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_err("server configuration")(e.to_string()))?;
    let builder = if require_client_cert {
        let verifier = WebPkiClientVerifier::builder_with_provider(roots(ca_pem)?, provider)
            .build()
            .map_err(|e| tls_err("client certificate verifier")(e.to_string()))?;
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    let config = builder
        .with_single_cert(certs, key)
        .map_err(|e| tls_err("node certificate and key")(e.to_string()))?;
    Ok(Arc::new(config))
}

/// A client configuration trusting the CA of `ca_pem`, presenting `client`'s certificate if
/// given.
pub fn client_config(
    ca_pem: &str,
    client: Option<&Identity>,
) -> Result<Arc<rustls::ClientConfig>, LinkError> {
    let builder = rustls::ClientConfig::builder_with_provider(ring_provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_err("client configuration")(e.to_string()))?
        .with_root_certificates(roots(ca_pem)?);
    let config = match client {
        Some(id) => {
            let certs = parse_certs(&id.cert_pem, "node certificate")?;
            let key = parse_key(&id.key_pem)?;
            builder
                .with_client_auth_cert(certs, key)
                .map_err(|e| tls_err("node certificate and key")(e.to_string()))?
        }
        None => builder.with_no_client_auth(),
    };
    Ok(Arc::new(config))
}

/// Checks that the end-entity certificate `cert` is valid for the DNS name `name`. Chain and
/// validity period are checked by the TLS handshake; this adds the name binding.
pub(crate) fn cert_valid_for_name(cert: &CertificateDer<'_>, name: &str) -> Result<(), String> {
    let server_name = ServerName::try_from(name).map_err(|e| e.to_string())?;
    let ee = webpki::EndEntityCert::try_from(cert).map_err(|e| e.to_string())?;
    ee.verify_is_valid_for_subject_name(&server_name)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testpki::TestCa;
    use sharestat_mpc::PartyId;

    #[test]
    fn name_check_accepts_own_name_only() {
        let ca = TestCa::new("test CA");
        let id = ca.issue(PartyId::ALL[0], "node0");
        let cert = parse_certs(&id.cert_pem, "node certificate").unwrap();
        assert!(cert_valid_for_name(&cert[0], "node0").is_ok());
        assert!(cert_valid_for_name(&cert[0], "node1").is_err());
    }

    #[test]
    fn configs_build_and_bad_pem_is_reported_without_content() {
        let ca = TestCa::new("test CA");
        let id = ca.issue(PartyId::ALL[1], "node1");
        server_config(&id, &ca.ca_pem, true).unwrap();
        server_config(&id, &ca.ca_pem, false).unwrap();
        client_config(&ca.ca_pem, Some(&id)).unwrap();
        client_config(&ca.ca_pem, None).unwrap();
        let mut broken = id.clone();
        broken.key_pem =
            "-----BEGIN PRIVATE KEY-----\nnot-base64!!\n-----END PRIVATE KEY-----\n".to_string();
        let err = server_config(&broken, &ca.ca_pem, true).unwrap_err();
        assert!(
            matches!(
                err,
                LinkError::Tls {
                    what: "node private key",
                    ..
                }
            ),
            "{err}"
        );
        assert!(!err.to_string().contains("not-base64"));
        let err = client_config("garbage", None).unwrap_err();
        assert!(
            matches!(
                err,
                LinkError::Tls {
                    what: "CA bundle",
                    ..
                }
            ),
            "{err}"
        );
    }
}
