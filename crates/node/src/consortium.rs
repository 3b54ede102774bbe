//! `sharestat consortium init`: a consortium CA, three node identities and their configs.
//!
//! Layout written under the target directory:
//!
//! ```text
//! ca/ca.pem  ca/ca-key.pem          CA certificate and key (move the key offline after init)
//! nodeI/node.toml                   node I's configuration
//! nodeI/cert.pem nodeI/key.pem      node I's certificate (server + client) and key
//! nodeI/ca.pem                      copy of the CA certificate
//! nodeI/admin-token                 node I's bootstrap admin token (only copy; mode 0600)
//! nodeI/upload-key                  secret seed opening chunks relayed to node I (mode 0600)
//! consortium.toml                   the nodes' API URLs and names, for clients and `up`
//! ```
//!
//! Each operator of a real deployment receives only their `nodeI/` directory.
use crate::config::{AdminSection, LogSection, NodeConfig, NodeSection, PeerSection, TlsSection};
use crate::token;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose, SanType,
};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// Options of `consortium init`.
#[derive(Clone, Debug)]
pub struct InitOptions {
    /// Host names (or IP addresses) of the three nodes; default: all on 127.0.0.1.
    pub hosts: Option<[String; 3]>,
    /// First API port; node I's API listens on `api_port + I` locally, or on `api_port` on
    /// real hosts.
    pub api_port: u16,
    /// First peer-link port, likewise.
    pub peer_port: u16,
}

impl Default for InitOptions {
    fn default() -> Self {
        InitOptions {
            hosts: None,
            api_port: 7441,
            peer_port: 7451,
        }
    }
}

/// What clients need to reach the consortium (written as `consortium.toml`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ConsortiumFile {
    /// The CA certificate, relative to this file.
    pub ca_cert: PathBuf,
    /// The three nodes.
    pub nodes: Vec<NodeEntry>,
}

/// One node as clients see it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NodeEntry {
    /// Party index.
    pub party: u8,
    /// Certificate name.
    pub name: String,
    /// HTTPS API base URL.
    pub api_url: String,
    /// The node's config file, relative to `consortium.toml` (local consortia only).
    pub config: PathBuf,
    /// Public key (hex) for chunks relayed through another node (see `sharestat_wire::sealed`).
    #[serde(default)]
    pub upload_key: Option<String>,
}

/// An error of `consortium init`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InitError {
    /// The directory already holds a consortium.
    #[error("{0} already contains a consortium (consortium.toml); choose an empty directory")]
    Exists(PathBuf),
    /// Writing a file failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Certificate generation failed.
    #[error("certificate generation failed: {0}")]
    Pki(#[from] rcgen::Error),
}

fn write(path: &Path, text: &str, private: bool) -> Result<(), InitError> {
    let err = |source| InitError::Write {
        path: path.into(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    std::fs::write(path, text).map_err(err)?;
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(err)?;
    }
    #[cfg(not(unix))]
    let _ = private;
    Ok(())
}

fn validity(params: &mut CertificateParams, years: i32) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let year = 1970 + (now / 31_556_952) as i32;
    params.not_before = rcgen::date_time_ymd(year, 1, 1);
    params.not_after = rcgen::date_time_ymd(year + years, 1, 1);
}

/// Creates a consortium under `dir`. Returns the admin tokens of the three nodes (also written
/// to `nodeI/admin-token`).
pub fn init(dir: &Path, opts: &InitOptions) -> Result<[String; 3], InitError> {
    if dir.join("consortium.toml").exists() {
        return Err(InitError::Exists(dir.into()));
    }
    let ca_key = KeyPair::generate()?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "sharestat consortium CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    validity(&mut ca_params, 10);
    let ca_cert = ca_params.self_signed(&ca_key)?;
    write(&dir.join("ca/ca.pem"), &ca_cert.pem(), false)?;
    write(&dir.join("ca/ca-key.pem"), &ca_key.serialize_pem(), true)?;

    let local = opts.hosts.is_none();
    let names: [String; 3] = match &opts.hosts {
        Some(h) => h.clone(),
        None => ["node0", "node1", "node2"].map(String::from),
    };
    let host = |i: usize| match &opts.hosts {
        Some(h) => h[i].clone(),
        None => "127.0.0.1".to_string(),
    };
    let port = |base: u16, i: usize| if local { base + i as u16 } else { base };
    let api_url = |i: usize| format!("https://{}:{}", host(i), port(opts.api_port, i));
    let peer_addr = |i: usize| format!("{}:{}", host(i), port(opts.peer_port, i));
    let listen_host = if local { "127.0.0.1" } else { "0.0.0.0" };

    let mut tokens = Vec::new();
    let mut upload_keys = Vec::new();
    for i in 0..3 {
        let nd = dir.join(format!("node{i}"));
        let key = KeyPair::generate()?;
        let mut p = CertificateParams::new(vec![names[i].clone()])?;
        p.distinguished_name
            .push(DnType::CommonName, names[i].clone());
        if local {
            p.subject_alt_names
                .push(SanType::IpAddress(IpAddr::from([127, 0, 0, 1])));
        } else if let Ok(ip) = names[i].parse::<IpAddr>() {
            p.subject_alt_names.push(SanType::IpAddress(ip));
        }
        p.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        validity(&mut p, 3);
        let cert = p.signed_by(&key, &ca_cert, &ca_key)?;
        write(&nd.join("cert.pem"), &cert.pem(), false)?;
        write(&nd.join("key.pem"), &key.serialize_pem(), true)?;
        write(&nd.join("ca.pem"), &ca_cert.pem(), false)?;
        let upload_seed = sharestat_wire::sealed::new_seed();
        write(&nd.join("upload-key"), &format!("{upload_seed}\n"), true)?;
        upload_keys
            .push(sharestat_wire::sealed::public_key(&upload_seed).expect("fresh seed is valid"));
        let admin_token = token::generate();
        write(&nd.join("admin-token"), &format!("{admin_token}\n"), true)?;
        let peers = (0..3)
            .filter(|&j| j != i)
            .map(|j| PeerSection {
                party: j as u8,
                name: names[j].clone(),
                addr: peer_addr(j),
                api_url: api_url(j),
                cert: PathBuf::from(format!("../node{j}/cert.pem")),
            })
            .collect();
        let cfg = NodeConfig {
            node: NodeSection {
                party: i as u8,
                name: names[i].clone(),
                data_dir: PathBuf::from("data"),
                api_listen: format!("{listen_host}:{}", port(opts.api_port, i))
                    .parse()
                    .expect("valid socket address"),
                peer_listen: format!("{listen_host}:{}", port(opts.peer_port, i))
                    .parse()
                    .expect("valid socket address"),
                job_timeout_secs: 10,
                heartbeat_ms: 1000,
                upload_expiry_secs: 24 * 3600,
            },
            tls: TlsSection {
                ca_cert: "ca.pem".into(),
                cert: "cert.pem".into(),
                key: "key.pem".into(),
                upload_key: Some("upload-key".into()),
            },
            peers,
            admin: AdminSection {
                user: "admin".into(),
                token_sha256: token::hash_hex(&admin_token),
            },
            log: LogSection::default(),
            base_dir: nd.clone(),
        };
        write(&nd.join("node.toml"), &cfg.to_toml(), false)?;
        tokens.push(admin_token);
    }
    let file = ConsortiumFile {
        ca_cert: "ca/ca.pem".into(),
        nodes: (0..3)
            .map(|i| NodeEntry {
                party: i as u8,
                name: names[i].clone(),
                api_url: api_url(i),
                config: format!("node{i}/node.toml").into(),
                upload_key: Some(upload_keys[i].clone()),
            })
            .collect(),
    };
    write(
        &dir.join("consortium.toml"),
        &toml::to_string_pretty(&file).expect("serialises"),
        false,
    )?;
    Ok(tokens.try_into().expect("three tokens"))
}

impl ConsortiumFile {
    /// Reads `consortium.toml` from a consortium directory.
    pub fn load(dir: &Path) -> Result<ConsortiumFile, String> {
        let path = dir.join("consortium.toml");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}
