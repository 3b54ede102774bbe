//! Throw-away public-key infrastructure for tests: a consortium CA and node identities made with
//! rcgen (ECDSA P-256). Public so that other crates' tests can build meshes too; never use
//! these for anything but tests.
use crate::config::{Identity, MeshConfig, PeerSpec};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use sharestat_mpc::PartyId;
use std::net::SocketAddr;

/// A certificate authority that can issue node certificates.
pub struct TestCa {
    cert: rcgen::Certificate,
    key: KeyPair,
    /// The CA certificate, PEM.
    pub ca_pem: String,
}

impl TestCa {
    /// A new self-signed CA with the given common name.
    pub fn new(common_name: &str) -> TestCa {
        let key = KeyPair::generate().expect("generate CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, common_name);
        params.distinguished_name = dn;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let cert = params.self_signed(&key).expect("self-sign CA");
        let ca_pem = cert.pem();
        TestCa { cert, key, ca_pem }
    }

    /// A node identity for `party` whose certificate has the SAN DNS name `name` and may be
    /// used as TLS server and client.
    pub fn issue(&self, party: PartyId, name: &str) -> Identity {
        let key = KeyPair::generate().expect("generate node key");
        let mut params = CertificateParams::new(vec![name.to_string()]).expect("node params");
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, name);
        params.distinguished_name = dn;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
        let cert = params
            .signed_by(&key, &self.cert, &self.key)
            .expect("sign node certificate");
        Identity {
            party,
            name: name.to_string(),
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }
}

/// The conventional name of party `i` in tests: `node{i}`.
pub fn node_name(party: PartyId) -> String {
    format!("node{}", party.index())
}

/// A CA and the identities of the three nodes, named `node0`, `node1`, `node2`.
pub fn consortium() -> (TestCa, [Identity; 3]) {
    let ca = TestCa::new("sharestat test consortium CA");
    let ids = PartyId::ALL.map(|p| ca.issue(p, &node_name(p)));
    (ca, ids)
}

/// Mesh configurations (default timings) for three nodes listening at `addrs`, peers named
/// `node0..2`.
pub fn mesh_configs(ca_pem: &str, ids: &[Identity; 3], addrs: [SocketAddr; 3]) -> [MeshConfig; 3] {
    PartyId::ALL.map(|me| {
        let peers = PartyId::ALL
            .into_iter()
            .filter(|&p| p != me)
            .map(|p| PeerSpec {
                party: p,
                name: node_name(p),
                addr: addrs[p.index()].to_string(),
            })
            .collect();
        MeshConfig::new(ids[me.index()].clone(), ca_pem.to_string(), peers)
    })
}
