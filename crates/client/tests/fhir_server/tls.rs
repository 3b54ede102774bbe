//! HTTPS: the server's certificate checked against the CA given in `ca_pem` (the only root
//! trusted), mutual TLS with the site's client certificate, and the errors when either side's
//! certificate is wrong or missing.
use super::stub::*;
use sharestat_client::fhir_server::{Auth, ServerError, Via};
use sharestat_net::testpki::TestCa;
use sharestat_net::{PartyId, server_config};

/// A stub over mutual TLS serving one page of Patients by search; the CA that issued its
/// certificate and the client's.
async fn server() -> (String, Hits, TestCa) {
    let ca = TestCa::new("hospital CA");
    let id = ca.issue(PartyId::ALL[0], "localhost");
    let tls = server_config(&id, &ca.ca_pem, true).unwrap();
    let (base, hits) = stub_tls(tls, |_, hit, _| {
        if hit.target == "/metadata" {
            capability(false)
        } else {
            searchset(&[patient("p1"), patient("p2")], None)
        }
    })
    .await;
    (base, hits, ca)
}

fn client_auth(ca: &TestCa) -> Auth {
    let client = ca.issue(PartyId::ALL[1], "site-rome");
    Auth::MutualTls {
        cert_pem: client.cert_pem.into_bytes(),
        key_pem: client.key_pem.into_bytes(),
    }
}

#[tokio::test]
async fn mutual_tls_with_the_sites_certificate() {
    let (base, hits, ca) = server().await;
    let tmp = tempfile::tempdir().unwrap();
    let mut o = opts(&base, &["Patient"]);
    o.ca_pem = Some(ca.ca_pem.clone().into_bytes());
    o.auth = client_auth(&ca);
    let (r, _) = run(&o, tmp.path()).await;
    let d = r.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.via, Via::Search);
    assert_eq!(d.resources(), 2);
    assert_eq!(
        lines(&tmp.path().join("out/Patient.ndjson"))[1],
        patient("p2")
    );
    assert_eq!(hits.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_server_certificate_of_another_ca_is_refused() {
    let (base, hits, ca) = server().await;
    let tmp = tempfile::tempdir().unwrap();
    let mut o = opts(&base, &["Patient"]);
    o.ca_pem = Some(TestCa::new("some other CA").ca_pem.into_bytes());
    o.auth = client_auth(&ca);
    let (r, _) = run(&o, tmp.path()).await;
    let e = r.unwrap_err();
    assert!(matches!(e, ServerError::Unreachable { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!(
            "cannot reach the FHIR server at {base}/metadata: invalid peer certificate: UnknownIssuer"
        )
    );
    assert!(hits.lock().unwrap().is_empty());
    assert!(!tmp.path().join("out").exists());
}

#[tokio::test]
async fn without_a_client_certificate_the_server_refuses() {
    let (base, hits, ca) = server().await;
    let tmp = tempfile::tempdir().unwrap();
    let mut o = opts(&base, &["Patient"]);
    o.ca_pem = Some(ca.ca_pem.into_bytes());
    let (r, _) = run(&o, tmp.path()).await;
    let e = r.unwrap_err();
    assert!(matches!(e, ServerError::Unreachable { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!(
            "cannot reach the FHIR server at {base}/metadata: received fatal alert: \
             CertificateRequired (the server wants a client certificate it trusts: \
             Auth::MutualTls)"
        )
    );
    assert!(hits.lock().unwrap().is_empty());
    assert!(!tmp.path().join("out").exists());
}
