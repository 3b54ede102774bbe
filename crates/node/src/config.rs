//! Node configuration: the TOML file `sharestat consortium init` writes and `sharestat node`
//! reads. Relative paths are resolved against the directory of the config file.
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The whole configuration of one node.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    /// This node.
    pub node: NodeSection,
    /// Certificates and keys.
    pub tls: TlsSection,
    /// The two other nodes.
    pub peers: Vec<PeerSection>,
    /// Bootstrap administrator.
    pub admin: AdminSection,
    /// Logging.
    #[serde(default)]
    pub log: LogSection,
    /// Directory the config was read from (relative paths are resolved against it).
    #[serde(skip)]
    pub base_dir: PathBuf,
}

/// `[node]`: who this node is and where it listens.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSection {
    /// Party index 0, 1 or 2.
    pub party: u8,
    /// Node name: the DNS name in its certificate, used by peers to recognise it.
    pub name: String,
    /// Data directory (SQLite database).
    pub data_dir: PathBuf,
    /// HTTPS API listen address.
    pub api_listen: SocketAddr,
    /// Peer link listen address (mutual TLS).
    pub peer_listen: SocketAddr,
    /// Every wait on a peer inside a job ends after this many seconds.
    #[serde(default = "default_job_timeout")]
    pub job_timeout_secs: u64,
    /// Heartbeat interval on idle peer links, milliseconds.
    #[serde(default = "default_heartbeat")]
    pub heartbeat_ms: u64,
    /// A staged upload (begun, never prepared or committed) with no activity for this many
    /// seconds is aborted, its shares removed, and the expiry audited (default 24 h).
    #[serde(default = "default_upload_expiry")]
    pub upload_expiry_secs: u64,
}

/// `[tls]`: PEM files.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsSection {
    /// The consortium CA certificate.
    pub ca_cert: PathBuf,
    /// This node's certificate (server and client use).
    pub cert: PathBuf,
    /// This node's private key.
    pub key: PathBuf,
    /// Secret seed of the key that opens upload chunks relayed through another node (hex).
    #[serde(default)]
    pub upload_key: Option<PathBuf>,
}

/// `[[peers]]`: one other node.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeerSection {
    /// Its party index.
    pub party: u8,
    /// Its name (the DNS name its certificate must be valid for).
    pub name: String,
    /// Where its peer link listens (`host:port`).
    pub addr: String,
    /// Its API URL (for clients and tools).
    pub api_url: String,
    /// Its certificate, for reference (peers are verified against the CA and their name).
    pub cert: PathBuf,
}

/// `[admin]`: the bootstrap administrator account.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminSection {
    /// User name of the bootstrap administrator.
    pub user: String,
    /// SHA-256 (hex) of its token; the token itself is never stored by the node.
    pub token_sha256: String,
}

/// `[log]`: tracing filter and optional file.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSection {
    /// `tracing` filter, e.g. `info` or `sharestat_node=debug,info`.
    #[serde(default = "default_log")]
    pub filter: String,
    /// Append logs to this file instead of standard error.
    #[serde(default)]
    pub file: Option<PathBuf>,
}

impl Default for LogSection {
    fn default() -> Self {
        LogSection {
            filter: default_log(),
            file: None,
        }
    }
}

fn default_job_timeout() -> u64 {
    10
}
fn default_upload_expiry() -> u64 {
    24 * 3600
}
fn default_heartbeat() -> u64 {
    1000
}
fn default_log() -> String {
    "info".into()
}

/// A configuration problem, naming the file and what is wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML for a node configuration.
    #[error("{path}: {detail}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message (line and column included).
        detail: String,
    },
    /// The values are inconsistent.
    #[error("{path}: {detail}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
}

impl NodeConfig {
    /// Reads and checks a config file.
    pub fn load(path: &Path) -> Result<NodeConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.into(),
            source,
        })?;
        let mut cfg: NodeConfig = toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.into(),
            detail: e.to_string(),
        })?;
        cfg.base_dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        cfg.check().map_err(|detail| ConfigError::Invalid {
            path: path.into(),
            detail,
        })?;
        Ok(cfg)
    }

    fn check(&self) -> Result<(), String> {
        if self.node.party > 2 {
            return Err(format!("node.party = {} is not 0, 1 or 2", self.node.party));
        }
        let mut parties: Vec<u8> = self.peers.iter().map(|p| p.party).collect();
        parties.push(self.node.party);
        parties.sort_unstable();
        if parties != [0, 1, 2] {
            return Err(
                "there must be exactly two [[peers]], the parties other than node.party".into(),
            );
        }
        if self.admin.token_sha256.len() != 64 || hex::decode(&self.admin.token_sha256).is_err() {
            return Err("admin.token_sha256 must be 64 hex characters".into());
        }
        Ok(())
    }

    /// `p` resolved against the config's directory.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base_dir.join(p)
        }
    }

    /// Job timeout.
    pub fn job_timeout(&self) -> Duration {
        Duration::from_secs(self.node.job_timeout_secs.max(1))
    }

    /// How long a staged upload may stay without activity (at least 1 s).
    pub fn upload_expiry(&self) -> Duration {
        Duration::from_secs(self.node.upload_expiry_secs.max(1))
    }

    /// Serialises back to TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("config serialises")
    }
}
